"""A tab's session: training lowers the loss, a seed repeats a run, the extras use neuronlab's tools."""

import subprocess
import sys

import numpy as np
import pytest

import neuronlab
from neuronlab.classic import mistake_bound
from neuronlab.playground import ConfigError, Session


def losses(session, steps):
    return session.handle({"type": "step", "steps": steps})[0]


def test_training_lowers_the_test_loss_and_the_seed_repeats_it():
    a = Session({"dataset": "xor", "hidden": [6, 4], "learning_rate": 0.1, "seed": 5})
    start = a.run.frame()["test_loss"]
    after = losses(a, 300)
    assert after["test_loss"] < 0.6 * start
    b = Session({"dataset": "xor", "hidden": [6, 4], "learning_rate": 0.1, "seed": 5})
    assert losses(b, 300)["train_loss"] == after["train_loss"]
    c = Session({"dataset": "xor", "hidden": [6, 4], "learning_rate": 0.1, "seed": 6})
    assert losses(c, 300)["train_loss"] != after["train_loss"]


@pytest.mark.parametrize(
    "settings",
    [
        {"dataset": "spiral", "classes": 4, "optimizer": "adam", "learning_rate": 0.01, "batch_norm": True,
         "dropout": 0.2, "features": ["x1", "x2", "sinx1", "sinx2"], "regularization": "l1"},
        {"problem": "regression", "dataset": "multigauss", "optimizer": "nesterov", "init": "kaiming",
         "activation": "relu", "regularization": "l2"},
        {"dataset": "gauss", "optimizer": "rmsprop", "hidden": [], "learning_rate": 0.01},
        {"dataset": "moons", "optimizer": "adagrad", "activation": "gelu", "init": "normal"},
    ],
)  # fmt: skip
def test_every_kind_of_network_trains(settings):
    s = Session(settings)
    first = s.run.frame()
    frame = losses(s, 200)
    assert frame["train_loss"] < first["train_loss"] and not frame["diverged"]
    layers = s.run.describe()["layers"]
    assert [len(u) for u in frame["units"]] == layers[1:-1]
    assert [np.shape(w) for w in frame["weights"]] == list(zip(layers[1:], layers[:-1]))


def test_zero_init_keeps_the_units_of_a_layer_alike():
    s = Session({"init": "zeros", "hidden": [4], "dataset": "xor"})
    losses(s, 50)
    w = np.array(s.run.frame()["weights"][0])
    assert np.allclose(w, w[0])  # symmetry never breaks


def test_seconds_bound_the_steps_of_one_frame():
    s = Session()
    frame = s.handle({"type": "step", "steps": 1000, "seconds": 0.01})[0]
    assert 1 <= frame["step"] < 1000


@pytest.mark.parametrize(
    "message",
    [{"type": "step", "steps": 0}, {"type": "step", "steps": 10**6}, {"type": "step", "seconds": 5},
     {"type": "teleport"}, {"kind": "step"}, [], {"type": "explain", "layer": 9},
     {"type": "config", "config": {"batch_norm": True, "batch_size": 1}},
     {"type": "config", "config": {"dataset": "csv"}}, {"type": "csv", "text": 5}],
)  # fmt: skip
def test_bad_messages_raise_a_config_error_and_leave_the_session_as_it_was(message):
    s = Session()
    before = dict(s.config)
    with pytest.raises(ConfigError):
        s.handle(message)
    assert s.config == before


def test_explain_a_weight_agrees_with_autograd():
    s = Session({"hidden": [3], "seed": 1})
    losses(s, 20)
    m = s.handle({"type": "explain", "layer": 0, "row": 2, "col": 1, "sample": 4})[0]
    run = s.run
    run.model.eval()
    run.model.zero_grad()
    out = run.model(neuronlab.tensor(run.F_train[4:5]))
    run.loss_fn(out, run._target(run.y_train[4:5])).backward()
    assert m["gradient"] == pytest.approx(float(run.model[0].weight.grad.numpy()[2, 1]), rel=1e-5, abs=1e-9)
    assert m["chain"].startswith("dL/dw[2,1] = dL/dz2 · a1")
    assert "AddmmBackward0" in m["text"]  # nn.Linear's node, named as PyTorch names it
    bias = s.handle({"type": "explain", "layer": 1, "row": 0, "col": -1})[0]
    assert bias["chain"].startswith("dL/db[0]")


def test_landscape_is_centred_on_the_current_training_loss():
    s = Session({"hidden": [4]})
    losses(s, 30)
    m = s.handle({"type": "landscape"})[0]
    assert m["centre"] == pytest.approx(s.run.loss_on(s.run.F_train, s.run.y_train), rel=1e-4)
    assert m["min"] <= m["centre"] <= m["max"]


def test_perceptron_mode_stops_within_novikoffs_bound():
    s = Session({"mode": "perceptron", "n_samples": 200})
    for _ in range(50):
        frame = losses(s, 1)
        if frame["perceptron"]["converged"]:
            break
    p = frame["perceptron"]
    assert p["converged"] and frame["train_loss"] == 0.0
    X, y = s.run.X_train, s.run.y_train
    assert p["mistakes"] <= mistake_bound(X, y) and p["bound"] == pytest.approx(mistake_bound(X, y), abs=0.1)


def test_perceptron_on_noisy_moons_has_no_bound():
    s = Session({"mode": "perceptron", "n_samples": 200, "noise": 0.5})
    frame = losses(s, 3)
    assert frame["perceptron"]["bound"] is None and not frame["perceptron"]["converged"]


def test_csv_upload_switches_to_it():
    s = Session()
    text = "\n".join(f"{x},{-x},{int(x > 0)}" for x in np.linspace(-2, 2, 40))
    s.handle({"type": "csv", "text": text})
    assert s.config["dataset"] == "csv" and len(s.run.X_train) + len(s.run.X_test) == 40


@pytest.mark.parametrize(
    "settings, with_torch",
    [({"dataset": "circle", "hidden": [4, 2], "regularization": "l2", "dropout": 0.1}, False),
     ({"dataset": "spiral", "classes": 3, "batch_norm": True, "optimizer": "adam", "learning_rate": 0.01,
       "regularization": "l1", "features": ["x1", "x2", "x1sq"]}, True),
     ({"problem": "regression", "dataset": "plane", "optimizer": "momentum", "init": "kaiming"}, False)],
)  # fmt: skip
def test_exported_script_prints_the_playgrounds_numbers_and_runs_with_torch(tmp_path, settings, with_torch):
    s = Session(settings)
    frame = losses(s, 40)
    path = tmp_path / "play.py"
    path.write_text(s.handle({"type": "export"})[0]["script"])
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True).stdout
    assert f"train loss {frame['train_loss']:.6f}" in out and "steps 40" in out
    if not with_torch:  # importing torch takes seconds: one configuration covers the torch run
        return
    pytest.importorskip("torch")
    out = subprocess.run([sys.executable, str(path), "--torch", "--steps", "5"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "steps 5" in out and "train loss" in out

"""dropout: structure of a quick run's results (every rival's tuned setting recorded, the
reference recipe run, timings apart), figures and table, and the measuring functions (the claims
themselves are asserted by test_claims.py)."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab import nn
from neuronlab.engine.grad_mode import no_grad
from neuronlab.lab.experiments import dropout
from neuronlab.lab.experiments.dropout import measure, networks
from neuronlab.ops.creation import tensor

TUNED = ("none", "dropout", "swapped", "dropconnect", "weight_decay", "noise")


def _runs(quick_run):
    return [r["results"] for r in quick_run("dropout")["runs"]]


def test_every_rival_records_its_choice_on_validation(quick_run):
    for r in _runs(quick_run):
        for key in TUNED:
            v = r["variants"][key]
            assert v["chosen"] in v["grid"] and isinstance(v["interior"], bool)
            assert len(v["val_by_value"]) == len(v["grid"])
            assert v["val_accuracy"] == max(s for s in v["val_by_value"] if s is not None)
        both = r["variants"]["both"]
        assert "chosen" not in both  # dropout's lr with weight decay's λ, both chosen above


def test_gru_and_mlp_recipes_run_at_one_budget(quick_run):
    for r in _runs(quick_run):
        families = r["families"]
        assert families["steps"] == dropout.SIZES["gru_steps"][1]
        assert [families[k]["recipe"] for k in ("gru", "mlp")] == ["mnist1d-gru", "mnist1d-mlp"]
        assert families["gru"]["steps"] == families["mlp"]["steps"] == families["steps"]
        assert families["gru"]["published"] == 0.910


def test_reference_recipe_and_timings_kept_apart(quick_run):
    payload = quick_run("dropout")
    for r in _runs(quick_run):
        assert r["reference"]["recipe"] == "mnist1d-mlp" and 0.1 < r["reference"]["test_accuracy"] <= 1
        assert "timings" not in r
    for t in payload["timings"]["per_seed"]:
        assert 0 < t["dropout_step_min_seconds"] <= t["dropout_step_median_seconds"]
        assert 0 < t["dropconnect_step_min_seconds"] <= t["dropconnect_step_median_seconds"]


def test_variance_probe_covers_initialization_and_every_epoch(quick_run):
    for r in _runs(quick_run):
        for key in ("none", "dropout"):
            variance = np.asarray(r["variants"][key]["variance"])
            assert variance.shape == (r["epochs"] + 1, 2) and (variance > 0).all()


def test_figures_and_table(quick_run):
    runs = _runs(quick_run)
    figs = dropout.figures(runs)
    assert set(figs) == {"long_training", "activation_variance", "variants", "test_time"}
    assert all(isinstance(f, Figure) for f in figs.values())
    rows = dropout.table(runs).rows
    # the variants, the swapped rates at dropout's lr, the MLP recipe, the GRU and MLP recipes at one budget
    assert len(rows) == len(runs[0]["variants"]) + 4
    assert rows[-2][3] == pytest.approx(np.mean([r["families"]["gru"]["test_accuracy"] for r in runs]))


def test_scaled_eval_multiplies_each_dropout_output_by_the_keep_probability():
    model = networks.mlp(8, "dropout", rates=(0.5, 0.5))
    X = tensor(np.random.default_rng(0).standard_normal((4, networks.INPUTS)).astype(np.float32))
    model.eval()
    plain = model(X).detach().numpy()
    scaled = networks.scaled_eval_logits(model, X)
    assert not np.allclose(plain, scaled)
    for layer in model:
        if isinstance(layer, nn.Dropout):
            layer.p = 0.0  # keep probability 1: the scaling is the identity
    assert np.allclose(model(X).detach().numpy(), networks.scaled_eval_logits(model, X))


def test_dropconnect_drops_weights_and_noise_net_adds_noise_only_in_training():
    dc = networks.mlp(8, "dropconnect")
    assert sum(isinstance(m, nn.DropConnect) for m in dc) == 2
    noisy = networks.mlp(8, "noise", noise_std=0.5)
    X = tensor(np.ones((3, networks.INPUTS), dtype=np.float32))
    with no_grad():
        noisy.eval()
        assert np.allclose(noisy(X).numpy(), noisy(X).numpy())
        noisy.train()
        assert not np.allclose(noisy(X).numpy(), noisy(X).numpy())


def test_cross_entropy_and_late_swing():
    logits = np.array([[2.0, 0.0], [0.0, 1.0]])
    y = np.array([0, 1])
    expected = -(math.log(math.exp(2) / (math.exp(2) + 1)) + math.log(math.e / (1 + math.e))) / 2
    assert networks.cross_entropy(logits, y) == pytest.approx(expected)
    assert measure.late_swing([9.0, 9.0, 1.0, 2.0, 1.0]) == pytest.approx(1.0)

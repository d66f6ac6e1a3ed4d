"""A resumed run equals an uninterrupted one for every built-in callback and their
combinations (issue 14), and a refused resume changes nothing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import neuronlab as torch
from neuronlab import nn, optim
from neuronlab.datasets import make_moons
from neuronlab.train import Checkpoint, DivergenceGuard, EarlyStopping, Trainer

EPOCHS, CUT = 9, 2


def _data(seed):
    X, y = make_moons(160, noise=0.3, random_state=seed)
    return torch.tensor(X), torch.tensor(y)


def _callbacks(kinds, path):
    made = {
        # patience 2 on noisy validation data: stops within 9 epochs, restores the best weights
        "early": lambda: EarlyStopping(patience=2, restore_best_weights=True),
        # a tight explode factor makes rollbacks happen; snapshots every 3 healthy iterations
        "guard": lambda: DivergenceGuard(
            explode_factor=1.3, snapshot_every=3, max_retries=1000, snapshot_factor=1.2
        ),
        "checkpoint": lambda: Checkpoint(path),
    }
    return [made[k]() for k in kinds]


def _run(kinds, path, epochs, resume=False, scheduler=True):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Dropout(0.1), nn.Linear(16, 2))
    opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5) if scheduler else None
    trainer = Trainer(model, opt, nn.CrossEntropyLoss(), callbacks=_callbacks(kinds, path), scheduler=sched,
                      progress=False)  # fmt: skip
    trainer.fit(_data(0), val=_data(1), epochs=epochs, batch_size=16, resume_from=path if resume else None)
    return trainer


def _signature(trainer):
    weights = [p.detach().numpy().copy() for p in trainer.model.parameters()]
    epochs = [{k: v for k, v in r.items() if k != "time"} for r in trainer.history.epochs]  # wall clock
    return weights, trainer.epoch, trainer.iteration, epochs, [cb.state_dict() for cb in trainer.callbacks]


COMBINATIONS = [
    combo + ("checkpoint",) if last else ("checkpoint",) + combo
    for n in range(0, 3)
    for combo in itertools.permutations(("early", "guard"), n)
    for last in (True, False)
    if n > 0 or last
]


@pytest.mark.parametrize("kinds", COMBINATIONS, ids=["-".join(k) for k in COMBINATIONS])
def test_resumed_run_equals_uninterrupted(kinds, tmp_path):
    full = _run(kinds, tmp_path / "full.safetensors", EPOCHS)
    _run(kinds, tmp_path / "cut.safetensors", CUT)
    resumed = _run(kinds, tmp_path / "cut.safetensors", EPOCHS, resume=True)
    a, b = _signature(full), _signature(resumed)
    for x, y in zip(a[0], b[0]):
        np.testing.assert_array_equal(x, y)
    assert a[1:4] == b[1:4]
    assert _plain(a[4]) == _plain(b[4])


def _plain(tree):
    """Callback states with arrays turned into lists, for comparison."""
    if isinstance(tree, dict):
        return {k: _plain(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return [_plain(v) for v in tree]
    if isinstance(tree, torch.Tensor):
        return tree.numpy().tolist()
    if isinstance(tree, np.ndarray):
        return tree.tolist()
    return tree


def test_the_matrix_exercises_early_stopping_and_rollbacks(tmp_path):
    trainer = _run(("early", "guard", "checkpoint"), tmp_path / "x.safetensors", EPOCHS)
    early, guard = trainer.callbacks[1], trainer.callbacks[2]  # [0] steps the scheduler
    assert early.stopped_epoch is not None and early.stopped_epoch < EPOCHS  # it stopped early...
    assert early.stopped_epoch > CUT  # ...after the cut, so the resume has to carry its state
    assert guard.events, "the guard rolled back at least once"


def _trainer(opt_class=optim.SGD, kinds=("checkpoint",), path=None):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
    opt = opt_class(model.parameters(), lr=0.1)
    return Trainer(model, opt, nn.CrossEntropyLoss(), callbacks=_callbacks(kinds, path), progress=False)


@pytest.mark.parametrize(
    "change, message",
    [({"opt_class": optim.Adam}, "SGD optimizer"), ({"kinds": ("early", "checkpoint")}, "callbacks")],
)
def test_a_refused_resume_changes_nothing(change, message, tmp_path):
    path = tmp_path / "ckpt.safetensors"
    source = _trainer(path=path)
    source.fit(_data(0), epochs=2, batch_size=32)
    target = _trainer(**{"path": path, **change})
    target.optimizer.param_groups[0]["lr"] = 0.123
    before = [p.detach().numpy().copy() for p in target.model.parameters()]
    with pytest.raises(ValueError, match=message):
        target.fit(_data(0), epochs=4, batch_size=32, resume_from=path)
    after = [p.detach().numpy() for p in target.model.parameters()]
    assert all(np.array_equal(x, y) for x, y in zip(before, after))
    assert target.optimizer.param_groups[0]["lr"] == 0.123 and target.epoch == 0


def test_a_load_that_fails_midway_is_rolled_back(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    source = _trainer(path=path)
    source.fit(_data(0), epochs=2, batch_size=32)
    state = torch.load(path)
    state["history"] = {"broken": True}  # model and optimizer apply, then this fails
    target = _trainer(path=path)
    before = [p.detach().numpy().copy() for p in target.model.parameters()]
    with pytest.raises(KeyError):
        target.load_state_dict(state)
    assert all(np.array_equal(x, p.detach().numpy()) for x, p in zip(before, target.model.parameters()))
    assert target.epoch == 0 and target.optimizer.state_dict()["state"] == {}

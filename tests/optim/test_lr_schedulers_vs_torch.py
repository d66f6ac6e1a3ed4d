"""Every scheduler produces PyTorch's learning-rate sequence (two parameter groups, 50
epochs), survives a ``state_dict`` round trip, and validates its arguments."""

import math
import warnings

import numpy as np
import pytest
import torch

import neuronlab
import neuronlab.optim as optim

EPOCHS = 50


def make_optimizer(lib):
    w = lib.zeros(3, requires_grad=True)
    b = lib.zeros(1, requires_grad=True)
    return lib.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.02}], lr=0.1, momentum=0.9)


def scale_by_epoch(epoch):
    return 0.95**epoch


class Warmup:
    """A callable object (its attributes are saved by LambdaLR.state_dict)."""

    def __init__(self, length):
        self.length = length

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.length)


SCHEDULERS = {
    "StepLR": lambda s, opt: s.StepLR(opt, step_size=7, gamma=0.5),
    "MultiStepLR": lambda s, opt: s.MultiStepLR(opt, milestones=[5, 12, 12, 30], gamma=0.3),
    "ExponentialLR": lambda s, opt: s.ExponentialLR(opt, gamma=0.9),
    "CosineAnnealingLR": lambda s, opt: s.CosineAnnealingLR(opt, T_max=20, eta_min=0.001),
    "CosineAnnealingLR-no-min": lambda s, opt: s.CosineAnnealingLR(opt, T_max=7),
    "LambdaLR": lambda s, opt: s.LambdaLR(opt, lr_lambda=scale_by_epoch),
    "LambdaLR-per-group": lambda s, opt: s.LambdaLR(opt, lr_lambda=[Warmup(8), lambda e: 1 / (1 + e)]),
    "LinearLR-warmup": lambda s, opt: s.LinearLR(opt, start_factor=0.1, total_iters=10),
    "LinearLR-decay": lambda s, opt: s.LinearLR(opt, start_factor=1.0, end_factor=0.2, total_iters=20),
    "SequentialLR-warmup-cosine": lambda s, opt: s.SequentialLR(
        opt,
        [s.LinearLR(opt, start_factor=0.2, total_iters=5), s.CosineAnnealingLR(opt, T_max=30, eta_min=1e-4)],
        milestones=[5],
    ),
    "SequentialLR-three": lambda s, opt: s.SequentialLR(
        opt,
        [s.LinearLR(opt, start_factor=0.5, total_iters=4), s.StepLR(opt, 5, 0.5), s.ExponentialLR(opt, 0.8)],
        milestones=[6, 25],
    ),
}


def lr_sequence(lib, factory, epochs=EPOCHS):
    opt = make_optimizer(lib)
    sched = factory(lib.optim.lr_scheduler, opt)
    lrs = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
    return lrs


@pytest.mark.parametrize("name", SCHEDULERS)
def test_lr_sequence_matches_torch(name):
    ours = lr_sequence(neuronlab, SCHEDULERS[name])
    theirs = lr_sequence(torch, SCHEDULERS[name])
    np.testing.assert_allclose(ours, theirs, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", SCHEDULERS)
def test_state_dict_round_trip(name):
    """Save optimizer and scheduler after 20 epochs, rebuild both, load, continue: the
    remaining lrs are those of a run that never stopped."""
    factory = SCHEDULERS[name]
    uninterrupted = lr_sequence(neuronlab, factory)
    opt = make_optimizer(neuronlab)
    sched = factory(optim.lr_scheduler, opt)
    for _ in range(20):
        opt.step()
        sched.step()
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()

    opt2 = make_optimizer(neuronlab)
    sched2 = factory(optim.lr_scheduler, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    resumed = [sched2.get_last_lr()]
    for _ in range(EPOCHS - 20):
        opt2.step()
        sched2.step()
        resumed.append(sched2.get_last_lr())
    assert resumed == uninterrupted[20:]


CLOSED_FORM = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR-warmup"]


@pytest.mark.parametrize("name", CLOSED_FORM)
def test_step_with_epoch_uses_the_closed_form_like_torch(name):
    results = []
    for lib in (neuronlab, torch):
        opt = make_optimizer(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lrs = []
            for epoch in (3, 17, 8, 40):
                opt.step()
                sched.step(epoch)
                lrs.append(sched.get_last_lr())
        results.append(lrs)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-15)


METRICS = [1.0, 0.9, 0.85, 0.85, 0.86, 0.849, 0.9, 0.9, 0.91, 0.92, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79999, 0.8]
METRICS = METRICS + [0.8 + 0.01 * math.sin(i) for i in range(33)]

PLATEAU = {
    "defaults-patience-2": {"patience": 2},
    "min-abs-cooldown": {
        "patience": 1,
        "threshold": 0.01,
        "threshold_mode": "abs",
        "cooldown": 2,
        "factor": 0.5,
    },
    "max-rel": {"mode": "max", "patience": 0, "factor": 0.7},
    "max-abs": {"mode": "max", "patience": 1, "threshold": 0.005, "threshold_mode": "abs", "cooldown": 1},
    "min-lr-per-group": {"patience": 0, "factor": 0.5, "min_lr": [0.01, 0.005]},
    "min-lr-and-eps": {"patience": 0, "factor": 0.5, "min_lr": 0.004, "eps": 1e-3},
    "zero-patience-rel": {"patience": 0, "threshold": 0.05},
}


def plateau_sequence(lib, kwargs):
    opt = make_optimizer(lib)
    sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    lrs = [sched.get_last_lr()]
    for metric in METRICS:
        opt.step()
        sched.step(lib.tensor(metric) if len(lrs) % 2 else metric)  # numbers and 0-dim tensors
        lrs.append(sched.get_last_lr())
    return lrs, sched


@pytest.mark.parametrize("name", PLATEAU)
def test_reduce_lr_on_plateau_matches_torch(name):
    ours, ours_sched = plateau_sequence(neuronlab, PLATEAU[name])
    theirs, theirs_sched = plateau_sequence(torch, PLATEAU[name])
    assert ours == theirs
    assert len({tuple(lr) for lr in ours}) > 1  # the configuration does cut the lr
    for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch"):
        assert getattr(ours_sched, key) == getattr(theirs_sched, key)


def test_reduce_lr_on_plateau_state_dict_round_trip():
    kwargs = PLATEAU["min-abs-cooldown"]
    full, _ = plateau_sequence(neuronlab, kwargs)
    opt = make_optimizer(neuronlab)
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    for metric in METRICS[:10]:
        sched.step(metric)
    opt2 = make_optimizer(neuronlab)
    sched2 = optim.lr_scheduler.ReduceLROnPlateau(opt2)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sched.state_dict())
    rest = []
    for metric in METRICS[10:]:
        sched2.step(metric)
        rest.append(sched2.get_last_lr())
    assert rest == full[11:]


SCHEDULER_ERRORS = [
    (lambda s, o: s.LinearLR(o, start_factor=0.0), ValueError, "Starting multiplicative factor"),
    (lambda s, o: s.LinearLR(o, end_factor=1.5), ValueError, "Ending multiplicative factor"),
    (lambda s, o: s.LambdaLR(o, [scale_by_epoch]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda s, o: s.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
    (lambda s, o: s.ReduceLROnPlateau(o, mode="median"), ValueError, "mode median is unknown!"),
    (lambda s, o: s.ReduceLROnPlateau(o, threshold_mode="pct"), ValueError, "threshold mode pct is unknown!"),
    (lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs, got 1"),
    (lambda s, o: s.SequentialLR(o, [], []), ValueError, "expects at least one scheduler"),
    (
        lambda s, o: s.SequentialLR(o, [s.StepLR(o, 3)], [2]),
        ValueError,
        "one more than the number of milestone",
    ),
    (
        lambda s, o: s.SequentialLR(o, [s.ReduceLROnPlateau(o)], []),
        ValueError,
        "does not support `ReduceLROnPlateau`",
    ),
    (lambda s, o: s.StepLR(o, 3, last_epoch=4), KeyError, "initial_lr"),
    (lambda s, o: s.StepLR(object(), 3), TypeError, "object is not an Optimizer"),
]


@pytest.mark.parametrize("factory, error, message", SCHEDULER_ERRORS, ids=[e[2] for e in SCHEDULER_ERRORS])
def test_scheduler_argument_errors_match_torch(factory, error, message):
    for lib in (neuronlab, torch):
        with pytest.raises(error, match=message):
            factory(lib.optim.lr_scheduler, make_optimizer(lib))


def test_sequential_lr_rejects_a_scheduler_of_another_optimizer():
    s = optim.lr_scheduler
    opt, other = make_optimizer(neuronlab), make_optimizer(neuronlab)
    with pytest.raises(ValueError, match="same optimizer"):
        s.SequentialLR(opt, [s.StepLR(opt, 3), s.StepLR(other, 3)], [5])


def test_scheduler_records_initial_lr_like_torch():
    ours, theirs = make_optimizer(neuronlab), make_optimizer(torch)
    optim.lr_scheduler.StepLR(ours, 3)
    torch.optim.lr_scheduler.StepLR(theirs, 3)
    assert ours.state_dict()["param_groups"] == theirs.state_dict()["param_groups"]

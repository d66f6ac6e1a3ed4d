"""The ``Optimizer`` API: parameter groups, ``state_dict`` round trips, validation messages,
``zero_grad``, ``repr``, and that a step changes parameters in place and nothing else."""

import copy
import warnings

import numpy as np
import pytest
import torch

import neuronlab
import neuronlab.optim as optim

from .reference import Run, assert_same_trajectory, two_groups

FULL_STATE = [  # options that create every kind of state buffer
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True}),
]
IDS = [name for name, _ in FULL_STATE]


def run_steps(run, opt, steps):
    history = []
    for _ in range(steps):
        run.backward()
        opt.step()
        history.append(run.values())
    return history


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, kwargs", FULL_STATE, ids=IDS)
def test_state_dict_round_trip_continues_the_same_trajectory(name, kwargs, dtype):
    run = Run(neuronlab, dtype)
    opt = getattr(optim, name)(two_groups(run.params, weight_decay=0.02), **kwargs)
    uninterrupted = run_steps(run, opt, 30)

    first = Run(neuronlab, dtype)
    opt1 = getattr(optim, name)(two_groups(first.params, weight_decay=0.02), **kwargs)
    head = run_steps(first, opt1, 10)
    saved = copy.deepcopy(opt1.state_dict())

    second = Run(neuronlab, dtype)  # fresh tensors, given the values reached after 10 steps
    for p, value in zip(second.params, first.values()):
        p._data[...] = value
    opt2 = getattr(optim, name)(two_groups(second.params), **kwargs)  # options come from the save
    opt2.load_state_dict(saved)
    tail = run_steps(second, opt2, 20)
    for a, b in zip(head + tail, uninterrupted):
        for pa, pb in zip(a, b):
            np.testing.assert_array_equal(pa, pb)
    assert opt2.param_groups[0]["weight_decay"] == 0.02


@pytest.mark.parametrize("name, kwargs", FULL_STATE, ids=IDS)
def test_state_dict_has_torch_layout(name, kwargs):
    ours, theirs = Run(neuronlab, "float32"), Run(torch, "float32")
    opt_ours = getattr(optim, name)(two_groups(ours.params, weight_decay=0.02), **kwargs)
    opt_theirs = getattr(torch.optim, name)(two_groups(theirs.params, weight_decay=0.02), **kwargs)
    for run, opt in ((ours, opt_ours), (theirs, opt_theirs)):
        run_steps(run, opt, 3)
    sd_ours, sd_theirs = opt_ours.state_dict(), opt_theirs.state_dict()
    assert sd_ours["param_groups"] == sd_theirs["param_groups"]
    assert sd_ours["state"].keys() == sd_theirs["state"].keys()
    for index, state in sd_theirs["state"].items():
        assert sd_ours["state"][index].keys() == state.keys()
        for key, value in state.items():
            mine = sd_ours["state"][index][key]
            assert isinstance(mine, neuronlab.Tensor), key
            assert mine.dtype.name == str(value.dtype).removeprefix("torch."), key
            np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=1e-5, atol=1e-6, err_msg=key)


def test_load_state_dict_accepts_numpy_arrays_and_copies():
    run = Run(neuronlab, "float64")
    opt = optim.Adam(run.params, lr=0.01)
    run_steps(run, opt, 5)
    saved = opt.state_dict()
    as_numpy = {
        "state": {
            i: {k: (v.numpy() if k != "step" else float(v)) for k, v in s.items()}
            for i, s in saved["state"].items()
        },
        "param_groups": saved["param_groups"],
    }
    other = Run(neuronlab, "float64")
    opt2 = optim.Adam(other.params, lr=0.5)
    opt2.load_state_dict(as_numpy)
    state = opt2.state[other.params[0]]
    assert isinstance(state["exp_avg"], neuronlab.Tensor) and isinstance(state["step"], neuronlab.Tensor)
    assert float(state["step"]) == 5.0 and opt2.param_groups[0]["lr"] == 0.01
    assert not np.shares_memory(state["exp_avg"].numpy(), saved["state"][0]["exp_avg"].numpy())


def test_load_state_dict_rejects_mismatched_groups():
    run = Run(neuronlab, "float32")
    saved = optim.SGD(two_groups(run.params), lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD(run.params, lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([{"params": run.params[:1]}, {"params": run.params[1:]}], lr=0.1).load_state_dict(saved)


INVALID = [
    (optim.SGD, {"lr": -0.1}, "Invalid learning rate: -0.1"),
    (optim.SGD, {"lr": float("nan")}, "Invalid learning rate: nan"),
    (optim.SGD, {"momentum": -0.5}, "Invalid momentum value: -0.5"),
    (optim.SGD, {"weight_decay": -1e-4}, "Invalid weight_decay value: -0.0001"),
    (optim.SGD, {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    (optim.SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov momentum requires"),
    (optim.Adagrad, {"lr": -1.0}, "Invalid learning rate: -1.0"),
    (optim.Adagrad, {"lr_decay": -0.1}, "Invalid lr_decay value: -0.1"),
    (optim.Adagrad, {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    (optim.Adagrad, {"initial_accumulator_value": -0.1}, "Invalid initial_accumulator_value value: -0.1"),
    (optim.Adagrad, {"eps": -1e-10}, "Invalid epsilon value: -1e-10"),
    (optim.RMSprop, {"lr": -0.01}, "Invalid learning rate: -0.01"),
    (optim.RMSprop, {"alpha": -0.9}, "Invalid alpha value: -0.9"),
    (optim.RMSprop, {"eps": -1.0}, "Invalid epsilon value: -1.0"),
    (optim.RMSprop, {"momentum": -0.9}, "Invalid momentum value: -0.9"),
    (optim.RMSprop, {"weight_decay": -0.9}, "Invalid weight_decay value: -0.9"),
    (optim.Adam, {"lr": -0.001}, "Invalid learning rate: -0.001"),
    (optim.Adam, {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    (optim.Adam, {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    (optim.Adam, {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    (optim.Adam, {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    (optim.AdamW, {"lr": -0.001}, "Invalid learning rate: -0.001"),
    (optim.AdamW, {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1: 1.5"),
    (optim.AdamW, {"weight_decay": -0.01}, "Invalid weight_decay value: -0.01"),
]


@pytest.mark.parametrize("cls, kwargs, message", INVALID, ids=[f"{c.__name__}-{m}" for c, _, m in INVALID])
def test_invalid_hyperparameters_raise_value_error(cls, kwargs, message):
    with pytest.raises(ValueError) as info:
        cls([neuronlab.zeros(2, requires_grad=True)], **kwargs)
    assert str(info.value).startswith(message)
    if "nan" not in message:  # PyTorch's SGD lets a NaN lr through; neuronlab does not
        with pytest.raises(ValueError) as reference:
            getattr(torch.optim, cls.__name__)([torch.zeros(2, requires_grad=True)], **kwargs)
        assert str(reference.value) == str(info.value)


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW])
def test_bad_params_argument(cls):
    w = neuronlab.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        cls(w)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        cls([])
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        cls([w * 2])
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        cls([np.zeros(2)])
    with pytest.raises(ValueError, match="more than one parameter group"):
        cls([{"params": [w]}, {"params": [w]}])
    with pytest.raises(NotImplementedError, match="differentiable"):
        cls([w], differentiable=True)


def test_params_from_a_generator_and_named_params():
    run = Run(neuronlab, "float32")
    opt = optim.SGD((p for p in run.params), lr=0.1)
    assert opt.param_groups[0]["params"] == run.params
    named = optim.SGD([("w1", run.params[0]), ("b1", run.params[1])], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["w1", "b1"]
    assert named.state_dict()["param_groups"][0]["param_names"] == ["w1", "b1"]


def test_add_param_group_fills_defaults_and_is_stepped():
    run = Run(neuronlab, "float64")
    opt = optim.SGD(run.params[:2], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": run.params[2:], "lr": 0.01})
    group = opt.param_groups[1]
    assert group["lr"] == 0.01 and group["momentum"] == 0.9 and group["nesterov"] is False
    before = run.values()
    run.backward()
    opt.step()
    assert all(not np.array_equal(a, b) for a, b in zip(before, run.values()))
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {neuronlab.zeros(1, requires_grad=True)}})


@pytest.mark.parametrize("name, kwargs", FULL_STATE, ids=IDS)
def test_repr_matches_torch(name, kwargs):
    ours = getattr(optim, name)(two_groups(Run(neuronlab, "float32").params, lr=0.3), **kwargs)
    theirs = getattr(torch.optim, name)(two_groups(Run(torch, "float32").params, lr=0.3), **kwargs)
    assert repr(ours) == repr(theirs)
    assert repr(ours).startswith(f"{name} (\nParameter Group 0\n")


@pytest.mark.parametrize("name, kwargs", FULL_STATE, ids=IDS)
def test_step_is_in_place_reads_grad_only_and_reuses_buffers(name, kwargs):
    kwargs = {**kwargs, "maximize": True}
    run = Run(neuronlab, "float32")
    opt = getattr(optim, name)(run.params, **kwargs)
    arrays = [p._data for p in run.params]
    run.backward()
    opt.step()
    buffers = {(i, k): v._data for i, s in opt.state_dict()["state"].items() for k, v in s.items()}
    for _ in range(3):
        run.backward()
        grads = [p.grad._data.copy() for p in run.params]
        grad_arrays = [p.grad._data for p in run.params]
        versions = [p._version[0] for p in run.params]
        opt.step()
        for p, g, ga, v in zip(run.params, grads, grad_arrays, versions):
            assert p.grad._data is ga
            np.testing.assert_array_equal(p.grad._data, g)  # the gradient is only read
            assert p._version[0] == v + 1
    assert all(p._data is a for p, a in zip(run.params, arrays))
    after = {(i, k): v._data for i, s in opt.state_dict()["state"].items() for k, v in s.items()}
    assert after.keys() == buffers.keys() and all(after[k] is buffers[k] for k in buffers)
    assert len(opt._scratch) == len({(p.shape, p.dtype) for p in run.params})


@pytest.mark.parametrize("name, kwargs", FULL_STATE, ids=IDS)
def test_parameters_without_grad_are_skipped(name, kwargs):
    run = Run(neuronlab, "float32")
    frozen = neuronlab.ones(3, requires_grad=True)
    opt = getattr(optim, name)([*run.params, frozen], **kwargs)
    run.backward()
    opt.step()
    np.testing.assert_array_equal(frozen.detach().numpy(), np.ones(3))
    if name != "Adagrad":  # Adagrad builds every parameter's state up front, as PyTorch does
        assert frozen not in opt.state


def test_step_counter_is_a_float_tensor_like_torch():
    run = Run(neuronlab, "float32")
    opt = optim.Adam(run.params)
    run_steps(run, opt, 10)
    step = opt.state[run.params[0]]["step"]
    assert isinstance(step, neuronlab.Tensor) and step.shape == () and step.dtype is neuronlab.float32
    assert float(step) == 10.0


def test_adagrad_state_exists_before_the_first_step():
    ours = optim.Adagrad([neuronlab.zeros(2, requires_grad=True)], initial_accumulator_value=0.3)
    theirs = torch.optim.Adagrad([torch.zeros(2, requires_grad=True)], initial_accumulator_value=0.3)
    a, b = ours.state_dict()["state"][0], theirs.state_dict()["state"][0]
    assert a.keys() == b.keys() and float(a["step"]) == 0.0
    np.testing.assert_allclose(a["sum"].numpy(), b["sum"].numpy())


def test_zero_grad():
    run = Run(neuronlab, "float32")
    opt = optim.SGD(run.params, lr=0.1)
    run.backward()
    grad = run.params[0].grad
    opt.zero_grad(set_to_none=False)
    assert run.params[0].grad is grad and not grad.numpy().any()
    opt.zero_grad()
    assert all(p.grad is None for p in run.params)


def test_step_with_closure_returns_loss_and_records_inside_no_grad():
    run = Run(neuronlab, "float64")
    opt = optim.SGD(run.params, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = run.loss()
        loss.backward()
        return loss

    with neuronlab.no_grad():
        loss = opt.step(closure)
    assert isinstance(loss, neuronlab.Tensor) and loss.grad_fn is not None


def test_deepcopy_gives_an_independent_optimizer():
    run = Run(neuronlab, "float64")
    opt = optim.Adam(run.params, lr=0.01)
    run_steps(run, opt, 2)
    clone = copy.deepcopy(opt)
    assert clone.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    clone_buf = next(iter(clone.state.values()))["exp_avg"]
    assert not np.shares_memory(clone_buf.numpy(), next(iter(opt.state.values()))["exp_avg"].numpy())


def test_duplicate_parameters_warn():
    w = neuronlab.zeros(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optim.SGD([w, w], lr=0.1)
    assert any("duplicate parameters" in str(c.message) for c in caught)


def test_scheduled_lr_is_read_at_every_step():
    """An Adam trajectory under a cosine schedule equals PyTorch's: the optimizer reads the
    group's lr each step."""
    histories = []
    for lib in (neuronlab, torch):
        run = Run(lib, "float64")
        opt = lib.optim.Adam(two_groups(run.params, lr=0.05), lr=0.02)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=1e-3)
        history = []
        for _ in range(25):
            run.backward()
            opt.step()
            sched.step()
            history.append(run.values())
        histories.append(history)
    assert_same_trajectory(*histories, "float64")


def test_a_refused_step_or_state_changes_nothing():
    import neuronlab as nl

    a, b = nl.ones(2, requires_grad=True), nl.ones(3, requires_grad=True)
    opt = nl.optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = nl.ones(2), nl.ones(3)
    opt.param_groups[0]["lr"] = float("nan")
    with pytest.raises(ValueError, match="no parameter was updated"):
        opt.step()
    assert a.tolist() == [1.0, 1.0] and not opt.state
    opt.param_groups[0]["lr"] = 0.1
    opt.step()
    saved = opt.state_dict()
    saved["state"][1]["exp_avg"] = nl.zeros(2)  # belongs to a 2-element parameter, not b
    other = nl.optim.Adam([nl.ones(2, requires_grad=True), nl.ones(3, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="shape"):
        other.load_state_dict(saved)
    assert not other.state


@pytest.mark.parametrize(
    "cls, options",
    [(optim.SGD, {}), (optim.SGD, {"momentum": 0.9}), (optim.Adam, {}), (optim.Adam, {"amsgrad": True}),
     (optim.AdamW, {"amsgrad": True}), (optim.RMSprop, {}), (optim.RMSprop, {"centered": True, "momentum": 0.9}),
     (optim.Adagrad, {})],
)  # fmt: skip
def test_state_buffers_counts_the_state_an_optimizer_keeps(cls, options):
    """``state_buffers`` (what analysis.memory reads) equals the parameter-shaped buffers after a step."""
    w = neuronlab.ones(3, 2, requires_grad=True)
    optimizer = cls([w], lr=0.1, **options)
    (w * w).sum().backward()
    optimizer.step()
    kept = [v for v in optimizer.state[w].values() if isinstance(v, neuronlab.Tensor) and v.shape == w.shape]
    assert cls.state_buffers(optimizer.param_groups[0]) == len(kept)
    assert cls.state_buffers(options) == len(kept)

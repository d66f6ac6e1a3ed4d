"""``clip_grad_norm_`` / ``clip_grad_value_`` equal PyTorch's; the L1/L2 penalties are
differentiable and the L2 penalty is coupled weight decay; parameters <-> vector."""

import warnings

import numpy as np
import pytest
import torch

import neuronlab
import neuronlab.optim as optim
from neuronlab.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    l1_penalty,
    l2_penalty,
    parameters_to_vector,
    vector_to_parameters,
)

from .reference import Run

SHAPES = [(4, 3), (3,), (2, 2, 2), ()]


def params_with_grads(lib, dtype, scale=1.0, seed=0, skip=None):
    rng = np.random.default_rng(seed)
    params = []
    for i, shape in enumerate(SHAPES):
        p = lib.tensor(rng.standard_normal(shape), dtype=getattr(lib, dtype), requires_grad=True)
        if i != skip:
            p.grad = lib.tensor(rng.standard_normal(shape) * scale, dtype=getattr(lib, dtype))
        params.append(p)
    return params


TOL = {"float32": 1e-6, "float64": 1e-14}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, float("inf"), float("-inf"), 0.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])  # clipping, and a bound already met
def test_clip_grad_norm_matches_torch(norm_type, max_norm, dtype):
    ours, theirs = params_with_grads(neuronlab, dtype, skip=1), params_with_grads(torch, dtype, skip=1)
    total_ours = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    total_theirs = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total_ours, neuronlab.Tensor) and total_ours.shape == ()
    assert total_ours.dtype.name == str(total_theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(total_ours.numpy(), total_theirs.numpy(), rtol=TOL[dtype])
    for a, b in zip(ours, theirs):
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=TOL[dtype], atol=TOL[dtype])


def test_clip_grad_norm_bounds_the_norm_and_keeps_the_direction():
    params = params_with_grads(neuronlab, "float64", scale=10.0)
    before = np.concatenate([p.grad.numpy().ravel() for p in params])
    clip_grad_norm_(params, 1.0)
    after = np.concatenate([p.grad.numpy().ravel() for p in params])
    assert np.linalg.norm(after) <= 1.0
    np.testing.assert_allclose(after / np.linalg.norm(after), before / np.linalg.norm(before))


def test_clip_grad_norm_single_tensor_and_empty_inputs():
    w = neuronlab.tensor([3.0, 4.0], requires_grad=True)
    (w * w).sum().backward()
    assert float(clip_grad_norm_(w, 5.0)) == pytest.approx(10.0)
    np.testing.assert_allclose(w.grad.numpy(), [3.0, 4.0], rtol=1e-6)
    empty = clip_grad_norm_([neuronlab.zeros(2, requires_grad=True)], 1.0)
    assert float(empty) == 0.0 and empty.dtype is neuronlab.float32
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clip_grad_norm_((p for p in []), 1.0)
    assert any("empty generator" in str(c.message) for c in caught)


def test_clip_grad_norm_nonfinite():
    ours, theirs = params_with_grads(neuronlab, "float32"), params_with_grads(torch, "float32")
    ours[0].grad._data[0, 0] = np.inf
    theirs[0].grad[0, 0] = float("inf")
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    total_ours = clip_grad_norm_(ours, 1.0)
    total_theirs = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert float(total_ours) == float(total_theirs) == float("inf")
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_a_gradient_shared_by_two_parameters_is_scaled_once():
    g = neuronlab.tensor([3.0, 4.0])
    a, b = neuronlab.zeros(2, requires_grad=True), neuronlab.zeros(2, requires_grad=True)
    a.grad = g
    b.grad = g
    clip_grad_value_([a, b], 3.5)
    clip_grad_norm_([a, b], 1.0)
    np.testing.assert_allclose(g.numpy(), np.array([3.0, 3.5]) / np.sqrt(3.0**2 + 3.5**2), rtol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("clip_value", [0.1, 0.7, 5.0])
def test_clip_grad_value_matches_torch(clip_value, dtype):
    ours, theirs = params_with_grads(neuronlab, dtype, skip=2), params_with_grads(torch, dtype, skip=2)
    assert clip_grad_value_(ours, clip_value) is None
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    for a, b in zip(ours, theirs):
        if a.grad is not None:
            np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
            assert np.abs(a.grad.numpy()).max() <= clip_value


@pytest.mark.parametrize(
    "penalty, reference", [(l1_penalty, lambda p: p.abs().sum()), (l2_penalty, lambda p: (p * p).sum())]
)
def test_penalties_value_and_gradient_match_torch(penalty, reference):
    ours, theirs = params_with_grads(neuronlab, "float64"), params_with_grads(torch, "float64")
    for p in [*ours, *theirs]:
        p.grad = None
    value = penalty(ours)
    value.backward()
    expected = sum(reference(p) for p in theirs)
    expected.backward()
    np.testing.assert_allclose(value.detach().numpy(), expected.detach().numpy(), rtol=1e-14)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-14)
    assert float(penalty([])) == 0.0


def test_l2_penalty_is_coupled_weight_decay():
    """SGD on loss + (λ/2)·Σw² follows the same path as SGD(weight_decay=λ) on the loss."""
    lam, paths = 0.05, []
    for explicit in (True, False):
        run = Run(neuronlab, "float64")
        opt = optim.SGD(run.params, lr=0.1, momentum=0.9, weight_decay=0.0 if explicit else lam)
        path = []
        for _ in range(30):
            opt.zero_grad()
            loss = run.loss()
            if explicit:
                loss = loss + lam / 2 * l2_penalty(run.params)
            loss.backward()
            opt.step()
            path.append(np.concatenate([v.ravel() for v in run.values()]))
        paths.append(np.array(path))
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-12, atol=1e-14)


def test_more_weight_decay_gives_smaller_weights():
    norms = []
    for wd in (0.0, 0.01, 0.1):
        run = Run(neuronlab, "float64")
        opt = optim.AdamW(run.params, lr=0.05, weight_decay=wd)
        for _ in range(30):
            run.backward()
            opt.step()
        norms.append(float(l2_penalty(run.params)))
    assert norms[0] > norms[1] > norms[2]


def test_parameters_to_vector_and_back_match_torch():
    ours, theirs = params_with_grads(neuronlab, "float32"), params_with_grads(torch, "float32")
    vec = parameters_to_vector(ours)
    np.testing.assert_array_equal(
        vec.detach().numpy(), torch.nn.utils.parameters_to_vector(theirs).detach().numpy()
    )
    assert vec.requires_grad  # differentiable: a function of the parameters
    new = np.arange(vec.numel(), dtype=np.float32)
    with neuronlab.no_grad():
        vector_to_parameters(neuronlab.tensor(new), ours)
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    with pytest.raises(TypeError, match="expected neuronlab.Tensor"):
        vector_to_parameters(new, ours)
    with pytest.raises(ValueError, match="1-D with 24 elements"):
        vector_to_parameters(neuronlab.zeros(5), ours)

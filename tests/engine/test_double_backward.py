"""Second derivatives: backward passes recorded with ``create_graph=True`` and differentiated
again, against PyTorch and against finite differences of the first derivative."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import neuronlab

from .op_table import CASES, dtype_name, leaves, outputs, to_numpy
from .test_gradcheck_ops import differentiable_function

GRADGRAD_CASES = [c for c in CASES if c.row.gradgrad]


def tensor(m, array: np.ndarray, requires_grad: bool = False):
    t = m.tensor(array.copy()) if m is neuronlab else torch.from_numpy(array.copy())
    return t.requires_grad_(requires_grad)


# -- a small MLP: Hessian-vector product of its loss --------------------------------------------
def mlp_loss(m, x, y, w1, b1, w2, b2):
    """MSE of a 3-4-2 network with a tanh hidden layer (two linear layers)."""
    functional = m.nn.functional
    hidden = m.tanh(functional.linear(x, w1, b1))
    return functional.mse_loss(functional.linear(hidden, w2, b2), y)


def hessian_vector_product(m, arrays: dict, v: list) -> list:
    """H v for the MLP's weights, as ``grad(grad(loss, w, create_graph=True) · v, w)``."""
    params = [tensor(m, arrays[k], True) for k in ("w1", "b1", "w2", "b2")]
    loss = mlp_loss(m, tensor(m, arrays["x"]), tensor(m, arrays["y"]), *params)
    grads = m.autograd.grad(loss, params, create_graph=True)
    g_dot_v = sum((g * tensor(m, vi)).sum() for g, vi in zip(grads, v))
    return m.autograd.grad(g_dot_v, params)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_mlp_hessian_vector_product_matches_torch(dtype):
    rng = np.random.default_rng(0)
    shapes = {"x": (5, 3), "y": (5, 2), "w1": (4, 3), "b1": (4,), "w2": (2, 4), "b2": (2,)}
    arrays = {k: rng.standard_normal(s).astype(dtype) for k, s in shapes.items()}
    v = [rng.standard_normal(shapes[k]).astype(dtype) for k in ("w1", "b1", "w2", "b2")]
    ours = hessian_vector_product(neuronlab, arrays, v)
    theirs = hessian_vector_product(torch, arrays, v)
    rtol, atol = (1e-4, 1e-5) if dtype == "float32" else (1e-10, 1e-12)
    for o, t in zip(ours, theirs):
        assert dtype_name(o) == dtype
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=rtol, atol=atol)


# -- op by op: rows of the table marked gradgrad ------------------------------------------------
@pytest.mark.parametrize("case", GRADGRAD_CASES, ids=lambda c: c.id)
def test_gradgradcheck(case):
    """Finite differences of (inputs, v) -> vᵀ J with a random v, in float64."""
    tensors = leaves(neuronlab, case.arrays("float64"), case.row.grad)
    func, inputs = differentiable_function(case, tensors)
    assert neuronlab.autograd.gradgradcheck(func, inputs)


def second_derivatives(m, case, arrays, vs, us):
    """d/d(inputs, v) of Σ u ⊙ (vᵀ ∂out/∂inputs): the double-backward products."""
    xs = leaves(m, arrays, case.row.grad)
    diff = [x for x, g in zip(xs, case.row.grad) if g]
    outs = [o for o in outputs(case.row.fn(m, *xs)) if o.is_floating_point() and o.requires_grad]
    v = [tensor(m, a, True) for a in vs]
    grads = m.autograd.grad(outs, diff, v, create_graph=True)
    total = sum((g * tensor(m, u)).sum() for g, u in zip(grads, us))
    return m.autograd.grad(total, diff + v, allow_unused=True)


@pytest.mark.parametrize("case", GRADGRAD_CASES, ids=lambda c: c.id)
def test_double_backward_matches_torch(case):
    arrays = case.arrays("float64")
    rng = np.random.default_rng(3)
    probe = [o for o in outputs(case.row.fn(torch, *leaves(torch, arrays, case.row.grad))) if o.requires_grad]
    vs = [rng.standard_normal(tuple(o.shape)) for o in probe]
    us = [rng.standard_normal(a.shape) for a, g in zip(arrays, case.row.grad) if g]
    ours = second_derivatives(neuronlab, case, arrays, vs, us)
    theirs = second_derivatives(torch, case, arrays, vs, us)
    for k, (o, t) in enumerate(zip(ours, theirs)):
        # An unused input gets None or zeros depending on how each library builds the graph.
        o = np.zeros(t.shape) if o is None and t is not None else o
        t = np.zeros(o.shape) if t is None and o is not None else t
        if o is None:
            continue
        np.testing.assert_allclose(np.asarray(o if isinstance(o, np.ndarray) else to_numpy(o)),
                                   np.asarray(t if isinstance(t, np.ndarray) else to_numpy(t)),
                                   rtol=1e-10, atol=1e-12, err_msg=f"derivative {k}")  # fmt: skip


# -- autograd.functional.hessian ------------------------------------------------------------------
def scalar_function(m):
    def f(x, w):
        return (m.tanh(x @ w) ** 2).sum() + m.logsumexp(x, dim=1).mean() * w.norm()

    return f


def test_hessian_matches_torch():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 2)), rng.standard_normal((2,))
    ours = neuronlab.autograd.functional.hessian(
        scalar_function(neuronlab), (tensor(neuronlab, x), tensor(neuronlab, w))
    )
    theirs = torch.autograd.functional.hessian(scalar_function(torch), (tensor(torch, x), tensor(torch, w)))
    for i in range(2):
        for j in range(2):
            assert tuple(ours[i][j].shape) == tuple(theirs[i][j].shape)
            np.testing.assert_allclose(to_numpy(ours[i][j]), to_numpy(theirs[i][j]), rtol=1e-10, atol=1e-12)


def test_hessian_of_one_input_matches_torch():
    x = np.random.default_rng(2).uniform(0.5, 2.0, (2, 2))

    def f(m):
        return lambda t: (t.exp() * t.sin()).sum() + (t**3).prod().sqrt()

    ours = neuronlab.autograd.functional.hessian(f(neuronlab), tensor(neuronlab, x))
    theirs = torch.autograd.functional.hessian(f(torch), tensor(torch, x))
    assert tuple(ours.shape) == tuple(theirs.shape) == (2, 2, 2, 2)
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-10, atol=1e-12)


class DetachedSquare(neuronlab.autograd.Function):
    """x² whose backward detaches x: right first derivative, second derivative lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2.0 * x.detach() * grad


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = neuronlab.randn(3, dtype=neuronlab.float64, requires_grad=True)
    assert neuronlab.autograd.gradcheck(DetachedSquare.apply, (x,))
    assert not neuronlab.autograd.gradgradcheck(DetachedSquare.apply, (x,), raise_exception=False)

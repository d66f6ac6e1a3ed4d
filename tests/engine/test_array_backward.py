"""The two backward modes give the same gradients.

Without ``create_graph`` the engine passes bare arrays between nodes and calls each op's
``backward_numpy`` where it has one; with it, every op's tensor ``backward`` runs and is
recorded. Both are checked against PyTorch elsewhere; here they are checked against each
other, op by op, so a formula changed in one place and not the other fails by name.
"""

from __future__ import annotations

import numpy as np
import pytest

import neuronlab
from neuronlab.autograd import Function

from .op_table import CASES, leaves, outputs


def _grads(case, create_graph: bool) -> list:
    arrays = case.arrays("float64")
    inputs = leaves(neuronlab, arrays, case.row.grad)
    outs = [o for o in outputs(case.row.fn(neuronlab, *inputs)) if isinstance(o, neuronlab.Tensor)]
    outs = [o for o in outs if o.requires_grad]
    rng = np.random.default_rng(3)
    upstream = [neuronlab.tensor(rng.standard_normal(tuple(o.shape))) for o in outs]
    wanted = [t for t in inputs if t.requires_grad]
    grads = neuronlab.autograd.grad(outs, wanted, upstream, create_graph=create_graph, allow_unused=True)
    return [None if g is None else g.detach().numpy() for g in grads]


@pytest.mark.parametrize("case", [c for c in CASES if c.differentiable], ids=lambda c: c.id)
def test_array_mode_equals_tensor_mode(case):
    arrays_mode, tensor_mode = _grads(case, False), _grads(case, True)
    for i, (a, t) in enumerate(zip(arrays_mode, tensor_mode)):
        assert (a is None) == (t is None), f"input {i}"
        if a is not None:
            assert a.dtype == t.dtype and a.shape == t.shape, f"input {i}"
            np.testing.assert_allclose(a, t, rtol=1e-12, atol=1e-14, err_msg=f"input {i}")


def test_one_gradient_sent_to_two_inputs_is_not_aliased():
    """Add sends the same array to both operands; the leaf must own a copy."""
    x = neuronlab.tensor([1.0, 2.0], requires_grad=True)
    (x + x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    y = neuronlab.tensor([1.0, 2.0], requires_grad=True)
    z = neuronlab.tensor([3.0, 4.0], requires_grad=True)
    (y + z).sum().backward()
    y.grad += 1  # in place: must not change z.grad
    assert z.grad.tolist() == [1.0, 1.0]


def test_zero_dim_arithmetic_gives_tensors():
    """NumPy returns scalars (not arrays) from 0-d arithmetic; the engine wraps them back."""
    a = neuronlab.tensor(2.0, requires_grad=True)
    b = neuronlab.tensor(3.0, requires_grad=True)
    (a * b / a - b).backward()
    assert isinstance(a.grad, neuronlab.Tensor) and a.grad.shape == ()
    assert float(a.grad) == pytest.approx(0.0) and float(b.grad) == pytest.approx(0.0)
    (a * b).backward()
    assert float(a.grad) == pytest.approx(3.0)


def test_ops_without_backward_numpy_and_hooks_still_run_in_array_mode():
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2

    x = neuronlab.tensor([1.0, 2.0], dtype=neuronlab.float64, requires_grad=True)
    h = Cube.apply(x).tanh()
    seen = []
    h.register_hook(lambda g: seen.append(g.clone()) or g * 2)
    h.retain_grad()
    h.sum().backward()
    expected = 2 * (1 - np.tanh(np.array([1.0, 8.0])) ** 2) * 3 * np.array([1.0, 4.0])
    np.testing.assert_allclose(x.grad.numpy(), expected)
    assert isinstance(seen[0], neuronlab.Tensor) and seen[0].tolist() == [1.0, 1.0]
    assert h.grad.tolist() == [2.0, 2.0]


def test_identity_hooks_on_two_leaves_do_not_alias_their_grads():
    """A hook that returns the gradient it was given still gets a leaf its own copy."""
    y = neuronlab.tensor([1.0, 2.0], requires_grad=True)
    z = neuronlab.tensor([3.0, 4.0], requires_grad=True)
    y.register_hook(lambda g: g)
    z.register_hook(lambda g: g)
    ((y + z) * neuronlab.tensor([2.0, 3.0])).sum().backward()
    y.grad += 1
    assert z.grad.tolist() == [2.0, 3.0] and y.grad.tolist() == [3.0, 4.0]

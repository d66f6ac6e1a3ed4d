"""Every differentiable op of the table against central finite differences, in float64.

``gradcheck`` compares the whole Jacobian (one backward pass per output element against one
finite difference per input element), so every upstream gradient, random ones included,
is covered.
"""

from __future__ import annotations

import pytest

import neuronlab

from .op_table import CASES, leaves, outputs


def differentiable_function(case, tensors):
    """``case``'s op as a function of its differentiable inputs only, returning its floating
    outputs (indices and masks are constants of the check)."""
    grad = case.row.grad

    def func(*xs):
        it = iter(xs)
        args = [next(it) if g else t for t, g in zip(tensors, grad)]
        return tuple(o for o in outputs(case.row.fn(neuronlab, *args)) if o.is_floating_point())

    return func, [t for t, g in zip(tensors, grad) if g]


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.differentiable and c.row.gradcheck], ids=lambda c: c.id
)
def test_gradcheck(case):
    tensors = leaves(neuronlab, case.arrays("float64"), case.row.grad)
    func, inputs = differentiable_function(case, tensors)
    assert neuronlab.autograd.gradcheck(func, inputs)


# -- the checker itself ------------------------------------------------------------------------
class WrongSquare(neuronlab.autograd.Function):
    """x² with a backward off by a factor of 1.5: gradcheck must notice."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3.0 * x * grad


def test_gradcheck_catches_a_wrong_gradient():
    x = neuronlab.randn(3, dtype=neuronlab.float64, requires_grad=True)
    with pytest.raises(neuronlab.autograd.GradcheckError):
        neuronlab.autograd.gradcheck(WrongSquare.apply, (x,))
    assert not neuronlab.autograd.gradcheck(WrongSquare.apply, (x,), raise_exception=False)


def test_gradcheck_perturbs_a_non_contiguous_input():
    x = neuronlab.randn(3, 4, dtype=neuronlab.float64).T.detach().requires_grad_()
    assert not x.is_contiguous()
    assert neuronlab.autograd.gradcheck(lambda t: (t * t.exp()).sum(1), (x,))

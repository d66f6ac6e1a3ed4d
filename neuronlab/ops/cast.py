"""Dtype conversion and copying: ``to(dtype)``, ``clone``."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import astype
from neuronlab.engine.function import Function, named
from neuronlab.engine.tensor import Tensor


class ToDtype(Function):
    """out = x converted to another dtype;  grad_x = grad converted back (floating inputs only)."""

    grad_fn_name = "ToCopyBackward0"
    saves_inputs = False

    def forward(self, x, target):
        self.source = x.dtype
        return x.astype(target)

    def backward(self, grad):
        if self.source.kind != "f":
            return (None,)
        return (astype(grad, self.source),)


class Clone(Function):
    """out = a copy of x;  grad_x = grad."""

    grad_fn_name = "CloneBackward0"
    saves_inputs = False

    def forward(self, x):
        return x.copy()

    def backward(self, grad):
        return (grad,)


class Overwrite(Function):
    """out = value, broadcast to x's shape and cast to x's dtype: what ``zero_``, ``fill_``,
    ``copy_`` and the random fills write over x;  grad_x = 0 (the old values no longer reach
    the output), grad_value = grad."""

    saves_inputs = False

    def forward(self, x, value):
        return np.broadcast_to(value, x.shape).astype(x.dtype)

    def backward(self, grad):
        return (grad * 0.0 if self.needs_input_grad[0] else None), grad


def to_dtype(t: Tensor, target, copy: bool = False) -> Tensor:
    """``t`` converted to ``target`` (a neuronlab dtype); ``t`` itself when already of it."""
    if t._data.dtype == target.numpy and not copy:
        return t
    if target.numpy.kind != "f" and t._requires_grad:
        return Tensor._wrap(t._data.astype(target.numpy))
    return ToDtype.apply(t, target=target.numpy)


def clone(t: Tensor) -> Tensor:
    """A copy of ``t`` that stays connected to the graph."""
    return Clone.apply(t)


def overwrite(t: Tensor, value: Tensor, name: str) -> Tensor:
    """The values ``t`` holds after ``value`` is written over it, recorded for autograd; the
    node is named ``name``, PyTorch's name for the call (``zero_`` is ``ZeroBackward0``)."""
    return named(Overwrite.apply(t, value), name)

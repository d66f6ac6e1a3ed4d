"""``Parameter``: a tensor that a ``Module`` registers as learnable when assigned to it."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.tensor import Tensor


class Parameter(Tensor):
    """A learnable tensor: ``requires_grad=True`` by default, listed by ``Module.parameters()``.

    It shares storage with the tensor it is made from, as in PyTorch.

    Example:
        >>> w = nn.Parameter(neuronlab.zeros(3))
        >>> w.requires_grad
        True
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = Tensor._wrap(np.zeros((0,), dtype=np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): expected a Tensor, got {type(data).__name__}")
        p = object.__new__(cls)
        p._data = data._data
        p._requires_grad = False
        p._grad = None
        p.grad_fn = None
        p._version = data._version
        p._hooks = None
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad))


def _rebuild_parameter(array, requires_grad):
    return Parameter(Tensor._wrap(array), requires_grad)

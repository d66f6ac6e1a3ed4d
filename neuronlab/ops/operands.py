"""Turning the arguments of an op into tensors of one dtype, by PyTorch's promotion rules."""

from __future__ import annotations

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.cast import to_dtype

NUMBER = (int, float, bool, np.number, np.bool_)


def as_tensor_operand(value, like: np.dtype | None = None) -> Tensor:
    """A Tensor for ``value`` (a Tensor is returned as is)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, NUMBER):
        dt = like if like is not None else dtypes.scalar_dtype(value)
        return Tensor._wrap(np.asarray(value, dtype=dt))
    if isinstance(value, np.ndarray):
        return Tensor._wrap(value)
    raise TypeError(f"expected a Tensor or a number, got {type(value).__name__}")


def binary(a, b, op: str) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of the promoted dtype (a differentiable cast when needed)."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if ta and tb:
        da, db = a._data.dtype, b._data.dtype
        if da == db:
            return a, b
        target = dtypes.result_type([a._data, b._data], [])
        return cast(a, target), cast(b, target)
    if not ta and not tb:
        raise TypeError(
            f"{op}(): expected at least one Tensor, got {type(a).__name__} and {type(b).__name__}"
        )
    tensor, scalar = (a, b) if ta else (b, a)
    kind = tensor._data.dtype.kind
    if (kind == "f" and type(scalar) in (float, int)) or (kind in "iu" and type(scalar) is int):
        # Fast path: a Python number never changes a floating tensor's dtype (nor an int's).
        other = Tensor._wrap(np.asarray(scalar, dtype=tensor._data.dtype))
        return (tensor, other) if ta else (other, tensor)
    if not isinstance(scalar, NUMBER):
        if isinstance(scalar, np.ndarray):
            scalar = Tensor._wrap(scalar)
            return binary(a if ta else scalar, scalar if ta else b, op)
        raise TypeError(
            f"{op}(): unsupported operand type {type(scalar).__name__}; expected a Tensor or a number"
        )
    target = dtypes.result_type([tensor._data], [scalar])
    tensor = cast(tensor, target)
    other = Tensor._wrap(np.asarray(scalar, dtype=target))
    return (tensor, other) if ta else (other, tensor)


def cast(t: Tensor, target: np.dtype) -> Tensor:
    if t._data.dtype == target:
        return t
    return to_dtype(t, dtypes.from_numpy_dtype(target))


def floating_only(t: Tensor, op: str) -> Tensor:
    """``t`` itself if floating; PyTorch's error for an op without integer or bool kernels."""
    if t._data.dtype.kind != "f":
        raise NotImplementedError(
            f"{op}(): not implemented for {t.dtype} tensors (floating point only); convert with .float() first"
        )
    return t


def not_bool(t: Tensor, op: str) -> Tensor:
    """``t`` itself unless it is a bool tensor, which ``op`` refuses as PyTorch does."""
    if t._data.dtype.kind == "b":
        raise NotImplementedError(f"{op}(): not implemented for bool tensors")
    return t


def floating(t: Tensor) -> Tensor:
    """``t`` itself if floating, else cast to the default float dtype (``int / int``, ``exp(int)``)."""
    if t._data.dtype.kind == "f":
        return t
    return cast(t, dtypes.get_default_dtype().numpy)


def numpy_names(op: str, dim, keepdim, axis, keepdims, *, unset=None):
    """``dim`` and ``keepdim`` given under PyTorch's NumPy-style names, ``axis`` and ``keepdims``
    (``x.sum(axis=1, keepdims=True)``, issue 13). Both names of one argument are PyTorch's
    TypeError; ``unset`` is ``dim``'s default (``()`` for amax/amin), which cannot be told
    from the same value given explicitly."""
    if axis is not None:
        if dim is not unset and dim != unset:
            raise TypeError(f"{op}() got an unexpected keyword argument 'axis': it is another name "
                            f"for dim, given already as {dim!r}")  # fmt: skip
        dim = axis
    if keepdims is not None:
        if keepdim:
            raise TypeError(f"{op}() got an unexpected keyword argument 'keepdims': it is another "
                            "name for keepdim, given already")  # fmt: skip
        keepdim = keepdims
    return dim, keepdim


def required_dim(op: str, dim):
    """``dim`` of an op that needs one (``cumsum(x)`` is a TypeError, as in PyTorch)."""
    if dim is None:
        raise TypeError(f"{op}() missing 1 required positional argument: 'dim' (or axis)")
    return dim

"""Comparisons and logical ops. They return bool tensors and have no gradient."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import broadcast_error
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.operands import NUMBER, binary


def _compare(a, b, func, op: str) -> Tensor:
    if not isinstance(b, Tensor | np.ndarray) and not isinstance(b, NUMBER):
        return NotImplemented
    return _elementwise(*binary(a, b, op), func, op)


def _elementwise(ta: Tensor, tb: Tensor, func, op: str) -> Tensor:
    """``func`` on the promoted operands' arrays (no gradient: a bool or integer result)."""
    try:
        return Tensor._wrap(np.asarray(func(ta._data, tb._data)))
    except ValueError:
        raise broadcast_error(op, (ta, tb)) from None


def eq(input, other) -> Tensor:
    """Elementwise ``input == other``."""
    return _compare(input, other, np.equal, "eq")


def ne(input, other) -> Tensor:
    """Elementwise ``input != other``."""
    return _compare(input, other, np.not_equal, "ne")


def lt(input, other) -> Tensor:
    """Elementwise ``input < other``."""
    return _compare(input, other, np.less, "lt")


def le(input, other) -> Tensor:
    """Elementwise ``input <= other``."""
    return _compare(input, other, np.less_equal, "le")


def gt(input, other) -> Tensor:
    """Elementwise ``input > other``."""
    return _compare(input, other, np.greater, "gt")


def ge(input, other) -> Tensor:
    """Elementwise ``input >= other``."""
    return _compare(input, other, np.greater_equal, "ge")


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_not(input) -> Tensor:
    """Elementwise NOT (non-zero counts as True)."""
    return Tensor._wrap(np.logical_not(input._data))


def logical_and(input, other) -> Tensor:
    return _compare(input, other, np.logical_and, "logical_and")


def logical_or(input, other) -> Tensor:
    return _compare(input, other, np.logical_or, "logical_or")


def logical_xor(input, other) -> Tensor:
    return _compare(input, other, np.logical_xor, "logical_xor")


def _bitwise(a, b, func, op: str) -> Tensor:
    """A bitwise op on integer tensors (logical on bool ones), after PyTorch's promotion."""
    ta, tb = binary(a, b, op)
    if ta._data.dtype.kind == "f":
        raise NotImplementedError(
            f"{op}(): not implemented for {ta.dtype} tensors; bitwise ops take integer or bool tensors"
        )
    return _elementwise(ta, tb, func, op)


def bitwise_and(input, other) -> Tensor:
    """Elementwise ``input & other``: bitwise on integers, logical AND on bools."""
    return _bitwise(input, other, np.bitwise_and, "bitwise_and")


def bitwise_or(input, other) -> Tensor:
    """Elementwise ``input | other``: bitwise on integers, logical OR on bools."""
    return _bitwise(input, other, np.bitwise_or, "bitwise_or")


def bitwise_xor(input, other) -> Tensor:
    """Elementwise ``input ^ other``: bitwise on integers, logical XOR on bools."""
    return _bitwise(input, other, np.bitwise_xor, "bitwise_xor")


def bitwise_not(input) -> Tensor:
    """Elementwise ``~input``: bitwise NOT on integers, logical NOT on bools."""
    if input._data.dtype.kind == "f":
        raise TypeError("bitwise_not(): only integer and bool tensors are supported")
    return Tensor._wrap(np.invert(input._data))


def isnan(input) -> Tensor:
    """True where an element is NaN."""
    return Tensor._wrap(np.isnan(input._data))


def isinf(input) -> Tensor:
    """True where an element is +inf or -inf."""
    return Tensor._wrap(np.isinf(input._data))


def isfinite(input) -> Tensor:
    """True where an element is neither inf nor NaN."""
    return Tensor._wrap(np.isfinite(input._data))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """|input - other| <= atol + rtol |other|, elementwise."""
    a, b = binary(input, other, "isclose")
    return Tensor._wrap(np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True when every element is close (see ``isclose``)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other) -> bool:
    """True when both tensors have the same shape and elements."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))

"""Data types and PyTorch's type-promotion rules.

A ``dtype`` names a NumPy scalar type and carries the attributes PyTorch code reads
(``is_floating_point``, ``itemsize``). ``float32`` is the default floating type, as in
PyTorch; NumPy's own default (float64) never leaks into a result by accident.
"""

from __future__ import annotations

import builtins as _builtins  # the aliases below shadow float/int/bool

import numpy as np


class dtype:  # noqa: N801 - PyTorch's name
    """A tensor element type (``neuronlab.float32``, ``neuronlab.int64``, ...)."""

    __slots__ = ("name", "numpy", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name: str, numpy_type: type) -> None:
        self.name = name
        self.numpy = np.dtype(numpy_type)
        self.is_floating_point = self.numpy.kind == "f"
        self.is_signed = self.numpy.kind in "fi"
        self.itemsize = self.numpy.itemsize

    def __repr__(self) -> str:
        return f"neuronlab.{self.name}"

    def __reduce__(self):  # so dtypes survive copy/deepcopy as the same singletons
        return (as_dtype, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

ALL_DTYPES = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_BY_NUMPY = {d.numpy: d for d in ALL_DTYPES}
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update(half=float16, float=float32, double=float64, short=int16, int=int32, long=int64)

_default_float = float32


def get_default_dtype() -> dtype:
    """The floating dtype of ``tensor([1.5])`` and of ``randn``: float32 unless changed."""
    return _default_float


def set_default_dtype(d) -> None:
    """Change the default floating dtype (float32 or float64), like ``torch.set_default_dtype``."""
    global _default_float
    d = as_dtype(d)
    if d not in (float32, float64):
        raise TypeError(f"set_default_dtype(): only float32 and float64 are supported, got {d}")
    _default_float = d


def as_dtype(value) -> dtype:
    """Convert a neuronlab dtype, NumPy dtype, Python type or name to a neuronlab dtype."""
    if type(value) is dtype:
        return value
    if isinstance(value, str):
        name = value.removeprefix("torch.").removeprefix("neuronlab.")
        if name in _BY_NAME:
            return _BY_NAME[name]
    elif value is builtins_float:
        return _default_float
    elif value is builtins_int:
        return int64
    elif value is builtins_bool:
        return bool
    else:
        try:
            found = _BY_NUMPY.get(np.dtype(value))
        except TypeError:
            found = None
        if found is not None:
            return found
    raise TypeError(
        f"dtype {value!r} is not supported by neuronlab; use one of " + ", ".join(d.name for d in ALL_DTYPES)
    )


def from_numpy_dtype(npdtype: np.dtype) -> dtype:
    """The neuronlab dtype of a NumPy array; ``TypeError`` for complex, object, strings."""
    found = _BY_NUMPY.get(npdtype)
    if found is None:
        raise TypeError(
            f"NumPy arrays of dtype {npdtype} cannot become tensors; supported: "
            + ", ".join(d.name for d in ALL_DTYPES)
        )
    return found


builtins_float, builtins_int, builtins_bool = _builtins.float, _builtins.int, _builtins.bool


def category(npdtype: np.dtype) -> _builtins.int:
    """0 for bool, 1 for integers, 2 for floating types (PyTorch's promotion categories)."""
    kind = npdtype.kind
    return 2 if kind == "f" else 0 if kind == "b" else 1


def scalar_dtype(value) -> np.dtype:
    """The dtype a Python scalar gets when it stands alone: bool, int64 or the default float."""
    if isinstance(value, builtins_bool | np.bool_):
        return np.dtype(np.bool_)
    if isinstance(value, builtins_int | np.integer):
        return np.dtype(np.int64)
    if isinstance(value, builtins_float | np.floating):
        return _default_float.numpy
    raise TypeError(f"expected a number, got {type(value).__name__}")


def result_type(arrays: list, scalars: list) -> np.dtype:
    """PyTorch's promotion for an op over tensors (as NumPy arrays) and Python scalars.

    Dimensioned tensors outrank zero-dimensional ones, which outrank Python scalars; a
    lower-ranked operand only changes the result when its category (bool < int < float)
    is higher than every higher-ranked operand's. ``float32 tensor * 2.5`` stays float32,
    ``int64 tensor * 2.5`` becomes float32 (the default dtype).
    """
    groups = (
        [a.dtype for a in arrays if a.ndim > 0],
        [a.dtype for a in arrays if a.ndim == 0],
        [scalar_dtype(s) for s in scalars],
    )
    top = max(category(d) for g in groups for d in g)
    for group in groups:
        best = [d for d in group if category(d) == top]
        if best:
            out = best[0]
            for d in best[1:]:
                out = np.promote_types(out, d)
            return out
    raise AssertionError("unreachable: no operands")

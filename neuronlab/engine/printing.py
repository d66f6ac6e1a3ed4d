"""``repr(tensor)`` in PyTorch's format: ``tensor([1.0000, 2.5000], requires_grad=True)``."""

from __future__ import annotations

import numpy as np

_DEFAULT_SHOWN = {"float32", "int64", "bool"}


def _float_formatter(array: np.ndarray):
    finite = np.abs(array[np.isfinite(array)]).astype(np.float64)
    nonzero = finite[finite != 0]
    integral = finite.size == 0 or np.all(np.floor(finite) == finite)
    if nonzero.size == 0:
        fmt = "{:.0f}." if integral else "{:.4f}"
    elif integral:
        fmt = "{:.4e}" if nonzero.max() > 1e8 else "{:.0f}."
    else:
        big, small = nonzero.max(), nonzero.min()
        fmt = "{:.4e}" if big / small > 1000 or big > 1e8 or small < 1e-4 else "{:.4f}"

    def text(v) -> str:
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return fmt.format(v)

    width = max((len(text(v)) for v in array.ravel()), default=1)
    return lambda v: text(v).rjust(width)


def _body(array: np.ndarray) -> str:
    kind = array.dtype.kind
    if kind == "f":
        formatter = {"float_kind": _float_formatter(array)}
    elif kind == "b":
        formatter = {"bool": lambda v: str(bool(v)).rjust(5 if not array.all() else 4)}
    else:
        width = max((len(str(v)) for v in array.ravel()), default=1)
        formatter = {"int_kind": lambda v: str(v).rjust(width)}
    return np.array2string(
        array, separator=", ", prefix="tensor(", formatter=formatter, threshold=1000,
        edgeitems=3, max_line_width=80,
    )  # fmt: skip


def tensor_repr(t) -> str:
    array = t._data
    if array.ndim == 0:
        body = _body(array.reshape(1))[1:-1].strip()
    elif array.size == 0:
        body = "[]"
    else:
        body = _body(array)
    suffix = []
    if array.size == 0 and array.shape != (0,):
        suffix.append(f"size={tuple(array.shape)}")
    if array.dtype.name not in _DEFAULT_SHOWN:
        suffix.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{t.grad_fn.name().rpartition('::')[2]}>")  # CopySlices, as PyTorch prints it
    elif t._requires_grad:
        suffix.append("requires_grad=True")
    return _add_suffixes("tensor(" + body, suffix, indent=len("tensor("))


def _add_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int = 80) -> str:
    """PyTorch's ``_add_suffixes``: a suffix that would take the last line past ``linewidth``
    goes on a line of its own, indented under the body."""
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1  # PyTorch's count (rfind's -1 included)
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(parts) + ")"

"""The ``out=`` argument, as PyTorch handles it: the one place every op writes its result into a
tensor the user gave.

PyTorch's rules, in the order it applies them:

1. ``out=`` and autograd do not mix: if grad mode is on and an input (or ``out`` itself)
   requires grad, the op raises ``"<op>(): functions with out=... arguments don't support
   automatic differentiation, but one of the arguments requires grad."``
2. dtype: most ops (linalg's, matmul) want ``out`` of exactly the result's dtype
   (``exact_dtype``); elementwise ops accept any dtype the result can be cast to (not a float
   into an integer, not a number into bool).
3. shape: an ``out`` of another shape is resized; if it held elements, with PyTorch's
   deprecation warning.
4. the values are copied in (``out``'s version counter moves, as an in-place op's does) and
   ``out`` itself is returned.

A few of PyTorch's ops are compositions whose ``out=`` is a recorded ``out.copy_(result)``
(``linalg.norm``, ``linalg.matrix_norm``): they accept inputs that require grad, and ``out``
then carries the gradient (``differentiable=True``).
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor

# C++ scalar type names, which PyTorch's "Expected out tensor to have dtype ..." prints.
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}  # fmt: skip
# PyTorch's ScalarType names, which its casting error prints.
_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}  # fmt: skip


def write_out(
    result: Tensor, out: Tensor | None, op: str, *, exact_dtype: bool = True, differentiable: bool = False
) -> Tensor:
    """``result`` itself if ``out`` is None, else ``out`` holding ``result``'s values (see the
    module docstring for PyTorch's rules; ``op`` is the name its errors print)."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if not differentiable:
        check_no_grad(op, result, out)
    _check_dtype(result, out, exact_dtype)
    if differentiable:
        _resize(out, result._data.shape)
        return out.copy_(result)
    _copy(result, out)
    return out


def write_outs(results: tuple, out, op: str, *, exact_dtype: bool = True) -> tuple:
    """``write_out`` for an op with several outputs: ``out`` is a tuple of as many tensors
    (``svd(A, out=(U, S, Vh))``); returns ``results``' namedtuple type holding them."""
    if out is None:
        return results
    if not isinstance(out, tuple | list):
        raise TypeError(f"{op}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}")
    if len(out) != len(results):
        raise TypeError(f"expected tuple of {len(results)} elements but got {len(out)}")
    check_no_grad(op, *results, *out)
    for r, o in zip(results, out):
        _check_dtype(r, o, exact_dtype)
    for r, o in zip(results, out):
        _copy(r, o)
    return type(results)(*out)


def check_no_grad(op: str, *tensors: Tensor) -> None:
    """PyTorch's refusal of ``out=`` where autograd would have to record the op. A result
    requires grad exactly when grad mode is on and one of its op's inputs requires grad."""
    if STATE.enabled and any(t.requires_grad for t in tensors):
        raise RuntimeError(
            f"{op}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad."
        )


def _check_dtype(result: Tensor, out: Tensor, exact: bool) -> None:
    have, want = out._data.dtype, result._data.dtype
    if exact and have != want:
        raise RuntimeError(
            f"Expected out tensor to have dtype {_C_NAMES.get(want.name, want.name)}, "
            f"but got {_C_NAMES.get(have.name, have.name)} instead"
        )
    if not exact and not can_cast(want, have):
        raise RuntimeError(
            f"result type {_TYPE_NAMES.get(want.name, want.name)} can't be cast to the desired output type "
            f"{_TYPE_NAMES.get(have.name, have.name)}"
        )


def can_cast(source: np.dtype, target: np.dtype) -> bool:
    """PyTorch's ``can_cast``: anything but a float into an integer or a non-bool into bool."""
    if source.kind == "f" and target.kind in "iub":
        return False
    return not (source.kind != "b" and target.kind == "b")


def _copy(result: Tensor, out: Tensor) -> None:
    _resize(out, result._data.shape)
    np.copyto(out._data, result._data, casting="unsafe")
    out._version[0] += 1


def _resize(out: Tensor, shape: tuple) -> None:
    """PyTorch's resize of an ``out=`` tensor, with its warning when ``out`` held elements."""
    if out._data.shape != shape:
        if out._data.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape {list(out._data.shape)}, "
                f"which does not match the required output shape {list(shape)}. This behavior is deprecated, "
                "and in a future PyTorch release outputs will not be resized unless they have zero elements. "
                "You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
                "t.resize_(0).",
                UserWarning,
                stacklevel=4,
            )
        out._data = np.empty(shape, dtype=out._data.dtype)

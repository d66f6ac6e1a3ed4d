"""What every ``torch.linalg`` op checks before it computes, with PyTorch's messages, and the
``LinAlgError`` it raises for a matrix it cannot handle (singular, not positive-definite).

NumPy reports that a stack failed, not where; PyTorch names the batch element and, for a
singular matrix, the zero pivot. The functions that find them (``first_failure``,
``zero_pivot``) run on the error path only.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import ShapeError
from neuronlab.engine.tensor import Tensor

# PyTorch's names of the scalar types, which its linalg errors print.
_TORCH_TYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "int16": "Short",
                     "int8": "Char", "uint8": "Byte", "bool": "Bool", "float16": "Half"}  # fmt: skip


class LinAlgError(RuntimeError):
    """A matrix the op cannot handle (singular, not positive-definite): ``torch.linalg.LinAlgError``,
    a ``RuntimeError`` as in PyTorch."""


LinAlgError.__module__ = "neuronlab.linalg"


# -- the checks every linalg op makes, with PyTorch's messages --------------------------------------
def type_name(t: Tensor) -> str:
    """PyTorch's name of ``t``'s scalar type (``Float``, ``Long``), which its errors print."""
    return _TORCH_TYPE_NAMES.get(t._data.dtype.name, t._data.dtype.name)


def check_floating(A: Tensor, op: str) -> None:
    """PyTorch's error for integer or bool input (linalg ops do not promote)."""
    kind = A._data.dtype.kind
    if kind != "f" or A._data.dtype == np.float16:
        name = _TORCH_TYPE_NAMES.get(A._data.dtype.name, A._data.dtype.name)
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {name}")


def check_matrix(A: Tensor, op: str, name: str = "A") -> None:
    if A._data.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")


def check_square(A: Tensor, op: str, name: str = "A", *, check_dtype: bool = True) -> None:
    """A tensor of shape ``(*, n, n)``, floating unless ``check_dtype=False``."""
    check_matrix(A, op, name)
    m, n = A._data.shape[-2:]
    if m != n:
        raise ShapeError(f"{op}: {name} must be batches of square matrices, but they are {m} by {n} matrices")
    if check_dtype:
        check_floating(A, op)


def batch_prefix(a: np.ndarray, index: int) -> str:
    """PyTorch's ``(Batch element i): `` before an error about one matrix of a stack."""
    return f"(Batch element {index}): " if a.ndim > 2 else ""


def first_failure(a: np.ndarray, fails) -> int:
    """The index of the first matrix of the stack ``a`` (flattened batch) for which ``fails``
    is true; 0 if none (the error path only: NumPy reports a failure without saying where)."""
    matrices = a.reshape((-1,) + a.shape[-2:])
    return next((i for i, x in enumerate(matrices) if fails(x)), 0)


def singular_error(a: np.ndarray, op: str) -> LinAlgError:
    """PyTorch's error for an exactly singular matrix: the batch element and the first zero pivot
    of the LU factorization with partial pivoting (LAPACK's getrf, which PyTorch calls)."""
    index = first_failure(a, lambda x: zero_pivot(x) is not None)
    pivot = zero_pivot(a.reshape((-1,) + a.shape[-2:])[index])
    prefix = batch_prefix(a, index)
    if op == "linalg.inv" and pivot is not None:
        return LinAlgError(
            f"{op}: {prefix}The diagonal element {pivot} is zero, the inversion could not be completed "
            "because the input matrix is singular."
        )
    return LinAlgError(f"torch.{op}: {prefix}The solver failed because the input matrix is singular.")


def zero_pivot(x: np.ndarray) -> int | None:
    """The 1-based index of the first exactly-zero pivot of Gaussian elimination with partial
    pivoting on the square matrix ``x``, or None (used on the error path only)."""
    x = np.array(x, dtype=np.float64)
    n = x.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(x[k:, k])))
        if x[p, k] == 0:
            return k + 1
        x[[k, p]] = x[[p, k]]
        x[k + 1 :, k:] -= np.outer(x[k + 1 :, k] / x[k, k], x[k, k:])
    return None

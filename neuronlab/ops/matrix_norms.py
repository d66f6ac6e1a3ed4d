"""``torch.linalg``'s norms: vector_norm, matrix_norm and norm (which picks one of the two).

All are compositions of existing ops, so their gradients are those ops' gradients: the 2-norm
is ``reduction.norm``'s ``Norm2`` (0 subgradient at 0, as PyTorch), the other p-norms are
``reduction.norm``'s (0 at an all-zero slice), the max/min norms share ties evenly (as
PyTorch's amax/amin), and the spectral and nuclear norms go through ``svdvals``.
"""

from __future__ import annotations

import numbers

import numpy as np

from neuronlab.engine.out_argument import write_out
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.decompositions import svdvals
from neuronlab.ops.linalg_errors import check_floating, check_matrix
from neuronlab.ops.pointwise import abs as abs_
from neuronlab.ops.pointwise import sign
from neuronlab.ops.reduction import amax, amin, normalize_dims
from neuronlab.ops.reduction import norm as p_norm
from neuronlab.ops.reduction import sum as sum_
from neuronlab.ops.shape import permute

INF = float("inf")
MATRIX_ORDS = ("fro", "nuc", INF, -INF, 1, -1, 2, -2)


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """``torch.linalg.vector_norm``: (Σ|x|^ord)^(1/ord) over ``dim`` (all elements by default,
    as if flattened); ord = inf/-inf: max/min |x|; ord = 0: the number of non-zeros.

    Example:
        >>> vector_norm(tensor([3.0, -4.0]))
        tensor(5.)
    """
    return write_out(_vector_norm(x, ord, dim, keepdim, dtype), out, "linalg_vector_norm")


def _vector_norm(x: Tensor, ord, dim, keepdim: bool, dtype) -> Tensor:
    if isinstance(ord, bool) or not isinstance(ord, numbers.Number):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    if dtype is not None:
        check_floating(x, "linalg.vector_norm")
        x = x.to(dtype)
    check_floating(x, "linalg.vector_norm")
    axes = normalize_dims(x, dim, in_order=True)  # the first bad dim names the error, as in PyTorch
    if any(x._data.shape[a] == 0 for a in axes) and (ord < 0 or ord == INF):  # an empty slice to reduce
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                           "operation does not have an identity")  # fmt: skip
    if ord < 0 and ord != -INF:
        # PyTorch defines negative orders too: (Σ|x|^p)^(1/p), 0 if an element is 0.
        return sum_(abs_(x) ** ord, axes, keepdim) ** (1.0 / ord)
    if ord == 0:  # the count of non-zeros, recorded with a zero gradient as in PyTorch
        return sum_(abs_(sign(x)), axes, keepdim)
    return p_norm(x, ord, axes, keepdim)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """``torch.linalg.matrix_norm`` over the two dims ``dim``: 'fro' (√Σ a²), 'nuc' (Σ σ),
    2 / -2 (largest / smallest σ), 1 / -1 (max / min column sum of |a|),
    inf / -inf (max / min row sum of |a|).

    Example:
        >>> matrix_norm(tensor([[1.0, 2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    # PyTorch's out= here is a recorded copy (a composite op): it accepts inputs requiring grad.
    return write_out(
        _matrix_norm(A, ord, dim, keepdim, dtype), out, "linalg_matrix_norm", differentiable=True
    )


def _matrix_norm(A: Tensor, ord, dim, keepdim: bool, dtype) -> Tensor:
    if dtype is not None:
        check_floating(A, "linalg.matrix_norm")
        A = A.to(dtype)
    check_matrix(A, "linalg.matrix_norm")
    check_floating(A, "linalg.matrix_norm")
    if isinstance(ord, bool) or ord not in MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if not isinstance(dim, tuple | list) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {tuple(dim) if isinstance(dim, tuple | list) else dim}")  # fmt: skip
    rows, cols = A._dim(dim[0]), A._dim(dim[1])
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro" or A.shape[rows] == 0 or A.shape[cols] == 0:  # an empty matrix's norms are all 0
        return p_norm(A, 2, (rows, cols), keepdim)
    kept = tuple(s for i, s in enumerate(A.shape) if i not in (rows, cols))
    shape = tuple(1 if i in (rows, cols) else s for i, s in enumerate(A.shape)) if keepdim else kept
    if ord in ("nuc", 2, -2):
        others = [i for i in range(A.ndim) if i not in (rows, cols)]
        S = svdvals(permute(A, (*others, rows, cols)))
        result = sum_(S, -1) if ord == "nuc" else (amax if ord == 2 else amin)(S, -1)
        return result.reshape(shape)
    # 1 / -1: the sum runs down the columns (over rows), the extreme across them; inf / -inf: across rows.
    summed, across = (rows, cols) if ord in (1, -1) else (cols, rows)
    extreme = amax if ord in (1, INF) else amin
    return extreme(sum_(abs_(A), summed, True), across, True).reshape(shape)


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, out=None, dtype=None) -> Tensor:
    """``torch.linalg.norm``: a vector norm when ``dim`` is one dim (or ``A`` is 1-D), a matrix
    norm when ``dim`` is two dims (or ``A`` is 2-D and ``ord`` is given); with neither ``dim``
    nor ``ord``, the 2-norm of all elements.

    Example:
        >>> norm(tensor([[3.0, 0.0], [0.0, 4.0]]))
        tensor(5.)
    """
    # PyTorch's out= here is a recorded copy (a composite op): it accepts inputs requiring grad.
    return write_out(_norm(A, ord, dim, keepdim, dtype), out, "linalg_norm", differentiable=True)


def _norm(A: Tensor, ord, dim, keepdim: bool, dtype) -> Tensor:
    if dim is not None:
        dims = (dim,) if isinstance(dim, int | np.integer) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) == 2 and ord is None:  # PyTorch: the Frobenius norm as a vector norm (its checks first)
            return vector_norm(A, 2, dims, keepdim, dtype=dtype)
        if len(dims) == 2:
            dims = tuple(A._dim(d) for d in dims)  # out-of-range dims: PyTorch's IndexError first
            return matrix_norm(A, ord, dims, keepdim, dtype=dtype)
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if isinstance(ord, str) or A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(
        f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D."
    )

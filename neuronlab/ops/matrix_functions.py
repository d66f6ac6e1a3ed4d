"""Functions of a square matrix: ``matrix_power`` (Aⁿ, by matrix products), ``matrix_exp``
(e^A = Σ Aᵏ/k!) and ``matrix_rank`` (the number of singular values above a tolerance).

``matrix_power`` is a composition of matmuls (and ``inv`` for n < 0), in PyTorch's order, so
its gradient is theirs. ``matrix_exp`` is one op: its forward is scaling and squaring, its
backward the exponential of a block matrix (Najfeld & Havel 1995), as PyTorch computes it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from neuronlab.engine.array_or_tensor import data, zeros_like
from neuronlab.engine.function import Function
from neuronlab.engine.out_argument import write_out
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.decompositions import Inverse
from neuronlab.ops.indexing import where
from neuronlab.ops.join import cat
from neuronlab.ops.linalg import matmul
from neuronlab.ops.linalg_errors import check_matrix, check_square


def matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    """``torch.linalg.matrix_power`` (also ``torch.matrix_power``, ``Tensor.matrix_power``): Aⁿ for an
    integer n; A⁰ = I, and n < 0 gives (A⁻¹)^|n|. Computed by repeated squaring in PyTorch's order
    (A², (A²)A, then the binary digits of n), so its gradient is that of the matmuls.

    Example:
        >>> matrix_power(tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(
            f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}"
        )
    check_square(A, "linalg.matrix_power", check_dtype=False)
    n = int(n)
    if n == 0:  # the identity, recorded with a zero gradient (PyTorch copies I into a clone of A)
        eye = Tensor._wrap(
            np.broadcast_to(np.eye(A._data.shape[-1], dtype=A._data.dtype), A._data.shape).copy()
        )
        return write_out(where(Tensor._wrap(np.ones(A._data.shape, dtype=bool)), eye, A), out, "matmul")
    if n < 0:
        check_square(A, "linalg.inv")
        A, n = Inverse.apply(A), -n
    if n == 1:
        return write_out(A.clone(), out, "matmul")
    if n in (2, 3):
        square = matmul(A, A)
        return write_out(square if n == 2 else matmul(square, A), out, "matmul")
    result = power = None
    while n > 0:
        power = A if power is None else matmul(power, power)
        if n % 2:
            result = power if result is None else matmul(result, power)
        n //= 2
    return write_out(result, out, "matmul")


class MatrixExp(Function):
    """out = e^A = Σₖ Aᵏ/k!. Forward: scaling and squaring, e^A = (e^(A/2ˢ))^(2ˢ) with
    ‖A/2ˢ‖₁ <= 1/2 and an 18-term Taylor series (its remainder is below 1e-21 there).
    Backward: grad_A = the upper-right block of exp([[Aᵀ, grad], [0, Aᵀ]]), the Fréchet
    derivative of exp at Aᵀ in the direction grad (Najfeld & Havel 1995; PyTorch's formula)."""

    TERMS = 18

    def forward(self, a):
        norm = np.abs(a).sum(-2).max(-1) if a.size else np.zeros(a.shape[:-2])
        squarings = max(0, math.ceil(math.log2(max(float(np.max(norm, initial=0.0)), 1e-300) / 0.5)))
        x = a.astype(np.float64) / 2.0**squarings
        eye = np.eye(a.shape[-1])
        result = eye + x / self.TERMS
        for k in range(self.TERMS - 1, 0, -1):  # Horner: I + X(I + X/2(I + X/3(...)))
            result = eye + (x @ result) / k
        for _ in range(squarings):
            result = result @ result
        return result.astype(a.dtype, copy=False)

    def backward(self, grad, a):
        n = a.shape[-1]
        at = a.mT
        blocks = _join([_join([at, grad], -1), _join([zeros_like(at), at], -1)], -2)
        return (MatrixExp.call(blocks)[..., :n, n:],)


def _join(parts: list, axis: int):
    """Concatenation of arrays or of Tensors (recorded)."""
    if isinstance(parts[0], Tensor):
        return cat(parts, axis)
    return np.concatenate(parts, axis=axis)


def matrix_exp(A: Tensor) -> Tensor:
    """``torch.linalg.matrix_exp`` (also ``torch.matrix_exp``, ``Tensor.matrix_exp``): e^A = Σₖ Aᵏ/k!
    for each square matrix of the batch; differentiable, double backward included.

    Example:
        >>> matrix_exp(tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    check_square(A, "linalg.matrix_exp")
    return MatrixExp.apply(A)


def matrix_rank(A: Tensor, tol=None, hermitian: bool = False, *, atol=None, rtol=None, out=None) -> Tensor:
    """``torch.linalg.matrix_rank``: the number of singular values σ > max(atol, rtol·σ_max), as int64
    (not differentiable). Without atol and rtol, rtol = eps·max(m, n); with only atol > 0, rtol = 0
    (PyTorch's rule). ``tol`` (the old API) is atol. atol and rtol may be tensors broadcast over
    the batch. ``hermitian=True``: A is taken as symmetric (only its lower triangle is read).

    Example:
        >>> matrix_rank(tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    check_matrix(A, "torch.linalg.matrix_rank", "input")
    if A._data.dtype.kind != "f" or A._data.dtype == np.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol = tol
    m, n = A._data.shape[-2:]
    atol_value = np.zeros(()) if atol is None else np.asarray(data(atol), dtype=np.float64)
    if rtol is not None:
        rtol_value = np.asarray(data(rtol), dtype=np.float64)
    elif atol is None or not np.any(atol_value > 0):
        rtol_value = np.asarray(np.finfo(A._data.dtype).eps * max(m, n))
    else:
        rtol_value = np.zeros(())
    # hermitian: PyTorch takes |eigenvalues| of the lower triangle (the singular values if A is symmetric).
    s = np.abs(np.linalg.eigvalsh(A._data)) if hermitian else np.linalg.svd(A._data, compute_uv=False)
    largest = s.max(-1) if s.shape[-1] else np.zeros(s.shape[:-1], s.dtype)
    cutoff = np.maximum(atol_value, rtol_value * largest)
    rank = (s > cutoff[..., None]).sum(-1).astype(np.int64)
    return write_out(Tensor._wrap(rank), out, "matrix_rank", exact_dtype=False)

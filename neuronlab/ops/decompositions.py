"""Matrix decompositions as ``torch.linalg`` has them: svd (and svdvals), eigh (and eigvalsh),
cholesky (and cholesky_ex), and the inverse their gradients use; ``qr`` has its own file.
``eig``/``eigvals`` raise: their results are complex, and neuronlab has no complex dtype.

The engine's nodes have one output, and a decomposition has several (U, S and Vh). A
decomposition is therefore one op whose output *packs* its factors along the last axis (one
row per matrix of the batch); the public function unpacks them with differentiable slices. The
gradients of the unused factors arrive as zeros, which the backward treats as PyTorch treats an
undefined gradient (the term is skipped: no 0/0 from a repeated singular value). Because the
op saves its packed output, ``create_graph`` differentiates the backward formula through the
factors themselves (double backward works).

Batches: every op works on ``(*, m, n)`` stacks of matrices, as PyTorch's do. Float32 input
gives float32 output; NumPy's LAPACK wrappers compute in float64 and round the result, which
is at least as accurate as PyTorch's float32 LAPACK calls (values agree to float32 rounding).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from neuronlab.engine.array_or_tensor import data, like
from neuronlab.engine.function import Function
from neuronlab.engine.out_argument import write_out, write_outs
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.linalg_errors import (
    LinAlgError,
    batch_prefix,
    check_floating,
    check_matrix,
    check_square,
    first_failure,
    singular_error,
)

SvdResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
OldSvdResult = namedtuple("svd", ["U", "S", "V"])
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
CholeskyExResult = namedtuple("linalg_cholesky_ex", ["L", "info"])


# -- helpers of the backward formulas (arrays or Tensors alike) ------------------------------------
def eye_like(x, n: int):
    """The n x n identity as a constant of ``x``'s kind and dtype."""
    return like(np.eye(n, dtype=data(x).dtype), x)


def diag_embed(v, eye):
    """A batch of diagonal matrices from the vectors ``v`` (``eye``: the identity of their size)."""
    return v[..., None, :] * eye


def pack(*arrays: np.ndarray, batch: tuple) -> np.ndarray:
    """The factors of each matrix of the batch side by side, on one last axis."""
    return np.concatenate([a.reshape(batch + (math.prod(a.shape[len(batch) :]),)) for a in arrays], axis=-1)


def unpack(packed, batch: tuple, shapes: list[tuple]) -> list:
    """The factors of ``pack``'s output (an array, or a Tensor: differentiable slices)."""
    pieces, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        pieces.append(packed[..., start : start + size].reshape(batch + shape))
        start += size
    return pieces


def defined(grad) -> bool:
    """Whether the gradient of a factor carries anything (an unused factor's is all zeros)."""
    return bool(data(grad).any())


# -- singular value decomposition ------------------------------------------------------------------
class Svd(Function):
    """A = U diag(S) Vh, packed as [U, S, Vh]. With E_ij = S_j² - S_i² (1 on the diagonal),
    skew(X) = X - Xᵀ, the backward is PyTorch's (real case):
    grad_A = U [ (skew(Uᵀ gU) S + S skew(Vh gVhᵀ)) / E + diag(gS) ] Vh, plus, for m > n,
    (I - UUᵀ) gU S⁻¹ Vh and, for m < n, U S⁻¹ gVh (I - VVᵀ). With ``full_matrices`` only the
    first k = min(m, n) columns of U and rows of Vh enter (the rest are not unique), as in PyTorch.
    """

    saves_inputs, saves_output = False, True

    def forward(self, a, full_matrices):
        self.batch, (m, n) = a.shape[:-2], a.shape[-2:]
        k = min(m, n)
        self.full_matrices = full_matrices
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        self.shapes = [(m, m if full_matrices else k), (k,), (n if full_matrices else k, n)]
        return pack(u, s, vh, batch=self.batch).astype(a.dtype, copy=False)

    def factors(self, packed):
        return unpack(packed, self.batch, self.shapes)

    def backward(self, grad, out):
        U, S, Vh = self.factors(out)
        gU, gS, gVh = self.factors(grad)
        m, n = U.shape[-2], Vh.shape[-1]
        k = S.shape[-1]
        if self.full_matrices:
            U, gU, Vh, gVh = U[..., :k], gU[..., :k], Vh[..., :k, :], gVh[..., :k, :]
        has_gU, has_gVh = defined(gU), defined(gVh)
        eye = eye_like(S, k)
        inner = diag_embed(gS, eye)
        if has_gU or has_gVh:
            S2 = S * S
            E = S2[..., None, :] - S2[..., :, None] + eye  # the diagonal is never divided by
            if has_gU:
                UhgU = U.mT @ gU
                inner = inner + (UhgU - UhgU.mT) / E * S[..., None, :]
            if has_gVh:
                VhgV = Vh @ gVh.mT
                inner = inner + S[..., :, None] * ((VhgV - VhgV.mT) / E)
        if m > n and has_gU:
            gUSinv = gU / S[..., None, :]
            return ((U @ inner + gUSinv - U @ (U.mT @ gUSinv)) @ Vh,)
        if m < n and has_gVh:
            SinvgVh = gVh / S[..., :, None]
            return (U @ (inner @ Vh + SinvgVh - (SinvgVh @ Vh.mT) @ Vh),)
        return (U @ inner @ Vh,)


def _svd(A: Tensor, full_matrices: bool, op: str) -> list:
    check_matrix(A, op)
    check_floating(A, op)
    out = Svd.apply(A, full_matrices=full_matrices)
    fn = out.grad_fn
    if fn is None:  # not recorded: unpack the array itself (no slice ops to build)
        m, n = A._data.shape[-2:]
        k = min(m, n)
        shapes = [(m, m if full_matrices else k), (k,), (n if full_matrices else k, n)]
        return [Tensor._wrap(np.ascontiguousarray(x)) for x in unpack(out._data, A._data.shape[:-2], shapes)]
    return fn.factors(out)


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None) -> SvdResult:
    """``torch.linalg.svd``: A = U diag(S) Vh with S descending, as ``(U, S, Vh)``.

    Shape: A (*, m, n) -> U (*, m, m) or (*, m, k), S (*, k), Vh (*, n, n) or (*, k, n), k = min(m, n).
    Differentiable where the singular values are distinct (and non-zero for the rectangular
    parts), with PyTorch's formula. ``driver`` is accepted (it only matters on CUDA).

    Example:
        >>> U, S, Vh = svd(tensor([[3.0, 0.0], [0.0, -2.0]]))
        >>> S
        tensor([3., 2.])
    """
    return write_outs(SvdResult(*_svd(A, full_matrices, "linalg.svd")), out, "_linalg_svd")


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """``torch.linalg.svdvals``: the singular values, descending; grad_A = U diag(gS) Vh."""
    return write_out(_svd(A, False, "linalg.svdvals")[1], out, "_linalg_svd")


def svd_old(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None) -> OldSvdResult:
    """``torch.svd`` (the old API): returns V, not Vh; ``some=False`` gives full U and V;
    ``compute_uv=False`` gives zero U and V (as PyTorch does)."""
    U, S, Vh = _svd(input, not some, "linalg.svd")
    if not compute_uv:
        m, n = input._data.shape[-2:]
        batch, dtype = input._data.shape[:-2], input._data.dtype
        result = OldSvdResult(
            Tensor._wrap(np.zeros(batch + (m, m), dtype)),
            S.detach(),
            Tensor._wrap(np.zeros(batch + (n, n), dtype)),
        )
    else:
        result = OldSvdResult(U, S, Vh.mT)
    return write_outs(result, out, "_linalg_svd")


# -- symmetric eigendecomposition ------------------------------------------------------------------
class Eigh(Function):
    """A = V diag(L) Vᵀ for symmetric A (one triangle read, ``UPLO``), packed as [L, V], L ascending.
    PyTorch's backward: grad_A = V [ skew(Vᵀ gV) / (2E) + diag(gL) ] Vᵀ with E_ij = L_j - L_i
    (1 on the diagonal) and skew(X) = X - Xᵀ."""

    saves_inputs, saves_output = False, True

    def forward(self, a, uplo):
        self.batch, n = a.shape[:-2], a.shape[-1]
        self.shapes = [(n,), (n, n)]
        values, vectors = np.linalg.eigh(a, UPLO=uplo)
        return pack(values, vectors, batch=self.batch).astype(a.dtype, copy=False)

    def factors(self, packed):
        return unpack(packed, self.batch, self.shapes)

    def backward(self, grad, out):
        L, V = self.factors(out)
        gL, gV = self.factors(grad)
        eye = eye_like(L, L.shape[-1])
        inner = diag_embed(gL, eye)
        if defined(gV):
            VhgV = V.mT @ gV
            E = L[..., None, :] - L[..., :, None] + eye
            inner = inner + 0.5 * (VhgV - VhgV.mT) / E
        return (V @ inner @ V.mT,)


def eigh(A: Tensor, UPLO: str = "L", *, out=None) -> EighResult:
    """``torch.linalg.eigh``: eigenvalues (ascending) and eigenvectors (columns) of a symmetric
    matrix, reading only its lower (``UPLO='L'``) or upper triangle. Differentiable where the
    eigenvalues are distinct (PyTorch's formula; the gradient is not symmetrized, as in PyTorch).

    Example:
        >>> eigh(tensor([[2.0, 1.0], [1.0, 2.0]])).eigenvalues
        tensor([1., 3.])
    """
    check_square(A, "linalg.eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    packed = Eigh.apply(A, uplo=UPLO)
    if packed.grad_fn is None:
        n = A._data.shape[-1]
        values, vectors = unpack(packed._data, A._data.shape[:-2], [(n,), (n, n)])
        result = EighResult(
            Tensor._wrap(np.ascontiguousarray(values)), Tensor._wrap(np.ascontiguousarray(vectors))
        )
    else:
        result = EighResult(*packed.grad_fn.factors(packed))
    return write_outs(result, out, "_linalg_eigh")


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """``torch.linalg.eigvalsh``: the eigenvalues of a symmetric matrix, ascending;
    grad_A = V diag(gL) Vᵀ."""
    check_square(A, "linalg.eigh")
    return write_out(eigh(A, UPLO).eigenvalues, out, "_linalg_eigh")


def eig(A: Tensor, *, out=None):
    """``torch.linalg.eig``: not available. The eigenvalues of a general real matrix are complex
    (PyTorch returns complex64/complex128 even when they happen to be real), and neuronlab has no
    complex dtype; a real answer would silently differ from PyTorch's."""
    raise NotImplementedError(_EIG_MESSAGE.format(op="linalg.eig"))


def eigvals(A: Tensor, *, out=None):
    """``torch.linalg.eigvals``: not available, for ``eig``'s reason (complex results)."""
    raise NotImplementedError(_EIG_MESSAGE.format(op="linalg.eigvals"))


_EIG_MESSAGE = (
    "{op}: the eigenvalues and eigenvectors of a general real matrix are complex (PyTorch returns a "
    "complex tensor), and neuronlab has no complex dtype. For a symmetric (or Hermitian) matrix use "
    "linalg.eigh / linalg.eigvalsh, which return real, differentiable results."
)


# -- Cholesky --------------------------------------------------------------------------------------
class Cholesky(Function):
    """A = L Lᵀ with L lower triangular (``upper``: return U = Lᵀ, A = UᵀU).
    grad_A = sym(L⁻ᵀ Φ(Lᵀ gL) L⁻¹), Φ = the lower triangle with the diagonal halved,
    sym(X) = (X + Xᵀ)/2 (Murray 2016, arXiv:1602.07527; PyTorch's formula)."""

    saves_inputs, saves_output = False, True

    def forward(self, a, upper, check_errors=True, op="linalg.cholesky"):
        self.upper = upper
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            if check_errors:
                raise _not_positive_definite(a, op) from None
            lower = _partial_cholesky(a)
        return (lower.mT if upper else lower).astype(a.dtype, copy=False)

    def backward(self, grad, out):
        L, gL = (out.mT, grad.mT) if self.upper else (out, grad)
        n = L.shape[-1]
        phi_mask = np.tril(np.ones((n, n), dtype=data(L).dtype)) - 0.5 * np.eye(n, dtype=data(L).dtype)
        phi = (L.mT @ gL) * like(phi_mask, L)
        L_inv = Inverse.call(L)
        g = L_inv.mT @ phi @ L_inv
        return (0.5 * (g + g.mT),)


def _not_positive_definite(a: np.ndarray, op: str) -> LinAlgError:
    def fails(x):
        return not np.all(np.isfinite(x)) or _cholesky_fails(x)

    index = first_failure(a, fails)
    x = a.reshape((-1,) + a.shape[-2:])[index]
    order = next((k for k in range(1, x.shape[-1] + 1) if _cholesky_fails(x[:k, :k])), x.shape[-1])
    return LinAlgError(
        f"{op}: {batch_prefix(a, index)}The factorization could not be completed because the input is not "
        f"positive-definite (the leading minor of order {order} is not positive-definite)."
    )


def _cholesky_fails(x: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(x)
    except np.linalg.LinAlgError:
        return True
    return False


def _partial_cholesky(a: np.ndarray) -> np.ndarray:
    """What LAPACK's unblocked ``potf2`` leaves (PyTorch returns it from ``cholesky_ex``): the
    columns before the failing pivot j factored, ``a_jj - Σ L_jk²`` (<= 0) on the diagonal at j,
    the rest of the lower triangle as in A, zeros above (the error path only; LAPACK's blocked
    form, used for n > 64 or so, may leave other values there)."""
    matrices = np.array(a.reshape((-1,) + a.shape[-2:]), dtype=np.float64)
    for x in matrices:
        for j in range(x.shape[-1]):
            pivot = x[j, j] - x[j, :j] @ x[j, :j]
            if not pivot > 0:
                x[j, j] = pivot
                break
            x[j, j] = np.sqrt(pivot)
            x[j + 1 :, j] = (x[j + 1 :, j] - x[j + 1 :, :j] @ x[j, :j]) / x[j, j]
    return np.tril(matrices).reshape(a.shape)


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """``torch.linalg.cholesky``: the lower-triangular L with A = L Lᵀ (A symmetric positive-definite;
    only its lower triangle is read). Raises ``LinAlgError`` naming the first leading minor
    that is not positive-definite."""
    check_square(A, "linalg.cholesky")
    return write_out(Cholesky.apply(A, upper=upper), out, "linalg_cholesky_ex")


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None) -> CholeskyExResult:
    """``torch.linalg.cholesky_ex``: ``(L, info)`` without raising for a matrix that is not
    positive-definite: ``info`` is 0 where the factorization succeeded, else the order of the
    first leading minor that is not positive-definite (int32), and L is LAPACK's partial result
    there. ``check_errors=True`` raises as ``cholesky`` does. L is differentiable as ``cholesky``'s.

    Example:
        >>> cholesky_ex(tensor([[1.0, 2.0], [2.0, 1.0]])).info
        tensor(2, dtype=torch.int32)
    """
    check_square(A, "linalg.cholesky")
    L = Cholesky.apply(A, upper=upper, check_errors=check_errors, op="linalg.cholesky_ex")
    diagonal = np.diagonal(L._data, axis1=-2, axis2=-1)
    failed = ~(diagonal > 0)  # the failing pivot is the first diagonal entry that is not > 0
    first = failed.argmax(-1) + 1 if failed.shape[-1] else np.zeros(failed.shape[:-1], np.int64)
    info = np.where(failed.any(-1), first, 0).astype(np.int32)
    return write_outs(CholeskyExResult(L, Tensor._wrap(info)), out, "linalg_cholesky_ex")


# -- the inverse (here because the Cholesky, QR and determinant gradients use it) ------------------
class Inverse(Function):
    """out = A⁻¹;  grad_A = -A⁻ᵀ grad A⁻ᵀ (from the saved output)."""

    saves_inputs, saves_output = False, True

    def forward(self, a):
        try:
            return np.linalg.inv(a).astype(a.dtype, copy=False)
        except np.linalg.LinAlgError:
            raise singular_error(a, "linalg.inv") from None

    def backward(self, grad, out):
        return (-(out.mT @ grad @ out.mT),)

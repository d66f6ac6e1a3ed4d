"""Matrix decompositions as ``torch.linalg`` has them: svd (and svdvals), eigh (and eigvalsh),
cholesky, qr; plus the checks and the ``LinAlgError`` every linalg op shares.

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
from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.join import cat

SvdResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
OldSvdResult = namedtuple("svd", ["U", "S", "V"])
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
QrResult = namedtuple("linalg_qr", ["Q", "R"])

# PyTorch's names of the scalar types, which its linalg errors print.
_TORCH_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                     "bool": "Bool", "float16": "Half"}  # fmt: skip


class LinAlgError(RuntimeError):
    """A matrix the op cannot handle (singular, not positive-definite): ``torch.linalg.LinAlgError``,
    a ``RuntimeError`` as in PyTorch."""


LinAlgError.__module__ = "neuronlab.linalg"


# -- the checks every linalg op makes, with PyTorch's messages --------------------------------------
def check_floating(A: Tensor, op: str) -> None:
    """PyTorch's error for integer or bool input (linalg ops do not promote)."""
    kind = A._data.dtype.kind
    if kind != "f" or A._data.dtype == np.float16:
        name = _TORCH_TYPE_NAMES.get(A._data.dtype.name, A._data.dtype.name)
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {name}")


def check_matrix(A: Tensor, op: str, name: str = "A") -> None:
    if A._data.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")


def check_square(A: Tensor, op: str, name: str = "A") -> None:
    """A float tensor of shape ``(*, n, n)``."""
    check_matrix(A, op, name)
    m, n = A._data.shape[-2:]
    if m != n:
        raise ShapeError(f"{op}: {name} must be batches of square matrices, but they are {m} by {n} matrices")
    check_floating(A, op)


def batch_prefix(a: np.ndarray, index: int) -> str:
    """PyTorch's ``(Batch element i): `` before an error about one matrix of a stack."""
    return f"(Batch element {index}): " if a.ndim > 2 else ""


def first_failure(a: np.ndarray, fails) -> int:
    """The index of the first matrix of the stack ``a`` (flattened batch) for which ``fails``
    is true; 0 if none (the error path only: NumPy reports a failure without saying where)."""
    matrices = a.reshape((-1,) + a.shape[-2:])
    return next((i for i, x in enumerate(matrices) if fails(x)), 0)


# -- helpers of the backward formulas (arrays or Tensors alike) ------------------------------------
def eye_like(x, n: int):
    """The n x n identity as a constant of ``x``'s kind and dtype."""
    return like(np.eye(n, dtype=data(x).dtype), x)


def diag_embed(v, eye):
    """A batch of diagonal matrices from the vectors ``v`` (``eye``: the identity of their size)."""
    return v[..., None, :] * eye


def pack(*arrays: np.ndarray, batch: tuple) -> np.ndarray:
    """The factors of each matrix of the batch side by side, on one last axis."""
    return np.concatenate([a.reshape(batch + (-1,)) for a in arrays], axis=-1)


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
    return SvdResult(*_svd(A, full_matrices, "linalg.svd"))


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """``torch.linalg.svdvals``: the singular values, descending; grad_A = U diag(gS) Vh."""
    return _svd(A, False, "linalg.svdvals")[1]


def svd_old(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None) -> OldSvdResult:
    """``torch.svd`` (the old API): returns V, not Vh; ``some=False`` gives full U and V;
    ``compute_uv=False`` gives zero U and V (as PyTorch does)."""
    U, S, Vh = _svd(input, not some, "linalg.svd")
    if not compute_uv:
        m, n = input._data.shape[-2:]
        batch, dtype = input._data.shape[:-2], input._data.dtype
        return OldSvdResult(
            Tensor._wrap(np.zeros(batch + (m, m), dtype)),
            S.detach(),
            Tensor._wrap(np.zeros(batch + (n, n), dtype)),
        )
    return OldSvdResult(U, S, Vh.mT)


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
        return EighResult(
            Tensor._wrap(np.ascontiguousarray(values)), Tensor._wrap(np.ascontiguousarray(vectors))
        )
    return EighResult(*packed.grad_fn.factors(packed))


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """``torch.linalg.eigvalsh``: the eigenvalues of a symmetric matrix, ascending;
    grad_A = V diag(gL) Vᵀ."""
    check_square(A, "linalg.eigvalsh")
    return eigh(A, UPLO).eigenvalues


# -- Cholesky --------------------------------------------------------------------------------------
class Cholesky(Function):
    """A = L Lᵀ with L lower triangular (``upper``: return U = Lᵀ, A = UᵀU).
    grad_A = sym(L⁻ᵀ Φ(Lᵀ gL) L⁻¹), Φ = the lower triangle with the diagonal halved,
    sym(X) = (X + Xᵀ)/2 (Murray 2016, arXiv:1602.07527; PyTorch's formula)."""

    saves_inputs, saves_output = False, True

    def forward(self, a, upper):
        self.upper = upper
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise _not_positive_definite(a, "linalg.cholesky") from None
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


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """``torch.linalg.cholesky``: the lower-triangular L with A = L Lᵀ (A symmetric positive-definite;
    only its lower triangle is read). Raises ``LinAlgError`` naming the first leading minor
    that is not positive-definite."""
    check_square(A, "linalg.cholesky")
    return Cholesky.apply(A, upper=upper)


# -- QR --------------------------------------------------------------------------------------------
class Qr(Function):
    """A = QR (Householder, LAPACK's signs), packed as [Q, R]. For m >= n, with
    M = R gRᵀ - gQᵀ Q and copyltu(M) the symmetric matrix of M's lower triangle:
    grad_A = (gQ + Q copyltu(M)) R⁻ᵀ (Walter & Lehmann 2018). For m < n, A = [X | Y] with
    X = Q R₁ square and R₂ = QᵀY: grad_Y = Q gR₂ and grad_X is the square case with
    gQ + Y gR₂ᵀ in place of gQ."""

    saves_inputs, saves_output = False, True

    def forward(self, a, mode):
        self.mode = mode
        self.batch = a.shape[:-2]
        q, r = np.linalg.qr(a, mode=mode)
        self.shapes = [q.shape[-2:], r.shape[-2:]]
        return pack(q, r, batch=self.batch).astype(a.dtype, copy=False)

    def factors(self, packed):
        return unpack(packed, self.batch, self.shapes)

    def backward(self, grad, out):
        (m, k), (_, n) = self.shapes
        if self.mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        Q, R = self.factors(out)
        gQ, gR = self.factors(grad)
        if m >= n:
            return (_qr_square_grad(Q, R, gQ, gR),)
        R1, R2, gR1, gR2 = R[..., :m], R[..., m:], gR[..., :m], gR[..., m:]
        Y = Q @ R2  # the columns of A after the first m
        gX = _qr_square_grad(Q, R1, gQ + Y @ gR2.mT, gR1)
        return (concat_last(gX, Q @ gR2),)


def _qr_square_grad(Q, R, gQ, gR):
    """(gQ + Q copyltu(M)) R⁻ᵀ with M = R gRᵀ - gQᵀ Q (R square, invertible)."""
    M = R @ gR.mT - gQ.mT @ Q
    n = R.shape[-1]
    lower = like(np.tril(np.ones((n, n), dtype=data(R).dtype), -1), R)
    diagonal = eye_like(R, n)
    sym = M * (lower + diagonal) + (M * lower).mT
    return (gQ + Q @ sym) @ Inverse.call(R).mT


def concat_last(a, b):
    """[a | b] along the last axis, for arrays or Tensors."""
    if isinstance(a, Tensor):
        return cat([a, b], -1)
    return np.concatenate([a, b], axis=-1)


def qr(A: Tensor, mode: str = "reduced", *, out=None) -> QrResult:
    """``torch.linalg.qr``: A = QR with Q orthonormal columns and R upper triangular ('reduced':
    Q (*, m, k), R (*, k, n); 'complete': Q (*, m, m); 'r': R only, Q empty). Differentiable for
    'reduced' (and 'complete' with m <= n) where R's leading square block is invertible."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'"
        )
    check_matrix(A, "linalg.qr")
    check_floating(A, "linalg.qr")
    if mode == "r":
        R = RWithoutQ.apply(A)
        return QrResult(Tensor._wrap(np.zeros((0,), A._data.dtype)), R)
    packed = Qr.apply(A, mode=mode)
    if packed.grad_fn is None:
        m, n = A._data.shape[-2:]
        k = m if mode == "complete" else min(m, n)
        q, r = unpack(packed._data, A._data.shape[:-2], [(m, k), (k, n)])
        return QrResult(Tensor._wrap(np.ascontiguousarray(q)), Tensor._wrap(np.ascontiguousarray(r)))
    return QrResult(*packed.grad_fn.factors(packed))


class RWithoutQ(Function):
    """R of ``qr(A, mode='r')``: recorded (PyTorch records it), but its backward raises PyTorch's error."""

    saves_inputs = False

    def forward(self, a):
        return np.linalg.qr(a, mode="r").astype(a.dtype, copy=False)

    def backward(self, grad):
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
            "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."
        )


# -- the inverse (here because the Cholesky and determinant gradients use it) ----------------------
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

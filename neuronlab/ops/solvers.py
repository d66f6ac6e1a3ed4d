"""Inverses, linear systems and determinants as ``torch.linalg`` has them: inv, solve, det,
slogdet (and ``torch.logdet``), pinv, lstsq; and the ``_ex`` forms that return an ``info`` code.

Each is one op with PyTorch's gradient formula (solve's backward is a solve; det's uses the
inverse; pinv's is PyTorch's ``pinv_backward``), batched over leading dims; ``solve``
broadcasts the batch dims of A and B. Float32 stays float32; integer input raises as in PyTorch.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from neuronlab.engine.array_or_tensor import data, like, masked, where
from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.out_argument import write_out, write_outs
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.decompositions import Inverse, eye_like
from neuronlab.ops.linalg_errors import check_floating, check_matrix, check_square, singular_error, type_name

SlogdetResult = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
LstsqResult = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
InvExResult = namedtuple("linalg_inv_ex", ["inverse", "info"])
SolveExResult = namedtuple("linalg_solve_ex", ["result", "info"])
LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def inv(A: Tensor, *, out=None) -> Tensor:
    """``torch.linalg.inv``: A⁻¹ for a batch of square matrices; grad_A = -A⁻ᵀ grad A⁻ᵀ.
    An exactly singular matrix raises ``LinAlgError`` naming the batch element and the zero pivot.

    Example:
        >>> inv(tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    check_square(A, "linalg.inv")
    return write_out(Inverse.apply(A), out, "linalg_inv_ex")


def inv_ex(A: Tensor, *, check_errors: bool = False, out=None) -> InvExResult:
    """``torch.linalg.inv_ex``: ``(inverse, info)``; info is 0 here for every matrix, because a
    singular one raises (PyTorch returns its pivot in ``info`` instead when ``check_errors=False``)."""
    inverse = inv(A)
    info = Tensor._wrap(np.zeros(A._data.shape[:-2], dtype=np.int32))
    return write_outs(InvExResult(inverse, info), out, "linalg_inv_ex")


# -- linear systems --------------------------------------------------------------------------------
class Solve(Function):
    """X = A⁻¹ B (B a batch of matrices; batch dims broadcast);
    grad_B = A⁻ᵀ grad (a solve), grad_A = -grad_B Xᵀ."""

    saves_output = True

    def forward(self, a, b):
        try:
            return np.linalg.solve(a, b).astype(a.dtype, copy=False)
        except np.linalg.LinAlgError:
            raise singular_error(np.broadcast_to(a, np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + a.shape[-2:]),
                                 "linalg.solve") from None  # fmt: skip

    def backward(self, grad, a, b, x):
        gb = Solve.call(a.mT, grad)
        return (-(gb @ x.mT) if self.needs_input_grad[0] else None), gb


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """``torch.linalg.solve``: X with AX = B (``left=False``: XA = B). B is a batch of vectors
    if it is 1-D or has A's shape without the last dim; batch dims broadcast.

    Shape: A (*, n, n), B (*, n, k) or (*, n) -> X of B's shape (after broadcasting).

    Example:
        >>> solve(tensor([[2.0, 0.0], [0.0, 4.0]]), tensor([1.0, 1.0]))
        tensor([0.5000, 0.2500])
    """
    check_square(A, "linalg.solve")
    check_floating(B, "linalg.solve")
    if A.dtype != B.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type {type_name(A)} "
            f"and B of type {type_name(B)} instead"
        )
    n = A._data.shape[-1]
    vector = B._data.ndim == 1 or (left and B._data.ndim == A._data.ndim - 1 and B.shape == A.shape[:-1])
    if vector:
        B = B.unsqueeze(-1)
    if not left:  # XA = B  <=>  Aᵀ Xᵀ = Bᵀ
        return write_out(solve(A.mT, B.mT).mT, out, "_linalg_solve_ex")
    if B._data.shape[-2] != n:
        k = B._data.shape[-1]
        raise ShapeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and "
                         f"{B._data.shape[-2]}x{k})")  # fmt: skip
    X = Solve.apply(A, B)
    return write_out(X.squeeze(-1) if vector else X, out, "_linalg_solve_ex")


def solve_ex(
    A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out=None
) -> SolveExResult:
    """``torch.linalg.solve_ex``: ``(result, info)``; info is 0 (a singular matrix raises)."""
    X = solve(A, B, left=left)
    info = Tensor._wrap(np.zeros(A._data.shape[:-2], dtype=np.int32))
    return write_outs(SolveExResult(X, info), out, "_linalg_solve_ex")


class SolveTriangular(Function):
    """X = A⁻¹ B for triangular A (only its ``upper`` or lower triangle is read; ``unit``: its
    diagonal is taken as ones), by substitution, as BLAS's trsm (a zero pivot gives inf/NaN,
    not an error). grad_B = A⁻ᵀ grad (a triangular solve with the other triangle),
    grad_A = -grad_B Xᵀ restricted to A's triangle (strictly, when ``unit``)."""

    saves_output = True

    def forward(self, a, b, upper, unit):
        self.upper, self.unit = upper, unit
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = np.broadcast_to(a, batch + a.shape[-2:])
        x = np.array(np.broadcast_to(b, batch + b.shape[-2:]), dtype=np.result_type(a, b))
        n = a.shape[-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in range(n - 1, -1, -1) if upper else range(n):
                known = slice(i + 1, n) if upper else slice(0, i)
                x[..., i, :] -= (a[..., i : i + 1, known] @ x[..., known, :])[..., 0, :]
                if not unit:
                    x[..., i, :] /= a[..., i, i, None]
        return x

    def backward(self, grad, a, b, x):
        gb = SolveTriangular.call(a.mT, grad, upper=not self.upper, unit=self.unit)
        if not self.needs_input_grad[0]:
            return None, gb
        ones = np.ones((a.shape[-1],) * 2, dtype=data(a).dtype)
        mask = np.triu(ones, 1 if self.unit else 0) if self.upper else np.tril(ones, -1 if self.unit else 0)
        return -(gb @ x.mT) * like(mask.astype(data(a).dtype), a), gb


def solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False, out=None
) -> Tensor:
    """``torch.linalg.solve_triangular``: X with AX = B (``left=False``: XA = B) for a triangular A,
    reading only its upper (``upper=True``) or lower triangle; ``unitriangular``: its diagonal is
    taken as ones. A's and B's batch dims broadcast and their dtypes promote, as in PyTorch.

    Shape: A (*, n, n), B (*, n, k) -> X (*, n, k).

    Example:
        >>> solve_triangular(tensor([[2.0, 1.0], [0.0, 4.0]]), tensor([[3.0], [4.0]]), upper=True)
        tensor([[1.],
                [1.]])
    """
    check_square(A, "linalg.solve_triangular", check_dtype=False)
    if B._data.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    for t in (A, B):
        if t._data.dtype.kind != "f" or t._data.dtype == np.float16:
            raise NotImplementedError(f"\"triangular_solve_cpu\" not implemented for '{type_name(t)}'")
    if A.dtype != B.dtype:
        wide = np.result_type(A._data.dtype, B._data.dtype)
        A, B = A.to(wide), B.to(wide)
    if not left:  # XA = B  <=>  Aᵀ Xᵀ = Bᵀ, Aᵀ triangular the other way
        X = solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
        return write_out(X, out, "linalg_solve_triangular")
    n = A._data.shape[-1]
    if B._data.shape[-2] != n:
        raise ShapeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B "
                         f"({n}x{n} and {B._data.shape[-2]}x{B._data.shape[-1]})")  # fmt: skip
    X = SolveTriangular.apply(A, B, upper=upper, unit=unitriangular)
    return write_out(X, out, "linalg_solve_triangular")


# -- determinants ----------------------------------------------------------------------------------
class Det(Function):
    """out = det(A);  grad_A = grad · det(A) · A⁻ᵀ, and 0 where det(A) = 0 exactly (PyTorch's
    LU-based formula gives 0 there too, not the cofactor matrix)."""

    saves_output = True

    def forward(self, a):
        return np.asarray(np.linalg.det(a), dtype=a.dtype)

    def backward(self, grad, a, out):
        singular = data(out) == 0
        n = a.shape[-1]
        safe = where(singular[..., None, None], eye_like(a, n), a) if singular.any() else a
        g = (grad * out)[..., None, None] * Inverse.call(safe).mT
        if singular.any():
            g = masked(g, np.broadcast_to(~singular[..., None, None], g.shape))
        return (g,)


class SignOfDet(Function):
    """out = sign(det(A)), piecewise constant: grad_A = 0 (recorded, as PyTorch records it)."""

    saves_inputs = False

    def forward(self, a):
        self.input_shape = a.shape
        return np.asarray(np.linalg.slogdet(a)[0], dtype=a.dtype)

    def backward(self, grad):
        return (like(np.zeros(self.input_shape, dtype=data(grad).dtype), grad),)


class LogAbsDet(Function):
    """out = log|det(A)|;  grad_A = grad · A⁻ᵀ (a singular A raises ``LinAlgError`` in backward,
    where PyTorch returns infinities)."""

    def forward(self, a):
        return np.asarray(np.linalg.slogdet(a)[1], dtype=a.dtype)

    def backward(self, grad, a):
        return (grad[..., None, None] * Inverse.call(a).mT,)


def det(A: Tensor, *, out=None) -> Tensor:
    """``torch.linalg.det`` (also ``torch.det``): the determinant of each matrix of the batch.

    Example:
        >>> det(tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.0000)
    """
    check_square(A, "linalg.det")
    return write_out(Det.apply(A), out, "_linalg_det")


def slogdet(A: Tensor, *, out=None) -> SlogdetResult:
    """``torch.linalg.slogdet`` (also ``torch.slogdet``): ``(sign, logabsdet)`` with
    det(A) = sign · exp(logabsdet), which does not overflow; sign carries no gradient."""
    check_square(A, "linalg.slogdet")
    return write_outs(SlogdetResult(SignOfDet.apply(A), LogAbsDet.apply(A)), out, "_linalg_slogdet")


def logdet(input: Tensor) -> Tensor:
    """``torch.logdet``: log det(A), NaN where det(A) < 0 and -inf where it is 0."""
    check_square(input, "logdet")
    sign, logabsdet = slogdet(input)
    with np.errstate(divide="ignore", invalid="ignore"):
        return logabsdet + Tensor._wrap(np.log(sign._data))  # log(sign): a constant 0, NaN or -inf


# -- pseudo-inverse and least squares ---------------------------------------------------------------
class Pinv(Function):
    """out = A⁺ (from the SVD, singular values at most max(atol, rtol·σ_max) dropped);
    grad_A: PyTorch's ``pinv_backward`` (Golub & Pereyra 1973), exact where the rank is constant."""

    saves_output = True

    def forward(self, a, atol, rtol):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        cutoff = np.maximum(atol, rtol * (s.max(axis=-1, keepdims=True) if s.shape[-1] else 0.0))
        with np.errstate(divide="ignore"):
            s_inv = np.where(s > cutoff, 1.0 / s, 0.0)
        return ((vh.mT * s_inv[..., None, :]) @ u.mT).astype(a.dtype, copy=False)

    def backward(self, grad, a, p):
        m, n = a.shape[-2:]
        ph, gh = p.mT, grad.mT
        if m <= n:
            K = gh @ p
            Kph = K @ ph
            return (-(p @ K).mT + Kph - (a @ p) @ Kph + (ph @ p) @ (gh - K @ a),)
        K = p @ gh
        phK = ph @ K
        return (-(K @ p).mT + (gh - a @ K) @ p @ ph + phK - phK @ p @ a,)


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """``torch.linalg.pinv``: the Moore-Penrose pseudo-inverse. Singular values at most
    max(atol, rtol·σ_max) count as zero; rtol defaults to eps·max(m, n) when atol is not given,
    else to 0 (PyTorch's rule). ``hermitian`` is accepted (the SVD serves both cases).

    Shape: A (*, m, n) -> (*, n, m).
    """
    check_matrix(A, "linalg.pinv")
    check_floating(A, "linalg.pinv")
    atol_value = 0.0 if atol is None else float(data(atol))
    if rtol is None:
        m, n = A._data.shape[-2:]
        rtol_value = float(np.finfo(A._data.dtype).eps) * max(m, n) if atol is None else 0.0
    else:
        rtol_value = float(data(rtol))
    return write_out(Pinv.apply(A, atol=atol_value, rtol=rtol_value), out, "linalg_pinv", exact_dtype=False)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """``torch.pinverse`` (the old API): ``pinv`` with ``rtol=rcond``."""
    return pinv(input, rtol=rcond)


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None) -> LstsqResult:
    """``torch.linalg.lstsq``: the X minimizing ‖AX - B‖ (the minimum-norm one if A is
    rank-deficient), as ``(solution, residuals, rank, singular_values)``.

    X = A⁺ B, differentiable in A and B with PyTorch's formula (PyTorch's gradient is the pinv's
    too). The other fields follow PyTorch's CPU drivers: ``rank`` for all but 'gels';
    ``singular_values`` for 'gelsd' and 'gelss'; ``residuals`` (squared, per column of B) for all
    but the default 'gelsy', when m > n and every matrix has full rank; otherwise empty tensors.
    """
    driver_name = "gelsy" if driver is None else driver
    if driver_name not in LSTSQ_DRIVERS:
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of {_driver_list()}")
    check_matrix(A, "torch.linalg.lstsq")
    if A._data.dtype.kind != "f" or B._data.dtype.kind != "f" or A._data.dtype == np.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    vector = B._data.ndim == A._data.ndim - 1
    if vector:
        B = B.unsqueeze(-1)
    if B._data.shape[-2] != A._data.shape[-2]:
        raise ShapeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A._data.shape[-2:]
    dtype = A._data.dtype
    rcond_value = float(np.finfo(dtype).eps) * max(m, n) if rcond is None else float(rcond)
    X = pinv(A, rtol=rcond_value) @ B
    s = np.linalg.svd(A._data, compute_uv=False).astype(dtype)
    batch = A._data.shape[:-2]
    largest = s.max(axis=-1, keepdims=True, initial=0.0)
    rank = (s > rcond_value * largest).sum(-1).astype(np.int64)
    full_rank = bool(np.all(rank == min(m, n)))
    empty = np.zeros((0,), dtype)
    residuals = empty
    if driver_name != "gelsy" and m > n and full_rank:
        residuals = np.square(A._data @ X._data - B._data).sum(-2).astype(dtype)
    return LstsqResult(
        X.squeeze(-1) if vector else X,
        Tensor._wrap(residuals),
        Tensor._wrap(np.zeros((0,), np.int64) if driver_name == "gels" else rank.reshape(batch)),
        Tensor._wrap(s if driver_name in ("gelsd", "gelss") else empty),
    )


def _driver_list() -> str:
    return "(" + ", ".join(LSTSQ_DRIVERS) + ")"

"""``torch.linalg.qr``: A = QR, with PyTorch's gradient for tall, square and wide matrices.

Like the other decompositions (``decompositions.py``), one op returns Q and R packed on one
last axis, and the public function unpacks them with differentiable slices.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from neuronlab.engine.array_or_tensor import data, like
from neuronlab.engine.function import Function
from neuronlab.engine.out_argument import write_outs
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.decompositions import Inverse, eye_like, pack, unpack
from neuronlab.ops.join import cat
from neuronlab.ops.linalg_errors import check_floating, check_matrix

QrResult = namedtuple("linalg_qr", ["Q", "R"])


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
        return write_outs(QrResult(Tensor._wrap(np.zeros((0,), A._data.dtype)), R), out, "linalg_qr")
    packed = Qr.apply(A, mode=mode)
    if packed.grad_fn is None:
        m, n = A._data.shape[-2:]
        k = m if mode == "complete" else min(m, n)
        q, r = unpack(packed._data, A._data.shape[:-2], [(m, k), (k, n)])
        result = QrResult(Tensor._wrap(np.ascontiguousarray(q)), Tensor._wrap(np.ascontiguousarray(r)))
    else:
        result = QrResult(*packed.grad_fn.factors(packed))
    return write_outs(result, out, "linalg_qr")


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

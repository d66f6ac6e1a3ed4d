"""The gates of one GRU step, fused into one op.

A GRU step written with primitives records about a dozen ops (two ``chunk``s, two sigmoids, a
tanh, the products and sums) for a few hundred numbers each; on MNIST-1D's bidirectional GRU
(40 steps, 2 directions) that Python bookkeeping, not the arithmetic, was most of a training
step. Fused, a step is three recorded ops: the input slice, the hidden ``linear`` and this.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import sigmoid
from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.join import cat


def _tanh(x):
    return x.tanh() if isinstance(x, Tensor) else np.tanh(x)


def _cat(parts: list):
    return cat(parts, -1) if isinstance(parts[0], Tensor) else np.concatenate(parts, -1)


def _gates(x_gates, h_gates, h):
    """r, z, n from the input and hidden projections, PyTorch's row order (r, z, n)."""
    size = h.shape[-1]
    rz = sigmoid(x_gates[..., : 2 * size] + h_gates[..., : 2 * size])
    r, z = rz[..., :size], rz[..., size:]
    n = _tanh(x_gates[..., 2 * size :] + r * h_gates[..., 2 * size :])
    return r, z, n


class GRUGates(Function):
    """h' = (1 − z) ⊙ n + z ⊙ h from x_gates = W_ih x + b_ih and h_gates = W_hh h + b_hh,
    each (..., 3H) in the order (r, z, n):

        r = σ(x_r + h_r),  z = σ(x_z + h_z),  n = tanh(x_n + r ⊙ h_n).

    With g = ∂L/∂h', a_n = g (1 − z)(1 − n²), a_z = g (h − n) z (1 − z), a_r = a_n h_n r (1 − r):
    ∂L/∂x_gates = (a_r, a_z, a_n), ∂L/∂h_gates = (a_r, a_z, a_n ⊙ r), ∂L/∂h = g z.

    The backward recomputes r, z, n from the inputs (a few hundred numbers per step), so one
    formula serves arrays and, recorded, Tensors (double backward).
    """

    def forward(self, x_gates, h_gates, h):
        r, z, n = _gates(x_gates, h_gates, h)
        return n + z * (h - n)

    def backward(self, grad, x_gates, h_gates, h):
        r, z, n = _gates(x_gates, h_gates, h)
        a_n = grad * (1.0 - z) * (1.0 - n * n)
        a_z = grad * (h - n) * (z * (1.0 - z))
        a_r = a_n * h_gates[..., 2 * h.shape[-1] :] * (r * (1.0 - r))
        needs = self.needs_input_grad
        gx = _cat([a_r, a_z, a_n]) if needs[0] else None
        gh = _cat([a_r, a_z, a_n * r]) if needs[1] else None
        return gx, gh, grad * z if needs[2] else None


def gru_gates(x_gates: Tensor, h_gates: Tensor, h: Tensor) -> Tensor:
    """One GRU step's output h' from its two projections (see ``GRUGates``); the hidden
    state ``h`` has the last dim H, both projections 3H."""
    size = h.shape[-1]
    if x_gates.shape[-1] != 3 * size or h_gates.shape[-1] != 3 * size:
        raise ShapeError(
            f"gru_gates(): the projections' last dims must be 3 × hidden size = {3 * size}, got "
            f"{x_gates.shape[-1]} and {h_gates.shape[-1]}"
        )
    return GRUGates.apply(x_gates, h_gates, h)

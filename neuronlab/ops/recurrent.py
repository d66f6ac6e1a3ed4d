"""GRU recurrences fused: one step (``GRUGates``, for ``GRUCell``) and a whole sequence
(``GRUSequence``, for ``GRU``).

A GRU step written with primitives records about a dozen ops (two ``chunk``s, two sigmoids, a
tanh, the products and sums) for a few hundred numbers each; on MNIST-1D's bidirectional GRU
(40 steps, 2 directions) that Python bookkeeping, not the arithmetic, was most of a training
step (18 ms). Fused per step it took 10 ms; as one op per direction, whose backward runs the
recurrence back through time in one loop, fewer still (measured in benchmarks/mnist1d_gru.py).
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import sigmoid
from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.join import cat, stack


def _tanh(x):
    return x.tanh() if isinstance(x, Tensor) else np.tanh(x)


def _cat(parts: list):
    return cat(parts, -1) if isinstance(parts[0], Tensor) else np.concatenate(parts, -1)


def _stack(parts: list):
    return stack(parts, 0) if isinstance(parts[0], Tensor) else np.stack(parts, 0)


def _step_grads(grad, x_gates, h_gates, h, gates=None):
    """(∂L/∂x_gates, ∂L/∂h_gates, the part of ∂L/∂h through the z gate) of one step; see
    ``GRUGates``. ``gates``: (r, z, n, h_n) kept by the forward pass, used on arrays only (as
    ``softmax(from_forward=...)``); on Tensors they are recomputed, recorded."""
    size = h.shape[-1]
    if gates is None or isinstance(grad, Tensor):
        r, z, n = _gates(x_gates, h_gates, h)
        h_n = h_gates[..., 2 * size :]
    else:
        r, z, n, h_n = gates
    a_n = grad * (1.0 - z) * (1.0 - n * n)
    a_z = grad * (h - n) * (z * (1.0 - z))
    a_r = a_n * h_n * (r * (1.0 - r))
    return _cat([a_r, a_z, a_n]), _cat([a_r, a_z, a_n * r]), grad * z


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
        gx, gh, g_state = _step_grads(grad, x_gates, h_gates, h)
        needs = self.needs_input_grad
        return gx if needs[0] else None, gh if needs[1] else None, g_state if needs[2] else None


class GRUSequence(Function):
    """The outputs h_1 … h_T of one GRU layer and direction, (T, N, H), from the input
    projections x_gates = W_ih x_t + b_ih for every step, (T, N, 3H), the initial state h_0,
    (N, H), and the hidden weights: h_t = GRUGates(x_gates_t, W_hh h_{t-1} + b_hh, h_{t-1})
    (``reverse``: from the last step to the first).

    Backward through time, one loop from the last step processed to the first: the upstream
    gradient of h_t plus what flows back from step t + 1 goes through ``GRUGates``' formula;
    ∂L/∂W_hh = Σ_t ∂L/∂h_gates_tᵀ h_{t-1}, ∂L/∂b_hh = Σ_t ∂L/∂h_gates_t, and
    ∂L/∂h_{t-1} = g z + ∂L/∂h_gates_t W_hh. The states come from the saved output. On arrays the
    gates the forward pass kept are reused (as ``softmax(from_forward=...)``); on Tensors they are
    recomputed from the states, recorded, so the same loop gives the double backward.
    """

    saves_output = True

    def forward(self, x_gates, h0, w_hh, b_hh=None, *, reverse: bool = False):
        self.reverse = reverse
        out = np.empty(x_gates.shape[:-1] + h0.shape[-1:], dtype=np.result_type(x_gates, h0, w_hh))
        h, size, self.gates = h0, h0.shape[-1], {}
        for t in self._order(len(x_gates)):
            h_gates = h @ w_hh.T
            if b_hh is not None:
                h_gates += b_hh
            r, z, n = _gates(x_gates[t], h_gates, h)
            self.gates[t] = (r, z, n, h_gates[..., 2 * size :])  # for the backward on arrays
            h = out[t] = n + z * (h - n)
        return out

    def backward(self, grad, x_gates, h0, w_hh, b_hh=None, out=None):
        if out is None:  # saved inputs come first: without a bias the output lands in b_hh's place
            b_hh, out = None, b_hh
        order = list(self._order(len(x_gates)))
        g_x, g_h, h_prevs, carry = [None] * len(order), [None] * len(order), [None] * len(order), None
        for i in range(len(order) - 1, -1, -1):
            t = order[i]
            h_prevs[t] = h_prev = out[order[i - 1]] if i else h0
            h_gates = h_prev @ w_hh.T if isinstance(grad, Tensor) else None  # arrays: kept by forward
            if h_gates is not None and b_hh is not None:
                h_gates = h_gates + b_hh
            g = grad[t] if carry is None else grad[t] + carry
            g_x[t], g_h[t], g_state = _step_grads(g, x_gates[t], h_gates, h_prev, self.gates.get(t))
            carry = g_state + g_h[t] @ w_hh
        needs = self.needs_input_grad
        g_h = _stack(g_h)  # (T, N, 3H): the weight's gradient is one product over all steps
        h_prevs = _stack(h_prevs).reshape(-1, h0.shape[-1])
        g_w = g_h.reshape(-1, g_h.shape[-1]).T @ h_prevs if needs[2] else None
        grads = (_stack(g_x) if needs[0] else None, carry if needs[1] else None, g_w)
        return grads + ((g_h.sum((0, 1)) if needs[3] else None),) if b_hh is not None else grads

    def _order(self, steps: int) -> range:
        return range(steps - 1, -1, -1) if self.reverse else range(steps)


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


def gru_sequence(x_gates: Tensor, h0: Tensor, w_hh: Tensor, b_hh: Tensor | None = None,
                 reverse: bool = False) -> Tensor:  # fmt: skip
    """The outputs (T, N, H) of one GRU layer and direction (see ``GRUSequence``)."""
    size = h0.shape[-1]
    if (
        x_gates.dim() != 3
        or h0.dim() != 2
        or x_gates.shape[-1] != 3 * size
        or tuple(w_hh.shape) != (3 * size, size)
    ):
        raise ShapeError(
            f"gru_sequence(): expected x_gates (T, N, {3 * size}), h0 (N, {size}) and w_hh ({3 * size}, {size}), got "
            f"{tuple(x_gates.shape)}, {tuple(h0.shape)} and {tuple(w_hh.shape)}"
        )
    inputs = (x_gates, h0, w_hh) if b_hh is None else (x_gates, h0, w_hh, b_hh)
    return GRUSequence.apply(*inputs, reverse=reverse)

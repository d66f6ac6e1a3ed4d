"""``SGD``: stochastic gradient descent with optional momentum, Nesterov momentum and L2
weight decay (PyTorch's formulation).

Momentum in the course's form and in PyTorch's form are the same method
-----------------------------------------------------------------------
The course writes momentum with the learning rate inside the velocity::

    v_t = γ v_{t-1} + η ∇L(θ_{t-1});      θ_t = θ_{t-1} - v_t

PyTorch (and neuronlab) keep the learning rate outside the buffer::

    b_t = μ b_{t-1} + g_t;                θ_t = θ_{t-1} - lr · b_t

With γ = μ, η = lr held constant and v_0 = b_0 = 0, induction gives ``v_t = lr · b_t`` for
every t (true at t = 1: v_1 = η g_1 = lr · b_1; and if v_{t-1} = lr · b_{t-1} then
v_t = μ lr b_{t-1} + lr g_t = lr · b_t), so both produce the same parameters. They differ
only when the learning rate changes during training: the course's v keeps the old η inside
the accumulated velocity, PyTorch's b applies the new lr to the whole buffer at once.
``tests/optim/test_sgd_momentum_forms.py`` checks the two trajectories are equal.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neuronlab.optim.optimizer import Optimizer, ParamsT, check_differentiable


def sgd_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    momentum: float,
    dampening: float,
    weight_decay: float,
    nesterov: bool,
    maximize: bool,
    work: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """One SGD step on ``param`` in place (``grad`` is only read).

    Algorithm (Robbins & Monro 1951; momentum: Polyak 1964; Nesterov form as in
    Sutskever, Martens, Dahl & Hinton, "On the importance of initialization and momentum in
    deep learning", ICML 2013)::

        g ← -∇ if maximize else ∇
        if λ ≠ 0:  g ← g + λ θ                         # coupled L2 weight decay
        if μ ≠ 0:
            b ← g                    on the first step  # no (1 - τ) factor here
            b ← μ b + (1 - τ) g      afterwards         # τ = dampening
            g ← g + μ b  if nesterov  else  b
        θ ← θ - lr · g

    ``state`` may hold ``"momentum_buffer"`` (an array); it is created on the first step.
    ``work`` is two scratch arrays shaped like ``param`` (allocated when ``None``).

    Example:
        >>> theta, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
        >>> s = {}
        >>> sgd_update(theta, g, s, lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0,
        ...            nesterov=False, maximize=False)
        >>> theta
        array([0.95, 2.1 ])
    """
    g_buf, tmp = work if work is not None else (np.empty_like(param), np.empty_like(param))
    g = np.negative(grad, out=g_buf) if maximize else grad
    if weight_decay != 0:
        np.multiply(param, weight_decay, out=tmp)
        g = np.add(g, tmp, out=g_buf)
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = g.copy()  # the one allocation, on the first step
        else:
            buf *= momentum
            if dampening == 0:
                buf += g
            else:
                buf += np.multiply(g, 1 - dampening, out=tmp)
        if nesterov:
            g = np.add(g, np.multiply(buf, momentum, out=tmp), out=g_buf)
        else:
            g = buf
    param += np.multiply(g, -lr, out=tmp)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (see ``sgd_update``).

    Args:
        params: tensors to optimize, or parameter-group dicts.
        lr: learning rate (default 1e-3, as in PyTorch 2.x).
        momentum: momentum factor μ ≥ 0 (default 0: plain SGD).
        dampening: τ, scales the new gradient in the buffer by (1 - τ) (default 0).
        weight_decay: λ ≥ 0, adds λθ to the gradient (L2 penalty λ/2 ‖θ‖²) (default 0).
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening = 0).
        maximize: ascend the objective instead of descending it.
        foreach, fused: accepted for PyTorch compatibility and ignored.
        differentiable: must be False.

    State per parameter: ``"momentum_buffer"`` (a tensor shaped like the parameter), only
    when momentum ≠ 0 and after the first step.

    Example:
        >>> opt = neuronlab.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        check_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    @staticmethod
    def state_buffers(group: dict) -> int:
        """The momentum buffer, with momentum ≠ 0."""
        return int(group.get("momentum", 0) != 0)

    def _update(self, param, grad, state, group, work) -> None:
        sgd_update(
            param,
            grad,
            state,
            lr=group["lr"],
            momentum=group["momentum"],
            dampening=group["dampening"],
            weight_decay=group["weight_decay"],
            nesterov=group["nesterov"],
            maximize=group["maximize"],
            work=work,
        )

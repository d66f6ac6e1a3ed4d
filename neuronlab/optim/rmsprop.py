"""``RMSprop``: divide the gradient by a running root-mean-square of recent gradients
(PyTorch's formulation, with optional centering and momentum)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neuronlab.optim.adam import lerp_
from neuronlab.optim.optimizer import Optimizer, ParamsT, check_differentiable, step_tensor, zeros_state


def rmsprop_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    centered: bool,
    maximize: bool,
    work: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """One RMSprop step on ``param`` in place (``grad`` is only read).

    Algorithm (Hinton, Srivastava & Swersky, "Neural Networks for Machine Learning",
    lecture 6e, 2012; centered form: Graves, "Generating Sequences With Recurrent Neural
    Networks", 2013)::

        t ← t + 1
        g ← -∇ if maximize else ∇
        if λ ≠ 0:  g ← g + λ θ                     # coupled L2 weight decay
        v ← α v + (1 - α) g²
        if centered:
            ḡ ← α ḡ + (1 - α) g;   d ← √(v - ḡ²) + ε
        else:
            d ← √v + ε
        if μ > 0:   b ← μ b + g / d;   θ ← θ - lr · b
        else:       θ ← θ - lr · g / d

    ``state`` holds arrays ``"step"`` (0-dim), ``"square_avg"`` (v), ``"momentum_buffer"``
    (b, when μ > 0) and ``"grad_avg"`` (ḡ, when centered). ``work`` is two scratch arrays.

    Example:
        >>> theta = np.array([1.0, 1.0])
        >>> s = {"step": np.array(0.0), "square_avg": np.zeros(2)}
        >>> rmsprop_update(theta, np.array([1.0, -1.0]), s, lr=0.01, alpha=0.99, eps=0.0,
        ...                weight_decay=0.0, momentum=0.0, centered=False, maximize=False)
        >>> theta.round(6)   # first step: g / √(0.01 g²) = ±10, times lr
        array([0.9, 1.1])
    """
    g_buf, tmp = work if work is not None else (np.empty_like(param), np.empty_like(param))
    state["step"] += 1
    g = np.negative(grad, out=g_buf) if maximize else grad
    if weight_decay != 0:
        np.multiply(param, weight_decay, out=tmp)
        g = np.add(g, tmp, out=g_buf)
    square_avg = state["square_avg"]
    square_avg *= alpha
    np.multiply(g, 1 - alpha, out=tmp)
    tmp *= g
    square_avg += tmp
    if centered:
        grad_avg = lerp_(state["grad_avg"], g, 1 - alpha, tmp)
        avg = np.negative(grad_avg, out=tmp)
        avg *= grad_avg
        avg += square_avg
        np.sqrt(avg, out=avg)
    else:
        avg = np.sqrt(square_avg, out=tmp)
    avg += eps
    if momentum > 0:
        buf = state["momentum_buffer"]
        buf *= momentum
        buf += np.divide(g, avg, out=tmp)
        param += np.multiply(buf, -lr, out=tmp)
    else:
        update = np.multiply(g, -lr, out=g_buf)  # g may live in g_buf: elementwise, so safe
        update /= avg
        param += update


class RMSprop(Optimizer):
    """RMSprop (see ``rmsprop_update`` for the algorithm).

    Args:
        params: tensors to optimize, or parameter-group dicts.
        lr: learning rate (default 1e-2).
        alpha: α ≥ 0, smoothing constant of the squared-gradient average (default 0.99).
        eps: ε ≥ 0 added to the denominator (default 1e-8).
        weight_decay: λ ≥ 0, coupled L2: adds λθ to the gradient (default 0).
        momentum: μ ≥ 0 (default 0).
        centered: divide by an estimate of the gradient's variance instead of its second
            moment (default False).
        maximize: ascend the objective instead of descending it.
        foreach, capturable: accepted for PyTorch compatibility and ignored.
        differentiable: must be False.

    State per parameter: ``"step"`` (a 0-dim float32 tensor), ``"square_avg"``, and
    ``"momentum_buffer"`` (μ > 0) and ``"grad_avg"`` (centered), shaped like the parameter.

    Example:
        >>> opt = neuronlab.optim.RMSprop(model.parameters(), lr=1e-2, momentum=0.9)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        check_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group) -> None:
        state["step"] = step_tensor()
        state["square_avg"] = zeros_state(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_state(p)
        if group["centered"]:
            state["grad_avg"] = zeros_state(p)

    @staticmethod
    def state_buffers(group: dict) -> int:
        """The mean square, plus the mean gradient when centered, plus the momentum buffer."""
        return 1 + bool(group.get("centered", False)) + (group.get("momentum", 0) > 0)

    def _update(self, param, grad, state, group, work) -> None:
        rmsprop_update(
            param,
            grad,
            state,
            lr=group["lr"],
            alpha=group["alpha"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
            centered=group["centered"],
            maximize=group["maximize"],
            work=work,
        )

"""``Adam``: adaptive moment estimation with bias correction, optional AMSGrad and coupled
(L2) or decoupled weight decay (PyTorch's formulation)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neuronlab.optim.optimizer import Optimizer, ParamsT, check_differentiable, step_tensor, zeros_state


def lerp_(start: np.ndarray, end: np.ndarray, weight: float, tmp: np.ndarray) -> np.ndarray:
    """``start ← start + weight · (end - start)`` in place, in PyTorch's two forms (the second
    for weight ≥ 0.5 keeps ``end`` exact at weight = 1), so float32 results match its ``lerp_``."""
    np.subtract(end, start, out=tmp)
    if abs(weight) < 0.5:
        tmp *= weight
        start += tmp
    else:
        one = start.dtype.type(1)
        tmp *= one - start.dtype.type(weight)
        np.subtract(end, tmp, out=start)
    return start


def adam_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    amsgrad: bool,
    maximize: bool,
    decoupled_weight_decay: bool = False,
    work: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """One Adam step on ``param`` in place (``grad`` is only read).

    Algorithm (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
    AMSGrad: Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond", ICLR 2018)::

        t ← t + 1
        g ← -∇ if maximize else ∇
        if λ ≠ 0:
            θ ← θ (1 - lr λ)          if decoupled (AdamW)
            g ← g + λ θ               otherwise (coupled L2)
        m ← β₁ m + (1 - β₁) g                     # first moment
        v ← β₂ v + (1 - β₂) g²                    # second moment
        if amsgrad:  v_max ← max(v_max, v);  v̂ = v_max  else  v̂ = v
        θ ← θ - lr / (1 - β₁ᵗ) · m / (√v̂ / √(1 - β₂ᵗ) + ε)

    ``state`` holds arrays ``"step"`` (0-dim), ``"exp_avg"`` (m), ``"exp_avg_sq"`` (v) and,
    with AMSGrad, ``"max_exp_avg_sq"``. ``work`` is two scratch arrays shaped like ``param``.

    Example:
        >>> theta = np.array([1.0, -1.0])
        >>> s = {"step": np.array(0.0), "exp_avg": np.zeros(2), "exp_avg_sq": np.zeros(2)}
        >>> adam_update(theta, np.array([0.3, -2.0]), s, lr=0.1, betas=(0.9, 0.999), eps=1e-8,
        ...             weight_decay=0.0, amsgrad=False, maximize=False)
        >>> theta.round(6)   # the first step moves every coordinate by lr
        array([ 0.9, -0.9])
    """
    g_buf, tmp = work if work is not None else (np.empty_like(param), np.empty_like(param))
    beta1, beta2 = betas
    state["step"] += 1
    step = float(state["step"])
    g = np.negative(grad, out=g_buf) if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            np.multiply(param, weight_decay, out=tmp)
            g = np.add(g, tmp, out=g_buf)
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    lerp_(exp_avg, g, 1 - beta1, tmp)
    exp_avg_sq *= beta2
    np.multiply(g, 1 - beta2, out=tmp)
    tmp *= g
    exp_avg_sq += tmp

    bias_correction1 = 1 - beta1**step
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    step_size = lr / bias_correction1
    if amsgrad:
        second = np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
    else:
        second = exp_avg_sq
    denom = np.sqrt(second, out=tmp)
    denom /= bias_correction2_sqrt
    denom += eps
    update = np.multiply(exp_avg, -step_size, out=g_buf)  # g is no longer needed
    update /= denom
    param += update


class Adam(Optimizer):
    """Adam (see ``adam_update`` for the algorithm).

    Args:
        params: tensors to optimize, or parameter-group dicts.
        lr: learning rate (default 1e-3).
        betas: (β₁, β₂), decay rates of the moment estimates, each in [0, 1) (default (0.9, 0.999)).
        eps: ε ≥ 0 added to the denominator (default 1e-8).
        weight_decay: λ ≥ 0, coupled L2: adds λθ to the gradient (default 0).
        amsgrad: use the running maximum of v (AMSGrad) (default False).
        maximize: ascend the objective instead of descending it.
        decoupled_weight_decay: decay θ directly, as AdamW does (default False).
        foreach, capturable, fused: accepted for PyTorch compatibility and ignored.
        differentiable: must be False.

    State per parameter: ``"step"`` (a 0-dim float32 tensor, as in PyTorch), ``"exp_avg"``,
    ``"exp_avg_sq"`` and with AMSGrad ``"max_exp_avg_sq"`` (tensors shaped like the parameter).

    Example:
        >>> opt = neuronlab.optim.Adam(model.parameters(), lr=1e-3)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        check_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group) -> None:
        state["step"] = step_tensor()
        state["exp_avg"] = zeros_state(p)
        state["exp_avg_sq"] = zeros_state(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_state(p)

    @staticmethod
    def state_buffers(group: dict) -> int:
        """m and v, and the running maximum of v with AMSGrad."""
        return 2 + bool(group.get("amsgrad", False))

    def _update(self, param, grad, state, group, work) -> None:
        adam_update(
            param,
            grad,
            state,
            lr=group["lr"],
            betas=group["betas"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            amsgrad=group["amsgrad"],
            maximize=group["maximize"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            work=work,
        )

"""``Adagrad``: per-coordinate learning rates from the sum of squared gradients
(PyTorch's formulation)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neuronlab.optim.optimizer import Optimizer, ParamsT, check_differentiable, step_tensor, zeros_state


def adagrad_update(
    param: np.ndarray,
    grad: np.ndarray,
    state: dict[str, Any],
    *,
    lr: float,
    lr_decay: float,
    weight_decay: float,
    eps: float,
    maximize: bool,
    work: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """One Adagrad step on ``param`` in place (``grad`` is only read).

    Algorithm (Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and
    Stochastic Optimization", JMLR 2011)::

        t ← t + 1
        g ← -∇ if maximize else ∇
        if λ ≠ 0:  g ← g + λ θ                     # coupled L2 weight decay
        lr_t ← lr / (1 + (t - 1) · lr_decay)
        s ← s + g²                                 # s starts at initial_accumulator_value
        θ ← θ - lr_t · g / (√s + ε)

    ``state`` holds arrays ``"step"`` (0-dim) and ``"sum"`` (s). ``work`` is two scratch
    arrays shaped like ``param``.

    Example:
        >>> theta = np.array([1.0, 1.0])
        >>> s = {"step": np.array(0.0), "sum": np.zeros(2)}
        >>> adagrad_update(theta, np.array([2.0, -0.5]), s, lr=0.1, lr_decay=0.0,
        ...                weight_decay=0.0, eps=1e-10, maximize=False)
        >>> theta.round(6)   # the first step moves every coordinate by lr
        array([0.9, 1.1])
    """
    g_buf, tmp = work if work is not None else (np.empty_like(param), np.empty_like(param))
    state["step"] += 1
    step = float(state["step"])
    g = np.negative(grad, out=g_buf) if maximize else grad
    if weight_decay != 0:
        np.multiply(param, weight_decay, out=tmp)
        g = np.add(g, tmp, out=g_buf)
    clr = lr / (1 + (step - 1) * lr_decay)
    state_sum = state["sum"]
    state_sum += np.multiply(g, g, out=tmp)
    std = np.sqrt(state_sum, out=tmp)
    std += eps
    update = np.multiply(g, -clr, out=g_buf)
    update /= std
    param += update


class Adagrad(Optimizer):
    """Adagrad (see ``adagrad_update`` for the algorithm).

    Args:
        params: tensors to optimize, or parameter-group dicts.
        lr: learning rate (default 1e-2).
        lr_decay: ≥ 0, the step size is lr / (1 + (t - 1) lr_decay) (default 0).
        weight_decay: λ ≥ 0, coupled L2: adds λθ to the gradient (default 0).
        initial_accumulator_value: ≥ 0, the starting value of the sum of squares (default 0).
        eps: ε ≥ 0 added to the denominator (default 1e-10).
        maximize: ascend the objective instead of descending it.
        foreach, fused: accepted for PyTorch compatibility and ignored.
        differentiable: must be False.

    State per parameter (created for every parameter when the optimizer is built, as in
    PyTorch): ``"step"`` (a 0-dim float32 tensor) and ``"sum"`` (a tensor shaped like the
    parameter). A group's own ``initial_accumulator_value`` is honoured (PyTorch uses the
    constructor's value for every group).

    Example:
        >>> opt = neuronlab.optim.Adagrad(model.parameters(), lr=0.1)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    def _init_state(self, p, state, group) -> None:
        state["step"] = step_tensor()
        state["sum"] = zeros_state(p, group["initial_accumulator_value"])

    @staticmethod
    def state_buffers(group: dict) -> int:
        """The sum of squared gradients."""
        return 1

    def _update(self, param, grad, state, group, work) -> None:
        adagrad_update(
            param,
            grad,
            state,
            lr=group["lr"],
            lr_decay=group["lr_decay"],
            weight_decay=group["weight_decay"],
            eps=group["eps"],
            maximize=group["maximize"],
            work=work,
        )

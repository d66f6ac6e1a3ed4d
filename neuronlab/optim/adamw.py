"""``AdamW``: Adam with decoupled weight decay (PyTorch's formulation).

With Adam's coupled L2 (``Adam(weight_decay=λ)``) the decay term λθ enters the gradient and
is then divided by √v̂ like the rest of it, so parameters with large gradients are barely
regularized. AdamW shrinks θ directly, by the same factor (1 - lr λ) for every coordinate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neuronlab.optim.adam import Adam, adam_update
from neuronlab.optim.optimizer import ParamsT


def adamw_update(
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
    work: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """One AdamW step on ``param`` in place (``grad`` is only read).

    Algorithm (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019)::

        t ← t + 1
        g ← -∇ if maximize else ∇
        θ ← θ (1 - lr λ)                          # decay, outside the adaptive scaling
        m ← β₁ m + (1 - β₁) g
        v ← β₂ v + (1 - β₂) g²
        if amsgrad:  v_max ← max(v_max, v);  v̂ = v_max  else  v̂ = v
        θ ← θ - lr / (1 - β₁ᵗ) · m / (√v̂ / √(1 - β₂ᵗ) + ε)

    This is ``adam_update`` with ``decoupled_weight_decay=True``; ``state`` and ``work`` are
    as there.

    Example:
        >>> theta = np.array([1.0, -1.0])
        >>> s = {"step": np.array(0.0), "exp_avg": np.zeros(2), "exp_avg_sq": np.zeros(2)}
        >>> adamw_update(theta, np.zeros(2), s, lr=0.1, betas=(0.9, 0.999), eps=1e-8,
        ...              weight_decay=0.5, amsgrad=False, maximize=False)
        >>> theta   # zero gradient: only the decay θ(1 - 0.05) acts
        array([ 0.95, -0.95])
    """
    adam_update(param, grad, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                maximize=maximize, decoupled_weight_decay=True, work=work)  # fmt: skip


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay (see ``adamw_update``).

    Same arguments and state as ``Adam`` except ``weight_decay`` (λ ≥ 0, default 1e-2), which
    shrinks the parameters by (1 - lr λ) each step instead of entering the gradient. A
    subclass of ``Adam`` (as in PyTorch) whose groups always have
    ``decoupled_weight_decay=True``.

    Example:
        >>> opt = neuronlab.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As ``Optimizer.load_state_dict``; groups keep ``decoupled_weight_decay=True``."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True

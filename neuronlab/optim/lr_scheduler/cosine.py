"""``CosineAnnealingLR``: anneal the lr from its initial value to ``eta_min`` along a cosine."""

from __future__ import annotations

import math

from neuronlab.optim.lr_scheduler.base import LRScheduler, group_lrs
from neuronlab.optim.optimizer import Optimizer


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing (Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts", ICLR 2017), without restarts.

    Closed form, for 0 ≤ t ≤ T_max::

        η_t = η_min + ½ (η_max - η_min) (1 + cos(π t / T_max))

    computed, as in PyTorch, by the recursion that also follows outside changes to the lr::

        η_t = η_min + (η_{t-1} - η_min) · (1 + cos(π t / T_max)) / (1 + cos(π (t-1) / T_max))

    Past T_max the lr rises again along the same cosine (period 2 T_max).

    Args:
        optimizer: the wrapped optimizer.
        T_max: number of epochs from the initial lr to ``eta_min``.
        eta_min: the minimum lr (default 0).
        last_epoch: index of the last epoch (default -1: start).

    Example:
        >>> sched = neuronlab.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=50, eta_min=1e-5)
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, t_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return group_lrs(self.optimizer)
        if self._step_count == 1 and t > 0:  # first step of a resumed schedule: closed form
            return [
                eta_min + (base_lr - eta_min) * (1 + math.cos(t * math.pi / t_max)) / 2
                for base_lr in self.base_lrs
            ]
        if (t - 1 - t_max) % (2 * t_max) == 0:  # the bottom of the cosine: the ratio is 0/0
            return [
                lr + (base_lr - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
                for base_lr, lr in zip(self.base_lrs, group_lrs(self.optimizer))
            ]
        return [
            (1 + math.cos(math.pi * t / t_max)) / (1 + math.cos(math.pi * (t - 1) / t_max)) * (lr - eta_min)
            + eta_min
            for lr in group_lrs(self.optimizer)
        ]

    def _get_closed_form_lr(self) -> list[float]:
        return [
            self.eta_min
            + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            for base_lr in self.base_lrs
        ]

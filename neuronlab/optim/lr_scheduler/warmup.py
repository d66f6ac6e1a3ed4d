"""``LinearLR``: change the lr linearly over the first epochs (linear warm-up)."""

from __future__ import annotations

from neuronlab.optim.lr_scheduler.base import LRScheduler, group_lrs
from neuronlab.optim.optimizer import Optimizer


class LinearLR(LRScheduler):
    """Scale the lr by a factor that goes linearly from ``start_factor`` to ``end_factor``
    over ``total_iters`` epochs, then stays at ``end_factor``.

    Closed form::

        lr_t = base_lr · (s + (e - s) · min(t, total_iters) / total_iters)

    computed, as in PyTorch, recursively:
    ``lr_t = lr_{t-1} · (1 + (e - s) / (total_iters · s + (t - 1)(e - s)))`` for
    1 ≤ t ≤ total_iters. With ``start_factor < 1 = end_factor`` this is a linear warm-up.

    Args:
        optimizer: the wrapped optimizer.
        start_factor: factor at epoch 0, in (0, 1] (default 1/3).
        end_factor: factor from ``total_iters`` on, in [0, 1] (default 1).
        total_iters: number of epochs of the linear change (default 5).
        last_epoch: index of the last epoch (default -1: start).

    Example:
        >>> warmup = neuronlab.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5)
        >>> # lr = 0.1·base, 0.28·base, 0.46·base, 0.64·base, 0.82·base, then base
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        s, e = self.start_factor, self.end_factor
        if self.last_epoch == 0:
            return [lr * s for lr in group_lrs(self.optimizer)]
        if self._is_initial or self.last_epoch > self.total_iters:
            return group_lrs(self.optimizer)
        ratio = 1.0 + (e - s) / (self.total_iters * s + (self.last_epoch - 1) * (e - s))
        return [lr * ratio for lr in group_lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        s, e = self.start_factor, self.end_factor
        return [
            base_lr * (s + (e - s) * min(self.total_iters, self.last_epoch) / self.total_iters)
            for base_lr in self.base_lrs
        ]

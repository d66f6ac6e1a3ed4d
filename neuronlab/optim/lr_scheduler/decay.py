"""Step-wise and exponential decay: ``StepLR``, ``MultiStepLR``, ``ExponentialLR``."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable

from neuronlab.optim.lr_scheduler.base import LRScheduler, group_lrs
from neuronlab.optim.optimizer import Optimizer


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    Formula: ``lr_t = base_lr · γ^⌊t / step_size⌋`` (computed recursively: the current lr
    is multiplied by γ when t is a non-zero multiple of step_size).

    Args:
        optimizer: the wrapped optimizer.
        step_size: period of the decay, in epochs.
        gamma: multiplicative factor (default 0.1).
        last_epoch: index of the last epoch (default -1: start).

    Example:
        >>> sched = neuronlab.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
        >>> # lr = 0.05 for epochs 0-29, 0.005 for 30-59, 0.0005 for 60-89, ...
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return group_lrs(self.optimizer)
        return [lr * self.gamma for lr in group_lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each epoch listed in ``milestones``.

    Formula: ``lr_t = base_lr · γ^(number of milestones ≤ t)`` (a milestone listed k times
    multiplies by γᵏ).

    Args:
        optimizer: the wrapped optimizer.
        milestones: epoch indices, increasing.
        gamma: multiplicative factor (default 0.1).
        last_epoch: index of the last epoch (default -1: start).

    Example:
        >>> sched = neuronlab.optim.lr_scheduler.MultiStepLR(opt, milestones=[30, 80], gamma=0.1)
        >>> # lr = 0.05 for epochs 0-29, 0.005 for 30-79, 0.0005 from 80 on
    """

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return group_lrs(self.optimizer)
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in group_lrs(self.optimizer)]

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore the state; ``milestones`` becomes a ``Counter`` again (a checkpoint file
        stores it as a plain dict)."""
        super().load_state_dict(state_dict)
        self.milestones = Counter(self.milestones)

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        return [
            base_lr * self.gamma ** bisect_right(milestones, self.last_epoch) for base_lr in self.base_lrs
        ]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch.

    Formula: ``lr_t = base_lr · γᵗ`` (computed recursively: ``lr_t = γ · lr_{t-1}``).

    Args:
        optimizer: the wrapped optimizer.
        gamma: multiplicative factor.
        last_epoch: index of the last epoch (default -1: start).

    Example:
        >>> sched = neuronlab.optim.lr_scheduler.ExponentialLR(opt, gamma=0.95)
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:  # resuming from a checkpoint must not decay one extra time
            return group_lrs(self.optimizer)
        return [lr * self.gamma for lr in group_lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]

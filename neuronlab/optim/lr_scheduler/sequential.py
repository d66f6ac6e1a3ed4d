"""``SequentialLR``: run several schedulers one after another (e.g. warm-up, then cosine)."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from neuronlab.optim.lr_scheduler.base import LRScheduler
from neuronlab.optim.lr_scheduler.plateau import ReduceLROnPlateau
from neuronlab.optim.optimizer import Optimizer


class SequentialLR(LRScheduler):
    """Hand the lr to ``schedulers[i]`` from epoch ``milestones[i-1]`` on.

    At a milestone the next scheduler starts from its own epoch 0 (its closed form at
    epoch 0, usually its initial lr); in between, each step is the active scheduler's step.

    Args:
        optimizer: the wrapped optimizer (every scheduler must wrap this same one).
        schedulers: the schedulers, in order (not ``ReduceLROnPlateau``).
        milestones: the epochs at which to switch; one fewer than the schedulers.
        last_epoch: index of the last epoch (default -1: start).

    Example:
        >>> warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
        >>> cosine = CosineAnnealingLR(opt, T_max=45)
        >>> sched = SequentialLR(opt, schedulers=[warmup, cosine], milestones=[5])
    """

    def __init__(
        self, optimizer: Optimizer, schedulers: list[LRScheduler], milestones: list[int], last_epoch: int = -1
    ) -> None:
        name = type(self).__name__
        if len(schedulers) < 1:
            raise ValueError(f"{name} expects at least one scheduler, but got no scheduler.")
        for i, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(f"{name} at index {i} should have `optimizer` as its attribute.")
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"{name} does not support `ReduceLROnPlateau` scheduler as it requires additional "
                    "kwargs to be specified when calling `step`, but got one at index "
                    f"{i} in the given schedulers sequence."
                )
            if scheduler.optimizer is not optimizer:
                raise ValueError(
                    f"{name} expects all schedulers to belong to the same optimizer, but got scheduler "
                    f"{type(scheduler).__name__} at index {i} has {scheduler.optimizer}, which is "
                    f"different from {type(optimizer).__name__}."
                )
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more than the "
                f"number of milestone points, but got number of schedulers {len(schedulers)} and the "
                f"number of milestones to be equal to {len(milestones)}"
            )
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # undo what the schedulers' first steps did
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            _undo_first_step(scheduler)
        idx = bisect_right(milestones, 0)
        schedulers[idx]._initial_step()
        self._last_lr = schedulers[idx].get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch: switch scheduler at a milestone, else step the active one."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The attributes and each wrapped scheduler's ``state_dict``."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        saved = state_dict.pop("_schedulers")
        self.__dict__.update(state_dict)
        for scheduler, s in zip(self._schedulers, saved):
            scheduler.load_state_dict(s)


def _undo_first_step(scheduler) -> None:
    """Step back the epoch counter of ``scheduler`` (and of the schedulers it wraps)."""
    if hasattr(scheduler, "_schedulers"):
        for s in scheduler._schedulers:
            _undo_first_step(s)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1

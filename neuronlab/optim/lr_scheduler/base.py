"""``LRScheduler``: the base class of the epoch-driven learning-rate schedulers.

A scheduler owns the ``lr`` of its optimizer's parameter groups. It is built after the
optimizer, stepped once per epoch (or iteration) *after* ``optimizer.step()``, and computes
each new lr from the previous one (PyTorch's "chainable" recursive forms, so several
schedulers can act on the same optimizer) or, when ``step(epoch)`` is given an epoch, from
``base_lrs`` with a closed form.
"""

from __future__ import annotations

import warnings
from typing import Any

from neuronlab.optim.optimizer import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler. During the "
    "deprecation, if epoch is different from None, the closed form is used instead of the "
    "new chainable form, where available."
)


def group_lrs(optimizer: Optimizer) -> list[float]:
    """The current ``lr`` of every parameter group."""
    return [group["lr"] for group in optimizer.param_groups]


class LRScheduler:
    """Base class of learning-rate schedulers.

    Args:
        optimizer: the optimizer whose groups' ``lr`` this scheduler sets.
        last_epoch: index of the last epoch seen; -1 (default) starts a new schedule and
            records each group's current lr as ``group["initial_lr"]`` (= ``base_lrs``).
            A value ≥ 0 resumes a schedule and needs ``initial_lr`` in every group.

    Subclasses implement ``get_lr()`` (the lrs for ``last_epoch`` from the current ones) and
    optionally ``_get_closed_form_lr()`` (the lrs for ``last_epoch`` from ``base_lrs``).
    Building a scheduler performs its first step (epoch 0).

    Example:
        >>> opt = neuronlab.optim.SGD(params, lr=0.1)
        >>> sched = neuronlab.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.05]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                        "scheduler with last_epoch >= 0: load the optimizer's state_dict first, "
                        "or start the schedule with last_epoch=-1"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and take the first step (epoch ``last_epoch + 1``)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The lrs for ``last_epoch``, computed from the groups' current lrs."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The lrs set by the latest ``step`` (one per parameter group)."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new lrs into the optimizer's groups.

        Call it after ``optimizer.step()``. Passing ``epoch`` is deprecated (as in
        PyTorch): it jumps to that epoch and uses the closed form where there is one.
        """
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = group_lrs(self.optimizer)

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer (save the optimizer's state separately)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes saved by ``state_dict``."""
        self.__dict__.update(state_dict)

"""``LambdaLR``: the lr is the initial lr times a user function of the epoch."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from neuronlab.optim.lr_scheduler.base import LRScheduler
from neuronlab.optim.optimizer import Optimizer


class LambdaLR(LRScheduler):
    """Set each group's lr to its initial lr times ``lr_lambda(epoch)``.

    Formula: ``lr_t = base_lr · λ(t)`` (a closed form: it does not depend on the previous lr).

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the epoch (an int) giving a factor, or a list with one
            function per parameter group.
        last_epoch: index of the last epoch (default -1: start).

    ``state_dict`` stores the attributes of callable objects, not plain functions or lambdas.

    Example:
        >>> warmup = neuronlab.optim.lr_scheduler.LambdaLR(opt, lambda t: min(1.0, (t + 1) / 5))
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self.optimizer = optimizer
        if not isinstance(lr_lambda, list | tuple):
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        else:
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(
                    f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base_lr * lmbda(self.last_epoch) for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's attributes; for each lambda, the ``__dict__`` of a callable object
        or ``None`` for a function."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy() for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        lr_lambdas = state_dict.pop("lr_lambdas")
        self.__dict__.update(state_dict)
        for fn, saved in zip(self.lr_lambdas, lr_lambdas):
            if saved is not None:
                fn.__dict__.update(saved)

"""``EarlyStopping``: stop when a monitored quantity has stopped improving (002 7)."""

from __future__ import annotations

import math

from neuronlab.train.callbacks.base import Callback
from neuronlab.train.state import deep_copy


class EarlyStopping(Callback):
    """Stop training after ``patience`` epochs without an improvement of more than
    ``min_delta`` in ``monitor`` (an epoch-record key such as ``'val_loss'``).

    ``mode='auto'`` minimizes losses and maximizes anything else (accuracy...). With
    ``restore_best_weights=True`` the model ends with the weights of its best epoch.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False) -> None:  # fmt: skip
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}")
        if min_delta < 0:
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.mode = ("min" if "loss" in monitor or "error" in monitor else "max") if mode == "auto" else mode
        self.restore_best_weights = restore_best_weights
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.wait = 0
        self.stopped_epoch: int | None = None
        self._best_state = None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, trainer, record: dict) -> None:
        if self.monitor not in record:
            raise KeyError(
                f"EarlyStopping: '{self.monitor}' is not in the epoch record (available: "
                f"{sorted(record)}); pass validation data to fit() to monitor val_loss"
            )
        value = float(record[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, record["epoch"], 0
            if self.restore_best_weights:
                self._best_state = deep_copy(trainer.model.state_dict())
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = record["epoch"]
            trainer.stop_training = True

    def on_fit_end(self, trainer) -> None:
        if self.restore_best_weights and self._best_state is not None:
            trainer.model.load_state_dict(self._best_state)

    def state_dict(self) -> dict:
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                "stopped_epoch": self.stopped_epoch, "best_state": self._best_state}  # fmt: skip

    def load_state_dict(self, state: dict) -> None:
        self.best, self.best_epoch, self.wait = state["best"], state["best_epoch"], state["wait"]
        self.stopped_epoch = state.get("stopped_epoch")
        best_state = state.get("best_state")
        self._best_state = None if best_state is None else deep_copy(best_state)

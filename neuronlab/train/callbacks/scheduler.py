"""``LRSchedulerCallback``: step a learning-rate scheduler per epoch or per iteration."""

from __future__ import annotations

from neuronlab.train.callbacks.base import Callback


class LRSchedulerCallback(Callback):
    """Call ``scheduler.step()`` after every epoch (``interval='epoch'``) or iteration
    (``'step'``). ``ReduceLROnPlateau`` is stepped with the epoch record's ``monitor`` value."""

    def __init__(self, scheduler, interval: str = "epoch", monitor: str = "val_loss") -> None:
        if interval not in ("epoch", "step"):
            raise ValueError(f"LRSchedulerCallback: interval must be 'epoch' or 'step', got {interval!r}")
        self.scheduler, self.interval, self.monitor = scheduler, interval, monitor
        self.plateau = type(scheduler).__name__ == "ReduceLROnPlateau"

    def on_batch_end(self, trainer, record: dict) -> None:
        if self.interval == "step" and not self.plateau:
            self.scheduler.step()

    def on_epoch_end(self, trainer, record: dict) -> None:
        if self.plateau:
            key = self.monitor if self.monitor in record else "train_loss"
            self.scheduler.step(record[key])
        elif self.interval == "epoch":
            self.scheduler.step()

    def state_dict(self) -> dict:
        return {"scheduler": self.scheduler.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.scheduler.load_state_dict(state["scheduler"])

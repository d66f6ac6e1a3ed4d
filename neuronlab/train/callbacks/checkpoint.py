"""``Checkpoint``: save everything a run needs to resume exactly, atomically, every few epochs."""

from __future__ import annotations

import os

from neuronlab.train.callbacks.base import Callback


class Checkpoint(Callback):
    """Write ``trainer.state_dict()`` (model, optimizer, scheduler, callbacks, RNG states,
    counters, history) to ``path`` after every ``every`` epochs.

    The file is replaced atomically (see ``neuronlab.save``), so a crash while writing leaves
    the previous checkpoint intact. Resume with ``trainer.fit(..., resume_from=path)``.
    With ``save_best_only`` and a ``monitor`` key, only improvements are written.
    """

    def __init__(self, path: str | os.PathLike, every: int = 1, monitor: str | None = None,
                 mode: str = "min", save_best_only: bool = False) -> None:  # fmt: skip
        if every < 1:
            raise ValueError(f"Checkpoint: every must be >= 1, got {every}")
        if save_best_only and monitor is None:
            raise ValueError("Checkpoint: save_best_only=True needs a monitor key such as 'val_loss'")
        self.path, self.every, self.monitor, self.mode = os.fspath(path), every, monitor, mode
        self.save_best_only = save_best_only
        self.best: float | None = None
        self.saved_epochs: list[int] = []

    def after_epoch(self, trainer, record: dict) -> None:
        # Written after every callback's on_epoch_end, so early stopping's counters and the
        # scheduler's step of this epoch are in the file (resumed runs then match exactly).
        if record["epoch"] % self.every:
            return
        if self.save_best_only:
            value = float(record[self.monitor])
            better = self.best is None or (value < self.best if self.mode == "min" else value > self.best)
            if not better:
                return
            self.best = value
        self.saved_epochs.append(record["epoch"])  # before saving: the file knows it was saved
        trainer.save_checkpoint(self.path)

    def state_dict(self) -> dict:
        return {"best": self.best, "saved_epochs": list(self.saved_epochs)}

    def load_state_dict(self, state: dict) -> None:
        self.best, self.saved_epochs = state["best"], list(state["saved_epochs"])

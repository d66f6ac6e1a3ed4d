"""``Callback``: the hooks a ``Trainer`` calls; logging, early stopping, checkpoints, progress
bars and learning-rate schedules are all callbacks (STYLE 14)."""

from __future__ import annotations


class Callback:
    """Override any of these; each receives the trainer, whose ``model``, ``optimizer``,
    ``history``, ``epoch`` and ``iteration`` it may read, and may set
    ``trainer.stop_training = True``."""

    def on_fit_start(self, trainer) -> None:
        pass

    def on_epoch_start(self, trainer) -> None:
        pass

    def on_batch_end(self, trainer, record: dict) -> None:
        """After each iteration; ``record`` holds epoch, iteration, batch_size, loss, lr, time."""

    def on_epoch_end(self, trainer, record: dict) -> None:
        """After each epoch; ``record`` holds the epoch's losses and metrics (train and val)."""

    def after_epoch(self, trainer, record: dict) -> None:
        """After every callback's ``on_epoch_end``: the epoch's state is complete (a checkpoint
        written here holds every callback's state for this epoch, not the one before)."""

    def on_fit_end(self, trainer) -> None:
        pass

    def state_dict(self) -> dict:
        """What a checkpoint must keep for a resumed run to behave identically."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass

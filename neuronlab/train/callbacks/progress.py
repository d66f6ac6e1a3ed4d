"""``ProgressBar``: a tqdm bar per epoch with the running loss; silent when not a terminal."""

from __future__ import annotations

import sys

from neuronlab.train.callbacks.base import Callback


class ProgressBar(Callback):
    """Show progress with tqdm (when installed and stderr is a terminal, or ``force=True``)."""

    def __init__(self, force: bool = False) -> None:
        self.force = force
        self._bar = None

    def enabled(self) -> bool:
        try:
            import tqdm  # noqa: F401
        except ImportError:
            return False
        return self.force or sys.stderr.isatty()

    def on_epoch_start(self, trainer) -> None:
        if not self.enabled():
            return
        from tqdm.auto import tqdm

        total = trainer.iterations_per_epoch
        self._bar = tqdm(total=total, desc=f"epoch {trainer.epoch + 1}", leave=False, file=sys.stderr)

    def on_batch_end(self, trainer, record: dict) -> None:
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix(loss=f"{record['loss']:.4f}", refresh=False)

    def on_epoch_end(self, trainer, record: dict) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

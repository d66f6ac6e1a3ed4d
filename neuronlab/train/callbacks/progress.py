"""``ProgressBar``: a tqdm bar per epoch with the running loss, in a terminal or a Jupyter
notebook (``tqdm.auto`` picks the widget there); silent when output goes to a file or a pipe."""

from __future__ import annotations

import sys

from neuronlab.train.callbacks.base import Callback


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter kernel (where stderr is no terminal, yet a bar shows)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    ip = shell.get_ipython()
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress_wanted(force: bool = False) -> bool:
    """Whether to show a progress bar: tqdm installed, and a terminal, a notebook or ``force``."""
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return force or sys.stderr.isatty() or in_notebook()


class ProgressBar(Callback):
    """Show progress with tqdm (when installed and stderr is a terminal or a notebook's, or
    ``force=True``)."""

    def __init__(self, force: bool = False) -> None:
        self.force = force
        self._bar = None

    def enabled(self) -> bool:
        return progress_wanted(self.force)

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

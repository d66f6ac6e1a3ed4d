"""``TensorBoardLogger``: write losses, metrics and the learning rate for TensorBoard
(needs the optional ``tensorboardX`` package: ``pip install tensorboardX``)."""

from __future__ import annotations

from neuronlab.train.callbacks.base import Callback


class TensorBoardLogger(Callback):
    """Log every iteration's loss and lr, and every epoch's numbers, under ``log_dir``."""

    def __init__(self, log_dir: str = "runs") -> None:
        try:
            from tensorboardX import SummaryWriter
        except ImportError as error:
            raise ImportError(
                "TensorBoardLogger needs tensorboardX: pip install tensorboardX "
                "(or pip install 'neuronlab[tensorboard]')"
            ) from error
        self.writer = SummaryWriter(log_dir)

    def on_batch_end(self, trainer, record: dict) -> None:
        self.writer.add_scalar("iteration/loss", record["loss"], record["iteration"])
        self.writer.add_scalar("iteration/lr", record["lr"], record["iteration"])

    def on_epoch_end(self, trainer, record: dict) -> None:
        for key, value in record.items():
            if isinstance(value, float | int) and key != "epoch":
                self.writer.add_scalar(f"epoch/{key}", value, record["epoch"])
        self.writer.flush()

    def on_fit_end(self, trainer) -> None:
        self.writer.close()

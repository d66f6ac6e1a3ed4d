"""``neuronlab.train``: the ``Trainer`` loop, its ``History`` and callbacks."""

from neuronlab.train.callbacks import (
    Callback,
    Checkpoint,
    DivergenceGuard,
    EarlyStopping,
    LRSchedulerCallback,
    ProgressBar,
    TensorBoardLogger,
)
from neuronlab.train.history import History
from neuronlab.train.trainer import Trainer, iterations_per_epoch, make_loader

__all__ = [
    "Callback", "Checkpoint", "DivergenceGuard", "EarlyStopping", "History", "LRSchedulerCallback",
    "ProgressBar", "TensorBoardLogger", "Trainer", "iterations_per_epoch", "make_loader",
]  # fmt: skip

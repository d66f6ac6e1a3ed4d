"""Training callbacks: early stopping, checkpoints, divergence recovery, LR scheduling,
progress bar and TensorBoard logging."""

from neuronlab.train.callbacks.base import Callback
from neuronlab.train.callbacks.checkpoint import Checkpoint
from neuronlab.train.callbacks.divergence import DivergenceGuard
from neuronlab.train.callbacks.early_stopping import EarlyStopping
from neuronlab.train.callbacks.progress import ProgressBar
from neuronlab.train.callbacks.scheduler import LRSchedulerCallback
from neuronlab.train.callbacks.tensorboard import TensorBoardLogger

__all__ = [
    "Callback", "Checkpoint", "DivergenceGuard", "EarlyStopping", "LRSchedulerCallback",
    "ProgressBar", "TensorBoardLogger",
]  # fmt: skip

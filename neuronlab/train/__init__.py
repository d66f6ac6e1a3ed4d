"""``neuronlab.train``: the ``Trainer`` loop, its ``History`` and callbacks, and scikit-learn
estimators around it (``NeuralNetClassifier``, ``NeuralNetRegressor``)."""

from neuronlab.train.callbacks import (
    Callback,
    Checkpoint,
    DivergenceGuard,
    EarlyStopping,
    LRSchedulerCallback,
    ProgressBar,
    TensorBoardLogger,
)
from neuronlab.train.estimator import NeuralNetClassifier, NeuralNetRegressor
from neuronlab.train.history import History
from neuronlab.train.trainer import Trainer, iterations_per_epoch, make_loader

__all__ = [
    "Callback", "Checkpoint", "DivergenceGuard", "EarlyStopping", "History", "LRSchedulerCallback",
    "NeuralNetClassifier", "NeuralNetRegressor", "ProgressBar", "TensorBoardLogger", "Trainer",
    "iterations_per_epoch", "make_loader",
]  # fmt: skip

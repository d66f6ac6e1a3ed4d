"""The search behind ``neuronlab tune --data digits``: a 1-hidden-layer MLP on the 8×8 digits,
learning rate, hidden width and weight decay searched on the validation part (the test part is
never looked at), the validation loss after ``epochs`` epochs minimized."""

from __future__ import annotations

import math
import warnings

import optuna

from neuronlab import nn, optim
from neuronlab.datasets.digits import digits_split
from neuronlab.engine.random import manual_seed
from neuronlab.train import Trainer
from neuronlab.tune.pruning import PruningCallback
from neuronlab.tune.space import Param

DIGITS_SPACE = {
    "lr": Param("float", 1e-3, 0.5, log=True),
    "hidden": Param("int", 8, 128, log=True),
    "weight_decay": Param("float", 1e-6, 1e-2, log=True),
}


def digits_objective(epochs: int = 10, seed: int = 0, batch_size: int = 64, prune: bool = False):
    """``objective(trial) -> validation loss`` for the digits MLP; every trial starts from
    ``manual_seed(seed)``, so configurations differ only by their hyperparameters."""
    split = digits_split(seed=0)
    train, val = (split.X_train, split.y_train), (split.X_val, split.y_val)

    def objective(trial: optuna.Trial) -> float:
        p = trial.params
        manual_seed(seed)
        model = nn.Sequential(nn.Linear(64, p["hidden"]), nn.ReLU(), nn.Linear(p["hidden"], 10))
        opt = optim.SGD(model.parameters(), lr=p["lr"], momentum=0.9, weight_decay=p["weight_decay"])
        callbacks = [PruningCallback(trial, "val_loss")] if prune else []
        trainer = Trainer(model, opt, nn.CrossEntropyLoss(), metrics=["accuracy"], callbacks=callbacks,
                          progress=False, history="epoch")  # fmt: skip
        with warnings.catch_warnings():  # a diverging rate is a bad trial, not a warning
            warnings.simplefilter("ignore")
            try:
                history = trainer.fit(train, val=val, epochs=epochs, batch_size=batch_size)
            finally:
                trial.set_user_attr("epochs", trainer.epoch)
        last = history.epochs[-1]
        trial.set_user_attr("val_accuracy", last["val_accuracy"])
        return last["val_loss"] if math.isfinite(last["val_loss"]) else math.inf

    return objective

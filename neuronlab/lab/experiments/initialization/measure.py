"""initialization's run: the initializers against their formulas, symmetry from equal starts,
signal propagation through a deep stack, and deep nets trained from each scheme at their own
tuned learning rates."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import digits_split
from neuronlab.engine.random import Generator
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.initialization.probes import (
    SCALES,
    SYMMETRY,
    channel_and_position_spread,
    initializer_spread,
    mlp,
    propagation,
    same_kernels_cnn,
    unit_spread,
)
from neuronlab.lab.references import digits_reference
from neuronlab.lab.tuning import tune
from neuronlab.train import Trainer

SYMMETRY_LR, BATCH = 0.1, 64  # the symmetry runs show a mechanism at one plain-SGD rate
LR_GRID = [0.03, 0.1, 0.3, 1.0]  # SGD rates tried for every rival of the training comparison
TRAIN_BATCH = 128
# the rivals of the training comparison: (activation, scheme)
TRAINED = (
    ("tanh", "xavier"),
    ("tanh", "kaiming"),
    ("relu", "small"),
    ("relu", "xavier"),
    ("relu", "kaiming"),
)


def fit(model, train, val, epochs: int, lr: float, seed: int, loss=None, batch: int = BATCH) -> Trainer:
    """Plain SGD, batch order from ``seed``."""
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=lr), loss or nn.CrossEntropyLoss(),
                      metrics=[] if loss else ["accuracy"], progress=False)  # fmt: skip
    trainer.fit(train, epochs=epochs, batch_size=batch, generator=Generator().manual_seed(seed))
    return trainer


def _accuracy(trainer: Trainer, X, y) -> float:
    return float(trainer.evaluate((X, y))["accuracy"])


def symmetry_runs(split, seed: int, epochs: int) -> dict:
    """002 8: a tanh MLP 64-32-10 from each SYMMETRY start: how distinct its hidden units end up."""
    runs = {}
    for scheme in SYMMETRY:
        model = mlp([64, 32, 10], "tanh", scheme, seed)
        trainer = fit(model, (split.X_train, split.y_train), None, epochs, SYMMETRY_LR, seed)
        w = model[0].weight.detach().numpy()
        runs[scheme] = {"after": unit_spread(w), "max_abs_hidden_weight": float(np.abs(w).max()),
                        "test_accuracy": _accuracy(trainer, split.X_test, split.y_test)}  # fmt: skip
    return runs


def softmax_runs(split, seed: int, epochs: int) -> dict:
    """003 4.8 ex.2: softmax regression from all-zero weights and from the default init."""
    out = {}
    for scheme in ("zero", "default"):
        model = mlp([64, 10], "tanh", scheme, seed)
        trainer = fit(model, (split.X_train, split.y_train), None, epochs, SYMMETRY_LR, seed)
        out[scheme] = {"after": unit_spread(model[0].weight.detach().numpy()),
                       "test_accuracy": _accuracy(trainer, split.X_test, split.y_test)}  # fmt: skip
    return out


def cnn_runs(seed: int, epochs: int, n_train) -> dict:
    """003 4.8 ex.1: four identical convolution kernels, with a random or a channel-tied head."""
    split = digits_split(seed, n_train=n_train, images=True)
    out = {}
    for tie in (False, True):
        model = same_kernels_cnn(seed, tie)
        at_init = channel_and_position_spread(model, split.X_train[:64])
        fit(model, (split.X_train, split.y_train), None, epochs, SYMMETRY_LR, seed)
        kernels = model[0].weight.detach().numpy().reshape(4, -1)
        out["tied_head" if tie else "random_head"] = {**at_init, "after": unit_spread(kernels)}
    return out


def _tuned(split, seed: int, sizes: dict, activation: str, scheme: str) -> dict:
    """One (activation, scheme) rival at its own SGD rate, chosen on validation accuracy."""
    deep = [64] + [sizes["train_width"]] * sizes["train_depth"] + [10]
    trained = {}

    def score(lr: float) -> float:
        model = mlp(deep, activation, scheme, seed)
        trained[lr] = fit(
            model, (split.X_train, split.y_train), None, sizes["epochs"], lr, seed, batch=TRAIN_BATCH
        )
        return _accuracy(trained[lr], split.X_val, split.y_val)

    # at most two extra points: a scheme that does not train ties everywhere and would widen forever
    tuning = tune(score, LR_GRID, max_widen=2)
    trainer = trained[tuning["best"]]
    loss = trainer.evaluate((split.X_train, split.y_train))["loss"]
    return {
        "lr": tuning["best"], "lr_interior": tuning["interior"], "lr_grid": tuning["grid"],
        "val_accuracy_by_lr": tuning["scores"], "test_accuracy": _accuracy(trainer, split.X_test, split.y_test),
        "train_loss": float(loss) if math.isfinite(loss) else None,
    }  # fmt: skip


def trained_runs(split, seed: int, sizes: dict) -> dict:
    """003 4.3 ex.3: deep tanh and ReLU nets from each scheme, each at its own tuned rate."""
    return {f"{a}/{s}": _tuned(split, seed, sizes, a, s) for a, s in TRAINED}


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.initialization import SIZES

    s = config.sizes(SIZES)
    split = digits_split(seed, n_train=s["n_train"])
    deep = {f"{a}/{sc}": propagation(a, sc, s["depth"], s["width"], s["probe_batch"], seed)
            for a in ("tanh", "relu") for sc in SCALES}  # fmt: skip
    return {
        "sizes": s,
        "initializers": initializer_spread(seed=seed),
        "symmetry": symmetry_runs(split, seed, s["symmetry_epochs"]),
        "softmax": softmax_runs(split, seed, s["symmetry_epochs"]),
        "cnn": cnn_runs(seed, s["symmetry_epochs"], s["n_train"]),
        "propagation": deep,
        "training": trained_runs(split, seed, s),
        "reference": digits_reference(seed, s["reference_epochs"]),
    }

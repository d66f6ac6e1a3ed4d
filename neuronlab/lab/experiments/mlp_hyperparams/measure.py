"""mlp-hyperparams' measurements on the 8×8 digits: one-at-a-time sweeps of width, depth and
learning rate (each architecture at its own tuned learning rate), the joint search by five
strategies under one trial budget, the chosen configuration's test accuracy, and the digits
reference recipe."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import digits_split
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.mlp_hyperparams.search import STRATEGIES, search
from neuronlab.lab.references import digits_reference
from neuronlab.lab.tuning import tune
from neuronlab.train import Trainer

BATCH_SIZE = 128
LR_GRID = [10**-1.5, 0.1, 10**-0.5, 1.0]  # half a decade apart; ``tune`` widens it when needed
BASE = {"width": 64, "depth": 1}


def mlp(width: int, depth: int) -> nn.Sequential:
    """``depth`` hidden ReLU layers of ``width`` units on the 64 pixels, then 10 logits."""
    layers, size = [], 64
    for _ in range(depth):
        layers += [nn.Linear(size, width), nn.ReLU()]
        size = width
    return nn.Sequential(*layers, nn.Linear(size, 10))


class Runs:
    """Trains each distinct configuration once per seed (sweeps, tuning and searches share runs).

    A configuration is ``{"lr", "width", "depth", "epochs"}``: mini-batch SGD (batch 128) on
    cross-entropy for ``epochs`` epochs from the seed's initialization and batch order.
    """

    def __init__(self, split, seed: int) -> None:
        self.split, self.seed, self.done, self.models = split, seed, {}, {}

    def __call__(self, hp: dict) -> dict:
        key = (round(float(hp["lr"]), 12), int(hp["width"]), int(hp["depth"]), int(hp["epochs"]))
        if key not in self.done:
            manual_seed(self.seed)
            model = mlp(key[1], key[2])
            trainer = Trainer(model, optim.SGD(model.parameters(), lr=key[0]), nn.CrossEntropyLoss(),
                              metrics=["accuracy"], progress=False)  # fmt: skip
            with np.errstate(all="ignore"):
                history = trainer.fit(
                    (self.split.X_train, self.split.y_train), epochs=key[3], batch_size=BATCH_SIZE
                )
                losses = history.column("train_loss", per="epoch")
                val = trainer.evaluate((self.split.X_val, self.split.y_val))["accuracy"]
            self.done[key] = {
                "hp": {"lr": key[0], "width": key[1], "depth": key[2], "epochs": key[3]},
                "train_loss": [float(v) if np.isfinite(v) else None for v in losses],
                "val_accuracy": float(val),
            }
            self.models[key] = trainer
        return self.done[key]

    def test_accuracy(self, hp: dict) -> float:
        """The test accuracy of a configuration already trained (read once, for the chosen one)."""
        key = (round(float(hp["lr"]), 12), int(hp["width"]), int(hp["depth"]), int(hp["epochs"]))
        return float(self.models[key].evaluate((self.split.X_test, self.split.y_test))["accuracy"])


def tuned(runs: Runs, width: int, depth: int, epochs: int) -> dict:
    """One architecture at its own learning rate, chosen on validation accuracy."""
    result = tune(lambda lr: runs({"lr": lr, "width": width, "depth": depth, "epochs": epochs})["val_accuracy"],
                  LR_GRID)  # fmt: skip
    best = runs({"lr": result["best"], "width": width, "depth": depth, "epochs": epochs})
    return {"width": width, "depth": depth, "lr": result["best"], "lr_interior": result["interior"],
            "lr_grid": result["grid"], "val_accuracy_by_lr": result["scores"], "val_accuracy": best["val_accuracy"],
            "train_loss": best["train_loss"]}  # fmt: skip


def sweeps(runs: Runs, s: dict) -> dict:
    """Width and depth one at a time (each at its tuned lr), and the lr sweep at the base setting."""
    epochs = s["epochs"]
    lr_sweep = [runs({**BASE, "lr": lr, "epochs": epochs}) for lr in s["lrs"]]
    return {
        "width": [tuned(runs, w, BASE["depth"], epochs) for w in s["widths"]],
        "depth": [tuned(runs, BASE["width"], d, epochs) for d in s["depths"]],
        "lr": [{"lr": t["hp"]["lr"], "val_accuracy": t["val_accuracy"], "train_loss": t["train_loss"]}
               for t in lr_sweep],
    }  # fmt: skip


def joint_search(runs: Runs, s: dict, seed: int) -> dict:
    """Every strategy with the same objective (validation accuracy) and budget; the configuration
    with the best validation accuracy over all of them is scored once on the test part."""
    space = {name: tuple(v) for name, v in s["space"].items()}
    out = {}
    for strategy in STRATEGIES:
        trials = search(strategy, lambda hp: runs(hp)["val_accuracy"], s["budget"], seed, space)
        values = [t["value"] for t in trials]
        out[strategy] = {"trials": trials, "best": max(values), "best_so_far": np.maximum.accumulate(values).tolist(),
                         "best_hp": trials[int(np.argmax(values))]["hp"]}  # fmt: skip
    winner = max(STRATEGIES, key=lambda k: out[k]["best"])  # ties: the first in STRATEGIES
    chosen = out[winner]["best_hp"]
    return {"strategies": out, "budget": s["budget"], "chosen": {"strategy": winner, "hp": chosen,
            "val_accuracy": out[winner]["best"], "test_accuracy": runs.test_accuracy(chosen)}}  # fmt: skip


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.mlp_hyperparams import SIZES

    s = config.sizes(SIZES)
    split = digits_split(seed, n_train=s["n_train"])
    runs = Runs(split, seed)
    return {
        "sweeps": sweeps(runs, s),
        "search": joint_search(runs, s, seed),
        "reference": digits_reference(seed, s["reference_epochs"]),
        "runs_trained": len(runs.done),
    }

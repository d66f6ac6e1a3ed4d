"""Helpers of the ``mlp-hyperparams`` experiment: training one MLP configuration, and the three
search strategies (grid, random, Bayesian/TPE) over a shared search space and trial budget."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.random import manual_seed
from neuronlab.train import Trainer

# name -> (low, high, kind); "log" is a float on a log scale, "int"/"logint" integers.
SPACE = {
    "lr": (0.01, 2.0, "log"),
    "width": (16, 512, "logint"),
    "epochs": (5, 25, "int"),
    "depth": (1, 3, "int"),
}
BATCH_SIZE = 256  # d2l's batch size


def mlp(n_inputs: int, width: int, depth: int) -> nn.Sequential:
    """``depth`` hidden ReLU layers of ``width`` units, then 10 logits."""
    layers, size = [], n_inputs
    for _ in range(depth):
        layers += [nn.Linear(size, width), nn.ReLU()]
        size = width
    layers.append(nn.Linear(size, 10))
    return nn.Sequential(*layers)


def train_config(data: dict, hp: dict, seed: int) -> dict:
    """Train with mini-batch SGD (batch 256) and report train/validation/test accuracy.

    A run whose loss became NaN/inf has the accuracy of its (garbage) predictions, and the
    ``diverged`` flag set.
    """
    X, y = data["train"]
    manual_seed(seed)
    model = mlp(X.shape[1], int(hp["width"]), int(hp["depth"]))
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=float(hp["lr"])), nn.CrossEntropyLoss(),
                      metrics=["accuracy"], progress=False)  # fmt: skip
    history = trainer.fit((X, y), epochs=int(hp["epochs"]), batch_size=BATCH_SIZE)
    losses = history.column("train_loss", per="epoch")
    return {
        "hp": {k: (float(v) if k == "lr" else int(v)) for k, v in hp.items()},
        "train_loss_curve": [float(v) if np.isfinite(v) else None for v in losses],
        "diverged": bool(not np.isfinite(losses).all()),
        "train_accuracy": trainer.evaluate(data["train"])["accuracy"],
        "val_accuracy": trainer.evaluate(data["val"])["accuracy"],
        "test_accuracy": trainer.evaluate(data["test"])["accuracy"],
    }


def from_unit(name: str, q: float, space: dict = SPACE):
    """Map q in [0, 1] to a value of hyperparameter ``name`` (log scale where the space says so)."""
    low, high, kind = space[name]
    if kind in ("log", "logint"):
        value = math.exp(math.log(low) + q * (math.log(high) - math.log(low)))
    else:
        value = low + q * (high - low)
    return int(round(value)) if kind in ("int", "logint") else value


def grid_levels(budget: int, names) -> dict:
    """How many values each hyperparameter gets so that the grid has at most ``budget`` points:
    levels are added one at a time, round-robin in the order of ``names``."""
    levels = dict.fromkeys(names, 1)
    grew = True
    while grew:
        grew = False
        for name in names:
            if math.prod(levels.values()) // levels[name] * (levels[name] + 1) <= budget:
                levels[name] += 1
                grew = True
    return levels


def grid_configs(budget: int, space: dict = SPACE) -> list[dict]:
    """The grid: k values per hyperparameter at the quantiles (i + 0.5)/k of its range."""
    levels = grid_levels(budget, list(space))
    axes = {name: [from_unit(name, (i + 0.5) / k, space) for i in range(k)] for name, k in levels.items()}
    configs = [{}]
    for name, values in axes.items():
        configs = [{**c, name: v} for c in configs for v in values]
    return configs


def random_configs(budget: int, rng: np.random.Generator, space: dict = SPACE) -> list[dict]:
    """``budget`` independent draws, uniform on each hyperparameter's (log) range."""
    return [{name: from_unit(name, rng.random(), space) for name in space} for _ in range(budget)]


def tpe_search(objective, budget: int, seed: int, space: dict = SPACE) -> list[dict] | None:
    """Optuna's TPE sampler (Bergstra et al. 2011): after ``budget // 2`` random trials, each
    new trial is drawn where good trials are dense relative to bad ones. Returns the trials'
    results in order, or None when Optuna is not installed (it is an optional dependency)."""
    try:
        import optuna
    except ImportError:
        return None
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    results: list[dict] = []

    def optuna_objective(trial) -> float:
        hp = {}
        for name, (low, high, kind) in space.items():
            if kind == "log":
                hp[name] = trial.suggest_float(name, low, high, log=True)
            else:
                hp[name] = trial.suggest_int(name, low, high, log=kind == "logint")
        results.append(objective(hp))
        return results[-1]["val_accuracy"]

    try:
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=max(1, budget // 2))
        optuna.create_study(direction="maximize", sampler=sampler).optimize(optuna_objective, n_trials=budget)
    finally:
        optuna.logging.set_verbosity(verbosity)
    return results

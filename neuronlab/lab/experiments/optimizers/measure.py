"""optimizers' measurements: each optimizer on 2-D surfaces and on the digits at its own learning
rate tuned with ``lab.tuning.tune`` (distance to the optimum on the surfaces, the validation loss on
the digits — never the test set), the learning-rate sensitivity of SGD and Adam on one fixed grid,
Adagrad's effective steps on sparse and dense features, and the digits reference recipe."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn
from neuronlab.datasets import digits_split
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.optimizers.adagrad_sparse import effective_steps
from neuronlab.lab.experiments.optimizers.surfaces import (
    OPTIMIZERS,
    SURFACES,
    descend,
    distances,
    seed_formula_path,
)
from neuronlab.lab.references import digits_reference
from neuronlab.lab.tuning import tune
from neuronlab.train import Trainer

SURFACE_GRID = [1e-3, 1e-2, 1e-1]  # widened by tune() while the best is on an edge
DIGITS_GRID = {"SGD": [0.03, 0.1, 0.3], "Momentum": [0.003, 0.01, 0.03], "Adagrad": [0.003, 0.01, 0.03],
               "RMSprop": [3e-4, 1e-3, 3e-3], "Adam": [3e-4, 1e-3, 3e-3]}  # fmt: skip
SENSITIVITY_GRID = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]  # wide enough that both fail at an end
TOL = 1e-3  # "reached the optimum" on a 2-D surface
USABLE = 0.9  # a learning rate is usable when it reaches this fraction of the best validation accuracy seen
START_JITTER = {"rosenbrock": 0.1, "narrow valley": 0.5}


def _surface_cost(curve: list[float], steps: int) -> float:
    """Steps to get within TOL of the optimum when it does (fewer is better), else worse than any
    run that does, by how far it ended (log10 of the final distance)."""
    reached = next((i for i, d in enumerate(curve) if d < TOL), None)
    return float(reached) if reached is not None else steps + 20 + math.log10(curve[-1])


def _surface(name: str, rng: np.random.Generator, steps: int) -> dict:
    """Each optimizer from the same seed-jittered start, its lr tuned on the final distance."""
    _, start, optimum, _ = SURFACES[name]
    start = (np.array(start) + rng.uniform(-START_JITTER[name], START_JITTER[name], 2)).tolist()
    runs = {}
    for opt_name, make in OPTIMIZERS.items():
        paths = {}

        def cost(lr: float, make=make, paths=paths) -> float:
            run = descend(name, make, lr, steps, start)
            paths[lr] = run
            return math.inf if run["diverged"] else _surface_cost(distances(run["path"], optimum), steps)

        tuning = tune(cost, SURFACE_GRID, higher_is_better=False)
        best = paths[tuning["best"]]
        runs[opt_name] = {"lr": tuning["best"], "lr_interior": tuning["interior"], "lr_grid": tuning["grid"],
                          "distance": best["distance"], "path": best["path"],
                          "distance_curve": distances(best["path"], optimum)}  # fmt: skip
    return {"start": start, "optimum": list(optimum), "runs": runs}


def _digits_run(make, lr: float, split, seed: int, epochs: int) -> Trainer:
    manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    trainer = Trainer(model, make(model.parameters(), lr), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      progress=False)  # fmt: skip
    manual_seed(seed)  # the same batch order for every optimizer
    trainer.fit((split.X_train, split.y_train), epochs=epochs, batch_size=64)
    return trainer


def _digits(split, seed: int, epochs: int) -> dict:
    out = {}
    for name, make in OPTIMIZERS.items():
        trained = {}

        def validation_loss(lr: float, make=make, trained=trained) -> float:
            trained[lr] = _digits_run(make, lr, split, seed, epochs)
            return trained[lr].evaluate((split.X_val, split.y_val))["loss"]

        tuning = tune(validation_loss, DIGITS_GRID[name], higher_is_better=False)
        trainer = trained[tuning["best"]]
        train_loss = trainer.evaluate((split.X_train, split.y_train))["loss"]
        out[name] = {
            "lr": tuning["best"], "lr_interior": tuning["interior"], "lr_grid": tuning["grid"],
            "val_loss_by_lr": tuning["scores"], "train_loss": train_loss if math.isfinite(train_loss) else None,
            "train_loss_per_epoch": [x if math.isfinite(x) else None
                                     for x in trainer.history.column("train_loss", per="epoch").tolist()],
            "val_accuracy": trainer.evaluate((split.X_val, split.y_val))["accuracy"],
            "test_accuracy": trainer.evaluate((split.X_test, split.y_test))["accuracy"],
        }  # fmt: skip
    return out


def _sensitivity(split, seed: int, epochs: int) -> dict:
    """Validation accuracy of SGD and Adam over one fixed wide grid of learning rates; a rate is
    usable when it reaches USABLE × the best accuracy either optimizer reached on the grid."""
    acc = {}
    for name in ("SGD", "Adam"):
        trainers = [_digits_run(OPTIMIZERS[name], lr, split, seed, epochs) for lr in SENSITIVITY_GRID]
        acc[name] = [t.evaluate((split.X_val, split.y_val))["accuracy"] for t in trainers]
    best = max(max(a) for a in acc.values())
    out = {
        name: {"val_accuracy": a, "usable": int(sum(x >= USABLE * best for x in a))}
        for name, a in acc.items()
    }
    return {"grid": SENSITIVITY_GRID, "best": best, **out}


FORMULA_LRS = {"Momentum": 0.05, "Adagrad": 0.5, "Adam": 0.1}  # 50 steps in the narrow valley


def _formulas(start) -> dict:
    """Largest distance between the path of the seed's formula and neuronlab's optimizer, per kind."""
    out = {}
    for kind, lr in FORMULA_LRS.items():
        ours = descend("narrow valley", OPTIMIZERS[kind], lr, 50, start)["path"]
        seeds = seed_formula_path("narrow valley", kind, lr, len(ours) - 1, start)
        out[kind] = float(np.max(np.abs(np.array(ours) - np.array(seeds))))
    return out


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.optimizers import SIZES

    s = config.sizes(SIZES)
    rng = np.random.default_rng(seed)
    split = digits_split(seed, n_train=s["n_train"])
    surfaces = {name: _surface(name, rng, s["steps"]) for name in START_JITTER}
    return {
        "steps": s["steps"], "epochs": s["epochs"], "usable": USABLE, "surfaces": surfaces,
        "seed_formulas": _formulas(surfaces["narrow valley"]["start"]),
        "digits": _digits(split, seed, s["epochs"]),
        "sensitivity": _sensitivity(split, seed, s["epochs"]),
        "adagrad": effective_steps(seed, n=1000, steps=s["adagrad_steps"], batch=32, lr=0.1),
        "rmsprop": effective_steps(seed, n=1000, steps=s["adagrad_steps"], batch=32, lr=0.01, kind="RMSprop"),
        "reference": digits_reference(seed, s["reference_epochs"]),
    }  # fmt: skip

"""batchnorm's run: the formula, a learning-rate sweep of the net with and without BN (which is
also each one's tuning on validation data), the initialization sweep at each one's tuned rate,
gradients at initialization, the drift of a hidden layer, and what a trained BN layer outputs."""

from __future__ import annotations

import math
import warnings

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import digits_split
from neuronlab.engine.random import Generator
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.batchnorm.networks import make_mlp
from neuronlab.lab.experiments.batchnorm.probes import HiddenDrift, bn_outputs, formula_check, gradient_norms
from neuronlab.lab.references import digits_reference
from neuronlab.lab.tuning import tune
from neuronlab.train import Trainer

BATCH = 128
LR_GRID = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]  # SGD: the sweep, and each net's tuning grid
INIT_STDS = (0.01, 0.03, 0.1, 0.3, 1.0)  # weights ~ N(0, std²) in the initialization sweep
GRAD_STDS = (0.05, 0.177, 0.5)  # too small, Kaiming's √(2/64), too large
CHANCE = math.log(10)
TRAINS_BELOW = 0.5 * CHANCE  # a run "trains" when its final training loss is below half the chance loss
KEYS = ("plain", "bn")


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def train(
    model, split, lr: float, epochs: int, seed: int, drift: HiddenDrift | None = None
) -> tuple[Trainer, dict]:
    """Plain SGD on cross-entropy; training loss per epoch, final training and validation loss."""
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=lr), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      callbacks=[drift] if drift else [], progress=False)  # fmt: skip
    # the sweep runs rates that diverge on purpose; the outcome is recorded, not warned about
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        history = trainer.fit((split.X_train, split.y_train), epochs=epochs, batch_size=BATCH,
                              generator=Generator().manual_seed(seed))  # fmt: skip
        final = trainer.evaluate((split.X_train, split.y_train))["loss"]
        val = trainer.evaluate((split.X_val, split.y_val))["loss"]
    loss = _finite(final)
    return trainer, {"lr": lr, "train_loss_per_epoch": [_finite(v) for v in history.column("train_loss", per="epoch")],
                     "final_loss": loss, "val_loss": _finite(val),
                     "trains": loss is not None and loss < TRAINS_BELOW}  # fmt: skip


def _sweep_and_tune(key: str, split, seed: int, epochs: int) -> dict:
    """Every rate of LR_GRID (widened when the best is on an edge), each net's own choice on
    validation loss, and the chosen run retrained with the hidden-drift probe."""
    runs = {}

    def score(lr: float) -> float:
        runs[lr] = train(make_mlp(key == "bn", seed), split, lr, epochs, seed)[1]
        return math.inf if runs[lr]["val_loss"] is None else runs[lr]["val_loss"]

    tuning = tune(score, LR_GRID, higher_is_better=False)
    drift = HiddenDrift(split.X_train[:512])
    model = make_mlp(key == "bn", seed)
    trainer, chosen = train(model, split, tuning["best"], epochs, seed, drift)
    chosen |= {
        "drift": drift.drift(),
        "test_accuracy": float(trainer.evaluate((split.X_test, split.y_test))["accuracy"]),
    }
    return {"tuning": tuning, "sweep": [runs[lr] for lr in sorted(runs)], "chosen": chosen, "model": model}


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.batchnorm import SIZES

    s = config.sizes(SIZES)
    split = digits_split(seed, n_train=s["n_train"])
    nets = {key: _sweep_and_tune(key, split, seed, s["epochs"]) for key in KEYS}
    init = {key: [train(make_mlp(key == "bn", seed, std=std), split, nets[key]["chosen"]["lr"], s["epochs"], seed)[1]
                  | {"std": std} for std in INIT_STDS] for key in KEYS}  # fmt: skip
    outputs = bn_outputs(nets["bn"].pop("model"), split.X_train[:BATCH])
    nets["plain"].pop("model")
    return {
        "sizes": s,
        "formula": formula_check(seed),
        "nets": nets,
        "init_sweep": init,
        "gradients": gradient_norms(
            split.X_train[:256], split.y_train[:256], seed, s["grad_depth"], GRAD_STDS
        ),
        "bn_outputs": outputs,
        "reference": digits_reference(seed, s["reference_epochs"]),
    }

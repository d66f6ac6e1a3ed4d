"""residual's run: plain, He-initialized plain and residual twins at a shallow and a deep depth,
each trained at its own learning rate tuned on validation data; gradient norms at init and in training."""

from __future__ import annotations

import math

from neuronlab import nn, optim
from neuronlab.datasets import digits_split
from neuronlab.engine.random import Generator, manual_seed
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.residual.networks import VARIANTS, GradNormRecorder, build, init_grad_norms
from neuronlab.lab.references import digits_reference
from neuronlab.lab.tuning import tune
from neuronlab.train import Trainer

WIDTH, BATCH, INIT_BATCH = 64, 128, 256
LR_GRID = [1e-3, 3e-3, 1e-2]  # Adam


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _fit(
    depth: int, variant: str, split, seed: int, lr: float, epochs: int
) -> tuple[Trainer, GradNormRecorder]:
    manual_seed(seed)
    model = build(depth, variant, width=WIDTH)
    recorder = GradNormRecorder()
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=lr), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      callbacks=[recorder], progress=False)  # fmt: skip
    trainer.fit((split.X_train, split.y_train), epochs=epochs, batch_size=BATCH,
                generator=Generator().manual_seed(seed))  # fmt: skip
    return trainer, recorder


def _one(depth: int, variant: str, split, seed: int, epochs: int) -> dict:
    """Tune Adam's rate on validation loss, then report the chosen run."""
    trained = {}

    def score(lr: float) -> float:
        trained[lr] = _fit(depth, variant, split, seed, lr, epochs)
        return trained[lr][0].evaluate((split.X_val, split.y_val))["loss"]

    # validation loss, not accuracy: accuracy on 360 images ties often, and ties go to the smaller rate
    tuning = tune(score, LR_GRID, higher_is_better=False)
    trainer, recorder = trained[tuning["best"]]
    manual_seed(seed)
    at_init = init_grad_norms(
        build(depth, variant, width=WIDTH), split.X_train[:INIT_BATCH], split.y_train[:INIT_BATCH]
    )
    final = trainer.evaluate((split.X_train, split.y_train))
    return {
        "depth": depth, "variant": variant, "lr": tuning["best"], "lr_interior": tuning["interior"],
        "lr_grid": tuning["grid"], "val_loss_by_lr": tuning["scores"],
        "init_grad_norms": at_init, "train_loss": _finite(final["loss"]), "train_accuracy": final["accuracy"],
        "test_accuracy": trainer.evaluate((split.X_test, split.y_test))["accuracy"],
        "loss_curve": [_finite(v) for v in trainer.history.column("train_loss", per="epoch")],
        "grad_norms_first_last_block": [[_finite(v) for v in row] for row in recorder.per_epoch],
    }  # fmt: skip


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.residual import SIZES

    s = config.sizes(SIZES)
    split = digits_split(seed, n_train=s["n_train"])
    depths = (s["shallow"], s["deep"])
    runs = {f"{v}/{d}": _one(d, v, split, seed, s["epochs"]) for v in VARIANTS for d in depths}
    return {"sizes": s, "depths": list(depths), "runs": runs,
            "reference": digits_reference(seed, s["reference_epochs"])}  # fmt: skip

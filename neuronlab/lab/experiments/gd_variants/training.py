"""Training at a fixed budget with a tuned learning rate: the loop gd-variants and batch-size
share. Full-batch GD, SGD and mini-batch GD are ``Trainer.fit`` with a different batch size; a
budget is a number of updates (an epoch budget is ``epochs · ceil(N/b)`` updates); each batch size
gets its own learning rate, chosen by ``lab.tuning.tune`` on the validation loss."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.lab.tuning import tune
from neuronlab.ops.creation import from_numpy
from neuronlab.optim.lr_scheduler import LinearLR
from neuronlab.train import Callback, Trainer

LR_GRID = [0.01, 0.03, 0.1, 0.3, 1.0]  # widened by tune() when the best is on an edge


def mlp(seed: int, hidden: int) -> nn.Module:
    """64-hidden-10 ReLU MLP, initialized from ``seed`` (the same weights for every rival)."""
    manual_seed(seed)
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def updates_per_epoch(n: int, batch_size: int | None) -> int:
    """ceil(N/b): the iterations of one epoch (one for full-batch GD)."""
    return math.ceil(n / (batch_size or n))


class LossProbe(Callback):
    """Records the loss on the whole training set at chosen iterations, and stops the run after
    ``stop`` iterations."""

    def __init__(self, train, schedule: set[int], stop: int) -> None:
        self.train = tuple(from_numpy(a) for a in train)
        self.schedule, self.stop = schedule, stop
        self.curve: list[tuple[int, float]] = []

    def on_fit_start(self, trainer) -> None:
        if 0 in self.schedule:
            self.curve.append((0, whole_set_loss(trainer, self.train)))

    def on_batch_end(self, trainer, record: dict) -> None:
        if trainer.iteration in self.schedule:
            self.curve.append((trainer.iteration, whole_set_loss(trainer, self.train)))
        if trainer.iteration >= self.stop:
            trainer.stop_training = True


def whole_set_loss(trainer, data) -> float:
    with no_grad():
        return float(trainer.loss_fn(trainer.model(data[0]), data[1]).item())


def probe_schedule(stop: int, window: int, points: int = 30) -> set[int]:
    """Log-spaced iterations up to ``stop`` (and 0), plus each of the last ``window``."""
    spaced = np.unique(np.geomspace(1, stop, points).astype(int)).tolist()
    return {0, *spaced, *(range(max(stop - window, 1), stop + 1) if window else ())}


def train(split, batch_size: int | None, lr: float, updates: int, seed: int, hidden: int, window: int = 0,
          warmup: int = 0) -> tuple[Trainer, LossProbe]:  # fmt: skip
    """Plain SGD updates w ← w − η∇L for ``updates`` iterations at batch size ``batch_size``
    (None: the whole set), the weights and the batch order drawn from ``seed``; with ``warmup``,
    the lr grows linearly from lr/warmup to lr over the first ``warmup`` updates."""
    n = len(split.y_train)
    model = mlp(seed, hidden)
    opt = optim.SGD(model.parameters(), lr=lr)
    probe = LossProbe((split.X_train, split.y_train), probe_schedule(updates, window), updates)
    scheduler = LinearLR(opt, start_factor=1 / warmup, total_iters=warmup) if warmup else None
    trainer = Trainer(model, opt, nn.CrossEntropyLoss(), metrics=["accuracy"], callbacks=[probe], scheduler=scheduler,
                      scheduler_interval="step", progress=False)  # fmt: skip
    manual_seed(seed)  # the same shuffling stream for every rival
    trainer.fit((split.X_train, split.y_train), epochs=math.ceil(updates / updates_per_epoch(n, batch_size)),
                batch_size=batch_size)  # fmt: skip
    return trainer, probe


def tuned_run(split, batch_size: int | None, updates: int, seed: int, hidden: int, window: int = 0,
              warmup: int = 0, grid=LR_GRID) -> dict:  # fmt: skip
    """Tune the lr on the validation loss after ``updates`` updates, then report the chosen run:
    whole-training-set loss, validation and test accuracy, the loss curve and, over the last
    ``window`` updates, the fraction of updates that raised the whole-set loss."""
    kept = {}

    def validation_loss(lr: float) -> float:
        trainer, probe = train(split, batch_size, lr, updates, seed, hidden, window, warmup)
        kept[lr] = (trainer, probe)
        return trainer.evaluate((split.X_val, split.y_val))["loss"]

    tuning = tune(validation_loss, grid, higher_is_better=False)
    trainer, probe = kept[tuning["best"]]
    train_eval = trainer.evaluate((split.X_train, split.y_train))
    last = np.array([loss for it, loss in probe.curve if it >= updates - window]) if window else np.array([])
    return {
        "batch_size": batch_size or len(split.y_train), "updates": trainer.iteration,
        "samples": trainer.samples_seen, "lr": tuning["best"], "lr_interior": tuning["interior"],
        "lr_grid": tuning["grid"], "val_loss_by_lr": tuning["scores"], "train_loss": _finite(train_eval["loss"]),
        "train_accuracy": train_eval["accuracy"],
        "val_accuracy": trainer.evaluate((split.X_val, split.y_val))["accuracy"],
        "test_accuracy": trainer.evaluate((split.X_test, split.y_test))["accuracy"],
        "curve": [[it, _finite(loss)] for it, loss in probe.curve],
        "fraction_updates_raising_loss": float(np.mean(np.diff(last) > 0)) if len(last) > 1 else None,
    }  # fmt: skip


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None

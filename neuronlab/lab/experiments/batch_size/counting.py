"""Epoch, iteration and batch counted (000/001 A2.1): Trainer's counters against ceil(N/b)
(floor(N/b) with drop_last), over batch sizes that divide N and ones that do not."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.random import manual_seed
from neuronlab.train import Trainer

COUNT_N, COUNT_EPOCHS = 250, 2
COUNT_BATCHES = (1, 7, 32, 64, 100, 250, 300)


def count_check(seed: int) -> list[dict]:
    """Fit a linear model on COUNT_N random samples for COUNT_EPOCHS epochs per batch size (with
    and without drop_last) and compare Trainer's counters with the course's formula."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((COUNT_N, 4)).astype(np.float32)
    y = rng.integers(0, 2, COUNT_N)
    checks = []
    for b in COUNT_BATCHES:
        for drop_last in (False, True):
            if drop_last and b > COUNT_N:
                continue  # no full batch at all: an epoch with zero iterations
            manual_seed(seed)
            model = nn.Linear(4, 2)
            trainer = Trainer(
                model, optim.SGD(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), progress=False
            )
            history = trainer.fit((X, y), epochs=COUNT_EPOCHS, batch_size=b, drop_last=drop_last)
            formula = COUNT_N // b if drop_last else math.ceil(COUNT_N / b)
            per_epoch = formula * b if drop_last else COUNT_N
            checks.append({
                "batch_size": b, "drop_last": drop_last, "formula": formula,
                "trainer_per_epoch": trainer.iterations_per_epoch, "recorded_steps": len(history.steps),
                "samples_seen": trainer.samples_seen,
                "matches": trainer.iterations_per_epoch == formula
                and len(history.steps) == trainer.iteration == formula * COUNT_EPOCHS
                and trainer.samples_seen == per_epoch * COUNT_EPOCHS,
            })  # fmt: skip
    return checks

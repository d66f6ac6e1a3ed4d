"""Measurements for batch-size: Trainer's counters against ceil(N/b), the activations one
forward pass holds, and how well a batch gradient points along the full gradient."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiments._gd_variants_helpers import per_sample_gradients
from neuronlab.ops.creation import from_numpy
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


def activation_values(model: nn.Sequential, X: np.ndarray) -> int:
    """How many numbers the layers of ``model`` output in one forward pass on ``X``
    (what backpropagation has to keep; grows linearly with the batch)."""
    total = 0
    x = from_numpy(X)
    with no_grad():
        for layer in model:
            x = layer(x)
            total += x.numel()
    return total


def gradient_cosines(model, loss_fn, X, y, batch_sizes, draws: int, rng: np.random.Generator) -> dict:
    """Mean cosine between random batch gradients (without replacement) and the full gradient."""
    G = per_sample_gradients(model, loss_fn, X, y)
    g = G.mean(0)
    sizes = [b for b in batch_sizes if b < len(G)]
    mean_cos = []
    for b in sizes:
        cos = []
        for _ in range(draws):
            gb = G[rng.choice(len(G), b, replace=False)].mean(0)
            cos.append(gb @ g / (np.linalg.norm(gb) * np.linalg.norm(g)))
        mean_cos.append(float(np.mean(cos)))
    return {"batch_sizes": sizes, "mean_cosine": mean_cos}

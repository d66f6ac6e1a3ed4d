"""gd-variants' measurements: full-batch GD, SGD and mini-batch GD, each at its own tuned learning
rate, at an equal number of epochs and at an equal number of updates; the cost of one update and
of one epoch timed alternately; the noise of a batch gradient."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.analysis.gradient_noise import gradient_noise, per_sample_gradients
from neuronlab.bench.timing import measure_interleaved
from neuronlab.datasets import digits_split
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.gd_variants.training import mlp, tuned_run, updates_per_epoch
from neuronlab.lab.references import digits_reference
from neuronlab.ops.creation import from_numpy
from neuronlab.train import Trainer

MINI_BATCH = 32
HIDDEN = 32
VARIANTS = {"gd": None, "sgd": 1, "minibatch": MINI_BATCH}
NOISE_BATCHES = (1, 2, 4, 8, 16, 32, 64, 128)
TIMED_UPDATES = 16  # updates per timed call, the same for every variant


def _update_timings(split, seed: int, repeats: int) -> dict:
    """Seconds per update of each variant: TIMED_UPDATES updates (GD on the whole training part),
    the three timed alternately ``repeats`` times, the minimum kept; one epoch costs ceil(N/b) such
    updates."""
    n = len(split.y_train)
    work = {}
    for key, b in VARIANTS.items():
        size = b or n
        starts = [(i * size) % n for i in range(TIMED_UPDATES)]
        batches = [
            (from_numpy(split.X_train[i : i + size]), from_numpy(split.y_train[i : i + size])) for i in starts
        ]
        model = mlp(seed, HIDDEN)
        trainer = Trainer(
            model, optim.SGD(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), progress=False
        )

        def updates(trainer=trainer, batches=batches):
            for xb, yb in batches:
                trainer.train_step(xb, yb)

        work[key] = updates
    timed = measure_interleaved(work, repeats=repeats, warmup=1)
    out = {}
    for key, b in VARIANTS.items():
        out[f"{key}_update_seconds"] = timed[key].low / TIMED_UPDATES
        out[f"{key}_epoch_seconds"] = out[f"{key}_update_seconds"] * updates_per_epoch(n, b)
    return out


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.gd_variants import SIZES

    s = config.sizes(SIZES)
    split = digits_split(seed, n_train=s["n_train"])
    n = len(split.y_train)
    at_epochs, at_updates = {}, {}
    for key, b in VARIANTS.items():
        at_epochs[key] = tuned_run(split, b, s["epochs"] * updates_per_epoch(n, b), seed, HIDDEN)
        at_updates[key] = tuned_run(split, b, s["updates"], seed, HIDDEN, window=s["window"])
    rows = slice(0, s["noise_samples"])
    G = per_sample_gradients(
        mlp(seed, HIDDEN), nn.CrossEntropyLoss(), split.X_train[rows], split.y_train[rows]
    )
    noise = gradient_noise(G, NOISE_BATCHES, s["noise_draws"], np.random.default_rng(seed))
    return {
        "n_train": n, "epochs": s["epochs"], "updates": s["updates"], "window": s["window"],
        "iterations_per_epoch": {k: updates_per_epoch(n, b) for k, b in VARIANTS.items()},
        "at_epochs": at_epochs, "at_updates": at_updates, "noise": noise,
        "reference": digits_reference(seed, s["reference_epochs"]),
        "timings": _update_timings(split, seed, s["timing_repeats"]),
    }  # fmt: skip

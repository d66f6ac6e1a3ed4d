"""batch-size's measurements: the counts, a small and a large batch each at its own tuned
learning rate at an equal number of epochs and of updates, throughput timed alternately, the
direction of a batch gradient, and linear warm-up at a learning rate beyond the tuned one."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.analysis import measure_memory
from neuronlab.analysis.gradient_noise import gradient_cosines, per_sample_gradients
from neuronlab.bench.timing import measure_interleaved
from neuronlab.datasets import digits_split
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.batch_size.counting import count_check
from neuronlab.lab.experiments.gd_variants.training import mlp, train, tuned_run, updates_per_epoch
from neuronlab.lab.references import digits_reference
from neuronlab.ops.creation import from_numpy
from neuronlab.train import Trainer

SMALL, MODERATE, LARGE = 8, 32, 256
HIDDEN = 64
WARMUP_FACTOR = 2.0  # warm-up is tried at this multiple of the large batch's tuned lr
TIMED_UPDATES = 8


def _throughput(split, seed: int, repeats: int) -> dict:
    """Samples per second at each batch size: TIMED_UPDATES updates each, timed alternately."""
    work = {}
    for b in (SMALL, LARGE):
        batches = [(from_numpy(split.X_train[i * b : (i + 1) * b]), from_numpy(split.y_train[i * b : (i + 1) * b]))
                   for i in range(TIMED_UPDATES)]  # fmt: skip
        model = mlp(seed, HIDDEN)
        trainer = Trainer(
            model, optim.SGD(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), progress=False
        )

        def updates(trainer=trainer, batches=batches):
            for xb, yb in batches:
                trainer.train_step(xb, yb)

        work[b] = updates
    timed = measure_interleaved(work, repeats=repeats, warmup=1)
    return {f"samples_per_second_{b}": b * TIMED_UPDATES / timed[b].low for b in work}


def _final_loss(trainer, split) -> float | None:
    loss = trainer.evaluate((split.X_train, split.y_train))["loss"]
    return float(loss) if np.isfinite(loss) else None


def _activation_bytes(seed: int) -> dict:
    """Bytes the recorded graph of one training step keeps for backward, per batch size
    (``analysis.measure_memory``), beside the parameters' bytes."""
    out = {}
    for b in (SMALL, LARGE):
        model = mlp(seed, HIDDEN)
        opt = optim.SGD(model.parameters(), lr=0.1)
        report = measure_memory(model, (64,), nn.CrossEntropyLoss(), opt, batch_size=b)
        out[str(b)] = {"activations": report.activations, "parameters": report.parameters}
    return out


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.batch_size import SIZES

    s = config.sizes(SIZES)
    split = digits_split(seed, n_train=s["n_train"])
    n = len(split.y_train)
    at_epochs = {
        b: tuned_run(split, b, s["epochs"] * updates_per_epoch(n, b), seed, HIDDEN)
        for b in (SMALL, MODERATE, LARGE)
    }
    at_updates = {b: tuned_run(split, b, s["updates"], seed, HIDDEN) for b in (SMALL, LARGE)}
    large_updates = s["epochs"] * updates_per_epoch(n, LARGE)
    lr = WARMUP_FACTOR * at_epochs[LARGE]["lr"]
    warmup = {
        "lr": lr, "warmup_updates": s["warmup_updates"], "updates": large_updates,
        "without": _final_loss(train(split, LARGE, lr, large_updates, seed, HIDDEN)[0], split),
        "with": _final_loss(train(split, LARGE, lr, large_updates, seed, HIDDEN, warmup=s["warmup_updates"])[0], split),
    }  # fmt: skip
    rows = slice(0, s["noise_samples"])
    G = per_sample_gradients(
        mlp(seed, HIDDEN), nn.CrossEntropyLoss(), split.X_train[rows], split.y_train[rows]
    )
    cosines = gradient_cosines(G, [1, SMALL, 32, 128], s["noise_draws"], np.random.default_rng(seed))
    return {
        "n_train": n, "epochs": s["epochs"], "updates": s["updates"], "small": SMALL,
        "moderate": MODERATE, "large": LARGE,
        "counting": count_check(seed),
        "at_epochs": {str(b): r for b, r in at_epochs.items()}, "at_updates": {str(b): r for b, r in at_updates.items()},
        "warmup": warmup, "noise": cosines, "memory": _activation_bytes(seed), "reference": digits_reference(seed, s["reference_epochs"]),
        "timings": _throughput(split, seed, s["timing_repeats"]),
    }  # fmt: skip

"""Measuring tools for gd-variants and batch-size: a callback that probes the loss on the
whole training set during a run, and per-sample gradients for the noise of a batch gradient."""

from __future__ import annotations

import time

import numpy as np

from neuronlab.datasets import load_digits, train_val_test_split
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.creation import from_numpy
from neuronlab.train import Callback


def digits_split(seed: int, n_train: int | None = None) -> tuple[np.ndarray, ...]:
    """Digits as ``X_train, y_train, X_test, y_test`` (stratified 80/20 split), optionally only
    the first ``n_train`` training images (quick runs)."""
    X, y = load_digits()
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X, y, val_size=0, test_size=0.2, random_state=seed)
    if n_train is not None:
        X_tr, y_tr = X_tr[:n_train], y_tr[:n_train]
    return X_tr, y_tr, X_te, y_te


def probe_schedule(stop: int, per_epoch: int, window: int, points: int = 40) -> set[int]:
    """Iterations at which to probe: log-spaced, each of the last ``window``, and every epoch end
    when there are at most ``points`` epochs (full-batch GD has one per iteration)."""
    spaced = np.unique(np.geomspace(1, stop, points).astype(int)).tolist()
    ends = range(per_epoch, stop + 1, per_epoch) if stop // per_epoch <= points else []
    return set(spaced) | set(ends) | set(range(max(stop - window, 1), stop + 1))


class LossProbe(Callback):
    """Records the loss on the whole training set at chosen iterations, with the wall time
    spent training so far (its own evaluation time excluded); at ``marks`` also the test
    accuracy; stops the run after ``stop`` iterations."""

    def __init__(self, train, test, schedule: set[int], marks: set[int], stop: int) -> None:
        self.train = tuple(from_numpy(a) for a in train)
        self.test = tuple(from_numpy(a) for a in test)
        self.schedule, self.mark_at, self.stop = schedule, marks, stop
        self.curve: list[dict] = []
        self.marks: dict[int, dict] = {}

    def on_fit_start(self, trainer) -> None:
        self._start, self._overhead = time.perf_counter(), 0.0
        self.curve.append({"iteration": 0, "seconds": 0.0, "loss": self._loss(trainer, self.train)})

    def on_batch_end(self, trainer, record: dict) -> None:
        it = trainer.iteration
        if it in self.schedule or it in self.mark_at:
            begin = time.perf_counter()
            point = {"iteration": it, "seconds": begin - self._start - self._overhead,
                     "loss": self._loss(trainer, self.train)}  # fmt: skip
            self.curve.append(point)
            if it in self.mark_at:
                self.marks[it] = {**point, "samples": trainer.samples_seen,
                                  "test_accuracy": self._accuracy(trainer, self.test)}  # fmt: skip
            self._overhead += time.perf_counter() - begin
        if it >= self.stop:
            trainer.stop_training = True

    @staticmethod
    def _loss(trainer, data) -> float:
        with no_grad():
            return float(trainer.loss_fn(trainer.model(data[0]), data[1]).item())

    @staticmethod
    def _accuracy(trainer, data) -> float:
        with no_grad():
            predicted = trainer.model(data[0]).numpy().argmax(1)
        return float(np.mean(predicted == data[1].numpy()))


def flat_gradient(model, loss_fn, x: Tensor, y: Tensor) -> np.ndarray:
    """∇ of the mean loss over (x, y) with respect to every parameter, as one float64 vector."""
    model.zero_grad()
    loss_fn(model(x), y).backward()
    return np.concatenate([p.grad.numpy().ravel() for p in model.parameters()]).astype(np.float64)


def per_sample_gradients(model, loss_fn, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An (N, P) matrix: row i is the gradient of sample i's loss (one backward pass each)."""
    return np.stack([flat_gradient(model, loss_fn, from_numpy(X[i : i + 1]), from_numpy(y[i : i + 1]))
                     for i in range(len(X))])  # fmt: skip


def gradient_noise(model, loss_fn, X, y, batch_sizes, draws: int, rng: np.random.Generator) -> dict:
    """E‖g_B − g‖² for random batches B of each size (drawn without replacement) against the
    sampling formula σ²/b · (N − b)/(N − 1), σ² = mean‖g_i − g‖² over the N per-sample gradients.

    A batch gradient is the mean of its per-sample gradients (the loss is a mean); this is
    checked once against a backward pass on a whole batch."""
    G = per_sample_gradients(model, loss_fn, X, y)
    n = len(G)
    g = G.mean(0)
    sigma2 = float(np.mean(np.sum((G - g) ** 2, axis=1)))
    sizes = [b for b in batch_sizes if b < n]
    measured, predicted = [], []
    for b in sizes:
        dev = [np.sum((G[rng.choice(n, b, replace=False)].mean(0) - g) ** 2) for _ in range(draws)]
        measured.append(float(np.mean(dev)))
        predicted.append(sigma2 / b * (n - b) / (n - 1))
    idx = rng.choice(n, min(32, n), replace=False)
    direct = flat_gradient(model, loss_fn, from_numpy(X[idx]), from_numpy(y[idx]))
    norm2 = float(g @ g)
    return {
        "batch_sizes": sizes, "measured": measured, "predicted": predicted, "sigma2": sigma2,
        "full_gradient_norm2": norm2, "noise_to_signal": [m / norm2 for m in measured],
        "batch_vs_mean_max_diff": float(np.abs(direct - G[idx].mean(0)).max()),
    }  # fmt: skip

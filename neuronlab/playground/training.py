"""One network being trained: data, model, optimizer, the five-step loop, and what the page draws.

``NetworkRun(config, data)`` seeds neuronlab's generator with ``config["seed"]`` and builds
everything from it, so the same configuration gives the same numbers. ``train(n)`` runs n
iterations (zero_grad, forward, loss, backward, step); ``frame()`` evaluates the losses and
the pictures: the decision boundary over a grid, every hidden unit's output over the same
grid, the weights.
"""

from __future__ import annotations

import math

import numpy as np

import neuronlab
from neuronlab.playground import render
from neuronlab.playground.data import feature_matrix
from neuronlab.playground.network import (
    build_model,
    build_optimizer,
    hidden_outputs,
    loss_function,
    n_outputs,
    penalty,
)

__all__ = ["GRID", "NetworkRun", "extent_of"]

GRID = 50  # the boundary is evaluated on a GRID × GRID lattice (units on every other point)


def extent_of(X: np.ndarray) -> list[float]:
    """A square-ish box around the points with a margin: [x_min, x_max, y_min, y_max]."""
    lo, hi = X.min(0), X.max(0)
    pad = 0.1 * max(float((hi - lo).max()), 1e-3)
    return [float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad)]


def grid_points(extent: list[float], size: int) -> np.ndarray:
    """(size², 2) points, row 0 at the top (largest x₂), as an image is drawn."""
    xs = np.linspace(extent[0], extent[1], size)
    ys = np.linspace(extent[3], extent[2], size)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)


class NetworkRun:
    """An MLP trained on (X_train, y_train), evaluated on (X_test, y_test)."""

    def __init__(self, config: dict, data: tuple[np.ndarray, ...]):
        self.config = config
        self.X_train, self.y_train, self.X_test, self.y_test = data
        self.regression = config["problem"] == "regression"
        self.n_classes = 1 if self.regression else int(max(self.y_train.max(), self.y_test.max())) + 1
        neuronlab.manual_seed(config["seed"])
        self.F_train = feature_matrix(self.X_train, config["features"])
        self.F_test = feature_matrix(self.X_test, config["features"])
        self.n_out = n_outputs(config, self.n_classes)
        self.model = build_model(config, self.F_train.shape[1], self.n_out)
        self.optimizer = build_optimizer(config, self.model.parameters())
        self.loss_fn = loss_function(config, self.n_out)
        self.extent = extent_of(np.concatenate([self.X_train, self.X_test]))
        self.grid = feature_matrix(grid_points(self.extent, GRID), config["features"])
        self.rng = np.random.default_rng(config["seed"] + 2)
        self.batch_size = min(config["batch_size"], len(self.X_train))
        self.order, self.position = self.rng.permutation(len(self.X_train)), 0
        self.step = self.epoch = 0
        self.diverged = False

    # -- training ------------------------------------------------------------------------------
    def _target(self, y: np.ndarray):
        if self.regression or self.n_out == 1:
            return neuronlab.tensor(y.astype(np.float32).reshape(-1, 1))
        return neuronlab.tensor(y)

    def _next_batch(self) -> np.ndarray:
        if self.position + self.batch_size > len(self.order):  # a new epoch, reshuffled (drop last)
            self.order, self.position = self.rng.permutation(len(self.X_train)), 0
            self.epoch += 1
        idx = self.order[self.position : self.position + self.batch_size]
        self.position += self.batch_size
        return idx

    def train(self, n: int) -> None:
        """Run ``n`` iterations of mini-batch training (stops early if the loss is not finite)."""
        self.model.train()
        for _ in range(n):
            if self.diverged:
                return
            idx = self._next_batch()
            self.optimizer.zero_grad()
            out = self.model(neuronlab.tensor(self.F_train[idx]))
            loss = self.loss_fn(out, self._target(self.y_train[idx]))
            extra = penalty(self.config, self.model)
            if extra is not None:
                loss = loss + extra
            loss.backward()
            self.optimizer.step()
            self.step += 1
            self.diverged = not math.isfinite(loss.item())

    # -- evaluation ----------------------------------------------------------------------------
    def loss_on(self, F: np.ndarray, y: np.ndarray) -> float:
        self.model.eval()
        with neuronlab.no_grad():
            value = self.loss_fn(self.model(neuronlab.tensor(F)), self._target(y)).item()
        return value if math.isfinite(value) else float("nan")

    def boundary_values(self, out: np.ndarray) -> np.ndarray:
        """The model's output on the grid as an RGBA image (G, G, 4)."""
        if self.regression:
            return render.diverging_rgba(out.reshape(GRID, GRID))
        if self.n_out == 1:  # P(class 1) − P(class 0) = tanh(logit / 2)
            return render.diverging_rgba(np.tanh(out.reshape(GRID, GRID) / 2))
        e = np.exp(out - out.max(1, keepdims=True))
        return render.class_rgba((e / e.sum(1, keepdims=True)).reshape(GRID, GRID, -1))

    def frame(self) -> dict:
        """Losses, the boundary, the hidden units' maps and the weights, JSON-ready."""
        train_loss = self.loss_on(self.F_train, self.y_train)
        test_loss = self.loss_on(self.F_test, self.y_test)
        with neuronlab.no_grad():
            hidden, out = hidden_outputs(self.model, neuronlab.tensor(self.grid))
        units = []
        for h in hidden:
            a = h.numpy().reshape(GRID, GRID, -1)[::2, ::2]  # thumbnails: every other grid point
            scale = np.maximum(np.abs(a).max((0, 1)), 1.0)  # unbounded units (ReLU) scaled to ±1
            units.append([render.b64(render.gray_bytes(a[..., u] / scale[u])) for u in range(a.shape[-1])])
        linears = [m for m in self.model if isinstance(m, neuronlab.nn.Linear)]
        return {
            "type": "frame",
            "step": self.step,
            "epoch": self.epoch,
            "train_loss": _json_number(train_loss),
            "test_loss": _json_number(test_loss),
            "diverged": self.diverged or not math.isfinite(train_loss),
            "boundary": render.b64(self.boundary_values(out.numpy())),
            "units": units,
            "weights": [np.round(m.weight.detach().numpy(), 4).tolist() for m in linears],
            "biases": [np.round(m.bias.detach().numpy(), 4).tolist() for m in linears],
        }

    def describe(self) -> dict:
        """What the page needs once per reset: the points, the box, the layer sizes."""
        feature_maps = feature_matrix(grid_points(self.extent, GRID // 2), self.config["features"])
        scale = np.maximum(np.abs(feature_maps).max(0), 1e-6)
        return {
            "type": "data",
            "mode": "network",
            "problem": self.config["problem"],
            "n_classes": self.n_classes,
            "extent": self.extent,
            "grid": GRID,
            "train": {"x": np.round(self.X_train, 4).tolist(), "y": self.y_train.tolist()},
            "test": {"x": np.round(self.X_test, 4).tolist(), "y": self.y_test.tolist()},
            "layers": [self.F_train.shape[1], *self.config["hidden"], self.n_out],
            "features": self.config["features"],
            "feature_maps": [
                render.b64(render.gray_bytes(feature_maps[:, k] / scale[k])) for k in range(len(scale))
            ],
        }


def _json_number(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None

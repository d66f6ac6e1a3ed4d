"""The perceptron mode: Rosenblatt's rule (``neuronlab.classic.Perceptron``) on the course's
double moon, one epoch per step, its mistakes counted against Novikoff's bound (R/γ)².

Seed 004 (7)-(10): on the shifted moons at low noise the classes are linearly separable and
the perceptron stops after finitely many mistakes, at most (R/γ)²; with more noise they are
not, no bound exists and it never stops. The seed's "MSE" of the ±1 outputs (4 × the error
rate) is shown as the loss.
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.classic import ConvergenceWarning, Perceptron, mistake_bound
from neuronlab.playground import render
from neuronlab.playground.training import GRID, extent_of, grid_points

__all__ = ["PerceptronRun"]


class PerceptronRun:
    """A perceptron refitted for 1, 2, … epochs with the same seed (so epoch k extends epoch k − 1)."""

    def __init__(self, config: dict, data: tuple[np.ndarray, ...]):
        self.config = config
        self.X_train, self.y_train, self.X_test, self.y_test = data
        self.extent = extent_of(np.concatenate([self.X_train, self.X_test]))
        self.grid = grid_points(self.extent, GRID)
        self.step = 0
        self.clf: Perceptron | None = None
        try:
            self.bound: float | None = float(mistake_bound(self.X_train, self.y_train))
            self.bound_note = ""
        except ValueError as error:  # not separable: the theorem does not apply
            self.bound, self.bound_note = None, str(error).split(":")[0]
        except ImportError as error:  # the margin needs scipy (in the playground and lab extras)
            self.bound, self.bound_note = None, str(error)

    @property
    def converged(self) -> bool:
        return self.clf is not None and self.clf.converged_

    def train(self, n: int) -> None:
        if self.converged:
            return
        self.step += n
        self.clf = Perceptron(
            eta0=self.config["learning_rate"], max_iter=self.step, random_state=self.config["seed"]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.clf.fit(self.X_train, self.y_train)
        self.step = self.clf.n_iter_

    def _mse(self, X: np.ndarray, y: np.ndarray) -> float:
        if self.clf is None:
            return 4.0 * float(np.mean(y == 0))  # w = 0 predicts +1 (class 1) everywhere
        return 4.0 * (1.0 - self.clf.score(X, y))

    def frame(self) -> dict:
        if self.clf is None:
            values = np.ones(GRID * GRID)
        else:
            d = self.clf.decision_function(self.grid)
            values = np.tanh(d / (np.abs(d).max() or 1.0) * 3)
        mistakes = [] if self.clf is None else self.clf.mistakes_per_epoch_.tolist()
        return {
            "type": "frame",
            "step": self.step,
            "epoch": self.step,
            "train_loss": round(self._mse(self.X_train, self.y_train), 6),
            "test_loss": round(self._mse(self.X_test, self.y_test), 6),
            "diverged": False,
            "boundary": render.b64(render.diverging_rgba(values.reshape(GRID, GRID))),
            "units": [],
            "weights": [],
            "biases": [],
            "perceptron": {
                "mistakes_per_epoch": mistakes,
                "mistakes": int(sum(mistakes)),
                "bound": None if self.bound is None else round(self.bound, 1),
                "bound_note": self.bound_note,
                "converged": self.converged,
            },
        }

    def describe(self) -> dict:
        return {
            "type": "data",
            "mode": "perceptron",
            "problem": "classification",
            "n_classes": 2,
            "extent": self.extent,
            "grid": GRID,
            "train": {"x": np.round(self.X_train, 4).tolist(), "y": self.y_train.tolist()},
            "test": {"x": np.round(self.X_test, 4).tolist(), "y": self.y_test.tolist()},
            "layers": [],
            "features": ["x1", "x2"],
            "feature_maps": [],
        }

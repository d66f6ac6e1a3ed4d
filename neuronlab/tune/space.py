"""A search space written once and read by every strategy: Optuna's ``suggest_*`` for the
samplers that draw, and a finite grid for ``GridSampler``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Param:
    """One hyperparameter: ``kind`` is "float", "int" or "categorical"; ``grid`` the values
    grid search tries (default: ``grid_points`` evenly spaced, on a log scale when ``log``)."""

    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple = ()
    grid: tuple = ()
    grid_points: int = 3

    def suggest(self, trial, name: str):
        if self.kind == "float":
            return trial.suggest_float(name, self.low, self.high, log=self.log)
        if self.kind == "int":
            return trial.suggest_int(name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_categorical(name, list(self.choices))

    def grid_values(self) -> list:
        if self.grid:
            return list(self.grid)
        if self.kind == "categorical":
            return list(self.choices)
        points = (np.geomspace if self.log else np.linspace)(self.low, self.high, self.grid_points)
        return [int(round(p)) for p in points] if self.kind == "int" else [float(p) for p in points]


def suggest_all(trial, space: dict[str, Param]) -> dict:
    """One configuration: every parameter of ``space`` suggested by ``trial``."""
    return {name: param.suggest(trial, name) for name, param in space.items()}


def grid_of(space: dict[str, Param]) -> dict[str, list]:
    return {name: param.grid_values() for name, param in space.items()}

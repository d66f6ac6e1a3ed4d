"""Joint hyperparameter search (003 4.2 ex. 4–6) with the library's ``neuronlab.tune``: grid,
random, TPE, a genetic algorithm and simulated annealing, each an Optuna sampler given the same
objective, the same trial budget and the same seed.

==========  =====================================================================================
strategy    sampler (``neuronlab.tune.make_sampler``, except the grid's values)
==========  =====================================================================================
grid        ``GridSampler`` over k values per hyperparameter at the quantiles (i + ½)/k of its
            (log) range, k grown round-robin while the grid fits the budget (so it may use fewer)
random      ``RandomSampler``: independent uniform draws on each (log) range
tpe         ``TPESampler`` (Bergstra et al. 2011): after a quarter of the budget at random, draws
            where good trials are dense relative to bad ones
ga          ``NSGAIISampler`` on the single objective: a genetic algorithm (tournament selection,
            uniform crossover, mutation, elitism) with a population of a quarter of the budget (≥ 4)
anneal      ``neuronlab.tune.SimulatedAnnealingSampler``: after 3 random trials, a Gaussian step from
            the current configuration, a worse one accepted with probability exp(−Δ/T), T cooling
==========  =====================================================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable

import optuna

from neuronlab.tune import SAMPLERS, Param
from neuronlab.tune import search as tune_search

STRATEGIES = SAMPLERS  # ("grid", "random", "tpe", "ga", "anneal")


def grid_levels(budget: int, names) -> dict:
    """How many values each hyperparameter gets so that the grid has at most ``budget`` points:
    levels are added one at a time, round-robin in the order of ``names``."""
    levels = dict.fromkeys(names, 1)
    grew = True
    while grew:
        grew = False
        for name in names:
            if math.prod(levels.values()) // levels[name] * (levels[name] + 1) <= budget:
                levels[name] += 1
                grew = True
    return levels


def from_unit(low, high, kind: str, q: float):
    """The value at quantile ``q`` of a (log) range; rounded for integer kinds."""
    if kind in ("log", "logint"):
        value = math.exp(math.log(low) + q * (math.log(high) - math.log(low)))
    else:
        value = low + q * (high - low)
    return int(math.floor(value + 0.5)) if kind in ("int", "logint") else float(value)  # halves round up


def grid_values(budget: int, space: dict) -> dict:
    """The grid's values per hyperparameter (see ``grid_levels``)."""
    levels = grid_levels(budget, list(space))
    return {
        name: sorted({from_unit(*space[name], (i + 0.5) / k) for i in range(k)}) for name, k in levels.items()
    }


def tune_space(space: dict, budget: int) -> dict[str, Param]:
    """The experiment's ``{name: (low, high, kind)}`` as ``neuronlab.tune`` parameters, each carrying
    its grid values (so the grid is the largest that fits the budget, not 3 points per axis)."""
    grid = grid_values(budget, space)
    return {
        name: Param(
            "float" if kind == "log" else "int",
            low,
            high,
            log=kind in ("log", "logint"),
            grid=tuple(grid[name]),
        )  # fmt: skip
        for name, (low, high, kind) in space.items()
    }


def search(
    strategy: str, objective: Callable[[dict], float], budget: int, seed: int, space: dict
) -> list[dict]:
    """Run one strategy with ``neuronlab.tune.search`` for ``budget`` trials (the grid: its size,
    at most ``budget``), maximizing ``objective(hp)``; returns ``[{"hp", "value"}, ...]`` in trial
    order."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; one of {STRATEGIES}")
    params = tune_space(space, budget)
    n = math.prod(len(p.grid) for p in params.values()) if strategy == "grid" else budget
    trials = []

    def objective_of_trial(trial) -> float:
        hp = dict(trial.params)
        trials.append({"hp": hp, "value": float(objective(hp))})
        return trials[-1]["value"]

    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        tune_search(objective_of_trial, params, sampler=strategy, n_trials=n, seed=seed, direction="maximize")
    finally:
        optuna.logging.set_verbosity(verbosity)
    return trials

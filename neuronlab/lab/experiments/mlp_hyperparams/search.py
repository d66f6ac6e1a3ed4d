"""Joint hyperparameter search (003 4.2 ex. 4–6): grid, random, TPE, a genetic algorithm and
simulated annealing, each an Optuna sampler given the same objective and the same trial budget.

==========  =====================================================================================
strategy    sampler
==========  =====================================================================================
grid        ``GridSampler`` over k values per hyperparameter at the quantiles (i + ½)/k of its
            (log) range, k grown round-robin while the grid fits the budget (so it may use fewer)
random      ``RandomSampler``: independent uniform draws on each (log) range
tpe         ``TPESampler`` (Bergstra et al. 2011): after a third of the budget at random, draws
            where good trials are dense relative to bad ones
ga          ``NSGAIISampler`` on the single objective: a genetic algorithm (tournament selection,
            uniform crossover, mutation) with a population of a third of the budget
sa          ``SimulatedAnnealingSampler`` (``annealing.py``): moves to a neighbour, accepts a worse
            one with probability exp(Δ/T), cools
==========  =====================================================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable

import optuna

from neuronlab.lab.experiments.mlp_hyperparams.annealing import SimulatedAnnealingSampler

STRATEGIES = ("grid", "random", "tpe", "ga", "sa")


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


def sampler(strategy: str, budget: int, seed: int, space: dict) -> optuna.samplers.BaseSampler:
    """The Optuna sampler of one strategy, seeded."""
    if strategy == "grid":
        return optuna.samplers.GridSampler(grid_values(budget, space), seed=seed)
    if strategy == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if strategy == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=max(2, budget // 3))
    if strategy == "ga":
        return optuna.samplers.NSGAIISampler(seed=seed, population_size=max(2, budget // 3))
    if strategy == "sa":
        return SimulatedAnnealingSampler(seed=seed)
    raise ValueError(f"unknown strategy {strategy!r}; one of {STRATEGIES}")


def suggest(trial, space: dict) -> dict:
    """One configuration from an Optuna trial: floats for "log", integers for "int"/"logint"."""
    hp = {}
    for name, (low, high, kind) in space.items():
        if kind == "log":
            hp[name] = trial.suggest_float(name, low, high, log=True)
        else:
            hp[name] = trial.suggest_int(name, low, high, log=kind == "logint")
    return hp


def search(
    strategy: str, objective: Callable[[dict], float], budget: int, seed: int, space: dict
) -> list[dict]:
    """Run one strategy for ``budget`` trials (the grid: its size, at most ``budget``), maximizing
    ``objective(hp)``; returns ``[{"hp", "value"}, ...]`` in trial order."""
    trials = []

    def optuna_objective(trial) -> float:
        hp = suggest(trial, space)
        trials.append({"hp": hp, "value": float(objective(hp))})
        return trials[-1]["value"]

    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        n = math.prod(len(v) for v in grid_values(budget, space).values()) if strategy == "grid" else budget
        study = optuna.create_study(direction="maximize", sampler=sampler(strategy, budget, seed, space))
        study.optimize(optuna_objective, n_trials=n)
    finally:
        optuna.logging.set_verbosity(verbosity)
    return trials

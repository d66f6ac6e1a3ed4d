"""The five strategies of 003 §4.2 ex. 4–6 behind one name each, all Optuna samplers, all
seeded by one ``seed``: ``grid`` (GridSampler, the grid in a seeded order), ``random``
(RandomSampler), ``tpe`` (TPESampler, Bayesian optimization with a tree-structured Parzen
estimator; Bergstra et al. 2011), ``ga`` (NSGAIISampler: a genetic algorithm — selection,
uniform crossover, mutation — which for one objective is a plain elitist GA; Deb et al. 2002)
and ``anneal`` (SimulatedAnnealingSampler, written here)."""

from __future__ import annotations

import optuna

from neuronlab.tune.annealing import SimulatedAnnealingSampler
from neuronlab.tune.space import Param, grid_of

SAMPLERS = ("grid", "random", "tpe", "ga", "anneal")


def make_sampler(name: str, space: dict[str, Param], seed: int | None = None,
                 n_trials: int | None = None) -> optuna.samplers.BaseSampler:  # fmt: skip
    """The sampler called ``name`` over ``space``. The GA's population is a quarter of the
    budget (at least 4, at most 20), so that several generations fit in ``n_trials``."""
    if name == "grid":
        return optuna.samplers.GridSampler(grid_of(space), seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(2, (n_trials or 40) // 4)))
    if name == "ga":
        population = min(20, max(4, (n_trials or 40) // 4))
        return optuna.samplers.NSGAIISampler(seed=seed, population_size=population)
    if name == "anneal":
        return SimulatedAnnealingSampler(seed=seed)
    raise ValueError(f"unknown sampler {name!r}; choose one of {', '.join(SAMPLERS)}")

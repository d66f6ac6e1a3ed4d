"""``neuronlab.tune``: hyperparameter search on Optuna with every strategy of 003 §4.2 ex. 4–6 —
grid, random, TPE (Bayesian), a genetic algorithm and simulated annealing — under one API, with
shared studies in SQLite or PostgreSQL and pruning from inside the Trainer.

Install with ``pip install "neuronlab[tune]"``; on the command line: ``neuronlab tune``.

Example:
    >>> from neuronlab.tune import Param, search
    >>> study = search(lambda t: (t.params["x"] - 2) ** 2, {"x": Param("float", -5, 5)},
    ...                sampler="ga", n_trials=40, seed=0)
"""

from neuronlab.tune.annealing import SimulatedAnnealingSampler
from neuronlab.tune.digits import DIGITS_SPACE, digits_objective
from neuronlab.tune.pruning import PRUNERS, PruningCallback, make_pruner
from neuronlab.tune.report import best_summary, plot_search, trials_table
from neuronlab.tune.samplers import SAMPLERS, make_sampler
from neuronlab.tune.space import Param, grid_of, suggest_all
from neuronlab.tune.study import make_storage, search

__all__ = [
    "DIGITS_SPACE", "PRUNERS", "Param", "PruningCallback", "SAMPLERS", "SimulatedAnnealingSampler", "best_summary",
    "digits_objective", "grid_of", "make_pruner", "make_sampler", "make_storage", "plot_search", "search",
    "suggest_all", "trials_table",
]  # fmt: skip

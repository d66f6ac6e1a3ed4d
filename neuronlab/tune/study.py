"""``search``: one call for every strategy, with the same budget, seed and accounting.

The study lives in Optuna's storage: in memory for one process (the default), in SQLite
(``sqlite:///study.db``) for several processes on one machine, in PostgreSQL
(``postgresql://user@host/db``) for many machines. Processes that pass the same storage and
``study_name`` join one study and share its trial budget: each stops when the study holds
``n_trials`` trials, whoever ran them.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

import optuna
import sqlalchemy

from neuronlab.tune.pruning import make_pruner
from neuronlab.tune.samplers import make_sampler
from neuronlab.tune.space import Param, suggest_all


def make_storage(url: str | None):
    """``None`` (in memory), or an RDB storage for a ``sqlite:///`` or ``postgresql://`` URL.
    SQLite waits up to 60 s for a lock held by another process instead of failing at once."""
    if url is None:
        return None
    kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {"pool_pre_ping": True}
    url = url.replace("postgres://", "postgresql://", 1)
    for attempt in range(10):
        try:
            return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.IntegrityError):
            # Processes started together race to create the tables: the loser retries and finds them.
            if attempt == 9:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def search(objective: Callable[[optuna.Trial], float], space: dict[str, Param], sampler: str = "tpe",
           n_trials: int = 20, seed: int | None = 0, storage: str | None = None, study_name: str | None = None,
           n_jobs: int = 1, pruner: str = "none", direction: str = "minimize") -> optuna.Study:  # fmt: skip
    """Run (or join) a study of ``objective`` over ``space`` with the strategy ``sampler``.

    Each finished trial carries ``seconds`` (its wall time) in its user attributes, so that
    strategies and pruners can be compared by time as well as by value.

    Example:
        >>> space = {"x": Param("float", -5, 5)}
        >>> study = search(lambda t: (t.params["x"] - 2) ** 2, space, sampler="anneal", n_trials=30)
        >>> round(study.best_params["x"])
        2
    """
    if n_trials < 1:
        raise ValueError(f"search(): n_trials must be >= 1, got {n_trials}")
    if n_jobs != 1:
        raise ValueError(
            f"search(): n_jobs={n_jobs}: trials do not run in threads here (they would share one random "
            "generator, so a seeded study would not repeat, and NumPy's small ops hold the GIL, so they "
            "would not run faster); run several processes on one storage and study_name instead "
            "(neuronlab tune --jobs K does that)"
        )
    study = optuna.create_study(
        storage=make_storage(storage),
        sampler=make_sampler(sampler, space, seed, n_trials),
        pruner=make_pruner(pruner),
        study_name=study_name,
        direction=direction,
        load_if_exists=storage is not None and study_name is not None,
    )

    def timed(trial: optuna.Trial) -> float:
        suggest_all(trial, space)
        trial.set_user_attr(
            "worker", f"{socket.gethostname()}:{os.getpid()}"
        )  # who ran it, in a shared study
        start = time.perf_counter()
        try:
            return objective(trial)
        finally:
            trial.set_user_attr("seconds", time.perf_counter() - start)

    budget = optuna.study.MaxTrialsCallback(n_trials, states=None)  # shared by every process of the study
    study.optimize(timed, n_trials=n_trials, callbacks=[budget], gc_after_trial=False)
    return study

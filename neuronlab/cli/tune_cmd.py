"""``neuronlab tune``: hyperparameter search on the digits with any of the five strategies,
alone or as one of several processes sharing a study (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

# neuronlab.tune's SAMPLERS and PRUNERS, repeated so that the command line starts without Optuna
# (tests/tune/test_tune.py checks they agree).
SAMPLERS = ("grid", "random", "tpe", "ga", "anneal")
PRUNERS = ("none", "median", "halving")


def add_tune_parser(sub) -> None:
    p = sub.add_parser("tune", help="hyperparameter search (grid, random, TPE, GA, annealing) on Optuna")
    p.add_argument("--data", choices=["digits"], default="digits", help="the data set (default: digits)")
    p.add_argument("--sampler", choices=SAMPLERS, default="tpe", help="the search strategy (default: tpe)")
    p.add_argument(
        "--trials", type=int, default=20, help="the study's trial budget, shared by all its processes"
    )
    p.add_argument(
        "--storage", metavar="URL", help="sqlite:///study.db or postgresql://user@host/db (default: memory)"
    )
    p.add_argument(
        "--study", metavar="NAME", help="the study's name: processes with the same storage and name share it"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes that share the study (K-1 more are started, seeds S+1…)",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="the sampler's seed (give each process of a shared study its own)"
    )
    p.add_argument("--epochs", type=int, default=10, help="training epochs per trial (default: 10)")
    p.add_argument(
        "--pruner", choices=PRUNERS, default="none", help="stop unpromising trials early (default: none)"
    )
    p.add_argument("--plot", metavar="PNG", help="where to draw the search (default: tune-<study>.png)")
    p.set_defaults(run=run_tune)


def run_tune(args) -> int:
    try:
        import optuna
    except ImportError as error:
        raise RuntimeError("neuronlab tune needs Optuna: pip install 'neuronlab[tune]'") from error
    from neuronlab.tune import (
        DIGITS_SPACE,
        best_summary,
        digits_objective,
        make_storage,
        plot_search,
        search,
        trials_table,
    )

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.study is None and args.storage is not None:
        raise ValueError("--storage needs --study NAME, so that other processes can join the same study")
    if args.jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {args.jobs}")
    helpers, temporary = [], None
    if args.jobs > 1:  # K processes on one storage (a temporary SQLite file when none is given)
        if args.storage is None:
            temporary = tempfile.TemporaryDirectory(prefix="neuronlab-tune-")
            args.storage = f"sqlite:///{Path(temporary.name) / 'study.db'}"
        args.study = args.study or f"tune-{args.sampler}"
        helpers = [_start_helper(args, args.seed + i) for i in range(1, args.jobs)]
    study = search(
        digits_objective(epochs=args.epochs, seed=args.seed, prune=args.pruner != "none"),
        DIGITS_SPACE,
        sampler=args.sampler,
        n_trials=args.trials,
        seed=args.seed,
        storage=args.storage,
        study_name=args.study,
        pruner=args.pruner,
    )
    for helper in helpers:
        if helper.wait() != 0:
            raise RuntimeError(f"a helper process of --jobs exited with status {helper.returncode}")
    study = (
        optuna.load_study(study_name=study.study_name, storage=make_storage(args.storage))
        if helpers
        else study
    )
    print(trials_table(study))
    print(best_summary(study))
    path = Path(args.plot or f"tune-{args.study or args.sampler}.png")
    plot_search(study, path, title=f"{args.data}: {args.sampler} search, {len(study.trials)} trials")
    print(f"plot of the search: {path}")
    if temporary is not None:
        temporary.cleanup()
    return 0


def _start_helper(args, seed: int) -> subprocess.Popen:
    """Another ``neuronlab tune`` process on the same storage and study, with its own seed."""
    command = [sys.executable, "-m", "neuronlab.cli", "tune", "--data", args.data, "--sampler", args.sampler,
               "--trials", str(args.trials), "--storage", args.storage, "--study", args.study, "--seed", str(seed),
               "--epochs", str(args.epochs), "--pruner", args.pruner, "--plot", os.devnull]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)

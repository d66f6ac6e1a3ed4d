"""``neuronlab tune``: hyperparameter search on the digits with any of the five strategies,
alone or as one of several processes sharing a study (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path


def add_tune_parser(sub) -> None:
    from neuronlab.tune.pruning import PRUNERS
    from neuronlab.tune.samplers import SAMPLERS

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
    p.add_argument("--jobs", type=int, default=1, help="trials run at once in this process (threads)")
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
    from neuronlab.tune import DIGITS_SPACE, best_summary, digits_objective, plot_search, search, trials_table

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.study is None and args.storage is not None:
        raise ValueError("--storage needs --study NAME, so that other processes can join the same study")
    study = search(
        digits_objective(epochs=args.epochs, seed=args.seed, prune=args.pruner != "none"),
        DIGITS_SPACE,
        sampler=args.sampler,
        n_trials=args.trials,
        seed=args.seed,
        storage=args.storage,
        study_name=args.study,
        n_jobs=args.jobs,
        pruner=args.pruner,
    )
    print(trials_table(study))
    print(best_summary(study))
    path = Path(args.plot or f"tune-{args.study or args.sampler}.png")
    plot_search(study, path, title=f"{args.data}: {args.sampler} search, {len(study.trials)} trials")
    print(f"plot of the search: {path}")
    return 0

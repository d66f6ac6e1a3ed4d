"""Pruning measured: the same search (digits MLP, ``neuronlab.tune``) with and without a pruner.

``python benchmarks/tune_pruning.py [TRIALS] [EPOCHS] [SEEDS]`` prints, per sampler and pruner,
the wall time, the epochs trained, the trials pruned and the best validation loss found
(docs/tune.md).
"""

from __future__ import annotations

import sys
import time

import optuna

from neuronlab.tune import DIGITS_SPACE, digits_objective, search


def main(trials: int = 30, epochs: int = 10, seeds: int = 3) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    print("sampler  pruner   seed  seconds  epochs  pruned  best_val_loss")
    for sampler in ("random", "tpe"):
        for pruner in ("none", "median", "halving"):
            for seed in range(seeds):
                start = time.perf_counter()
                study = search(digits_objective(epochs=epochs, seed=seed, prune=pruner != "none"), DIGITS_SPACE,
                               sampler=sampler, n_trials=trials, seed=seed, pruner=pruner)  # fmt: skip
                seconds = time.perf_counter() - start
                trained = sum(t.user_attrs.get("epochs", 0) for t in study.trials)
                pruned = sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
                print(f"{sampler:7s}  {pruner:7s}  {seed:4d}  {seconds:7.1f}  {trained:6d}  {pruned:6d}  {study.best_value:.4f}",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

"""Pruning: stop unpromising trials early, from inside the ``Trainer``.

``PruningCallback`` reports the monitored value to the Optuna trial after every epoch and, when
the study's pruner says so, stops training and raises ``optuna.TrialPruned`` (the trial is then
recorded as pruned, with its last value). ``make_pruner`` names the two rules of the course's
question: ``median`` (stop a trial whose value is worse than the median of earlier trials at the
same epoch; Golovin et al. 2017, "Google Vizier") and ``halving`` (successive halving: keep the
best 1/η of trials at each rung; Jamieson and Talwalkar 2016, Li et al. 2018).
"""

from __future__ import annotations

import optuna

from neuronlab.train.callbacks import Callback

PRUNERS = ("none", "median", "halving")


class PruningCallback(Callback):
    """Report ``monitor`` (a key of the epoch record, e.g. ``val_loss``) to ``trial`` each epoch
    and prune when the study's pruner decides.

    Example:
        >>> trainer = Trainer(model, opt, loss_fn, callbacks=[PruningCallback(trial, "val_loss")])
    """

    def __init__(self, trial: optuna.Trial, monitor: str = "val_loss") -> None:
        self.trial, self.monitor = trial, monitor

    def on_epoch_end(self, trainer, record: dict) -> None:
        if self.monitor not in record:
            raise ValueError(
                f"PruningCallback: the epoch record has no {self.monitor!r} (keys: {sorted(record)}); pass val= "
                "to fit() or monitor another key"
            )
        self.trial.report(float(record[self.monitor]), step=record["epoch"])
        if self.trial.should_prune():
            trainer.stop_training = True
            raise optuna.TrialPruned(
                f"pruned after epoch {record['epoch']}: {self.monitor}={record[self.monitor]:.4g}"
            )


def make_pruner(name: str, min_epochs: int = 2) -> optuna.pruners.BasePruner:
    """``none``, ``median`` or ``halving`` (successive halving, reduction factor 3)."""
    if name == "none":
        return optuna.pruners.NopPruner()
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=min_epochs)
    if name == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=min_epochs, reduction_factor=3)
    raise ValueError(f"unknown pruner {name!r}; choose one of {', '.join(PRUNERS)}")

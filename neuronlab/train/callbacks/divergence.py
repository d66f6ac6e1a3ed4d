"""``DivergenceGuard``: recover from a diverging run instead of losing it (003 4.8 ex. 4).

When the loss becomes NaN/inf, or explodes to more than ``explode_factor`` times the best
loss seen, the guard rolls the model and optimizer back to the last good snapshot, multiplies
every learning rate by ``lr_factor``, and lets training continue. After ``max_retries``
rollbacks it gives up with a ``RuntimeError`` that says what happened.
"""

from __future__ import annotations

import math

from neuronlab.train.callbacks.base import Callback
from neuronlab.train.state import deep_copy


class DivergenceGuard(Callback):
    """Roll back and lower the learning rate when the loss diverges.

    Args:
        explode_factor: a finite loss above ``explode_factor * best_loss`` counts as divergence.
        lr_factor: each rollback multiplies the learning rate of every param group by this.
        max_retries: rollbacks allowed before giving up.
        snapshot_every: take a new snapshot every this many healthy iterations.
        snapshot_factor: a state only becomes the rollback target when the loss measured after
            it is within ``snapshot_factor * best_loss``: a run that is already climbing
            toward divergence (but not yet past ``explode_factor``) is not a state worth
            restoring (found by the lab's ``stability`` experiment: restoring such a state
            needed a second rollback).
    """

    def __init__(self, explode_factor: float = 1e3, lr_factor: float = 0.1, max_retries: int = 5,
                 snapshot_every: int = 1, snapshot_factor: float = 10.0) -> None:  # fmt: skip
        if explode_factor <= 1:
            raise ValueError(f"DivergenceGuard: explode_factor must be > 1, got {explode_factor}")
        if not 0 < lr_factor < 1:
            raise ValueError(f"DivergenceGuard: lr_factor must be in (0, 1), got {lr_factor}")
        if max_retries < 1 or snapshot_every < 1:
            raise ValueError("DivergenceGuard: max_retries and snapshot_every must be >= 1")
        if not 1 <= snapshot_factor <= explode_factor:
            raise ValueError(
                f"DivergenceGuard: snapshot_factor must be in [1, explode_factor], got {snapshot_factor}"
            )
        self.snapshot_factor = snapshot_factor
        self.explode_factor, self.lr_factor = explode_factor, lr_factor
        self.max_retries, self.snapshot_every = max_retries, snapshot_every
        self.retries = 0
        self.events: list[dict] = []
        self.best_loss = math.inf
        # A batch's loss is measured *before* that batch's update, so the state after an update
        # is only known to be good once the next loss is healthy: keep a pending snapshot and
        # promote it then.
        self._good = None
        self._pending = None
        self._healthy = 0
        self._resumed = False

    def _snapshot(self, trainer) -> tuple:
        return deep_copy(trainer.model.state_dict()), deep_copy(trainer.optimizer.state_dict())

    def on_fit_start(self, trainer) -> None:
        if self._resumed:  # the snapshots came from the checkpoint: keep them
            self._resumed = False
            return
        self._good = self._pending = self._snapshot(trainer)

    def diverged(self, loss: float) -> bool:
        """NaN/inf, or a loss far above the best seen so far."""
        return not math.isfinite(loss) or (
            math.isfinite(self.best_loss) and loss > self.explode_factor * max(self.best_loss, 1e-12)
        )

    def on_batch_end(self, trainer, record: dict) -> None:
        loss = record["loss"]
        params_finite = all(
            p._data.size == 0 or bool(abs(p._data).max() < math.inf) for p in trainer.model.parameters()
        )
        if not self.diverged(loss) and params_finite:
            self.best_loss = min(self.best_loss, loss)
            self._healthy += 1
            if self._healthy % self.snapshot_every == 0:
                if loss <= self.snapshot_factor * max(self.best_loss, 1e-12):
                    self._good = self._pending  # verified by this loss
                self._pending = self._snapshot(trainer)
            return
        self.retries += 1
        old_lrs = [group["lr"] for group in trainer.optimizer.param_groups]
        if self.retries > self.max_retries:
            raise RuntimeError(
                f"DivergenceGuard: training diverged {self.retries} times (last loss {loss}); "
                f"gave up after {self.max_retries} rollbacks with learning rate(s) {old_lrs}. "
                "Lower the learning rate, normalize the inputs or clip gradients."
            )
        model_state, optimizer_state = self._good
        self._pending = self._good
        trainer.model.load_state_dict(model_state)
        trainer.optimizer.load_state_dict(deep_copy(optimizer_state))  # restores the old lr too...
        for group, lr in zip(trainer.optimizer.param_groups, old_lrs):
            group["lr"] = lr * self.lr_factor  # ...so lower the one in use, not the snapshot's
        self.events.append({"iteration": record["iteration"], "loss": loss, "old_lr": old_lrs,
                            "new_lr": [g["lr"] for g in trainer.optimizer.param_groups]})  # fmt: skip
        record["rolled_back"] = True

    def state_dict(self) -> dict:
        snapshots = {} if self._good is None else {"good": list(self._good), "pending": list(self._pending)}
        return {"retries": self.retries, "best_loss": self.best_loss, "events": self.events,
                "healthy": self._healthy, **snapshots}  # fmt: skip

    def load_state_dict(self, state: dict) -> None:
        self.retries, self.best_loss, self.events = (
            state["retries"],
            state["best_loss"],
            list(state["events"]),
        )
        self._healthy = state.get("healthy", 0)
        if "good" in state:
            self._good = tuple(deep_copy(state["good"]))
            self._pending = tuple(deep_copy(state["pending"]))
            self._resumed = True

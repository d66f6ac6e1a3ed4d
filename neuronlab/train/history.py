"""``History``: what a training run measured, one record per iteration and one per epoch.

The words follow the course (000/001 A2.1): an *iteration* is one parameter update on one
batch; an *epoch* is one pass over every training sample; the *batch size* is the number of
samples per iteration, so an epoch of N samples has ceil(N / batch_size) iterations.
"""

from __future__ import annotations

import numpy as np


class History:
    """Per-iteration records (``steps``) and per-epoch records (``epochs``), as lists of dicts.

    Example:
        >>> history.epochs[-1]["val_loss"], history.column("loss")[:3]
    """

    def __init__(self) -> None:
        self.steps: list[dict] = []
        self.epochs: list[dict] = []

    def column(self, key: str, per: str = "step") -> np.ndarray:
        """One field over the run as an array (``per='step'`` or ``'epoch'``); NaN where absent."""
        rows = self.steps if per == "step" else self.epochs
        return np.array([row.get(key, np.nan) for row in rows], dtype=np.float64)

    def state_dict(self) -> dict:
        return {"steps": [dict(r) for r in self.steps], "epochs": [dict(r) for r in self.epochs]}

    def load_state_dict(self, state: dict) -> None:
        self.steps = [dict(r) for r in state["steps"]]
        self.epochs = [dict(r) for r in state["epochs"]]

    def __repr__(self) -> str:
        last = self.epochs[-1] if self.epochs else {}
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in last.items())
        return f"History({len(self.epochs)} epochs, {len(self.steps)} iterations; last: {shown})"

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
        """The records as columns of NumPy arrays (one per field, with a presence mask where a
        field is missing from some records), so a checkpoint of a million iterations holds a
        few arrays rather than a million JSON objects in its header."""
        return {"steps": _to_columns(self.steps), "epochs": _to_columns(self.epochs)}

    def load_state_dict(self, state: dict) -> None:
        self.steps = _from_columns(state["steps"])
        self.epochs = _from_columns(state["epochs"])

    def __repr__(self) -> str:
        last = self.epochs[-1] if self.epochs else {}
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in last.items())
        return f"History({len(self.epochs)} epochs, {len(self.steps)} iterations; last: {shown})"


def _to_columns(rows: list[dict]) -> dict:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    columns, present = {}, {}
    for key in keys:
        values = [row.get(key) for row in rows]
        mask = np.array([key in row for row in rows], dtype=bool)
        filled = [v for v in values if v is not None]
        if all(isinstance(v, bool | np.bool_) for v in filled):
            dtype = np.bool_
        elif all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in filled):
            dtype = np.int64
        elif all(isinstance(v, int | float | np.number) for v in filled):
            dtype = np.float64
        else:
            raise TypeError(f"History: field {key!r} holds non-numeric values; records hold numbers only")
        fill = False if dtype is np.bool_ else 0
        columns[key] = np.array([fill if v is None else v for v in values], dtype=dtype)
        if not mask.all():
            present[key] = mask
    return {"length": len(rows), "columns": columns, "present": present}


def _from_columns(state) -> list[dict]:
    if isinstance(state, list):  # checkpoints written before records were stored as columns
        return [dict(r) for r in state]
    columns = {k: v.tolist() for k, v in state["columns"].items()}  # Python int / float / bool
    present = {k: v.tolist() for k, v in state["present"].items()}
    rows = []
    for i in range(state["length"]):
        rows.append({k: col[i] for k, col in columns.items() if k not in present or present[k][i]})
    return rows

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

    def _repr_html_(self) -> str:
        """The per-epoch records as a table in Jupyter (the first and last 10 of a long run)."""
        from neuronlab.utils.html import table

        keys = list(dict.fromkeys(k for row in self.epochs for k in row))
        shown = self.epochs if len(self.epochs) <= 20 else self.epochs[:10] + [None] + self.epochs[-10:]
        rows = [["…"] * len(keys) if row is None else [_cell(row.get(k)) for k in keys] for row in shown]
        caption = f"History: {len(self.epochs)} epochs, {len(self.steps)} iterations"
        return table(keys, rows, caption=caption, numeric=set(range(len(keys))))

    def plot(self, keys: list[str] | None = None, per: str = "epoch"):
        """Curves of the run, one panel per kind (losses together, every other metric apart):
        a matplotlib ``Figure`` (shown by Jupyter; ``fig.savefig(path)`` elsewhere).

        Args:
            keys: fields to draw (default: every numeric field but the counters and the lr).
            per: ``"epoch"`` or ``"step"``.
        """
        from matplotlib.figure import Figure

        rows = self.epochs if per == "epoch" else self.steps
        if not rows:
            raise ValueError(f"History.plot: no {per} records yet (train first)")
        counters = {"epoch", "iterations", "samples", "step", "iteration", "lr", "seconds", "time"}
        if keys is None:
            keys = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in counters
                    and all(isinstance(r.get(k, 0.0), int | float) for r in rows)]  # fmt: skip
        panels: dict[str, list[str]] = {}
        for key in keys:
            base = key.removeprefix("train_").removeprefix("val_")
            panels.setdefault("loss" if "loss" in base else base, []).append(key)
        fig = Figure(figsize=(4.2 * max(len(panels), 1), 3.2), layout="constrained")
        axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
        x = np.arange(1, len(rows) + 1)
        for ax, (title, group) in zip(axes, panels.items()):
            for key in group:
                ax.plot(x, self.column(key, per), label=key)
            ax.set_xlabel(per)
            ax.set_title(title)
            ax.legend()
        return fig


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


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

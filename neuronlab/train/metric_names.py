"""Metric names a ``Trainer`` understands, mapping model outputs to predictions.

Classification outputs with several columns are logits or probabilities: the prediction is
their argmax. A single output column (or 1-D output) with integer targets is a binary logit:
the prediction is ``output > 0``. Regression metrics use the outputs as they are.
"""

from __future__ import annotations

import numpy as np

import neuronlab.metrics as M
from neuronlab.engine.tensor import Tensor


def predicted_labels(output: Tensor) -> np.ndarray:
    """Class predictions from logits: argmax over columns, or ``> 0`` for one column."""
    out = output.detach().numpy()
    if out.ndim > 1 and out.shape[-1] > 1:
        return out.argmax(axis=-1)
    return (out.reshape(len(out)) > 0).astype(np.int64)


def _labels(fn, **kwargs):
    return lambda y, out: fn(y.numpy().reshape(len(y)), predicted_labels(out), **kwargs)


def _values(fn):
    return lambda y, out: fn(y.numpy().reshape(len(y), -1), out.detach().numpy().reshape(len(out), -1))


_REGISTRY = {
    "accuracy": lambda: _labels(M.accuracy_score),
    "precision": lambda: _labels(M.precision_score, average="binary"),
    "recall": lambda: _labels(M.recall_score, average="binary"),
    "f1": lambda: _labels(M.f1_score, average="binary"),
    "precision_macro": lambda: _labels(M.precision_score, average="macro"),
    "recall_macro": lambda: _labels(M.recall_score, average="macro"),
    "f1_macro": lambda: _labels(M.f1_score, average="macro"),
    "f1_micro": lambda: _labels(M.f1_score, average="micro"),
    "f1_weighted": lambda: _labels(M.f1_score, average="weighted"),
    "mse": lambda: _values(M.mean_squared_error),
    "mae": lambda: _values(M.mean_absolute_error),
    "r2": lambda: _values(M.r2_score),
}


def resolve_metric(name: str):
    """The function ``fn(y_true, output)`` for a metric name."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown metric {name!r}; choose from {sorted(_REGISTRY)} or pass a callable")
    return _REGISTRY[name]()

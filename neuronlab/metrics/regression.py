"""Regression metrics: mean squared error, root mean squared error, mean absolute error, R².

Each function matches scikit-learn's function of the same name. Inputs are tensors, NumPy
arrays or lists of shape ``(n_samples,)`` or ``(n_samples, n_outputs)``; ``(n,)`` and
``(n, 1)`` are the same single output, so a network's ``(n, 1)`` prediction never broadcasts
against ``(n,)`` targets into an ``(n, n)`` matrix. Sums are taken in float64.
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine.tensor import Tensor
from neuronlab.metrics.classification import UndefinedMetricWarning


def _as_2d(values, name: str) -> np.ndarray:
    array = values._data if isinstance(values, Tensor) else np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (n_samples,) or (n_samples, n_outputs), got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")
    return array


def _check_targets(y_true, y_pred, sample_weight, multioutput, options):
    """Validated float64 ``(n, k)`` arrays, weights ``(n,)`` or ``None``, and ``multioutput``."""
    y_true, y_pred = _as_2d(y_true, "y_true"), _as_2d(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred have different lengths: {len(y_true)} and {len(y_pred)} samples")
    if len(y_true) == 0:
        raise ValueError("empty input: y_true and y_pred hold no samples; at least one is needed")
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            f"y_true and y_pred have different numbers of outputs: {y_true.shape[1]} and {y_pred.shape[1]}"
        )
    if sample_weight is not None:
        sample_weight = _as_2d(sample_weight, "sample_weight")
        if sample_weight.shape != (len(y_true), 1):
            raise ValueError(f"sample_weight must have shape ({len(y_true)},), got {sample_weight.shape[:1]}")
        sample_weight = sample_weight[:, 0]
    if isinstance(multioutput, str):
        if multioutput not in options:
            raise ValueError(
                f"multioutput must be one of {options} or an array of weights, got {multioutput!r}"
            )
    else:
        multioutput = _as_2d(multioutput, "multioutput")[:, 0]
        if multioutput.shape != (y_true.shape[1],):
            raise ValueError(
                f"multioutput weights must have one entry per output ({y_true.shape[1]}), got {len(multioutput)}"
            )
    return y_true, y_pred, sample_weight, multioutput


def _combine(per_output: np.ndarray, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return per_output
        multioutput = None  # uniform_average
    return float(np.average(per_output, weights=multioutput))


_OPTIONS = ("raw_values", "uniform_average")


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean squared error ``mean((y_true - y_pred)^2)`` per output, then averaged over outputs.

    ``multioutput``: ``"uniform_average"``, ``"raw_values"`` (one value per output) or an
    array of output weights.

    Example:
        >>> mean_squared_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
        0.375
    """
    y_true, y_pred, weight, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput, _OPTIONS)
    return _combine(np.average((y_true - y_pred) ** 2, axis=0, weights=weight), multioutput)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Root mean squared error ``sqrt(mean((y_true - y_pred)^2))`` per output, then averaged.

    Example:
        >>> root_mean_squared_error([1.0, 2.0], [1.0, 4.0])
        1.4142135623730951
    """
    y_true, y_pred, weight, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput, _OPTIONS)
    return _combine(np.sqrt(np.average((y_true - y_pred) ** 2, axis=0, weights=weight)), multioutput)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean absolute error ``mean(|y_true - y_pred|)`` per output, then averaged over outputs.

    Example:
        >>> mean_absolute_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
        0.5
    """
    y_true, y_pred, weight, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput, _OPTIONS)
    return _combine(np.average(np.abs(y_true - y_pred), axis=0, weights=weight), multioutput)


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average", force_finite: bool = True):
    """Coefficient of determination ``R² = 1 - SS_res / SS_tot`` per output, then averaged.

    ``SS_res = sum((y_true - y_pred)^2)``, ``SS_tot = sum((y_true - mean(y_true))^2)``. 1 is
    a perfect fit, 0 predicts no better than the mean, and it can be negative. For a constant
    ``y_true`` (``SS_tot = 0``), ``force_finite=True`` gives 1.0 for a perfect fit and 0.0
    otherwise instead of NaN / -inf. ``multioutput`` also accepts ``"variance_weighted"``
    (outputs weighted by ``SS_tot``). Fewer than two samples: NaN and an
    ``UndefinedMetricWarning``.

    Example:
        >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
        0.5
    """
    options = (*_OPTIONS, "variance_weighted")
    y_true, y_pred, weight, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput, options)
    if len(y_true) < 2:
        warnings.warn(
            "R^2 score is not well-defined with less than two samples.", UndefinedMetricWarning, stacklevel=2
        )
        return float("nan")
    w = 1.0 if weight is None else weight[:, None]
    numerator = np.sum(w * (y_true - y_pred) ** 2, axis=0)
    denominator = np.sum(w * (y_true - np.average(y_true, axis=0, weights=weight)) ** 2, axis=0)
    if force_finite:
        scores = np.ones_like(numerator)  # zero residual: a perfect fit, even for constant y_true
        valid = (denominator != 0) & (numerator != 0)
        scores[valid] = 1 - numerator[valid] / denominator[valid]
        scores[(numerator != 0) & (denominator == 0)] = 0.0
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1 - numerator / denominator
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        multioutput = denominator if np.any(denominator != 0) else "uniform_average"
    return _combine(scores, multioutput)

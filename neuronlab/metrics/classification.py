"""Classification metrics: accuracy, precision, recall, F-scores, the confusion matrix, a report.

Each function matches scikit-learn's function of the same name: values, the zero-division
rules (``zero_division="warn"`` gives 0.0 and an ``UndefinedMetricWarning``) and the errors.
Inputs are tensors, NumPy arrays or lists of labels (integers, integral floats, booleans or
strings). One addition to scikit-learn: ``y_pred`` may be a 2-D array of scores of shape
``(n_samples, n_classes)`` -- logits or probabilities -- and the predicted label is then its
argmax along dimension 1, that is a class index ``0..n_classes-1``. Multilabel targets are
not supported: a 2-D ``y_true`` (one-hot) is refused with a message to pass
``y_true.argmax(1)``. Everything is vectorized: the counts come from one ``np.bincount``.
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine.tensor import Tensor

AVERAGES = ("binary", "micro", "macro", "weighted", None)


class UndefinedMetricWarning(UserWarning):
    """A metric divided by zero (e.g. precision of a class never predicted) and was set by
    ``zero_division``."""


# -- input checks ---------------------------------------------------------------------------
def _to_numpy(x) -> np.ndarray:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _labels_1d(array: np.ndarray, name: str) -> np.ndarray:
    if array.ndim == 2 and array.shape[1] == 1:  # a column vector, as scikit-learn accepts
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {array.shape}")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains NaN or infinity; class labels must be finite")
        if np.any(array != np.round(array)):
            raise ValueError(
                f"{name} holds continuous values, not class labels: threshold probabilities "
                "first (e.g. (p > 0.5)), or pass 2-D scores of shape (n_samples, n_classes)"
            )
    elif array.dtype.kind not in "biuUSO":
        raise ValueError(f"{name} must hold class labels, got dtype {array.dtype}")
    return array


def _true_labels(y_true) -> np.ndarray:
    array = _to_numpy(y_true)
    if array.ndim == 2 and array.shape[1] > 1:
        raise ValueError(
            f"y_true has shape {array.shape}: multilabel/one-hot targets are not supported; "
            "pass class indices, e.g. y_true.argmax(1)"
        )
    return _labels_1d(array, "y_true")


def _predicted_labels(y_pred) -> np.ndarray:
    """Labels from ``y_pred``: as given, or the argmax of 2-D scores (logits/probabilities)."""
    array = _to_numpy(y_pred)
    if array.ndim == 2 and array.shape[1] > 1:
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise ValueError("y_pred scores contain NaN or infinity")
        return array.argmax(axis=1)
    return _labels_1d(array, "y_pred")


def _sample_weight(sample_weight, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    weight = _to_numpy(sample_weight)
    if weight.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},) like y_true, got {weight.shape}")
    if weight.dtype.kind not in "biuf" or not np.all(np.isfinite(weight)):
        raise ValueError("sample_weight must hold finite numbers")
    return weight


def _check_targets(y_true, y_pred, sample_weight=None):
    """Validated 1-D label arrays, the sorted labels present in either, and the weights."""
    y_true, y_pred = _true_labels(y_true), _predicted_labels(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred have different lengths: {len(y_true)} and {len(y_pred)} samples")
    if len(y_true) == 0:
        raise ValueError("empty input: y_true and y_pred hold no samples; at least one is needed")
    if (y_true.dtype.kind in "USO") != (y_pred.dtype.kind in "USO"):
        raise ValueError("Mix of label input types (string and number) in y_true and y_pred")
    present = np.unique(np.concatenate([y_true, y_pred]))
    return y_true, y_pred, present, _sample_weight(sample_weight, len(y_true))


def _check_zero_division(zero_division) -> float:
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, (int, float)) and not isinstance(zero_division, bool):
        if zero_division in (0, 1):
            return float(zero_division)
        if np.isnan(zero_division):
            return float("nan")
    raise ValueError(f'zero_division must be "warn", 0.0, 1.0 or np.nan, got {zero_division!r}')


def _contains(labels: np.ndarray, value) -> bool:
    with warnings.catch_warnings():  # comparing strings with numbers: simply not contained
        warnings.simplefilter("ignore")
        return bool(np.any(labels == value))


# -- counting ---------------------------------------------------------------------------------
def _bincount(index: np.ndarray, weight: np.ndarray | None, length: int) -> np.ndarray:
    if weight is None:
        return np.bincount(index, minlength=length).astype(np.int64)
    counts = np.bincount(index, weights=weight, minlength=length)
    return np.round(counts).astype(np.int64) if weight.dtype.kind in "biu" else counts


def _index_of(values: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each value in ``labels`` (any order) and whether it was found there."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    position = np.searchsorted(sorted_labels, values).clip(0, len(labels) - 1)
    found = sorted_labels[position] == values
    return order[position], found


def _check_labels(labels) -> np.ndarray:
    labels = _to_numpy(labels).reshape(-1)
    if labels.size == 0:
        raise ValueError("'labels' should contain at least one label")
    if len(np.unique(labels)) != labels.size:
        raise ValueError(f"'labels' must not repeat a label, got {labels.tolist()}")
    return labels


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``labels[i]`` predicted as ``labels[j]``.

    ``labels`` (default: the sorted labels present in either input) fixes the rows/columns;
    samples whose true or predicted label is not among them are left out. ``normalize``:
    ``"true"`` divides each row by its sum (recall on the diagonal), ``"pred"`` each column
    (precision on the diagonal), ``"all"`` by the total; an all-zero row/column stays 0.

    Shape:
        ``(n_labels, n_labels)``; int64 counts, float64 when normalized or weighted.

    Example:
        >>> confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2])
        array([[1, 0, 0],
               [0, 1, 1],
               [0, 0, 1]])
    """
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize must be one of None, 'true', 'pred', 'all', got {normalize!r}")
    y_true, y_pred, present, weight = _check_targets(y_true, y_pred, sample_weight)
    if labels is None:
        labels = present
    else:
        labels = _check_labels(labels)
        if not np.any(_index_of(y_true, labels)[1]):
            raise ValueError("At least one label specified must be in y_true")
    n = len(labels)
    true_index, true_found = _index_of(y_true, labels)
    pred_index, pred_found = _index_of(y_pred, labels)
    keep = true_found & pred_found
    flat = true_index[keep] * n + pred_index[keep]
    cm = _bincount(flat, None if weight is None else weight[keep], n * n).reshape(n, n)
    if normalize is None:
        return cm
    total = {"true": cm.sum(axis=1, keepdims=True), "pred": cm.sum(axis=0, keepdims=True)}
    divisor = np.broadcast_to(total.get(normalize, cm.sum()), cm.shape).astype(np.float64)
    return np.divide(cm, divisor, out=np.zeros(cm.shape), where=divisor != 0)


def _label_counts(y_true, y_pred, present, weight, labels):
    """Per-label true positives, predicted counts and true counts (supports), in ``labels`` order."""
    all_labels = present if labels is None else np.unique(np.concatenate([present, labels]))
    n = len(all_labels)
    true_index = np.searchsorted(all_labels, y_true)
    pred_index = np.searchsorted(all_labels, y_pred)
    hit = true_index == pred_index
    tp_sum = _bincount(true_index[hit], None if weight is None else weight[hit], n)
    pred_sum = _bincount(pred_index, weight, n)
    true_sum = _bincount(true_index, weight, n)
    if labels is None:
        return tp_sum, pred_sum, true_sum
    chosen = np.searchsorted(all_labels, labels)
    return tp_sum[chosen], pred_sum[chosen], true_sum[chosen]


# -- precision, recall, F -----------------------------------------------------------------------
def _divide(numerator, denominator, metric, modifier, average, warn_for, zero_division):
    """``numerator / denominator`` with ``zero_division`` where the denominator is 0 (sklearn's rule)."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    zero = denominator == 0
    result = np.divide(numerator, denominator, out=np.zeros_like(numerator), where=~zero)
    if not zero.any():
        return result
    result[zero] = _check_zero_division(zero_division)
    if isinstance(zero_division, str) and metric in warn_for:
        where = "due to" if result.shape[0] == 1 else "in labels with"
        warnings.warn(
            f"{metric.capitalize()} is ill-defined and being set to 0.0 {where} no {modifier} "
            "samples. Use `zero_division` parameter to control this behavior.",
            UndefinedMetricWarning,
            stacklevel=4,
        )
    return result


def _nanaverage(values: np.ndarray, weights: np.ndarray | None) -> float:
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is None or not np.any(weights[keep]):
        return float(np.mean(values[keep]))
    return float(np.average(values[keep], weights=weights[keep]))


def _resolve_labels(present, labels, average, pos_label):
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {list(AVERAGES)}, got {average!r}")
    if average != "binary":
        return None if labels is None else _check_labels(labels)
    if len(present) > 2:
        raise ValueError(
            "Target is multiclass but average='binary'. Please choose another average "
            "setting, one of [None, 'micro', 'macro', 'weighted']."
        )
    if not _contains(present, pos_label) and len(present) >= 2:
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label. It should be one of {present.tolist()}"
        )
    return np.asarray([pos_label])


def precision_recall_fscore_support(
    y_true,
    y_pred,
    *,
    beta: float = 1.0,
    labels=None,
    pos_label=1,
    average=None,
    warn_for=("precision", "recall", "f-score"),
    sample_weight=None,
    zero_division="warn",
):
    """Precision ``tp/(tp+fp)``, recall ``tp/(tp+fn)``, F-beta and support (true count) per label.

    ``F_beta = (1+beta^2) tp / ((1+beta^2) tp + beta^2 fn + fp)``. ``average``: ``None``
    returns per-label arrays (in ``labels`` order); ``"binary"`` reports ``pos_label`` only;
    ``"micro"`` pools the counts of all labels; ``"macro"`` is the unweighted mean over
    labels; ``"weighted"`` the mean weighted by support (support is then ``None``).

    Example:
        >>> precision_recall_fscore_support([0, 1, 1], [0, 1, 0], average="macro")
        (0.75, 0.75, 0.6666666666666666, None)
    """
    _check_zero_division(zero_division)
    if not beta >= 0:
        raise ValueError(f"beta must be non-negative, got {beta}")
    y_true, y_pred, present, weight = _check_targets(y_true, y_pred, sample_weight)
    labels = _resolve_labels(present, labels, average, pos_label)
    tp_sum, pred_sum, true_sum = _label_counts(y_true, y_pred, present, weight, labels)
    if average == "micro":
        tp_sum, pred_sum, true_sum = (
            tp_sum.sum(keepdims=True),
            pred_sum.sum(keepdims=True),
            true_sum.sum(keepdims=True),
        )
    args = (average, warn_for, zero_division)
    precision = _divide(tp_sum, pred_sum, "precision", "predicted", *args)
    recall = _divide(tp_sum, true_sum, "recall", "true", *args)
    if np.isposinf(beta):
        f_score = recall
    elif beta == 0:
        f_score = precision
    else:
        beta2 = beta**2
        denominator = beta2 * true_sum.astype(np.float64) + pred_sum
        f_score = _divide((1 + beta2) * tp_sum, denominator, "f-score", "true nor predicted", *args)
    if average is None:
        return precision, recall, f_score, true_sum
    weights = true_sum if average == "weighted" else None
    return _nanaverage(precision, weights), _nanaverage(recall, weights), _nanaverage(f_score, weights), None


def _one_score(
    index: int, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division, beta=1.0
):
    """Precision (0), recall (1) or F-beta (2), warning only about that one."""
    scores = precision_recall_fscore_support(
        y_true,
        y_pred,
        beta=beta,
        labels=labels,
        pos_label=pos_label,
        average=average,
        warn_for=(("precision", "recall", "f-score")[index],),
        sample_weight=sample_weight,
        zero_division=zero_division,
    )
    return scores[index]


def precision_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
) -> float | np.ndarray:
    """Precision ``tp / (tp + fp)``: of the samples predicted as a class, the fraction that are.

    See ``precision_recall_fscore_support`` for ``average``; returns a float, or an array
    per label when ``average=None``.

    Example:
        >>> precision_score([0, 1, 1, 0], [1, 1, 1, 0])
        0.6666666666666666
    """
    return _one_score(0, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division)


def recall_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
) -> float | np.ndarray:
    """Recall ``tp / (tp + fn)``: of the samples of a class, the fraction found.

    Example:
        >>> recall_score([0, 1, 1, 0], [1, 1, 0, 0])
        0.5
    """
    return _one_score(1, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division)


def fbeta_score(
    y_true,
    y_pred,
    *,
    beta: float,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
) -> float | np.ndarray:
    """F-beta ``(1+beta^2) tp / ((1+beta^2) tp + beta^2 fn + fp)``; beta > 1 favours recall.

    Example:
        >>> fbeta_score([0, 1, 1, 0], [1, 1, 0, 0], beta=2.0)
        0.5
    """
    return _one_score(2, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division, beta)


def f1_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
) -> float | np.ndarray:
    """F1, the harmonic mean of precision and recall: ``2 tp / (2 tp + fp + fn)``.

    Example:
        >>> f1_score([0, 1, 2, 2], [0, 2, 2, 2], average="macro")
        0.6
    """
    return _one_score(2, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division)


def accuracy_score(y_true, y_pred, *, normalize: bool = True, sample_weight=None) -> float:
    """The fraction of samples whose predicted label equals the true one (their count when
    ``normalize=False``). ``y_pred`` may be logits or probabilities of shape ``(n, C)``.

    Example:
        >>> accuracy_score([0, 1, 2, 2], [[2.0, 0.1, 0.3], [0.0, 1.0, 0.0], [0.1, 0.2, 0.3], [1.0, 0.0, 0.0]])
        0.75
    """
    y_true, y_pred, _, weight = _check_targets(y_true, y_pred, sample_weight)
    correct = y_true == y_pred
    if not normalize:
        return float(np.sum(correct if weight is None else correct * weight))
    return float(np.average(correct, weights=weight))


accuracy = accuracy_score  # the short name used by torchmetrics-style code


def classification_report(
    y_true,
    y_pred,
    *,
    labels=None,
    target_names=None,
    sample_weight=None,
    digits: int = 2,
    output_dict: bool = False,
    zero_division="warn",
):
    """Precision, recall, F1 and support per label and averaged, as scikit-learn's text table
    (or a dict with ``output_dict=True``). The micro average is shown as ``accuracy`` when it
    equals it (all present labels reported).

    Example:
        >>> classification_report([0, 1, 1], [0, 1, 0], output_dict=True)["accuracy"]
        0.6666666666666666
    """
    y_true, y_pred, present, weight = _check_targets(y_true, y_pred, sample_weight)
    labels_given = labels is not None
    labels = _check_labels(labels) if labels_given else present
    micro_is_accuracy = not labels_given or set(labels.tolist()) >= set(present.tolist())
    if target_names is not None and len(labels) != len(target_names):
        if not labels_given:
            raise ValueError(
                f"Number of classes, {len(labels)}, does not match size of target_names, "
                f"{len(target_names)}. Try specifying the labels parameter"
            )
        warnings.warn(
            f"labels size, {len(labels)}, does not match size of target_names, {len(target_names)}",
            stacklevel=2,
        )
    if target_names is None:
        target_names = [f"{label}" for label in labels]
    common = dict(labels=labels, sample_weight=weight, zero_division=zero_division)
    p, r, f1, support = precision_recall_fscore_support(y_true, y_pred, average=None, **common)
    headers = ["precision", "recall", "f1-score", "support"]
    rows = list(zip(target_names, p, r, f1, support))
    averages = {}
    for average in ("micro", "macro", "weighted"):
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        avg_p, avg_r, avg_f1, _ = precision_recall_fscore_support(y_true, y_pred, average=average, **common)
        averages[heading] = [avg_p, avg_r, avg_f1, np.sum(support)]
    if output_dict:
        report = {name: dict(zip(headers, map(float, scores))) for name, *scores in rows}
        for heading, scores in averages.items():
            report[heading] = (
                float(scores[0]) if heading == "accuracy" else dict(zip(headers, map(float, scores)))
            )
        return report
    return _format_report(headers, rows, averages, target_names, digits)


def _format_report(headers, rows, averages, target_names, digits: int) -> str:
    width = max(max(len(name) for name in target_names), len("weighted avg"), digits)
    report = ("{:>{width}s} " + " {:>9}" * len(headers)).format("", *headers, width=width) + "\n\n"
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for row in rows:
        report += row_fmt.format(*row, width=width, digits=digits)
    report += "\n"
    for heading, scores in averages.items():
        if heading == "accuracy":
            accuracy_fmt = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}" + " {:>9}\n"
            report += accuracy_fmt.format(heading, "", "", *scores[2:], width=width, digits=digits)
        else:
            report += row_fmt.format(heading, *scores, width=width, digits=digits)
    return report

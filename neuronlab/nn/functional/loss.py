"""Losses in functional form. Stable formulations are the only ones: cross-entropy goes
through log-sum-exp, binary cross-entropy with logits through log(1 + e^-|x|).

``reduction`` is ``'mean'`` (default), ``'sum'`` or ``'none'``, as in PyTorch. The deprecated
``size_average`` / ``reduce`` flags are honoured as PyTorch honours them (with its warning).
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine.function import ShapeError
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.activation import log_softmax
from neuronlab.ops.indexing import where
from neuronlab.ops.loss import MSE, BCEWithLogits, BinaryCrossEntropy, CrossEntropyIndices
from neuronlab.ops.pointwise import exp, log1p, maximum

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss",
    "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss", "TargetError",
]  # fmt: skip


class TargetError(IndexError, ValueError):
    """A class label outside [0, C) (catchable as ``IndexError``, as in PyTorch, or ``ValueError``)."""


def apply_reduction(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` ('mean', 'sum' or 'none') to per-element losses."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")


reduce = apply_reduction  # the earlier name; inside the losses ``reduce`` is PyTorch's legacy flag


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:  # noqa: A002
    """``reduction`` unless a deprecated flag is given; then PyTorch's mapping: ``reduce=False``
    -> 'none', else ``size_average=False`` -> 'sum', else 'mean' (with PyTorch's warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "none" if not reduce else "mean" if size_average else "sum"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.",
        UserWarning,
        stacklevel=3,
    )
    return result


def nan_mean(total: Tensor) -> Tensor:
    """NaN with a zero gradient: a weighted mean whose weights sum to 0 (every target ignored),
    as PyTorch returns it, without NumPy's 0/0 warning."""
    return total * 0.0 + float("nan")


def _check_same_shape(input, target, op: str) -> None:  # noqa: A002
    if input.shape != target.shape:
        raise ShapeError(
            f"{op}(): input shape {tuple(input.shape)} and target shape {tuple(target.shape)} "
            "differ; they must be equal (reshape the target, e.g. target.view(-1, 1), or the "
            "output, e.g. output.squeeze(1))"
        )


def _as_target(target, like: Tensor) -> Tensor:
    if isinstance(target, Tensor):
        return target if target.dtype == like.dtype else target.to(like.dtype)
    return Tensor._wrap(np.asarray(target, dtype=like._data.dtype))


# -- regression -----------------------------------------------------------------------------
def _weighted(loss: Tensor, weight, reduction: str, op: str, mean_over_weights: bool = True) -> Tensor:
    """Per-element ``weight`` (the input's shape, PyTorch 2.13's regression losses); 'mean'
    divides by Σ weight (mse, l1) or by the element count (huber), as PyTorch does."""
    if weight is None:
        return apply_reduction(loss, reduction)
    weight = _as_target(weight, loss)
    if weight.shape != loss.shape:
        raise ValueError(
            f"{op}(): weight shape {tuple(weight.shape)} and input shape {tuple(loss.shape)} differ; "
            "weights and input must have the same size"
        )
    loss = loss * weight
    if reduction == "mean" and mean_over_weights:
        return loss.sum() / weight.sum()
    return apply_reduction(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",  # noqa: A002
             weight=None) -> Tensor:  # fmt: skip
    """Mean squared error: (input - target)², optionally weighted per element."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input)
    _check_same_shape(input, target, "mse_loss")
    if weight is None and reduction in ("mean", "sum"):
        return MSE.apply(input, target, reduction=reduction)
    diff = input - target
    return _weighted(diff * diff, weight, reduction, "mse_loss")


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",  # noqa: A002
            weight=None) -> Tensor:  # fmt: skip
    """Mean absolute error: |input - target|, optionally weighted per element."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input)
    _check_same_shape(input, target, "l1_loss")
    return _weighted((input - target).abs(), weight, reduction, "l1_loss")


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None) -> Tensor:  # noqa: A002
    """½d² where |d| <= delta, else delta(|d| - ½delta), with d = input - target."""
    if delta <= 0:
        raise ValueError(f"huber_loss(): delta must be positive, got {delta}")
    target = _as_target(target, input)
    _check_same_shape(input, target, "huber_loss")
    d = (input - target).abs()
    quadratic = d * d * 0.5
    linear = (d - 0.5 * delta) * delta
    return _weighted(where(d <= delta, quadratic, linear), weight, reduction, "huber_loss", False)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",  # noqa: A002
                   beta: float = 1.0) -> Tensor:  # fmt: skip
    """½d²/beta where |d| < beta, else |d| - ½beta (Huber divided by beta)."""
    if beta < 0:
        raise ValueError(f"smooth_l1_loss(): beta must be non-negative, got {beta}")
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input)
    _check_same_shape(input, target, "smooth_l1_loss")
    d = (input - target).abs()
    if beta == 0:
        return apply_reduction(d, reduction)
    return apply_reduction(where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta), reduction)


# -- binary classification ---------------------------------------------------------------------
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """-w (t ln p + (1 - t) ln(1 - p)) for probabilities p; each log is clamped at -100 as in PyTorch."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input)
    _check_same_shape(input, target, "binary_cross_entropy")
    data = input._data
    if data.size and (np.nanmin(data) < 0 or np.nanmax(data) > 1):
        raise ValueError(
            "binary_cross_entropy(): all elements of input should be between 0 and 1 (they are "
            "probabilities); pass logits to binary_cross_entropy_with_logits instead"
        )
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * _as_target(weight, input)
    return apply_reduction(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction: str = "mean", pos_weight=None) -> Tensor:  # fmt: skip
    """BCE of σ(x) computed from logits x without overflow:
    (1 - t) x + (1 + (pw - 1) t) (ln(1 + e^-|x|) + max(-x, 0))."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input)
    _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    if (
        weight is None
        and pos_weight is None
        and not target.requires_grad
        and reduction in ("mean", "sum", "none")
    ):
        return BCEWithLogits.apply(input, target=target._data, reduction=reduction)
    softplus_neg = log1p(exp(-input.abs())) + maximum(-input, 0.0)  # = ln(1 + e^-x), stable
    if pos_weight is None:
        loss = (1.0 - target) * input + softplus_neg
    else:
        pos_weight = _as_target(pos_weight, input)
        loss = (1.0 - target) * input + (1.0 + (pos_weight - 1.0) * target) * softplus_neg
    if weight is not None:
        loss = loss * _as_target(weight, input)
    return apply_reduction(loss, reduction)


# -- multi-class classification ----------------------------------------------------------------
def _check_class_target(input, target, ignore_index: int | None, op: str) -> np.ndarray:  # noqa: A002
    """The labels as an integer array, after checking dtype, shape (the input's without dim 1)
    and range [0, C); ``ignore_index`` (None: none) is exempt from the range check."""
    labels = target._data
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"{op}(): class-index targets must be integers (int64), got {target.dtype}; use "
            "target.long(), or pass class probabilities of the input's shape and a float dtype"
        )
    if input.ndim == 0:
        raise ShapeError(f"{op}(): input must have a class dimension, got a 0-dim tensor")
    batch_shape = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim > 1 else ()
    if tuple(labels.shape) != batch_shape:
        raise ShapeError(
            f"{op}(): expected target of shape {batch_shape} for input of shape "
            f"{tuple(input.shape)}, got {tuple(labels.shape)}"
        )
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    valid = labels if ignore_index is None else labels[labels != ignore_index]
    if valid.size and (valid.min() < 0 or valid.max() >= n_classes):
        bad = int(valid.min() if valid.min() < 0 else valid.max())
        exempt = "" if ignore_index is None else f" (or equal ignore_index={ignore_index})"
        raise TargetError(
            f"{op}(): Target {bad} is out of bounds: class labels must be in [0, {n_classes - 1}] "
            f"for {n_classes} classes{exempt}"
        )
    return labels


def _class_weight(weight, input, op: str) -> Tensor | None:  # noqa: A002
    """``weight`` as a (C,) tensor of the input's dtype, or None."""
    if weight is None:
        return None
    weight = _as_target(weight, input)
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if tuple(weight.shape) != (n_classes,):
        raise ShapeError(
            f"{op}(): weight must hold one value per class, shape ({n_classes},), got {tuple(weight.shape)}"
        )
    return weight


def _channels_last(t: Tensor) -> Tensor:
    """(N, C, d1, ...) -> (N·d1·..., C); (C,) -> (1, C)."""
    if t.ndim == 1:
        return t.unsqueeze(0)
    if t.ndim == 2:
        return t
    return t.permute(0, *range(2, t.ndim), 1).reshape(-1, t.shape[1])


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
             reduce=None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Negative log-likelihood of log-probabilities: -w[y] · input[y], averaged over the
    weights of the non-ignored targets for ``reduction='mean'`` (NaN if there are none)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    if not isinstance(target, Tensor):
        target = Tensor._wrap(np.asarray(target))
    labels = _check_class_target(input, target, ignore_index, "nll_loss")
    weight = _class_weight(weight, input, "nll_loss")
    logp = _channels_last(input)
    flat = labels.reshape(-1)
    keep = flat != ignore_index
    safe = np.where(keep, flat, 0).astype(np.int64)
    picked = logp.gather(1, Tensor._wrap(safe[:, None]))[:, 0]
    w = np.ones(flat.shape, dtype=input._data.dtype) if weight is None else weight._data[safe]
    w = np.where(keep, w, 0).astype(input._data.dtype)
    losses = -picked * Tensor._wrap(w)
    if reduction == "none":
        return losses.reshape(labels.shape)
    if reduction == "sum":
        return losses.sum()
    total = float(w.sum())
    return losses.sum() / total if total != 0 else nan_mean(losses.sum())


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:  # fmt: skip
    """Softmax cross-entropy from logits. ``target`` holds class indices (int64, shape (N,) or
    (N, d1, ...)) or class probabilities (float, the input's shape).

    loss_i = -Σ_c w_c t_ic log softmax(x_i)_c, with t = one-hot(y) smoothed by
    ``label_smoothing`` ε to (1 - ε) t + ε / C. For class indices, 'mean' divides by the
    summed weights w[y_i] of the targets that are not ``ignore_index``.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(
            f"cross_entropy(): label_smoothing must be between 0.0 and 1.0, got {label_smoothing}"
        )
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    if not isinstance(target, Tensor):
        target = Tensor._wrap(np.asarray(target))
    weight = _class_weight(weight, input, "cross_entropy")
    if target._data.dtype.kind == "f":
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing)
    labels = _check_class_target(input, target, ignore_index, "cross_entropy")
    fused = (input.ndim == 2 and weight is None and label_smoothing == 0.0
             and not (labels == ignore_index).any())  # fmt: skip
    if fused:
        return CrossEntropyIndices.apply(input, target=labels, reduction=reduction)
    logp = log_softmax(input, 1 if input.ndim > 1 else 0)
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    return _smoothed(loss, logp, labels, weight, ignore_index, reduction, label_smoothing)


def _smoothed(loss, logp, labels, weight, ignore_index, reduction, label_smoothing) -> Tensor:
    """(1 - ε) · NLL + ε/C · Σ_c -w_c log p_c: the label-smoothing term for class indices,
    reduced like the NLL (the same weighted denominator for 'mean')."""
    n_classes = logp.shape[1] if logp.ndim > 1 else logp.shape[0]
    flat_logp = _channels_last(logp)
    flat = labels.reshape(-1)
    keep = Tensor._wrap((flat != ignore_index).astype(logp._data.dtype))
    smooth = -(flat_logp * weight).sum(1) if weight is not None else -flat_logp.sum(1)
    smooth = smooth * keep
    if reduction == "none":
        smooth = smooth.reshape(labels.shape)
    elif reduction == "sum":
        smooth = smooth.sum()
    else:
        if weight is not None:
            safe = np.where(flat != ignore_index, flat, 0)
            denom = float((weight._data[safe] * keep._data).sum())
        else:
            denom = float(keep._data.sum())
        smooth = smooth.sum() / denom if denom != 0 else nan_mean(smooth.sum())
    return loss * (1.0 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing) -> Tensor:  # noqa: A002
    dim = 1 if input.ndim > 1 else 0
    class_index_shape = tuple(input.shape[:dim]) + tuple(input.shape[dim + 1 :])
    if input.shape != target.shape and tuple(target.shape) == class_index_shape:
        raise TypeError(
            f"cross_entropy(): target of shape {tuple(target.shape)} looks like class indices but "
            f"has dtype {target.dtype}; class indices must be integers (use target.long()), and "
            f"float targets must be class probabilities of the input's shape {tuple(input.shape)}"
        )
    _check_same_shape(input, target, "cross_entropy")
    target = _as_target(target, input)
    n_classes = input.shape[dim]
    if label_smoothing > 0:
        target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
    logp = log_softmax(input, dim)
    if weight is not None:
        shape = [1] * input.ndim
        shape[dim] = n_classes
        logp = logp * weight.reshape(shape)
    return apply_reduction(-(logp * target).sum(dim), reduction)

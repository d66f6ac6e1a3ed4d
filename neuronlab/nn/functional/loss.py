"""Losses in functional form. Stable formulations are the only ones: cross-entropy goes
through log-sum-exp, binary cross-entropy with logits through log(1 + e^-|x|).

``reduction`` is ``'mean'`` (default), ``'sum'`` or ``'none'``, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.activation import log_softmax, softmax
from neuronlab.ops.indexing import where
from neuronlab.ops.pointwise import clamp, exp, log, log1p, maximum

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss",
    "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss", "TargetError",
]  # fmt: skip


class TargetError(IndexError, ValueError):
    """A class label outside [0, C) (catchable as ``IndexError``, as in PyTorch, or ``ValueError``)."""


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` ('mean', 'sum' or 'none') to per-element losses."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")


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
def mse_loss(input, target, size_average=None, reduce_=None, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean squared error: (input - target)²."""
    target = _as_target(target, input)
    _check_same_shape(input, target, "mse_loss")
    diff = input - target
    return reduce(diff * diff, reduction)


def l1_loss(input, target, size_average=None, reduce_=None, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean absolute error: |input - target|."""
    target = _as_target(target, input)
    _check_same_shape(input, target, "l1_loss")
    return reduce((input - target).abs(), reduction)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0) -> Tensor:  # noqa: A002
    """½d² where |d| <= delta, else delta(|d| - ½delta), with d = input - target."""
    if delta <= 0:
        raise ValueError(f"huber_loss(): delta must be positive, got {delta}")
    target = _as_target(target, input)
    _check_same_shape(input, target, "huber_loss")
    d = (input - target).abs()
    quadratic = d * d * 0.5
    linear = (d - 0.5 * delta) * delta
    return reduce(where(d <= delta, quadratic, linear), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce_=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:  # fmt: skip  # noqa: A002
    """½d²/beta where |d| < beta, else |d| - ½beta (Huber divided by beta)."""
    if beta < 0:
        raise ValueError(f"smooth_l1_loss(): beta must be non-negative, got {beta}")
    target = _as_target(target, input)
    _check_same_shape(input, target, "smooth_l1_loss")
    d = (input - target).abs()
    if beta == 0:
        return reduce(d, reduction)
    return reduce(where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta), reduction)


# -- binary classification ---------------------------------------------------------------------
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce_=None,  # noqa: A002
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """-(t ln p + (1 - t) ln(1 - p)) for probabilities p; each log is clamped at -100 as in PyTorch."""
    target = _as_target(target, input)
    _check_same_shape(input, target, "binary_cross_entropy")
    data = input._data
    if data.size and (np.nanmin(data) < 0 or np.nanmax(data) > 1):
        raise ValueError(
            "binary_cross_entropy(): all elements of input should be between 0 and 1 (they are "
            "probabilities); pass logits to binary_cross_entropy_with_logits instead"
        )
    loss = -(target * clamp(log(input), min=-100.0) + (1.0 - target) * clamp(log(1.0 - input), min=-100.0))
    if weight is not None:
        loss = loss * weight
    return reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce_=None,  # noqa: A002
                                     reduction: str = "mean", pos_weight=None) -> Tensor:  # fmt: skip
    """BCE of σ(x) computed from logits x without overflow:
    (1 - t) x + (1 + (pw - 1) t) (ln(1 + e^-|x|) + max(-x, 0))."""
    target = _as_target(target, input)
    _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    softplus_neg = log1p(exp(-input.abs())) + maximum(-input, 0.0)  # = ln(1 + e^-x), stable
    if pos_weight is None:
        loss = (1.0 - target) * input + softplus_neg
    else:
        loss = (1.0 - target) * input + (1.0 + (pos_weight - 1.0) * target) * softplus_neg
    if weight is not None:
        loss = loss * weight
    return reduce(loss, reduction)


# -- multi-class classification ----------------------------------------------------------------
class CrossEntropyIndices(Function):
    """Fused log-softmax + NLL for (N, C) logits and class indices (no weights, no smoothing):
    loss_i = logsumexp(x_i) - x_i[y_i];  grad_x = (softmax(x) - onehot(y)) · grad (/ N for mean).

    Fused for speed: one pass computes the probabilities the backward needs.
    """

    def forward(self, x, target, reduction):
        self.target, self.reduction = target, reduction
        shifted = x - x.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        rows = np.arange(x.shape[0])
        losses = np.log(total[:, 0]) - shifted[rows, target]
        self.probs = e / total
        if reduction == "none":
            return losses
        out = losses.sum()
        return out / x.shape[0] if reduction == "mean" else out

    def backward(self, grad):
        n = self.target.shape[0]
        if STATE.enabled:  # higher derivatives: recompute the softmax inside the graph
            onehot = np.zeros(self.probs.shape, dtype=self.probs.dtype)
            onehot[np.arange(n), self.target] = 1
            d = softmax(self.inputs[0], 1) - Tensor._wrap(onehot)
        else:
            d = self.probs.copy()
            d[np.arange(n), self.target] -= 1
            d = Tensor._wrap(d)
        if self.reduction == "none":
            return d * grad.unsqueeze(1), None
        scale = grad / n if self.reduction == "mean" else grad
        return d * scale, None


def _check_class_target(input, target, ignore_index: int, op: str) -> np.ndarray:  # noqa: A002
    labels = target._data
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"{op}(): class-index targets must be integers (int64), got {target.dtype}; use "
            "target.long(), or pass class probabilities of the input's shape and a float dtype"
        )
    batch_shape = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim > 1 else ()
    if tuple(labels.shape) != batch_shape:
        raise ShapeError(
            f"{op}(): expected target of shape {batch_shape} for input of shape "
            f"{tuple(input.shape)}, got {tuple(labels.shape)}"
        )
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    valid = labels[labels != ignore_index]
    if valid.size and (valid.min() < 0 or valid.max() >= n_classes):
        bad = int(valid.min() if valid.min() < 0 else valid.max())
        raise TargetError(
            f"{op}(): Target {bad} is out of bounds: class labels must be in [0, {n_classes - 1}] "
            f"for {n_classes} classes (or equal ignore_index={ignore_index})"
        )
    return labels


def _channels_last(t: Tensor) -> Tensor:
    """(N, C, d1, ...) -> (N·d1·..., C); (C,) -> (1, C)."""
    if t.ndim == 1:
        return t.unsqueeze(0)
    if t.ndim == 2:
        return t
    return t.permute(0, *range(2, t.ndim), 1).reshape(-1, t.shape[1])


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
             reduce_=None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Negative log-likelihood of log-probabilities: -w[y] · input[y], averaged over the
    weights of the non-ignored targets for ``reduction='mean'``."""
    labels = _check_class_target(input, target, ignore_index, "nll_loss")
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
    if reduction == "mean":
        return losses.sum() / float(w.sum())
    return reduce(losses, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
                  reduce_=None, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:  # fmt: skip
    """Softmax cross-entropy from logits. ``target`` holds class indices (int64, shape (N,) or
    (N, d1, ...)) or class probabilities (float, the input's shape).

    loss_i = -Σ_c w_c t_ic log softmax(x_i)_c, with t = one-hot(y) smoothed by
    ``label_smoothing`` ε to (1 - ε) t + ε / C.
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy(): label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    if not isinstance(target, Tensor):
        target = Tensor._wrap(np.asarray(target))
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
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    flat_logp = _channels_last(logp)
    keep = Tensor._wrap((labels.reshape(-1) != ignore_index).astype(input._data.dtype))
    smooth = -(flat_logp * weight).sum(1) if weight is not None else -flat_logp.sum(1)
    smooth = smooth * keep
    if reduction == "none":
        smooth = smooth.reshape(labels.shape)
    elif reduction == "sum":
        smooth = smooth.sum()
    else:
        if weight is not None:
            safe = np.where(labels.reshape(-1) != ignore_index, labels.reshape(-1), 0)
            denom = float((weight._data[safe] * keep._data).sum())
        else:
            denom = float(keep._data.sum())
        smooth = smooth.sum() / denom
    return loss * (1.0 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing) -> Tensor:  # noqa: A002
    _check_same_shape(input, target, "cross_entropy")
    dim = 1 if input.ndim > 1 else 0
    n_classes = input.shape[dim]
    if label_smoothing > 0:
        target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
    logp = log_softmax(input, dim)
    if weight is not None:
        shape = [1] * input.ndim
        shape[dim] = n_classes
        logp = logp * weight.reshape(shape)
    return reduce(-(logp * target).sum(dim), reduction)

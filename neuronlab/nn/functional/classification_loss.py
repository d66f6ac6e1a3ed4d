"""Classification losses in functional form: binary cross-entropy (from probabilities and from
logits), negative log-likelihood, cross-entropy (class indices or probabilities, label
smoothing), and the focal losses.

Stable formulations are the only ones: cross-entropy goes through log-sum-exp, binary
cross-entropy with logits through log(1 + e^-|x|). ``focal_loss`` (multi-class) is neuronlab's
own; ``sigmoid_focal_loss`` is torchvision's.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import ShapeError, named
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional.loss_arguments import (
    apply_reduction,
    as_labels,
    as_target,
    check_class_target,
    check_same_shape,
    legacy_reduction,
    nan_mean,
)
from neuronlab.ops.activation import log_softmax, sigmoid
from neuronlab.ops.loss import BCEWithLogits, BinaryCrossEntropy, CrossEntropyIndices
from neuronlab.ops.pointwise import exp, expm1, log1p, maximum

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "focal_loss",
    "nll_loss",
    "sigmoid_focal_loss",
]


def _check_probability_targets(target: Tensor, op: str) -> None:
    """Targets of a binary cross-entropy are probabilities. PyTorch computes a meaningless loss for
    targets outside [0, 1] (e.g. labels coded -1/+1); neuronlab refuses them (docs/compatibility.md)."""
    data = target._data
    if data.size and (np.nanmin(data) < 0 or np.nanmax(data) > 1):
        raise ValueError(
            f"{op}(): all elements of target should be between 0 and 1 (got values in "
            f"[{float(np.nanmin(data)):g}, {float(np.nanmax(data)):g}]); for labels coded -1/+1 use (y + 1) / 2"
        )


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """-w (t ln p + (1 - t) ln(1 - p)) for probabilities p; each log is clamped at -100 as in PyTorch."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input)
    check_same_shape(input, target, "binary_cross_entropy")
    _check_probability_targets(target, "binary_cross_entropy")
    data = input._data
    if data.size and (np.nanmin(data) < 0 or np.nanmax(data) > 1):
        raise ValueError(
            "binary_cross_entropy(): all elements of input should be between 0 and 1 (they are "
            "probabilities); pass logits to binary_cross_entropy_with_logits instead"
        )
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * as_target(weight, input)
    return named(apply_reduction(loss, reduction), "BinaryCrossEntropyBackward0")


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None) -> Tensor:  # fmt: skip
    """BCE of σ(x) computed from logits x without overflow:
    (1 - t) x + (1 + (pw - 1) t) (ln(1 + e^-|x|) + max(-x, 0))."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input)
    check_same_shape(input, target, "binary_cross_entropy_with_logits")
    _check_probability_targets(target, "binary_cross_entropy_with_logits")
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
        pos_weight = as_target(pos_weight, input)
        loss = (1.0 - target) * input + (1.0 + (pos_weight - 1.0) * target) * softplus_neg
    if weight is not None:
        loss = loss * as_target(weight, input)
    return named(apply_reduction(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0")


def _class_weight(weight, input, op: str) -> Tensor | None:
    """``weight`` as a (C,) tensor of the input's dtype, or None."""
    if weight is None:
        return None
    weight = as_target(weight, input)
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


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Negative log-likelihood of log-probabilities: -w[y] · input[y], averaged over the
    weights of the non-ignored targets for ``reduction='mean'`` (NaN if there are none)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    if not isinstance(target, Tensor):
        target = Tensor._wrap(np.asarray(target))
    labels = check_class_target(input, target, ignore_index, "nll_loss")
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
        loss = losses.reshape(labels.shape)
    elif reduction == "sum":
        loss = losses.sum()
    else:
        total = float(w.sum())
        loss = losses.sum() / total if total != 0 else nan_mean(losses.sum())
    # PyTorch: one node for (N, C) or (C,) input, one 2-D kernel for (N, C, H, W)
    return named(loss, _NLL_NAMES[input.ndim]) if input.ndim in _NLL_NAMES else loss


_NLL_NAMES = {1: "NllLossBackward0", 2: "NllLossBackward0", 4: "NllLoss2DBackward0"}


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,
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
    labels = check_class_target(input, target, ignore_index, "cross_entropy")
    fused = (
        input._data.ndim == 2 and weight is None and label_smoothing == 0.0 and not _has(labels, ignore_index)
    )
    if fused:
        return CrossEntropyIndices.apply(input, target=labels, reduction=reduction)
    logp = log_softmax(input, 1 if input.ndim > 1 else 0)
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    return _smoothed(loss, logp, labels, weight, ignore_index, reduction, label_smoothing)


def _has(labels: np.ndarray, ignore_index: int) -> bool:
    """Whether some label is ``ignore_index``. After ``check_class_target`` every other label
    is in [0, C), so a negative index is there exactly when the smallest label is negative:
    one reduction (``ignore_index in labels`` took 1.9 µs on 32 labels)."""
    if ignore_index < 0:
        return bool(labels.size) and bool(np.minimum.reduce(labels, None) < 0)
    return ignore_index in labels


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


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing) -> Tensor:
    dim = 1 if input.ndim > 1 else 0
    class_index_shape = tuple(input.shape[:dim]) + tuple(input.shape[dim + 1 :])
    if input.shape != target.shape and tuple(target.shape) == class_index_shape:
        raise TypeError(
            f"cross_entropy(): target of shape {tuple(target.shape)} looks like class indices but "
            f"has dtype {target.dtype}; class indices must be integers (use target.long()), and "
            f"float targets must be class probabilities of the input's shape {tuple(input.shape)}"
        )
    check_same_shape(input, target, "cross_entropy")
    target = as_target(target, input)
    n_classes = input.shape[dim]
    if label_smoothing > 0:
        target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
    logp = log_softmax(input, dim)
    if weight is not None:
        shape = [1] * input.ndim
        shape[dim] = n_classes
        logp = logp * weight.reshape(shape)
    loss = apply_reduction(-(logp * target).sum(dim), reduction)
    return named(loss, "DivBackward1" if reduction == "mean" else "NegBackward0")  # PyTorch's last ops


def focal_loss(input, target, gamma: float = 2.0, alpha=None, reduction: str = "mean") -> Tensor:
    """Multi-class focal loss (Lin et al., 2017, "Focal Loss for Dense Object Detection"):
    FL = -α_y (1 - p_y)^γ ln p_y, with p = softmax(input) along dim 1.

    ln p_y comes from log-softmax and 1 - p_y from -expm1(ln p_y), so confident predictions
    lose no precision. γ = 0 and α = None give cross-entropy; larger γ shrinks the loss of
    well-classified examples (p_y near 1) so training focuses on the hard ones.

    Args:
        input: logits of shape (N, C), (N, C, d1, ...) or (C,).
        target: class indices (int64) of shape (N,), (N, d1, ...) or ().
        gamma: the focusing parameter γ >= 0.
        alpha: None, a number (scales every loss) or one weight per class, shape (C,).
        reduction: 'mean' (over all targets, unweighted), 'sum' or 'none'.

    Example:
        >>> F.focal_loss(neuronlab.randn(8, 3), neuronlab.randint(0, 3, (8,)), gamma=2.0)
    """
    if gamma < 0:
        raise ValueError(f"focal_loss(): gamma must be >= 0, got {gamma}")
    target = as_labels(target)
    if target._data.dtype.kind == "f":
        raise TypeError(
            f"focal_loss(): target must hold class indices (int64), got {target.dtype}; use "
            "target.long(), or sigmoid_focal_loss for binary / multi-label float targets"
        )
    labels = check_class_target(input, target, None, "focal_loss")
    flat = labels.reshape(-1, 1).astype(np.int64)
    logp = _channels_last(log_softmax(input, 1 if input.ndim > 1 else 0)).gather(1, Tensor._wrap(flat))[:, 0]
    loss = -logp
    if gamma != 0:
        loss = loss * (-expm1(logp)) ** gamma
    if alpha is not None:
        if isinstance(alpha, int | float):
            loss = loss * float(alpha)
        else:
            alpha = as_target(alpha, input)
            n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
            if tuple(alpha.shape) != (n_classes,):
                raise ShapeError(
                    f"focal_loss(): alpha must be a number or hold one weight per class, shape "
                    f"({n_classes},), got {tuple(alpha.shape)}"
                )
            loss = loss * alpha[Tensor._wrap(flat[:, 0])]
    return apply_reduction(loss.reshape(labels.shape), reduction)


def sigmoid_focal_loss(inputs, targets, alpha: float | None = 0.25, gamma: float = 2,
                       reduction: str = "none") -> Tensor:  # fmt: skip
    """Binary (or multi-label) focal loss of logits, torchvision.ops.sigmoid_focal_loss's formula:
    FL = α_t (1 - p_t)^γ · BCE(x, t), with p = σ(x), p_t = p t + (1 - p)(1 - t) and
    α_t = α t + (1 - α)(1 - t). ``alpha`` None or negative switches the α weighting off.
    Note the default reduction is 'none', as in torchvision.
    """
    if gamma < 0:
        raise ValueError(f"sigmoid_focal_loss(): gamma must be >= 0, got {gamma}")
    targets = as_target(targets, inputs)
    check_same_shape(inputs, targets, "sigmoid_focal_loss")
    p = sigmoid(inputs)
    loss = binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    if gamma != 0:
        p_t = p * targets + (1 - p) * (1 - targets)
        loss = loss * (1 - p_t) ** gamma
    if alpha is not None and alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return apply_reduction(loss, reduction)

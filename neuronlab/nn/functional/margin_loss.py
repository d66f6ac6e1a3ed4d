"""Margin (hinge) losses in functional form. Where PyTorch has the loss
(``multi_margin_loss``, ``hinge_embedding_loss``, ``soft_margin_loss``,
``margin_ranking_loss``) the signature, defaults and values are PyTorch's; the binary
``hinge_loss`` is neuronlab's own."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import ShapeError
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional.loss_arguments import (
    TargetError,
    apply_reduction,
    as_labels,
    as_target,
    check_class_target,
    check_same_shape,
    legacy_reduction,
)
from neuronlab.ops.indexing import where
from neuronlab.ops.pointwise import clamp, exp, log1p, maximum

__all__ = [
    "hinge_embedding_loss",
    "hinge_loss",
    "margin_ranking_loss",
    "multi_margin_loss",
    "soft_margin_loss",
]


def _softplus(z: Tensor) -> Tensor:
    """ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|): finite for any z."""
    return maximum(z, 0.0) + log1p(exp(-z.abs()))


def hinge_loss(input, target, margin: float = 1.0, reduction: str = "mean") -> Tensor:
    """Binary hinge loss max(0, margin - y·f(x)) for scores f(x) and labels y ∈ {-1, +1}.

    Labels in {0, 1} are accepted too and 0 is read as -1 (a target made only of 0s and 1s
    is taken as {0, 1}); any other value, or a mix of -1 and 0, raises ``TargetError``.
    The subgradient at the kink (y·f(x) = margin) is -y, as PyTorch's clamp gives.

    Example:
        >>> F.hinge_loss(neuronlab.tensor([2.0, -0.5]), neuronlab.tensor([1, 0]))
        tensor(0.2500)
    """
    labels = as_labels(target)
    check_same_shape(input, labels, "hinge_loss")
    values = labels._data
    if values.size and not (np.isin(values, (0, 1)).all() or np.isin(values, (-1, 1)).all()):
        found = np.unique(values[np.isfinite(values)] if values.dtype.kind == "f" else values)[:6]
        raise TargetError(
            f"hinge_loss(): labels must be all in {{-1, 1}} or all in {{0, 1}}, found values "
            f"{found.tolist()}; map your classes to -1/+1"
        )
    y = labels._data.astype(input._data.dtype)
    if values.size and (values != -1).all():  # {0, 1} labels: 0 means the negative class
        y = 2 * y - 1
    return apply_reduction(clamp(margin - Tensor._wrap(y) * input, min=0.0), reduction)


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None,
                      size_average=None, reduce=None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """Multi-class hinge loss (Weston & Watkins / Crammer & Singer style, PyTorch's form):
    loss_i = Σ_{j≠y} w_y · max(0, margin - x_y + x_j)^p / C, with p ∈ {1, 2}.

    Shape: input (N, C) or (C,); target (N,) or () holding class indices in [0, C).
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss(): only p == 1 and p == 2 supported, got p={p}")
    if input.ndim not in (1, 2):
        raise ShapeError(f"multi_margin_loss(): input must be (N, C) or (C,), got {tuple(input.shape)}")
    labels = check_class_target(input, as_labels(target), None, "multi_margin_loss")
    x = input if input.ndim == 2 else input.unsqueeze(0)
    y = labels.reshape(-1, 1).astype(np.int64)
    n_classes = x.shape[1]
    z = clamp(margin - x.gather(1, Tensor._wrap(y)) + x, min=0.0)
    h = z if p == 1 else z * z
    if weight is not None:
        weight = as_target(weight, input)
        if weight.ndim != 1:
            raise ValueError(
                f"multi_margin_loss(): weight must be one-dimensional, got shape {tuple(weight.shape)}"
            )
        h = h * weight[Tensor._wrap(y[:, 0])].unsqueeze(1)
    others = np.ones(x.shape, dtype=x._data.dtype)  # j ≠ y
    np.put_along_axis(others, y, 0, axis=1)
    loss = (h * Tensor._wrap(others)).sum(1) / n_classes
    return apply_reduction(loss.reshape(labels.shape), reduction)


def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """x where y = 1, max(0, margin - x) where y = -1 (x is usually a distance), as PyTorch
    computes it: a target that is neither 1 nor -1 gets both terms."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input)
    check_same_shape(input, target, "hinge_embedding_loss")
    margin_term = where(target != 1, clamp(margin - input, min=0.0), 0.0)
    self_term = where(target != -1, input, 0.0)
    return apply_reduction(margin_term + self_term, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """Two-class logistic loss ln(1 + e^(-y·x)) for labels y ∈ {-1, 1}; computed as a stable
    softplus, so it stays finite where PyTorch's ln(1 + e^(-y·x)) overflows to inf."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input)
    check_same_shape(input, target, "soft_margin_loss")
    return apply_reduction(_softplus(-target * input), reduction)


def margin_ranking_loss(input1, input2, target, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """max(0, -y·(x1 - x2) + margin): y = 1 asks x1 to rank above x2 by ``margin``, y = -1 below."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input1)
    check_same_shape(input1, input2, "margin_ranking_loss")
    check_same_shape(input1, target, "margin_ranking_loss")
    return apply_reduction(clamp(-target * (input1 - input2) + margin, min=0.0), reduction)

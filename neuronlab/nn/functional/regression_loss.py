"""Regression losses in functional form: squared error, absolute error, Huber and smooth L1,
optionally weighted per element (PyTorch 2.13's ``weight=``)."""

from __future__ import annotations

from neuronlab.engine.function import named
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional.loss_arguments import (
    apply_reduction,
    as_target,
    check_same_shape,
    legacy_reduction,
)
from neuronlab.ops.indexing import where
from neuronlab.ops.loss import MSE

__all__ = ["huber_loss", "l1_loss", "mse_loss", "smooth_l1_loss"]


def _weighted(loss: Tensor, weight, reduction: str, op: str, mean_over_weights: bool = True) -> Tensor:
    """Per-element ``weight`` (the input's shape, PyTorch 2.13's regression losses); 'mean'
    divides by Σ weight (mse, l1) or by the element count (huber), as PyTorch does."""
    if weight is None:
        return apply_reduction(loss, reduction)
    weight = as_target(weight, loss)
    if weight.shape != loss.shape:
        raise ValueError(
            f"{op}(): weight shape {tuple(weight.shape)} and input shape {tuple(loss.shape)} differ; "
            "weights and input must have the same size"
        )
    loss = loss * weight
    if reduction == "mean" and mean_over_weights:
        return loss.sum() / weight.sum()
    return apply_reduction(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
             weight=None) -> Tensor:  # fmt: skip
    """Mean squared error: (input - target)², optionally weighted per element."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input)
    check_same_shape(input, target, "mse_loss")
    if weight is None and reduction in ("mean", "sum"):
        return MSE.apply(input, target, reduction=reduction)
    diff = input - target
    return _torch_name(_weighted(diff * diff, weight, reduction, "mse_loss"), weight, "MseLossBackward0")


def _torch_name(loss: Tensor, weight, name: str) -> Tensor:
    """``loss`` named as PyTorch names its one node (unweighted: with a weight PyTorch composes too)."""
    return named(loss, name) if weight is None else loss


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
            weight=None) -> Tensor:  # fmt: skip
    """Mean absolute error: |input - target|, optionally weighted per element."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input)
    check_same_shape(input, target, "l1_loss")
    return _weighted((input - target).abs(), weight, reduction, "l1_loss")


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None) -> Tensor:
    """½d² where |d| <= delta, else delta(|d| - ½delta), with d = input - target."""
    if delta <= 0:
        raise ValueError(f"huber_loss(): delta must be positive, got {delta}")
    target = as_target(target, input)
    check_same_shape(input, target, "huber_loss")
    d = (input - target).abs()
    quadratic = d * d * 0.5
    linear = (d - 0.5 * delta) * delta
    loss = _weighted(where(d <= delta, quadratic, linear), weight, reduction, "huber_loss", False)
    return _torch_name(loss, weight, "HuberLossBackward0")


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:  # fmt: skip
    """½d²/beta where |d| < beta, else |d| - ½beta (Huber divided by beta)."""
    if beta < 0:
        raise ValueError(f"smooth_l1_loss(): beta must be non-negative, got {beta}")
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = as_target(target, input)
    check_same_shape(input, target, "smooth_l1_loss")
    d = (input - target).abs()
    if beta != 0:
        d = where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta)
    return named(apply_reduction(d, reduction), "SmoothL1LossBackward0")

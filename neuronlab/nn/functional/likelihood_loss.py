"""Losses that compare distributions, in functional form: the Kullback-Leibler divergence
and the Poisson and Gaussian negative log-likelihoods, with PyTorch's signatures and values."""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine.function import ShapeError
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional.loss_arguments import (
    apply_reduction,
    as_target,
    check_same_shape,
    legacy_reduction,
)
from neuronlab.ops.indexing import where
from neuronlab.ops.pointwise import exp, log

__all__ = ["gaussian_nll_loss", "kl_div", "poisson_nll_loss"]


def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:  # fmt: skip
    """Kullback-Leibler divergence KL(target ‖ model) for log-probabilities ``input``:
    t (ln t - input) pointwise (0 where t = 0), or e^t (t - input) with ``log_target=True``.

    ``reduction='batchmean'`` divides the sum by the batch size (dim 0) and is the
    mathematical KL; ``'mean'`` divides by the number of elements, as PyTorch does (PyTorch
    warns about that; neuronlab does not).

    Example:
        >>> p = F.log_softmax(neuronlab.randn(4, 3), dim=1)
        >>> F.kl_div(p, neuronlab.full((4, 3), 1 / 3), reduction="batchmean")
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(
            f"{reduction} is not a valid value for reduction; use 'batchmean', 'mean', 'sum' or 'none'"
        )
    target = as_target(target, input)
    check_same_shape(input, target, "kl_div")
    if log_target:
        loss = exp(target) * (target - input)
    else:  # xlogy(t, t) - t·input, with 0 · ln 0 = 0
        zero = target == 0
        loss = where(zero, 0.0, target * log(where(zero, 1.0, target))) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim else total
    return apply_reduction(loss, reduction)


def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:  # fmt: skip
    """Poisson negative log-likelihood of counts t with rate λ: λ - t ln λ (dropping ln t!).
    ``log_input=True``: input is ln λ, loss = e^input - t·input; else loss = input - t ln(input + eps).
    ``full`` adds Stirling's t ln t - t + ½ ln(2πt) for t > 1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    target = as_target(target, input)
    check_same_shape(input, target, "poisson_nll_loss")
    loss = exp(input) - target * input if log_input else input - target * log(input + eps)
    if full:
        big = target > 1
        t = where(big, target, 1.0)
        stirling = t * log(t) - t + 0.5 * log(2 * math.pi * t)
        loss = loss + where(big, stirling, 0.0)
    return apply_reduction(loss, reduction)


def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:  # fmt: skip
    """Gaussian negative log-likelihood ½(ln σ² + (input - target)² / σ²) (+ ½ ln 2π if ``full``).
    ``var`` has the input's shape, or one fewer trailing dimension, or one dimension of size 1
    (homoscedastic); it is clamped at ``eps`` without stopping its gradient, as in PyTorch."""
    if isinstance(var, int | float):
        if var < 0:
            raise ValueError("gaussian_nll_loss(): var has negative entry/entries")
        var = Tensor._wrap(np.full(input.shape, var, dtype=input._data.dtype))
    elif (var._data < 0).any():
        raise ValueError("gaussian_nll_loss(): var has negative entry/entries")
    target = as_target(target, input)
    check_same_shape(input, target, "gaussian_nll_loss")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ShapeError(
                f"gaussian_nll_loss(): var shape {tuple(var.shape)} does not fit input shape "
                f"{tuple(input.shape)}; use the input's shape, drop its last dimension, or make one dimension 1"
            )
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    var = var.clone()
    with no_grad():  # PyTorch clamps in place without recording: the gradient passes unchanged
        var.clamp_(min=eps)
    loss = 0.5 * (log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return apply_reduction(loss, reduction)

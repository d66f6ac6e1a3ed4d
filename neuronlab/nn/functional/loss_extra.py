"""More losses in functional form: KL divergence, the margin (hinge) family, focal losses,
and the Poisson / Gaussian negative log-likelihoods.

Where PyTorch has the loss (``kl_div``, ``multi_margin_loss``, ``hinge_embedding_loss``,
``soft_margin_loss``, ``margin_ranking_loss``, ``poisson_nll_loss``, ``gaussian_nll_loss``)
the signature, defaults and values are PyTorch's. ``hinge_loss`` (binary) and ``focal_loss``
(multi-class) are neuronlab's own; ``sigmoid_focal_loss`` is torchvision's.
"""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine.function import ShapeError
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional.loss import (
    TargetError,
    _as_target,
    _channels_last,
    _check_class_target,
    _check_same_shape,
    apply_reduction,
    binary_cross_entropy_with_logits,
    legacy_reduction,
)
from neuronlab.ops.activation import log_softmax, sigmoid
from neuronlab.ops.indexing import where
from neuronlab.ops.pointwise import clamp, exp, expm1, log, log1p, maximum

__all__ = [
    "focal_loss", "gaussian_nll_loss", "hinge_embedding_loss", "hinge_loss", "kl_div",
    "margin_ranking_loss", "multi_margin_loss", "poisson_nll_loss", "sigmoid_focal_loss",
    "soft_margin_loss",
]  # fmt: skip


def _as_labels(target) -> Tensor:
    return target if isinstance(target, Tensor) else Tensor._wrap(np.asarray(target))


def _softplus(z: Tensor) -> Tensor:
    """ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|): finite for any z."""
    return maximum(z, 0.0) + log1p(exp(-z.abs()))


# -- divergences ----------------------------------------------------------------------------
def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",  # noqa: A002
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
    target = _as_target(target, input)
    _check_same_shape(input, target, "kl_div")
    if log_target:
        loss = exp(target) * (target - input)
    else:  # xlogy(t, t) - t·input, with 0 · ln 0 = 0
        zero = target == 0
        loss = where(zero, 0.0, target * log(where(zero, 1.0, target))) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim else total
    return apply_reduction(loss, reduction)


# -- margin (hinge) losses ------------------------------------------------------------------
def hinge_loss(input, target, margin: float = 1.0, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Binary hinge loss max(0, margin - y·f(x)) for scores f(x) and labels y ∈ {-1, +1}.

    Labels in {0, 1} are accepted too and 0 is read as -1 (a target made only of 0s and 1s
    is taken as {0, 1}); any other value, or a mix of -1 and 0, raises ``TargetError``.
    The subgradient at the kink (y·f(x) = margin) is -y, as PyTorch's clamp gives.

    Example:
        >>> F.hinge_loss(neuronlab.tensor([2.0, -0.5]), neuronlab.tensor([1, 0]))
        tensor(0.2500)
    """
    labels = _as_labels(target)
    _check_same_shape(input, labels, "hinge_loss")
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


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None,  # noqa: A002
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
    labels = _check_class_target(input, _as_labels(target), None, "multi_margin_loss")
    x = input if input.ndim == 2 else input.unsqueeze(0)
    y = labels.reshape(-1, 1).astype(np.int64)
    n_classes = x.shape[1]
    z = clamp(margin - x.gather(1, Tensor._wrap(y)) + x, min=0.0)
    h = z if p == 1 else z * z
    if weight is not None:
        weight = _as_target(weight, input)
        if weight.ndim != 1:
            raise ValueError(
                f"multi_margin_loss(): weight must be one-dimensional, got shape {tuple(weight.shape)}"
            )
        h = h * weight[Tensor._wrap(y[:, 0])].unsqueeze(1)
    others = np.ones(x.shape, dtype=x._data.dtype)  # j ≠ y
    np.put_along_axis(others, y, 0, axis=1)
    loss = (h * Tensor._wrap(others)).sum(1) / n_classes
    return apply_reduction(loss.reshape(labels.shape), reduction)


def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,  # noqa: A002
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """x where y = 1, max(0, margin - x) where y = -1 (x is usually a distance), as PyTorch
    computes it: a target that is neither 1 nor -1 gets both terms."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input)
    _check_same_shape(input, target, "hinge_embedding_loss")
    margin_term = where(target != 1, clamp(margin - input, min=0.0), 0.0)
    self_term = where(target != -1, input, 0.0)
    return apply_reduction(margin_term + self_term, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Two-class logistic loss ln(1 + e^(-y·x)) for labels y ∈ {-1, 1}; computed as a stable
    softplus, so it stays finite where PyTorch's ln(1 + e^(-y·x)) overflows to inf."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input)
    _check_same_shape(input, target, "soft_margin_loss")
    return apply_reduction(_softplus(-target * input), reduction)


def margin_ranking_loss(input1, input2, target, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """max(0, -y·(x1 - x2) + margin): y = 1 asks x1 to rank above x2 by ``margin``, y = -1 below."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    target = _as_target(target, input1)
    _check_same_shape(input1, input2, "margin_ranking_loss")
    _check_same_shape(input1, target, "margin_ranking_loss")
    return apply_reduction(clamp(-target * (input1 - input2) + margin, min=0.0), reduction)


# -- focal losses ----------------------------------------------------------------------------
def focal_loss(input, target, gamma: float = 2.0, alpha=None, reduction: str = "mean") -> Tensor:  # noqa: A002
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
    target = _as_labels(target)
    if target._data.dtype.kind == "f":
        raise TypeError(
            f"focal_loss(): target must hold class indices (int64), got {target.dtype}; use "
            "target.long(), or sigmoid_focal_loss for binary / multi-label float targets"
        )
    labels = _check_class_target(input, target, None, "focal_loss")
    flat = labels.reshape(-1, 1).astype(np.int64)
    logp = _channels_last(log_softmax(input, 1 if input.ndim > 1 else 0)).gather(1, Tensor._wrap(flat))[:, 0]
    loss = -logp
    if gamma != 0:
        loss = loss * (-expm1(logp)) ** gamma
    if alpha is not None:
        if isinstance(alpha, int | float):
            loss = loss * float(alpha)
        else:
            alpha = _as_target(alpha, input)
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
    targets = _as_target(targets, inputs)
    _check_same_shape(inputs, targets, "sigmoid_focal_loss")
    p = sigmoid(inputs)
    loss = binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    if gamma != 0:
        p_t = p * targets + (1 - p) * (1 - targets)
        loss = loss * (1 - p_t) ** gamma
    if alpha is not None and alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return apply_reduction(loss, reduction)


# -- likelihoods ------------------------------------------------------------------------------
def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False,  # noqa: A002
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:  # fmt: skip
    """Poisson negative log-likelihood of counts t with rate λ: λ - t ln λ (dropping ln t!).
    ``log_input=True``: input is ln λ, loss = e^input - t·input; else loss = input - t ln(input + eps).
    ``full`` adds Stirling's t ln t - t + ½ ln(2πt) for t > 1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' or 'none'")
    target = _as_target(target, input)
    _check_same_shape(input, target, "poisson_nll_loss")
    loss = exp(input) - target * input if log_input else input - target * log(input + eps)
    if full:
        big = target > 1
        t = where(big, target, 1.0)
        stirling = t * log(t) - t + 0.5 * log(2 * math.pi * t)
        loss = loss + where(big, stirling, 0.0)
    return apply_reduction(loss, reduction)


def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6,  # noqa: A002
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
    target = _as_target(target, input)
    _check_same_shape(input, target, "gaussian_nll_loss")
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

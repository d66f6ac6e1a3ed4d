"""What every loss function does with its arguments: check the target against the input,
honour PyTorch's deprecated ``size_average`` / ``reduce`` flags (with its warning), and reduce
the per-element losses (``reduction`` is ``'mean'`` (default), ``'sum'`` or ``'none'``)."""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine.function import ShapeError
from neuronlab.engine.tensor import Tensor

__all__ = ["TargetError"]


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


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
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


def check_same_shape(input, target, op: str) -> None:
    if input.shape != target.shape:
        raise ShapeError(
            f"{op}(): input shape {tuple(input.shape)} and target shape {tuple(target.shape)} "
            "differ; they must be equal (reshape the target, e.g. target.view(-1, 1), or the "
            "output, e.g. output.squeeze(1))"
        )


def as_target(target, like: Tensor) -> Tensor:
    if isinstance(target, Tensor):
        return target if target.dtype == like.dtype else target.to(like.dtype)
    return Tensor._wrap(np.asarray(target, dtype=like._data.dtype))


def as_labels(target) -> Tensor:
    return target if isinstance(target, Tensor) else Tensor._wrap(np.asarray(target))


def check_class_target(input, target, ignore_index: int | None, op: str) -> np.ndarray:
    """The labels as an integer array, after checking dtype, shape (the input's without dim 1)
    and range [0, C); ``ignore_index`` (None: none) is exempt from the range check."""
    labels = target._data
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"{op}(): class-index targets must be integers (int64), got {target.dtype}; use "
            "target.long(), or pass class probabilities of the input's shape and a float dtype"
        )
    shape = input._data.shape
    if not shape:
        raise ShapeError(f"{op}(): input must have a class dimension, got a 0-dim tensor")
    batch_shape = (shape[0], *shape[2:]) if len(shape) > 1 else ()
    if labels.shape != batch_shape:
        raise ShapeError(
            f"{op}(): expected target of shape {batch_shape} for input of shape "
            f"{tuple(input.shape)}, got {tuple(labels.shape)}"
        )
    n_classes = shape[1] if len(shape) > 1 else shape[0]
    # All in [0, C) (the common case) in one reduction: viewed as unsigned, a negative label
    # is larger than any class count (two reductions and a mask: 4-5 µs on 32 labels).
    if labels.size and np.maximum.reduce(labels.view(labels.dtype.str.replace("i", "u")), None) < n_classes:
        return labels
    valid = labels if ignore_index is None else labels[labels != ignore_index]
    if valid.size and (valid.min() < 0 or valid.max() >= n_classes):
        bad = int(valid.min() if valid.min() < 0 else valid.max())
        exempt = "" if ignore_index is None else f" (or equal ignore_index={ignore_index})"
        raise TargetError(
            f"{op}(): Target {bad} is out of bounds: class labels must be in [0, {n_classes - 1}] "
            f"for {n_classes} classes{exempt}"
        )
    return labels

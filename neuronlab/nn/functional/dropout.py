"""Dropout and noise injection in functional form (``F.dropout(x, p, training)``).

Dropout is *inverted* (Srivastava et al., 2014): in training each element is kept with
probability 1 - p and scaled by 1/(1 - p), so E[output] = input and evaluation needs no
rescaling. The mask is applied with a recorded multiplication, so dropped elements get a
zero gradient and kept ones get 1/(1 - p). Masks and noise draw from ``generator`` or from
the default generator, so ``manual_seed`` makes them repeat.
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine.random import Generator, rng_of
from neuronlab.engine.tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "gaussian_noise"]


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape: tuple, p: float, dtype: np.dtype, generator: Generator | None) -> Tensor:
    """1/(1 - p) with probability 1 - p, else 0 (all zeros when p = 1)."""
    if p == 1.0:
        return Tensor._wrap(np.zeros(shape, dtype=dtype))
    keep = rng_of(generator).random(shape) >= p
    # 1/(1 - p) computed in the input's precision, as PyTorch does
    scale = np.asarray(1, dtype=dtype) / np.asarray(1 - p, dtype=dtype)
    return Tensor._wrap(keep.astype(dtype) * scale)


def _masked(input: Tensor, mask: Tensor, inplace: bool, name: str) -> Tensor:
    if inplace:
        return input._inplace(name, input._operand_for_inplace() * mask)
    return input * mask


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
            generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Zero each element with probability ``p`` and scale the rest by 1/(1 - p), in training;
    the identity when ``training`` is False or p = 0.

    out = input ⊙ m / (1 - p),  m_i ~ Bernoulli(1 - p);  grad_input = grad ⊙ m / (1 - p).

    Example:
        >>> F.dropout(neuronlab.ones(4), p=0.5)  # some of: tensor([2., 0., 2., 2.])
    """
    _check_p(p)
    if not training or p == 0.0:
        return input
    mask = _keep_mask(tuple(input.shape), p, input._data.dtype, generator)
    return _masked(input, mask, inplace, "dropout_")


def _feature_dropout(input: Tensor, p: float, inplace: bool, generator, name: str) -> Tensor:
    """One mask value per (sample, channel), broadcast over the remaining dims."""
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    mask = _keep_mask(shape, p, input._data.dtype, generator)
    return _masked(input, mask, inplace, name)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
              generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Zero whole channels of a (N, C, L) or (C, L) input with probability ``p``, scaling the
    rest by 1/(1 - p) (Tompson et al., 2015: neighbouring values are correlated, so
    element-wise dropout would barely regularize)."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
            "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs)."
        )
    if not training or p == 0.0:
        return input
    if input.ndim == 2:  # (C, L): one mask value per channel
        mask = _keep_mask((input.shape[0], 1), p, input._data.dtype, generator)
        return _masked(input, mask, inplace, "dropout1d_")
    return _feature_dropout(input, p, inplace, generator, "dropout1d_")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
              generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Zero whole channels (feature maps) of a (N, C, H, W) input with probability ``p``,
    scaling the rest by 1/(1 - p). As in PyTorch, a 3-D input is read as (N, C, L)."""
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead.",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return input
    return _feature_dropout(input, p, inplace, generator, "dropout2d_")


def gaussian_noise(input: Tensor, std: float = 0.1, training: bool = True, *,
                   generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Add noise ε ~ N(0, std²) to every element in training (noise injection, Bishop 1995:
    equivalent to Tikhonov regularization for small std); the identity otherwise.

    out = input + ε;  grad_input = grad.

    Example:
        >>> F.gaussian_noise(neuronlab.zeros(3), std=0.1)  # e.g. tensor([ 0.0345, -0.1123,  0.0821])
    """
    if std < 0:
        raise ValueError(f"gaussian_noise(): std must be non-negative, got {std}")
    if not training or std == 0:
        return input
    noise = rng_of(generator).normal(0.0, std, tuple(input.shape)).astype(input._data.dtype)
    return input + Tensor._wrap(noise)

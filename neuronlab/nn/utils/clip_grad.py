"""Gradient clipping: ``clip_grad_norm_`` (rescale all gradients together) and
``clip_grad_value_`` (clamp each entry), with PyTorch's conventions and numbers.

Both change ``p.grad`` in place, as PyTorch does; call them between ``backward()`` and
``optimizer.step()``.
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Iterable

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.tensor import Tensor

TensorOrTensors = Tensor | Iterable[Tensor]


def _grads(parameters: TensorOrTensors) -> list[Tensor]:
    """The distinct gradient tensors of ``parameters`` (``None`` skipped; a tensor shared by
    two parameters is listed once so it is not scaled twice)."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn(
                "`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3
            )
    grads, seen = [], set()
    for p in parameters:
        if p.grad is not None and id(p.grad) not in seen:
            seen.add(id(p.grad))
            grads.append(p.grad)
    return grads


def _vector_norm(x: np.ndarray, norm_type: float) -> np.ndarray:
    """‖x‖_p of all entries of ``x`` as a 0-dim array of x's dtype (p = inf, -inf, 0 or > 0)."""
    x = x.ravel()
    if norm_type == 2.0:
        return np.sqrt(np.dot(x, x))  # BLAS dot: no temporary array
    if norm_type == float("inf"):
        return np.max(np.abs(x)) if x.size else np.zeros((), x.dtype)
    if norm_type == float("-inf"):
        return np.min(np.abs(x)) if x.size else np.array(np.inf, x.dtype)
    if norm_type == 0.0:
        return np.array(np.count_nonzero(x), dtype=x.dtype)
    if norm_type == 1.0:
        return np.sum(np.abs(x))
    return np.sum(np.abs(x) ** norm_type) ** (1.0 / norm_type)


def clip_grad_norm_(
    parameters: TensorOrTensors,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Rescale the gradients so that their joint norm is at most ``max_norm``; returns the
    joint norm measured before clipping.

    Formula (all gradients viewed as one vector g)::

        N = ‖(‖g₁‖_p, ‖g₂‖_p, ...)‖_p = ‖g‖_p
        gᵢ ← gᵢ · min(1, max_norm / (N + 1e-6))

    The direction of the update is kept; only its length is bounded. ``norm_type`` may be
    ``float("inf")`` (largest |entry|). With ``error_if_nonfinite=True`` a NaN/inf norm raises
    ``RuntimeError`` instead of scaling the gradients by it. ``foreach`` is accepted and ignored.

    Example:
        >>> w = neuronlab.tensor([3.0, 4.0], requires_grad=True)
        >>> (w * w).sum().backward()            # grad = (6, 8), norm 10
        >>> neuronlab.nn.utils.clip_grad_norm_([w], max_norm=5.0)
        tensor(10.)
        >>> w.grad
        tensor([3.0000, 4.0000])
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor._wrap(np.zeros((), dtypes.get_default_dtype().numpy))
    with np.errstate(all="ignore"):  # an inf/nan norm is reported below, or used as PyTorch does
        norms = [_vector_norm(g._data, norm_type) for g in grads]
        stacked = np.stack([np.asarray(n) for n in norms])
        total_norm = np.asarray(_vector_norm(stacked, norm_type), dtype=stacked.dtype)
        if error_if_nonfinite and not np.isfinite(total_norm):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                "so it cannot be clipped. To disable this error and scale the gradients by the "
                "non-finite norm anyway, set `error_if_nonfinite=False`"
            )
        one = total_norm.dtype.type(1.0)
        coef = np.minimum(float(max_norm) / (total_norm + total_norm.dtype.type(1e-6)), one)
        for g in grads:
            _scale_in_place(g, coef)
    return Tensor._wrap(total_norm)


def _scale_in_place(g: Tensor, coef: np.ndarray) -> None:
    if g._data.flags.writeable:
        np.multiply(g._data, coef, out=g._data, casting="unsafe")
    else:
        g._data = (g._data * coef).astype(g._data.dtype)
    g._version[0] += 1


def clip_grad_value_(parameters: TensorOrTensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient entry into ``[-clip_value, clip_value]``, in place.

    Formula: ``gᵢ ← min(max(gᵢ, -c), c)``. Unlike ``clip_grad_norm_`` this changes the
    direction of the gradient. ``foreach`` is accepted and ignored.

    Example:
        >>> w = neuronlab.tensor([3.0, -4.0], requires_grad=True)
        >>> (w * w).sum().backward()            # grad = (6, -8)
        >>> neuronlab.nn.utils.clip_grad_value_([w], clip_value=1.0)
        >>> w.grad
        tensor([ 1., -1.])
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        if g._data.flags.writeable:
            np.clip(g._data, -clip_value, clip_value, out=g._data)
        else:
            g._data = np.clip(g._data, -clip_value, clip_value)
        g._version[0] += 1

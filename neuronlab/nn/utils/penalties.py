"""Weight penalties and flattening of parameters: ``l1_penalty``, ``l2_penalty``,
``parameters_to_vector``, ``vector_to_parameters``.

The penalties are built from tensor operations, so ``loss + λ · l2_penalty(params)``
backpropagates into the parameters like any other term.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.join import cat


def _as_list(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _total(terms: list[Tensor]) -> Tensor:
    if not terms:
        return Tensor._wrap(np.zeros((), dtypes.get_default_dtype().numpy))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def l1_penalty(parameters: Tensor | Iterable[Tensor]) -> Tensor:
    """The L1 norm of all parameters together, differentiable: ``Σ_p Σ_i |w_pi|``.

    Its (sub)gradient is ``sign(w)``; adding ``λ · l1_penalty`` to the loss pushes weights to
    exactly zero (sparse weights; "lasso").

    Example:
        >>> w = neuronlab.tensor([1.0, -2.0], requires_grad=True)
        >>> penalty = neuronlab.nn.utils.l1_penalty([w]); penalty
        tensor(3., grad_fn=<SumBackward0>)
        >>> penalty.backward(); w.grad
        tensor([ 1., -1.])
    """
    return _total([p.abs().sum() for p in _as_list(parameters)])


def l2_penalty(parameters: Tensor | Iterable[Tensor]) -> Tensor:
    """The squared L2 norm of all parameters together, differentiable: ``Σ_p Σ_i w_pi²``.

    Its gradient is ``2w``, so adding ``(λ/2) · l2_penalty`` to the loss is the same as an
    optimizer's coupled ``weight_decay=λ`` (which adds ``λw`` to the gradient). Not the same
    as AdamW's decoupled decay, which is not a loss term.

    Example:
        >>> w = neuronlab.tensor([1.0, -2.0], requires_grad=True)
        >>> penalty = neuronlab.nn.utils.l2_penalty([w]); penalty
        tensor(5., grad_fn=<SumBackward0>)
        >>> penalty.backward(); w.grad
        tensor([ 2., -4.])
    """
    return _total([(p * p).sum() for p in _as_list(parameters)])


def parameters_to_vector(parameters: Tensor | Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor (differentiable).

    Shape: ``(Σ_p p.numel(),)``, in the order of ``parameters``.

    Example:
        >>> vec = neuronlab.nn.utils.parameters_to_vector(model.parameters())
    """
    return cat([p.reshape(-1) for p in _as_list(parameters)])


def vector_to_parameters(vec: Tensor, parameters: Tensor | Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into ``parameters`` (the inverse of
    ``parameters_to_vector``), in place and without recording for autograd.

    Example:
        >>> vec = neuronlab.nn.utils.parameters_to_vector(model.parameters())
        >>> neuronlab.nn.utils.vector_to_parameters(vec * 0.5, model.parameters())
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected neuronlab.Tensor, but got: {type(vec).__name__}")
    params = _as_list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise ValueError(
            f"vector_to_parameters: vec must be 1-D with {total} elements (the parameters' total), "
            f"got shape {tuple(vec.shape)}"
        )
    start = 0
    for p in params:
        n = p.numel()
        np.copyto(p._data, vec._data[start : start + n].reshape(p._data.shape), casting="unsafe")
        p._version[0] += 1
        start += n

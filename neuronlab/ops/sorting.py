"""Sorting: ``argsort``, ``sort`` and ``topk`` (their values are a ``gather``, so gradients flow
to the values that were picked)."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from neuronlab.engine.function import named
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.indexing import gather
from neuronlab.ops.operands import numpy_names

SortResult = namedtuple("sort", ["values", "indices"])


TopkResult = namedtuple("topk", ["values", "indices"])


def argsort(input, dim: int = -1, descending: bool = False, *, stable: bool = False, axis=None) -> Tensor:
    """Indices that sort ``input`` along ``dim`` (int64)."""
    if axis is not None:
        dim, _ = numpy_names("argsort", dim, False, axis, None, unset=-1)
    d = input._dim(dim)
    if input._data.ndim == 0:  # one element: its position is 0
        return Tensor._wrap(np.zeros((), dtype=np.int64))
    if not descending:
        return Tensor._wrap(np.argsort(input._data, axis=d, kind="stable").astype(np.int64))
    # Descending and still stable (equal elements keep their order): sort the reversed
    # array ascending, reverse that order, and map positions back (i -> n - 1 - i).
    reversed_order = np.argsort(np.flip(input._data, d), axis=d, kind="stable")
    order = input._data.shape[d] - 1 - np.flip(reversed_order, d)
    return Tensor._wrap(order.astype(np.int64))


def sort(input, dim: int = -1, descending: bool = False, *, stable: bool = False, axis=None):
    """``(values, indices)`` of ``input`` sorted along ``dim``; gradients flow to the values."""
    if axis is not None:
        dim, _ = numpy_names("sort", dim, False, axis, None, unset=-1)
    indices = argsort(input, dim, descending)
    return SortResult(named(gather(input, dim, indices), "SortBackward0"), indices)


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *, axis=None):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices."""
    if axis is not None:
        dim, _ = numpy_names("topk", dim, False, axis, None, unset=-1)
    if input._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = input._dim(dim)
    size = input._data.shape[d] if input._data.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk(): selected index k={k} out of range for dimension of size {size}")
    indices = argsort(input, d, descending=largest)
    if input._data.ndim:
        indices = Tensor._wrap(np.take(indices._data, np.arange(k), axis=d))
    return TopkResult(named(gather(input, d, indices), "TopkBackward0"), indices)

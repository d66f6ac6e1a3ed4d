"""``default_collate`` and ``default_convert``: turning samples into batch tensors, with the
types PyTorch gives.

=========================  =============================================================
sample element             batch (``default_collate``)
=========================  =============================================================
``Tensor``                 the tensors stacked along a new first dimension
NumPy array                converted (dtype kept), then stacked
NumPy scalar               a 1-D tensor of that dtype (``np.float32`` -> float32)
``float``                  a float64 tensor (PyTorch's rule, not the default dtype)
``int`` / ``bool``         an int64 / bool tensor
``str`` / ``bytes``        the list, unchanged
mapping                    the same keys, each value collated
named tuple                the same named tuple, each field collated
tuple / other sequence     a *list* for tuples (PyTorch's backward-compatible rule), the same
                           sequence type otherwise, each position collated
=========================  =============================================================
"""

from __future__ import annotations

import collections.abc
import copy
import re

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.creation import as_tensor, tensor
from neuronlab.ops.join import stack

_STRING_OR_OBJECT = re.compile(r"[SaUO]")  # NumPy dtype codes that cannot become tensors
_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _stack_tensors(batch: list[Tensor]) -> Tensor:
    shape = batch[0].shape
    for i, t in enumerate(batch):
        if t.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(t.shape)} at entry {i}"
            )
    if any(t.requires_grad for t in batch):
        return stack(batch, 0)  # recorded, so gradients flow back into the samples
    # One np.stack instead of len(batch) recorded ops; the result is a fresh copy, as in PyTorch.
    return Tensor._wrap(np.stack([t._data for t in batch]))


def _collate_mapping(batch: list, elem) -> collections.abc.Mapping:
    collated = {key: default_collate([d[key] for d in batch]) for key in elem}
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        return type(elem)(collated)
    except TypeError:  # a mapping type that cannot be rebuilt from a dict
        return collated


def _same_sequence_type(template, items: list):
    """``items`` in a sequence of ``template``'s type (a copy for mutable sequences, as
    PyTorch does), or as a plain list when that type cannot be built from a list."""
    try:
        if isinstance(template, collections.abc.MutableSequence):
            clone = copy.copy(template)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(template)(items)
    except TypeError:
        return items


def _collate_sequence(batch: list, elem):
    if any(len(sample) != len(elem) for sample in batch):
        raise RuntimeError("each element in list of batch should be of equal size")
    columns = [default_collate(list(samples)) for samples in zip(*batch)]
    if isinstance(elem, tuple):
        return columns  # PyTorch returns a list for tuples ("backwards compatibility")
    return _same_sequence_type(elem, columns)


def default_collate(batch: list):
    """Merge a list of samples into a batch with PyTorch's type rules (see the module table).

    Example:
        >>> b = default_collate([(np.array([1.0, 2.0]), 0), (np.array([3.0, 4.0]), 1)])
        >>> b[0].dtype, b[1].dtype        # a list [x, y]: float64 (the arrays' dtype), int64
        (neuronlab.float64, neuronlab.int64)
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray):
        if _STRING_OR_OBJECT.search(elem.dtype.str) is not None:
            raise TypeError(_ERROR.format(elem.dtype))
        return _stack_tensors([as_tensor(b) for b in batch])
    if isinstance(elem, np.bool_ | np.number | np.object_):
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, int):  # bool included: [True, False] -> a bool tensor
        return tensor(batch)
    if isinstance(elem, str | bytes):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(batch, elem)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # named tuple
        return type(elem)(*(default_collate(list(samples)) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        return _collate_sequence(batch, elem)
    raise TypeError(_ERROR.format(type(elem)))


def default_convert(data):
    """Convert NumPy arrays (also inside mappings and sequences) to tensors; leave the rest.

    The DataLoader uses it instead of ``default_collate`` when batching is off
    (``batch_size=None``). Tuples come back as lists, as in PyTorch.
    """
    if isinstance(data, Tensor):
        return data
    if type(data).__module__ == "numpy" and not isinstance(data, np.str_ | np.bytes_):
        if isinstance(data, np.ndarray) and _STRING_OR_OBJECT.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(converted)
                return clone
            return type(data)(converted)
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, str | bytes):
        return _same_sequence_type(data, [default_convert(d) for d in data])
    return data

"""What an index means: a Python index (ints, slices, ``None``, ``...``, lists, Tensors, masks)
as NumPy's, in PyTorch's axis order (``TwoStageIndex``), and PyTorch's checks of it where NumPy
would do otherwise (a mask of the wrong shape, an out-of-range index that selects nothing, a
negative step). The ops that use it are in ``indexing.py``."""

from __future__ import annotations

import builtins

import numpy as np

from neuronlab.engine.tensor import Tensor


def to_numpy_index(index):
    """``index`` as NumPy indexes it with PyTorch's meaning: tensors become arrays (a 0-d
    integer tensor an int, as PyTorch reads it), an empty list an empty int64 array, and an
    index that mixes ints with index arrays a ``TwoStageIndex``."""
    if type(index) is TwoStageIndex:  # already converted (the backward of an indexing op)
        return index
    if isinstance(index, list) and _reads_as_tuple(index):
        index = tuple(index)
    np_index = _item(index)
    if isinstance(np_index, tuple) and _mixes_ints_and_arrays(np_index):
        return _two_stage(np_index)
    return np_index


def _reads_as_tuple(index: list) -> bool:
    """PyTorch (as NumPy once did) reads a list holding sequences, tensors, slices, ``None``
    or ``...`` as a tuple: ``x[[[0, 1], [1, 0]]]`` is ``x[[0, 1], [1, 0]]``."""
    return len(index) < 32 and any(
        isinstance(i, list | tuple | Tensor | slice | np.ndarray) or i is None or i is Ellipsis for i in index
    )


def _item(index):
    if isinstance(index, tuple):
        return tuple(_item(i) for i in index)
    if isinstance(index, Tensor):
        array = index._data
        if array.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if array.ndim == 0 and array.dtype.kind in "iu":
            return int(array)
        return array
    if isinstance(index, list):
        if not index:
            return np.zeros(0, dtype=np.int64)
        array = np.asarray(index)
        return array if array.dtype != object else [_item(i) for i in index]
    return index


def _is_int(item) -> bool:
    return isinstance(item, int | np.integer) and not isinstance(item, bool | np.bool_)


def _mixes_ints_and_arrays(items: tuple) -> bool:
    return any(_is_int(i) for i in items) and any(isinstance(i, np.ndarray | list) for i in items)


class TwoStageIndex(tuple):
    """``(basic, advanced)``: an index applied as ``x[basic][advanced]``.

    PyTorch applies the ints, slices and ``None`` of an index first and the index tensors
    to the dims that remain; NumPy counts the ints among the index arrays, which moves the
    indexed dims to the front when an int separates them from the others: ``x[0, :, idx]``
    on shape (5, 6, 7) is (6, len(idx)) in PyTorch, (len(idx), 6) in NumPy (issue 12).
    """

    __slots__ = ()


def _two_stage(items: tuple) -> TwoStageIndex:
    basic, advanced = [], []
    for item in items:
        if _is_int(item):
            basic.append(item)
        elif isinstance(item, bool | np.bool_):  # a new dim of size 1, then masked by the bool
            basic.append(None)
            advanced.append(np.array([bool(item)]))
        elif isinstance(item, np.ndarray | list):
            dims = np.ndim(item) if np.asarray(item).dtype == np.bool_ else 1
            basic.extend([slice(None)] * dims)
            advanced.append(item)
        elif item is None:
            basic.append(None)
            advanced.append(slice(None))
        else:  # a slice or the Ellipsis
            basic.append(item)
            advanced.append(slice(None) if isinstance(item, slice) else item)
    return TwoStageIndex((tuple(basic), tuple(advanced)))


def select(array, index):
    """``array[index]`` (see ``TwoStageIndex``), for an array or a Tensor (in a backward)."""
    if type(index) is TwoStageIndex:
        return array[index[0]][index[1]]
    return array[index]


def assign(array: np.ndarray, index, value) -> None:
    """``array[index] = value`` (see ``TwoStageIndex``; its basic part is a view)."""
    if type(index) is TwoStageIndex:
        array[index[0]][index[1]] = value
    else:
        array[index] = value


def add_at(array: np.ndarray, index, values) -> None:
    """``array[index] += values``, repeated positions accumulating."""
    if type(index) is TwoStageIndex:
        np.add.at(array[index[0]], index[1], values)
    else:
        np.add.at(array, index, values)


def is_basic(index) -> bool:
    if type(index) is TwoStageIndex:
        return False
    items = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(i, int | slice | type(None) | type(Ellipsis) | np.integer) and not isinstance(i, bool)
        for i in items
    )


def check_masks(shape: tuple, np_index) -> None:
    """PyTorch's IndexError for a bool mask whose shape is not that of the dims it covers.
    NumPy raises its own for a non-empty mask, but reads an empty one as an empty list of
    positions (``zeros(2, 0)[zeros(0, bool)]`` is (0, 0) in NumPy; PyTorch refuses it)."""
    two_stage = type(np_index) is TwoStageIndex
    items = np_index[1] if two_stage else np_index if isinstance(np_index, tuple) else (np_index,)
    if not builtins.any(_is_empty_mask(i) for i in items):
        return
    if two_stage:  # the masks index what the basic part leaves
        shape = np.broadcast_to(np.zeros((), np.int8), shape)[np_index[0]].shape
    consumed = [_dims_consumed(i) for i in items]
    dim = 0
    for k, item in enumerate(items):
        if item is Ellipsis:
            dim = builtins.max(dim, len(shape) - builtins.sum(consumed[k + 1 :]))
            continue
        if isinstance(item, np.ndarray) and item.dtype == np.bool_:
            for j, size in enumerate(item.shape):
                if dim + j < len(shape) and shape[dim + j] != size:
                    raise IndexError(
                        f"The shape of the mask {list(item.shape)} at index {j} does not match the "
                        f"shape of the indexed tensor {list(shape)} at index {dim + j}"
                    )
        dim += consumed[k]


def _dims_consumed(item) -> int:
    if item is None or item is Ellipsis or isinstance(item, bool | np.bool_):
        return 0
    return np.ndim(item) if isinstance(item, np.ndarray) and item.dtype == np.bool_ else 1


def _is_empty_mask(item) -> bool:
    return isinstance(item, np.ndarray) and item.dtype == np.bool_ and item.size == 0


def unchecked_if_empty(array: np.ndarray, np_index, error: IndexError):
    """PyTorch checks index values as it visits the elements they select: an index out of
    range that selects nothing (``x[:0, tensor([5])]``) is not an error, unless its own dim
    is empty. Here the index with every index array set to 0, if that selects nothing; else
    ``error`` is raised."""
    if "out of bounds" not in str(error) or str(error).endswith("size 0"):
        raise error
    if type(np_index) is TwoStageIndex:
        zeroed = TwoStageIndex((np_index[0], _zero_arrays(np_index[1])))
    else:
        zeroed = _zero_arrays(np_index)
    if select(np.broadcast_to(np.zeros((), np.int8), array.shape), zeroed).size:
        raise error
    return zeroed


def _zero_arrays(items):
    if isinstance(items, tuple):
        return tuple(_zero_arrays(i) for i in items)
    if isinstance(items, np.ndarray) and items.dtype.kind in "iu":
        return np.zeros_like(items)
    return items


def refuse(t: Tensor, np_index, value) -> None:
    """PyTorch's refusals of an index that NumPy would take: a slice step below 1 (tensors
    have no negative strides) and, for an index_put, a value of another dtype; each after
    the errors PyTorch finds first (too many indices, an int out of range before the slice,
    and for the dtype, an index out of range)."""
    items = np_index[0] + np_index[1] if type(np_index) is TwoStageIndex else np_index
    items = items if isinstance(items, tuple) else (items,)
    negative_step = any(isinstance(i, slice) and i.step is not None and i.step <= 0 for i in items)
    mismatch = isinstance(value, Tensor) and value._data.dtype != t._data.dtype and _has_index_array(np_index)
    if negative_step:
        _check_before_step(t._data, np_index)
        raise ValueError("step must be greater than zero")
    if not mismatch:
        return
    try:
        select(t._data, np_index)  # raises IndexError for a bad index
    except IndexError as error:  # PyTorch checks index values only after the dtypes
        if not ("out of bounds" in str(error) and not str(error).endswith("size 0")):
            raise
    raise RuntimeError(
        "Index put requires the source and destination dtypes match, got "
        f"{t.dtype} for the destination and {value.dtype} for the source."
    )


def _check_before_step(array: np.ndarray, np_index) -> None:
    """The IndexErrors PyTorch raises before a slice step below 1: too many indices, or an
    int out of range to the left of that slice. Index tensors are checked only after the
    slices (they are applied last), so here they stand for the dims they consume."""
    basic = np_index[0] if type(np_index) is TwoStageIndex else np_index
    basic = basic if isinstance(basic, tuple) else (basic,)
    prefix, consumed, stepped = [], 0, False
    for item in basic:
        if isinstance(item, np.ndarray | list):
            array_item = np.asarray(item)
            n = array_item.ndim if array_item.dtype == np.bool_ else 1
            parts = [slice(None)] * n
        elif item is None or item is Ellipsis or isinstance(item, bool | np.bool_):
            n, parts = 0, [None if item is not Ellipsis else item]
        else:  # an int or a slice
            n, parts = 1, [item]
        consumed += n
        stepped = stepped or (isinstance(item, slice) and item.step is not None and item.step <= 0)
        # From the stepped slice on, only placeholders: they keep the dims aligned when an
        # Ellipsis came first (``x[..., 0, ::-1]``: the 0 is not the last dim's).
        prefix.extend(
            parts if not stepped else [p if p is None or p is Ellipsis else slice(None) for p in parts]
        )
    if consumed > array.ndim:
        raise IndexError(f"too many indices for tensor of dimension {array.ndim}")
    array[tuple(prefix)]  # an int out of range raises IndexError


def _has_index_array(np_index) -> bool:
    """Whether an integer index array takes part (PyTorch's index_put, which casts nothing)."""
    items = np_index[1] if type(np_index) is TwoStageIndex else np_index
    items = items if isinstance(items, tuple) else (items,)
    return any(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in items)


def describe(index) -> str:
    return repr(index) if not isinstance(index, Tensor) else f"tensor of shape {tuple(index.shape)}"


def index_array(index, op: str) -> np.ndarray:
    array = index._data if isinstance(index, Tensor) else np.asarray(index)
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int64 for index, got {array.dtype}")
    return array

"""Indexing: ``x[i]`` (basic and advanced), ``x[i] = v``, gather/scatter, index_select,
masked_fill, where, one_hot, nonzero, sort/argsort/topk."""

from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.array_or_tensor import data, like
from neuronlab.engine.array_or_tensor import where as where_of
from neuronlab.engine.function import Function, ShapeError, named
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.cast import clone
from neuronlab.ops.operands import NUMBER, binary, cast, numpy_names

SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])


def _to_numpy_index(index):
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


def _select(array, index):
    """``array[index]`` (see ``TwoStageIndex``), for an array or a Tensor (in a backward)."""
    if type(index) is TwoStageIndex:
        return array[index[0]][index[1]]
    return array[index]


def _assign(array: np.ndarray, index, value) -> None:
    """``array[index] = value`` (see ``TwoStageIndex``; its basic part is a view)."""
    if type(index) is TwoStageIndex:
        array[index[0]][index[1]] = value
    else:
        array[index] = value


def _add_at(array: np.ndarray, index, values) -> None:
    """``array[index] += values``, repeated positions accumulating."""
    if type(index) is TwoStageIndex:
        np.add.at(array[index[0]], index[1], values)
    else:
        np.add.at(array, index, values)


def _is_basic(index) -> bool:
    if type(index) is TwoStageIndex:
        return False
    items = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(i, int | slice | type(None) | type(Ellipsis) | np.integer) and not isinstance(i, bool)
        for i in items
    )


class Slice(Function):
    """out = x[index] for a basic (view-making) index;  grad_x = zeros with grad at index."""

    grad_fn_name = "SliceBackward0"
    view = True
    saves_inputs = False
    formula = "{0}[{index}]"

    def forward(self, x, index):
        self.index = index
        self.input_shape = x.shape
        out = x[index]
        if type(out) is not np.ndarray:  # NumPy copies a single element out: take a 0-d view
            out = x[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
        return out

    def backward(self, grad):
        return (IndexScatter.call(grad, index=self.index, shape=self.input_shape),)


# PyTorch applies a basic index item by item, and the last item that does anything names the
# output's node: an int selects, a slice slices, None unsqueezes (full slices and ``...`` do
# nothing; an index doing nothing at all is an alias). ``_basic_op`` picks the class.
class Select(Slice):
    """``x[i]`` (``SelectBackward0``)."""

    grad_fn_name = "SelectBackward0"


class IndexUnsqueeze(Slice):
    """``x[None]`` (``UnsqueezeBackward0``)."""

    grad_fn_name = "UnsqueezeBackward0"


class Alias(Slice):
    """``x[...]``, ``x[:, :]`` (``AliasBackward0``)."""

    grad_fn_name = "AliasBackward0"


def _basic_op(index) -> type[Slice] | None:
    """The ``Slice`` class whose name PyTorch gives ``x[index]``; ``None`` for an advanced index."""
    if type(index) is TwoStageIndex:
        return None
    if not isinstance(index, tuple):
        index = (index,)
        if type(index[0]) is slice:
            return Slice  # a lone slice is always applied, even a full one
    op = Alias
    for i in index:
        if isinstance(i, bool | np.bool_):
            return None
        if isinstance(i, int | np.integer):
            op = Select
        elif type(i) is slice:
            if i != _FULL:
                op = Slice
        elif i is None:
            op = IndexUnsqueeze
        elif i is not Ellipsis:
            return None
    return op


_FULL = slice(None)


class Index(Function):
    """out = x[index] for an advanced (copying) index;  grad_x = zeros with grad added at index
    (repeated positions accumulate)."""

    grad_fn_name = "IndexBackward0"
    saves_inputs = False
    formula = "{0}[{index}]"

    def forward(self, x, index):
        self.index = index
        self.input_shape = x.shape
        return _select(x, index)

    def backward(self, grad):
        return (IndexScatter.call(grad, index=self.index, shape=self.input_shape),)


class IndexScatter(Function):
    """out = zeros(shape) with grad added at index (the adjoint of indexing);  grad = out[index]."""

    saves_inputs = False

    def forward(self, grad, index, shape):
        self.index = index
        out = np.zeros(shape, dtype=grad.dtype)
        if _is_basic(index):
            out[index] = grad
        else:
            _add_at(out, index, grad)
        return out

    def backward(self, grad):
        return (_select(grad, self.index),)


class IndexPut(Function):
    """out = x with ``out[index] = value``;  grad_x = grad with zeros at index,
    grad_value = grad[index]."""

    grad_fn_name = "IndexPutBackward0"
    saves_inputs = False

    def forward(self, x, value, index):
        self.index = index
        out = x.copy()
        _assign(out, index, value)
        return out

    def backward(self, grad):
        zero = like(np.zeros((), data(grad).dtype), grad)
        return IndexPut.call(grad, zero, index=self.index), _select(grad, self.index)


class Gather(Function):
    """out[i][j] = x[i][index[i][j]] (for dim = 1);  grad_x = grad scattered-added at index."""

    grad_fn_name = "GatherBackward0"
    saves_inputs = False

    def forward(self, x, index, dim):
        self.dim, self.index, self.input_shape = dim, index, x.shape
        region = tuple(slice(0, s) if d != dim else slice(None) for d, s in enumerate(index.shape))
        return np.take_along_axis(x[region], index, axis=dim)

    def backward(self, grad):
        return (ScatterAdd.call(grad, index=self.index, dim=self.dim, shape=self.input_shape),)


class ScatterAdd(Function):
    """out = zeros(shape); out[i][index[i][j]] += src[i][j] (dim = 1);  grad_src = gather(grad)."""

    grad_fn_name = "ScatterAddBackward0"
    saves_inputs = False

    def forward(self, src, index, dim, shape):
        self.dim, self.index = dim, index
        out = np.zeros(shape, dtype=src.dtype)
        if index.shape[dim] == 1 and index.shape == shape[:dim] + (1,) + shape[dim + 1 :]:
            np.put_along_axis(out, index, src, axis=dim)  # one position per row: no collisions
        else:
            positions = list(np.indices(index.shape, sparse=True))
            positions[dim] = index
            np.add.at(out, tuple(positions), src)
        return out

    def backward(self, grad):
        return (Gather.call(grad, index=self.index, dim=self.dim),)


class Where(Function):
    """out = a where condition else b;  grad_a = grad where condition, grad_b = grad elsewhere."""

    grad_fn_name = "WhereBackward0"
    saves_inputs = False

    def forward(self, a, b, condition):
        self.condition = condition
        return np.where(condition, a, b)

    def backward(self, grad):
        zero = like(np.zeros((), data(grad).dtype), grad)
        c = self.condition
        ga = where_of(c, grad, zero) if self.needs_input_grad[0] else None
        gb = where_of(c, zero, grad) if self.needs_input_grad[1] else None
        return ga, gb


def getitem(t: Tensor, index) -> Tensor:
    """``t[index]``: basic indices give views, integer/bool tensors give copies."""
    np_index = _to_numpy_index(index)
    try:
        _refuse(t, np_index, None)
        op = _basic_op(np_index)
        if op is not None:
            return op.apply(t, index=np_index)
        _check_masks(t._data.shape, np_index)
        try:
            return Index.apply(t, index=np_index)
        except IndexError as error:
            return Index.apply(t, index=_unchecked_if_empty(t._data, np_index, error))
    except IndexError as error:
        raise IndexError(f"index {_describe(index)} is out of range for a tensor of shape "
                         f"{tuple(t.shape)}: {error}") from None  # fmt: skip


def setitem(t: Tensor, index, value) -> None:
    """``t[index] = value``, recorded for autograd when ``t`` or ``value`` requires grad."""
    np_index = _to_numpy_index(index)
    value_is_tensor = isinstance(value, Tensor)
    recorded = STATE.enabled and (t._requires_grad or (value_is_tensor and value._requires_grad))
    _refuse(t, np_index, value)
    if not _is_basic(np_index):
        _check_masks(t._data.shape, np_index)
    try:
        _put(t, np_index, value, recorded)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        shape = tuple(value.shape) if value_is_tensor else np.shape(value)
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(shape)} cannot be broadcast to the indexing "
            f"result of {_describe(index)} on a tensor of shape {list(t.shape)}"
        ) from None


def _put(t: Tensor, np_index, value, recorded: bool) -> None:
    """``t[np_index] = value``: in place, or recorded as an ``IndexPut``."""
    value_is_tensor = isinstance(value, Tensor)
    if not recorded:
        t._check_inplace("setitem")
        try:
            _assign(t._data, np_index, value._data if value_is_tensor else value)
        except IndexError as error:  # NumPy checks the whole index before it writes
            np_index = _unchecked_if_empty(t._data, np_index, error)
            _assign(t._data, np_index, value._data if value_is_tensor else value)
        t._version[0] += 1
        return
    if not value_is_tensor:
        value = Tensor._wrap(np.asarray(value, dtype=t._data.dtype))
    value = cast(value, t._data.dtype)
    source = t._operand_for_inplace()
    try:
        written = IndexPut.apply(source, value, index=np_index)
    except IndexError as error:
        written = IndexPut.apply(source, value, index=_unchecked_if_empty(t._data, np_index, error))
    if _basic_op(np_index) is not None:  # PyTorch writes through a view: its CopySlices node
        written = named(written, "torch::autograd::CopySlices")
    t._inplace("setitem", written)


def rebase_view(view: Tensor, base: Tensor, result: Tensor) -> None:
    """Record an in-place op on ``view`` (a view of ``base``) whose new value is ``result``:
    ``base`` becomes its old value with the view's elements replaced (PyTorch's
    ``CopySlices`` node) and ``view`` becomes those elements of the new base
    (``AsStridedBackward0``), so gradients reach the base's history through both."""
    if STATE.enabled and base._requires_grad and base.grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation; "
            "do the update under `with neuronlab.no_grad():` or on a clone"
        )
    positions = _positions(base._data, view._data)
    if result.shape != view.shape:
        result = result.expand(view.shape)
    flat = IndexPut.apply(
        base._operand_for_inplace().reshape(-1), cast(result, base._data.dtype), index=positions
    )
    new_base = named(flat.reshape(base.shape), "torch::autograd::CopySlices")
    base.grad_fn, base._requires_grad = new_base.grad_fn, True
    view.grad_fn, view._requires_grad = (
        named(Index.apply(flat, index=positions), "AsStridedBackward0").grad_fn,
        True,
    )


def _positions(base: np.ndarray, view: np.ndarray) -> np.ndarray:
    """For each element of ``view`` (a NumPy view into ``base``'s memory), the flat index of
    the element of ``base`` at the same address."""

    def addresses(a: np.ndarray, start: int) -> np.ndarray:
        out = np.full(a.shape, start, dtype=np.int64)
        for axis, (n, stride) in enumerate(zip(a.shape, a.strides)):
            out += (np.arange(n, dtype=np.int64) * stride).reshape((-1,) + (1,) * (a.ndim - axis - 1))
        return out.reshape(-1)

    origin = base.__array_interface__["data"][0]
    in_base = addresses(base, 0)
    order = np.argsort(in_base, kind="stable")
    wanted = addresses(view, view.__array_interface__["data"][0] - origin)
    found = order[np.clip(np.searchsorted(in_base[order], wanted), 0, max(base.size - 1, 0))]
    if view.size and not np.array_equal(in_base[found], wanted):
        raise RuntimeError("in-place op on a view: its elements are not elements of its base")
    return found.reshape(view.shape)


def _check_masks(shape: tuple, np_index) -> None:
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


def _unchecked_if_empty(array: np.ndarray, np_index, error: IndexError):
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
    if _select(np.broadcast_to(np.zeros((), np.int8), array.shape), zeroed).size:
        raise error
    return zeroed


def _zero_arrays(items):
    if isinstance(items, tuple):
        return tuple(_zero_arrays(i) for i in items)
    if isinstance(items, np.ndarray) and items.dtype.kind in "iu":
        return np.zeros_like(items)
    return items


def _refuse(t: Tensor, np_index, value) -> None:
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
        _select(t._data, np_index)  # raises IndexError for a bad index
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


def _describe(index) -> str:
    return repr(index) if not isinstance(index, Tensor) else f"tensor of shape {tuple(index.shape)}"


def _index_array(index, op: str) -> np.ndarray:
    array = index._data if isinstance(index, Tensor) else np.asarray(index)
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int64 for index, got {array.dtype}")
    return array


def gather(input, dim: int, index) -> Tensor:
    """Pick values along ``dim`` at ``index``: ``out[i][j] = input[i][index[i][j]]`` (dim = 1)."""
    d = input._dim(dim)
    idx = _index_array(index, "gather")
    if idx.ndim != input._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    size = input._data.shape[d] if input._data.ndim else 1
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise RuntimeError(
            f"gather(): index {int(idx.max() if idx.max() >= size else idx.min())} is out of "
            f"bounds for dimension {d} with size {size}"
        )
    if input._data.ndim == 0:  # one element, picked by index 0 (or -1)
        return clone(input)
    return Gather.apply(input, index=idx % size if idx.size and idx.min() < 0 else idx, dim=d)


def scatter_into(src: Tensor, dim: int, index: np.ndarray, shape) -> Tensor:
    """zeros(shape) with ``src`` placed at ``index`` along ``dim`` (adjoint of gather)."""
    return ScatterAdd.apply(src, index=index, dim=dim, shape=tuple(shape))


def scatter_add(input, dim: int, index, src) -> Tensor:
    """``input`` plus ``src`` added at ``index`` along ``dim``."""
    idx = _index_array(index, "scatter_add")
    src = src[tuple(slice(0, s) for s in idx.shape)]  # only src's part the size of index is used
    return input + ScatterAdd.apply(src, index=idx, dim=input._dim(dim), shape=tuple(input.shape))


def scatter(input, dim: int, index, src) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``index`` along ``dim`` (value or tensor)."""
    idx = _index_array(index, "scatter")
    d = input._dim(dim)
    mask = np.zeros(input.shape, dtype=bool)
    np.put_along_axis(mask, idx, True, axis=d)
    if isinstance(src, Tensor):
        placed = ScatterAdd.apply(
            src[tuple(slice(0, s) for s in idx.shape)], index=idx, dim=d, shape=tuple(input.shape)
        )
    else:
        placed = Tensor._wrap(np.full(input.shape, src, dtype=input._data.dtype))
    return where(Tensor._wrap(mask), placed, input)


def index_select(input, dim: int, index) -> Tensor:
    """The slices of ``input`` at the positions ``index`` (1-D) along ``dim``."""
    idx = _index_array(index, "index_select")
    out = getitem(input, (slice(None),) * input._dim(dim) + (idx,))
    return named(out, "IndexSelectBackward0")


def masked_fill(input, mask, value) -> Tensor:
    """``input`` with ``value`` wherever ``mask`` is True."""
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {m.dtype}")
    if isinstance(value, Tensor):
        value = value.to(input.dtype)
    else:
        value = Tensor._wrap(np.asarray(value, dtype=input._data.dtype))
    return named(where(Tensor._wrap(m), value, input), "MaskedFillBackward0")


def where(condition, input=None, other=None) -> Tensor:
    """Elementwise choice: ``input`` where ``condition`` holds, else ``other``.
    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    c = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if c.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {c.dtype}"
        )
    a, b = binary(input, other, "where") if not (isinstance(input, NUMBER) and isinstance(other, NUMBER)) else (
        Tensor._wrap(np.asarray(input, dtype=dtypes.result_type([], [input, other]))),
        Tensor._wrap(np.asarray(other, dtype=dtypes.result_type([], [input, other]))),
    )  # fmt: skip
    try:
        return Where.apply(a, b, condition=c)
    except ValueError:
        raise ShapeError(
            f"where(): condition {tuple(c.shape)}, input {tuple(a.shape)} and other "
            f"{tuple(b.shape)} cannot be broadcast together"
        ) from None


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) to one-hot rows: shape ``(*tensor.shape, num_classes)``, int64."""
    labels = tensor._data
    if labels.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if labels.size and labels.min() < 0:
        raise RuntimeError(f"Class values must be non-negative (found {int(labels.min())}).")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= num_classes:
        raise RuntimeError(
            f"Class values must be smaller than num_classes (found {int(labels.max())} with "
            f"num_classes={num_classes})."
        )
    out = np.zeros(labels.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, labels[..., None].astype(np.int64), 1, axis=-1)
    return Tensor._wrap(out)


def nonzero(input, *, as_tuple: bool = False):
    """Indices of the non-zero elements: an (N, ndim) int64 tensor, or one tensor per dim."""
    found = np.nonzero(input._data if isinstance(input, Tensor) else np.asarray(input))
    if as_tuple:
        return tuple(Tensor._wrap(i.astype(np.int64)) for i in found)
    return Tensor._wrap(np.stack(found, axis=1).astype(np.int64) if found else np.zeros((1, 0), np.int64))


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

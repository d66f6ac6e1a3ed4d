"""Indexing: ``x[i]`` (basic and advanced), ``x[i] = v`` (also through a view: ``rebase_view``),
gather/scatter, index_select, masked_fill, where, one_hot, nonzero. What an index means and
PyTorch's checks of it are in ``index_parsing.py``; sorting is in ``sorting.py``."""

from __future__ import annotations

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.array_or_tensor import data, like
from neuronlab.engine.array_or_tensor import where as where_of
from neuronlab.engine.function import Function, ShapeError, named
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.cast import clone
from neuronlab.ops.index_parsing import (
    TwoStageIndex,
    add_at,
    assign,
    check_masks,
    describe,
    index_array,
    is_basic,
    refuse,
    select,
    to_numpy_index,
    unchecked_if_empty,
)
from neuronlab.ops.operands import NUMBER, binary, cast


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
        return select(x, index)

    def backward(self, grad):
        return (IndexScatter.call(grad, index=self.index, shape=self.input_shape),)


class IndexScatter(Function):
    """out = zeros(shape) with grad added at index (the adjoint of indexing);  grad = out[index]."""

    saves_inputs = False

    def forward(self, grad, index, shape):
        self.index = index
        out = np.zeros(shape, dtype=grad.dtype)
        if is_basic(index):
            out[index] = grad
        else:
            add_at(out, index, grad)
        return out

    def backward(self, grad):
        return (select(grad, self.index),)


class IndexPut(Function):
    """out = x with ``out[index] = value``;  grad_x = grad with zeros at index,
    grad_value = grad[index]."""

    grad_fn_name = "IndexPutBackward0"
    saves_inputs = False

    def forward(self, x, value, index):
        self.index = index
        out = x.copy()
        assign(out, index, value)
        return out

    def backward(self, grad):
        zero = like(np.zeros((), data(grad).dtype), grad)
        return IndexPut.call(grad, zero, index=self.index), select(grad, self.index)


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
    np_index = to_numpy_index(index)
    try:
        refuse(t, np_index, None)
        op = _basic_op(np_index)
        if op is not None:
            return op.apply(t, index=np_index)
        check_masks(t._data.shape, np_index)
        try:
            return Index.apply(t, index=np_index)
        except IndexError as error:
            return Index.apply(t, index=unchecked_if_empty(t._data, np_index, error))
    except IndexError as error:
        raise IndexError(f"index {describe(index)} is out of range for a tensor of shape "
                         f"{tuple(t.shape)}: {error}") from None  # fmt: skip


def setitem(t: Tensor, index, value) -> None:
    """``t[index] = value``, recorded for autograd when ``t`` or ``value`` requires grad."""
    np_index = to_numpy_index(index)
    value_is_tensor = isinstance(value, Tensor)
    recorded = STATE.enabled and (t._requires_grad or (value_is_tensor and value._requires_grad))
    refuse(t, np_index, value)
    if not is_basic(np_index):
        check_masks(t._data.shape, np_index)
    try:
        _put(t, np_index, value, recorded)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        shape = tuple(value.shape) if value_is_tensor else np.shape(value)
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(shape)} cannot be broadcast to the indexing "
            f"result of {describe(index)} on a tensor of shape {list(t.shape)}"
        ) from None


def _put(t: Tensor, np_index, value, recorded: bool) -> None:
    """``t[np_index] = value``: in place, or recorded as an ``IndexPut``."""
    value_is_tensor = isinstance(value, Tensor)
    if not recorded:
        t._check_inplace("setitem")
        try:
            assign(t._data, np_index, value._data if value_is_tensor else value)
        except IndexError as error:  # NumPy checks the whole index before it writes
            np_index = unchecked_if_empty(t._data, np_index, error)
            assign(t._data, np_index, value._data if value_is_tensor else value)
        t._version[0] += 1
        return
    if not value_is_tensor:
        value = Tensor._wrap(np.asarray(value, dtype=t._data.dtype))
    value = cast(value, t._data.dtype)
    source = t._operand_for_inplace()
    try:
        written = IndexPut.apply(source, value, index=np_index)
    except IndexError as error:
        written = IndexPut.apply(source, value, index=unchecked_if_empty(t._data, np_index, error))
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


def current_grad_fn(view: Tensor):
    """``view.grad_fn``, or, if its base was written in place since that node was made (the
    shared version count moved past the node's ``base_version``), a new node reading the
    view's elements from the base's current history, as PyTorch regenerates a view's
    ``grad_fn`` (``v = x[1:3]; x[0:2].mul_(2)``: ``v``'s first element is now doubled)."""
    node = view.grad_fn
    stamp = node.__dict__.get("base_version")
    if stamp is None or stamp == view._version[0]:
        return node
    base = view._version[1]()
    if base is None or base._data is view._data or not base._requires_grad:
        return node
    read = Index.apply(base.reshape(-1), index=_positions(base._data, view._data))
    fresh = named(read, "AsStridedBackward0").grad_fn
    fresh.base_version = view._version[0]
    view.grad_fn = fresh
    return fresh


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


def gather(input, dim: int, index) -> Tensor:
    """Pick values along ``dim`` at ``index``: ``out[i][j] = input[i][index[i][j]]`` (dim = 1)."""
    d = input._dim(dim)
    idx = index_array(index, "gather")
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
    idx = index_array(index, "scatter_add")
    src = src[tuple(slice(0, s) for s in idx.shape)]  # only src's part the size of index is used
    return input + ScatterAdd.apply(src, index=idx, dim=input._dim(dim), shape=tuple(input.shape))


def scatter(input, dim: int, index, src) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``index`` along ``dim`` (value or tensor)."""
    idx = index_array(index, "scatter")
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
    idx = index_array(index, "index_select")
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

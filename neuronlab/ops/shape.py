"""Shape ops: reshape/view, flatten, squeeze/unsqueeze, permute/transpose, expand, repeat,
flip. (``sum_to``, the engine's reduction of a broadcast gradient, lives in
``engine/array_or_tensor.py``.)

Most return NumPy views that share storage with their input, as PyTorch's views do.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import flip as flip_of
from neuronlab.engine.array_or_tensor import permute as permute_of
from neuronlab.engine.array_or_tensor import sum as sum_of
from neuronlab.engine.array_or_tensor import sum_to
from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.tensor import Size, Tensor
from neuronlab.ops.operands import numpy_names, required_dim


def _shape_arg(shape, op: str = "reshape") -> tuple:
    if not shape:
        raise TypeError(f"{op}() missing 1 required positional argument: the sizes")
    if len(shape) == 1 and isinstance(shape[0], tuple | list | Size):
        shape = shape[0]
    return tuple(int(s) for s in shape)


class Reshape(Function):
    """out = x with a new shape (same elements in row-major order);  grad_x = grad reshaped back."""

    grad_fn_name = "ViewBackward0"
    view = True
    saves_inputs = False

    def forward(self, x, shape):
        self.input_shape = x.shape
        return x.reshape(shape)

    def backward(self, grad):
        return (grad.reshape(self.input_shape),)


# PyTorch names a reshape's node after the call (and, for ``reshape``, after whether it could
# return a view): one subclass per name, chosen by the public function.
class UnsafeView(Reshape):
    """``reshape`` of a tensor that no view can reshape: PyTorch copies, then views
    (``UnsafeViewBackward0``). The output is a copy, so it shares no version counter."""

    grad_fn_name = "UnsafeViewBackward0"
    view = False


class ReshapeAlias(Reshape):
    """``reshape`` of a non-contiguous tensor that a view can reshape (``ReshapeAliasBackward0``)."""

    grad_fn_name = "ReshapeAliasBackward0"


class Squeeze(Reshape):
    """``squeeze()`` of every size-1 dim (``SqueezeBackward0``)."""

    grad_fn_name = "SqueezeBackward0"


class SqueezeDim(Reshape):
    """``squeeze(dim)`` (``SqueezeBackward1``)."""

    grad_fn_name = "SqueezeBackward1"


class SqueezeDims(Reshape):
    """``squeeze((dim, ...))`` (``SqueezeBackward2``)."""

    grad_fn_name = "SqueezeBackward2"


class Unsqueeze(Reshape):
    """``unsqueeze(dim)`` (``UnsqueezeBackward0``)."""

    grad_fn_name = "UnsqueezeBackward0"


class Permute(Function):
    """out = x with its axes reordered;  grad_x = grad with the inverse order."""

    grad_fn_name = "PermuteBackward0"
    view = True
    saves_inputs = False

    def forward(self, x, dims):
        self.dims = dims
        return x.transpose(dims)

    def backward(self, grad):
        # The inverse permutation, argsort of dims, in Python: np.argsort on a tuple goes
        # through NumPy's Python wrappers (3 µs, more than the rest of this backward).
        inverse = tuple(sorted(range(len(self.dims)), key=self.dims.__getitem__))
        return (permute_of(grad, inverse),)


class Transpose(Permute):
    """``transpose(dim0, dim1)`` (``TransposeBackward0``)."""

    grad_fn_name = "TransposeBackward0"


class T(Permute):
    """``t()`` of a matrix (``TBackward0``)."""

    grad_fn_name = "TBackward0"


class Expand(Function):
    """out = x broadcast to ``shape`` (a read-only view);  grad_x = grad summed back to x's shape."""

    grad_fn_name = "ExpandBackward0"
    view = True
    saves_inputs = False

    def forward(self, x, shape):
        self.input_shape = x.shape
        return np.broadcast_to(x, shape)

    def backward(self, grad):
        return (sum_to(grad, self.input_shape),)


class Repeat(Function):
    """out = x tiled ``sizes`` times along each dim;  grad_x = grad summed over the tiles."""

    grad_fn_name = "RepeatBackward0"
    saves_inputs = False

    def forward(self, x, sizes):
        self.input_shape = x.shape
        self.sizes = sizes
        return np.tile(x, sizes)

    def backward(self, grad):
        shape = self.input_shape
        lead = len(self.sizes) - len(shape)
        full = (1,) * lead + tuple(shape)
        split = []
        for r, s in zip(self.sizes, full):
            split += [r, s]
        g = sum_of(grad.reshape(split), tuple(range(0, len(split), 2)))
        return (g.reshape(shape),)


class Flip(Function):
    """out = x reversed along ``dims``;  grad_x = grad reversed the same way."""

    grad_fn_name = "FlipBackward0"
    view = True
    saves_inputs = False

    def forward(self, x, dims):
        self.dims = dims
        return np.flip(x, dims)

    def backward(self, grad):
        return (flip_of(grad, self.dims),)


def reshape(input, *shape) -> Tensor:
    """The same elements in a new shape; one dimension may be -1 (inferred)."""
    shape = _shape_arg(shape)
    if input._data.flags.c_contiguous:
        return _reshape(input, shape, Reshape)
    return _reshape(input, shape, ReshapeAlias if _views_as(input._data, shape) else UnsafeView)


def _views_as(array: np.ndarray, shape: tuple) -> bool:
    """Whether ``array`` (not contiguous) takes ``shape`` as a view, without a copy."""
    probe = array.view()
    try:
        probe.shape = shape
    except (AttributeError, ValueError):
        return False
    return True


def _reshape(input, shape: tuple, op: type[Reshape]) -> Tensor:
    try:
        return op.apply(input, shape=shape)
    except ValueError:
        raise ShapeError(
            f"shape '{list(shape)}' is invalid for input of size {input.numel()} "
            f"(input shape {tuple(input.shape)})"
        ) from None


def view(input, *shape) -> Tensor:
    """Like ``reshape``, but (as in PyTorch) only for inputs whose memory layout allows a view."""
    shape = _shape_arg(shape)
    if not input._data.flags.c_contiguous and input._data.size > 1 and not _views_as(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return _reshape(input, shape, Reshape)


def flatten(input, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one."""
    if input._data.ndim == 0:
        return reshape(input, 1)
    start, end = input._dim(start_dim), input._dim(end_dim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    merged = int(np.prod(shape[start : end + 1]))
    return reshape(input, shape[:start] + (merged,) + shape[end + 1 :])


def unflatten(input, dim: int, sizes) -> Tensor:
    """Split dimension ``dim`` into ``sizes``."""
    if input._data.ndim == 0:
        raise RuntimeError("unflatten(): Dimension specified as 0 but tensor has no dimensions")
    d = input._dim(dim)
    shape = input._data.shape
    sizes = list(sizes)
    if sizes.count(-1) == 1:  # inferred from the one dim (defined even when that dim is 0)
        known = int(np.prod([s for s in sizes if s != -1]))
        sizes[sizes.index(-1)] = shape[d] // known if known else -1
    return reshape(input, shape[:d] + tuple(sizes) + shape[d + 1 :])


def squeeze(input, dim=None, *, axis=None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or only ``dim``, which may be a tuple)."""
    if axis is not None:
        dim, _ = numpy_names("squeeze", dim, False, axis, None)
    shape = input._data.shape
    if dim is None:
        axes = {i for i, s in enumerate(shape) if s == 1}
    else:
        dims = dim if isinstance(dim, tuple | list) else (dim,)
        _check_unique(tuple(input._dim(d) for d in dims))
        axes = {input._dim(d) for d in dims} if shape else set()
        axes = {a for a in axes if shape[a] == 1}
    op = Squeeze if dim is None else SqueezeDims if isinstance(dim, tuple | list) else SqueezeDim
    return _reshape(input, tuple(s for i, s in enumerate(shape) if i not in axes), op)


def unsqueeze(input, dim: int | None = None, *, axis=None) -> Tensor:
    """Insert a dimension of size 1 at ``dim`` (``-1`` appends)."""
    if axis is not None:
        dim, _ = numpy_names("unsqueeze", dim, False, axis, None)
    required_dim("unsqueeze", dim)
    n = input._data.ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    shape = list(input._data.shape)
    shape.insert(dim % n, 1)
    return _reshape(input, tuple(shape), Unsqueeze)


def permute(input, *dims) -> Tensor:
    """Reorder dimensions: ``x.permute(2, 0, 1)``."""
    dims = _shape_arg(dims, "permute")
    if len(dims) != input._data.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not "
            f"equal to len(dims) = {len(dims)}"
        )
    dims = tuple(input._dim(d) for d in dims) if dims else dims
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"permute(): duplicate dims are not allowed, got {tuple(dims)}")
    return Permute.apply(input, dims=dims)


def transpose(input, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    n = input._data.ndim
    if n == 0:
        return input
    order = list(range(n))
    a, b = input._dim(dim0), input._dim(dim1)
    order[a], order[b] = order[b], order[a]
    return Transpose.apply(input, dims=tuple(order))


swapaxes = swapdims = transpose


def t(input) -> Tensor:
    """Transpose a matrix (tensors with at most 2 dimensions)."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return T.apply(input, dims=(1, 0)) if input._data.ndim == 2 else input


def expand(input, *sizes) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a dimension's size."""
    sizes = _shape_arg(sizes, "expand")
    shape = input._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({len(shape)})"
        )
    target = tuple(shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    if target == shape:
        return input
    try:
        return Expand.apply(input, shape=target)
    except ValueError:
        raise ShapeError(
            f"expand: the expanded size of the tensor must match the existing size at "
            f"non-singleton dimensions; cannot expand {tuple(shape)} to {target}"
        ) from None


broadcast_to = expand


def repeat(input, *sizes) -> Tensor:
    """Tile the tensor: ``x.repeat(2, 1)`` stacks two copies along dim 0."""
    sizes = _shape_arg(sizes, "repeat")
    if len(sizes) < input._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    return Repeat.apply(input, sizes=sizes)


def flip(input, dims) -> Tensor:
    """Reverse the order of elements along ``dims``."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    axes = tuple(input._dim(d) for d in dims)
    _check_unique(axes)
    if input._data.ndim == 0:  # one element: dim 0 (or -1) names it, and it stays put
        axes = ()
    return Flip.apply(input, dims=axes)


def _check_unique(axes: tuple) -> None:
    for a in axes:
        if axes.count(a) > 1:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")

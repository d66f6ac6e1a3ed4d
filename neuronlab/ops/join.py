"""Joining and splitting: cat, stack, split, chunk, unbind."""

from __future__ import annotations

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.array_or_tensor import split as split_of
from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.out_argument import write_out
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.indexing import Slice
from neuronlab.ops.operands import cast


class Cat(Function):
    """out = the inputs joined along ``dim``;  each input's gradient is its slice of grad."""

    grad_fn_name = "CatBackward0"
    saves_inputs = False

    def forward(self, *arrays, dim):
        self.dim = dim
        self.sizes = [a.shape[dim] for a in arrays]
        return np.concatenate(arrays, axis=dim)

    def backward(self, grad):
        return tuple(split_of(grad, self.sizes, self.dim))


class Stack(Cat):
    """``stack``: the inputs, each with a new dim, joined along it (``StackBackward0``)."""

    grad_fn_name = "StackBackward0"


# One piece of ``split``, ``chunk`` or ``unbind``: a slice each here, the outputs of one node in
# PyTorch, which names it after the call.
class Split(Slice):
    """A piece of ``split(size)`` or ``chunk`` (``SplitBackward0``)."""

    grad_fn_name = "SplitBackward0"


class SplitWithSizes(Slice):
    """A piece of ``split([sizes])`` (``SplitWithSizesBackward0``)."""

    grad_fn_name = "SplitWithSizesBackward0"


class Unbind(Slice):
    """A piece of ``unbind`` (``UnbindBackward0``)."""

    grad_fn_name = "UnbindBackward0"


def _common_dtype(tensors, op: str) -> list[Tensor]:
    if not tensors:
        raise ValueError(f"{op}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected a sequence of Tensors, but element {i} is {type(t).__name__}")
    target = dtypes.result_type([t._data for t in tensors], [])
    return [cast(t, target) for t in tensors]


def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Concatenate tensors along an existing dimension."""
    tensors = _common_dtype(list(tensors), "cat")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch's legacy rule: 1-D empty tensors are skipped when others have a shape to join.
    shaped = [t for t in tensors if t._data.shape != (0,)]
    if not shaped:  # only such tensors: dim is not checked either
        dim = 0
    elif len(shaped) < len(tensors):
        tensors = shaped
    d = tensors[0]._dim(dim)
    first = tensors[0].shape
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != len(first) or any(a != b for k, (a, b) in enumerate(zip(t.shape, first)) if k != d):
            raise ShapeError(
                f"cat(): Sizes of tensors must match except in dimension {d}. Expected size "
                f"{tuple(first)} (tensor 0) but got {tuple(t.shape)} for tensor number {i} in the list."
            )
    result = Cat.apply(*tensors, dim=d)
    try:
        return write_out(result, out, "cat", exact_dtype=False)
    except RuntimeError as error:  # PyTorch's cat reports a cast it cannot make as a TypeError
        if "can't be cast" not in str(error):
            raise
        wanted = str(error).rsplit(" ", 1)[-1]
        raise TypeError(
            f"torch.cat(): input types can't be cast to the desired output type {wanted}"
        ) from None


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack(): expected a non-empty list of Tensors")
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise ShapeError(
                f"stack expects each tensor to be equal size, but got {tuple(shape)} at entry 0 "
                f"and {tuple(t.shape)} at entry {i}"
            )
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    tensors = _common_dtype(tensors, "stack")
    return Stack.apply(*[t.unsqueeze(dim % n) for t in tensors], dim=dim % n)


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into chunks of ``split_size`` (the last may be smaller) or of the given sizes."""
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = tensor._dim(dim)
    length = tensor._data.shape[d]
    op = Split if isinstance(split_size_or_sections, int) else SplitWithSizes
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        sizes = [min(step, length - s) for s in range(0, length, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != length:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    pieces, start = [], 0
    for size in sizes:
        index = (slice(None),) * d + (slice(start, start + size),)
        pieces.append(op.apply(tensor, index=index))
        start += size
    return tuple(pieces)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into ``chunks`` nearly equal pieces (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    length = input._data.shape[input._dim(dim)]
    if length == 0:  # PyTorch gives `chunks` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, max(-(-length // chunks), 1), dim)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim`` as a tuple (what iterating over a tensor gives)."""
    d = input._dim(dim)
    return tuple(Unbind.apply(input, index=(slice(None),) * d + (i,)) for i in range(input._data.shape[d]))

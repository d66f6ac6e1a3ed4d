"""Reductions: sum, mean, var, std, prod, max/min (three overloads), amax/amin, argmax/argmin,
logsumexp, norm, cumsum, all/any.

``dim`` may be an int, a tuple of ints or ``None`` (all dimensions); negative dims count from
the end; ``keepdim=True`` keeps reduced dimensions with size 1.
"""

from __future__ import annotations

import builtins
import math
from collections import namedtuple

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.array_or_tensor import broadcast_to, data, flip, masked, where
from neuronlab.engine.array_or_tensor import cumsum as cumsum_of
from neuronlab.engine.array_or_tensor import exp as exp_of
from neuronlab.engine.array_or_tensor import mean as mean_of
from neuronlab.engine.array_or_tensor import prod as prod_of
from neuronlab.engine.function import Function, named
from neuronlab.engine.row_reduce import row_max
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.indexing import where as where_op
from neuronlab.ops.operands import floating, numpy_names, required_dim
from neuronlab.ops.pointwise import abs as abs_
from neuronlab.ops.pointwise import maximum, minimum, sqrt

MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])


def normalize_dims(t: Tensor, dim, *, in_order: bool = False) -> tuple[int, ...]:
    """``dim`` as a sorted tuple of non-negative axes (all axes for ``None`` or ``()``).

    A 0-d tensor accepts dim 0 or -1, as in PyTorch, and has no axis to reduce: ``()``.
    As in PyTorch, every dim is range-checked before a repeated one is reported (sum, all,
    amax, logsumexp, ...), except with ``in_order`` (var and std), where the first bad dim,
    out of range or repeated, names the error.
    """
    if dim is None or (isinstance(dim, tuple | list) and len(dim) == 0):
        return tuple(range(t._data.ndim))
    if isinstance(dim, int | np.integer):
        axis = t._dim(int(dim))
        return (axis,) if t._data.ndim else ()
    if not in_order:
        for d in dim:
            t._dim(int(d))
    axes = []
    for d in dim:
        axis = t._dim(int(d))
        if axis in axes:
            raise RuntimeError(f"dim {axis} appears multiple times in the list of dims")
        axes.append(axis)
    axes = tuple(sorted(axes))
    return axes if t._data.ndim else ()


def restore_dims(grad, axes: tuple[int, ...], keepdim: bool, ndim: int):
    """Put size-1 dimensions back where a reduction without ``keepdim`` removed them
    (``grad`` an array or a Tensor)."""
    if keepdim or not axes or not ndim:
        return grad
    shape = list(grad.shape)
    for a in axes:
        shape.insert(a, 1)
    return grad.reshape(shape)


class Sum(Function):
    """out = Σ x over ``axes``;  grad_x = grad broadcast back to x's shape."""

    grad_fn_name = "SumBackward0"
    saves_inputs = False

    def forward(self, x, axes, keepdim):
        self.axes, self.keepdim, self.input_shape = axes, keepdim, x.shape
        return x.sum(axis=axes, keepdims=keepdim)

    def backward(self, grad):
        shape = self.input_shape
        return (broadcast_to(restore_dims(grad, self.axes, self.keepdim, len(shape)), shape),)


class SumDim(Sum):
    """``sum`` over given dims (``SumBackward1``: PyTorch's ``sum.dim_IntList``)."""

    grad_fn_name = "SumBackward1"


class Mean(Function):
    """out = Σ x / n over ``axes`` (n elements per slice);  grad_x = grad broadcast back to x's
    shape, / n.

    One op rather than ``sum(x) / n``: one node instead of two in the graph (``a.mean()`` forward
    + backward 32 → 18 µs on 32×16); the forward sums, then divides, as PyTorch's does.
    """

    grad_fn_name = "MeanBackward0"
    saves_inputs = False

    def forward(self, x, axes, keepdim):
        self.axes, self.keepdim, self.input_shape = axes, keepdim, x.shape
        self.n = math.prod(x.shape[a] for a in axes)
        total = x.sum(axis=axes, keepdims=keepdim)
        return total / self.n if self.n else total * np.nan

    def backward(self, grad):
        shape = self.input_shape
        return (broadcast_to(restore_dims(grad, self.axes, self.keepdim, len(shape)), shape) / self.n,)


class MeanDim(Mean):
    """``mean`` over given dims (``MeanBackward1``)."""

    grad_fn_name = "MeanBackward1"


class Var(Function):
    """out = Σ (x - x̄)² / (N - correction);  grad_x = grad · 2 (x - x̄) / (N - correction)."""

    grad_fn_name = "VarBackward0"

    def forward(self, x, axes, correction, keepdim):
        self.axes, self.keepdim = axes, keepdim
        n = int(np.prod([x.shape[a] for a in axes])) if axes else 1
        self.denominator = builtins.max(n - correction, 0)
        return x.var(axis=axes, ddof=correction, keepdims=keepdim)

    def backward(self, grad, x):
        g = restore_dims(grad, self.axes, self.keepdim, x.ndim)
        centered = x - mean_of(x, self.axes, keepdim=True)
        return (g * centered * (2.0 / self.denominator if self.denominator else float("inf")),)


class Prod(Function):
    """out = Π x over ``axes``;  grad_x_i = grad · Π_{j≠i} x_j.

    The product of the others is P / x_i with P the product of the non-zero elements of
    x_i's slice: that is out / x_i in a slice without zeros, P for the only zero of a slice,
    and 0 elsewhere (every other element of a slice with a zero, every element of a slice
    with two), as PyTorch computes it. Where a slice holds a zero, those zeros are constants
    of the backward graph: second derivatives there are not exact (PyTorch's are).
    """

    grad_fn_name = "ProdBackward0"

    def forward(self, x, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim
        return x.prod(axis=axes, keepdims=keepdim)

    def backward(self, grad, x):
        axes, keepdim, ndim = self.axes, self.keepdim, x.ndim
        zero = data(x) == 0
        zeros_in_slice = zero.sum(axis=axes, keepdims=True)
        nonzero = where(zero, 1.0, x)
        product = restore_dims(prod_of(nonzero, axes, keepdim), axes, keepdim, ndim)  # P
        alive = (zeros_in_slice == 0) | ((zeros_in_slice == 1) & zero)
        return (restore_dims(grad, axes, keepdim, ndim) * where(alive, product / nonzero, 0.0),)


class ProdDim(Prod):
    """``prod`` along a dim (``ProdBackward1``)."""

    grad_fn_name = "ProdBackward1"


class Extreme(Function):
    """out = max (or min) over ``axes``;  the gradient is shared evenly by tied maxima."""

    saves_inputs = False

    def forward(self, x, axes, keepdim, largest):
        self.axes, self.keepdim = axes, keepdim
        reduce = np.max if largest else np.min
        out = reduce(x, axis=axes, keepdims=True)
        mask = x == out
        self.share = (mask / mask.sum(axis=axes, keepdims=True)).astype(x.dtype)
        return out if keepdim else out.reshape([s for i, s in enumerate(x.shape) if i not in axes])

    def backward(self, grad):
        return (restore_dims(grad, self.axes, self.keepdim, self.share.ndim) * self.share,)


# PyTorch names the node after the call: max() and min() of all elements, amax and amin.
class Max(Extreme):
    """``max(x)``: the largest element (``MaxBackward1``)."""

    grad_fn_name = "MaxBackward1"


class Min(Extreme):
    """``min(x)``: the smallest element (``MinBackward1``)."""

    grad_fn_name = "MinBackward1"


class Amax(Extreme):
    """``amax(x, dim)`` (``AmaxBackward0``)."""

    grad_fn_name = "AmaxBackward0"


class Amin(Extreme):
    """``amin(x, dim)`` (``AminBackward0``)."""

    grad_fn_name = "AminBackward0"


class ExtremeAlongDim(Function):
    """values, indices = max (or min) along one dim;  the gradient goes to ``indices``:
    grad_x = grad where the position along ``dim`` is the index, else 0.

    The values come from a reduction and the gradient from a mask, not from gathering at and
    scattering to the indices: NumPy's ``take_along_axis`` and ``put_along_axis`` are Python
    code (8-9 µs each on 32×16, against 3 µs for ``max`` and the mask); ``a.max(dim=1)[0]``
    forward + backward 26 → 23 µs.
    """

    saves_inputs = False

    def forward(self, x, dim, keepdim, largest):
        self.dim, self.keepdim, self.input_shape = dim, keepdim, x.shape
        if x.ndim == 0:
            self.indices = np.zeros((), dtype=np.int64)
            return x.copy()
        arg = np.argmax if largest else np.argmin
        self.index = arg(x, axis=dim, keepdims=True)
        self.indices = (self.index if keepdim else self.index.squeeze(dim)).astype(np.int64)
        # The value at the index (NaN included: argmax points at the first NaN, max returns it),
        # taken there by row_max when it can (row_reduce.py), not reduced again.
        if largest:
            return row_max(x, dim, keepdim, index=self.index)
        return x.min(axis=dim, keepdims=keepdim)

    def backward(self, grad):
        shape = self.input_shape
        if not shape:
            return (grad,)
        g = restore_dims(grad, (self.dim,), self.keepdim, len(shape))
        positions = np.arange(shape[self.dim]).reshape(
            [-1 if i == self.dim else 1 for i in range(len(shape))]
        )
        return (masked(g, positions == self.index),)


class MaxDim(ExtremeAlongDim):
    """``max(x, dim)`` (``MaxBackward0``)."""

    grad_fn_name = "MaxBackward0"


class MinDim(ExtremeAlongDim):
    """``min(x, dim)`` (``MinBackward0``)."""

    grad_fn_name = "MinBackward0"


class LogSumExp(Function):
    """out = log Σ e^x (stable: the maximum is factored out);  grad_x = grad · e^(x - out)."""

    grad_fn_name = "LogsumexpBackward0"
    saves_output = True

    def forward(self, x, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim
        m = (
            x.max(axis=axes, keepdims=True)
            if x.size
            else np.zeros([1 if i in axes else s for i, s in enumerate(x.shape)], x.dtype)
        )
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
        return out if keepdim else out.reshape([s for i, s in enumerate(x.shape) if i not in axes])

    def backward(self, grad, x, out):
        axes, keepdim, ndim = self.axes, self.keepdim, x.ndim
        out = restore_dims(out, axes, keepdim, ndim)
        return (restore_dims(grad, axes, keepdim, ndim) * exp_of(x - out),)


class Norm2(Function):
    """out = √(Σ x²);  grad_x = grad · x / out (0 where out = 0, as PyTorch defines it)."""

    grad_fn_name = "LinalgVectorNormBackward0"
    saves_output = True

    def forward(self, x, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim
        return np.sqrt(np.square(x).sum(axis=axes, keepdims=keepdim))

    def backward(self, grad, x, out):
        out = restore_dims(out, self.axes, self.keepdim, x.ndim)
        g = restore_dims(grad, self.axes, self.keepdim, x.ndim)
        return (g * x / where(data(out) == 0, 1.0, out),)


class Cumsum(Function):
    """out_i = Σ_{j<=i} x_j along ``dim``;  grad_x = reversed cumulative sum of grad."""

    grad_fn_name = "CumsumBackward0"
    saves_inputs = False

    def forward(self, x, dim):
        self.dim = dim
        if x.ndim == 0:  # the running sum of one element is that element (NumPy would give shape (1,))
            return x.copy()
        return np.cumsum(x, axis=dim)

    def backward(self, grad):
        if grad.ndim == 0:
            return (grad,)
        dims = (self.dim,)
        return (flip(cumsum_of(flip(grad, dims), self.dim), dims),)


def sum(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None) -> Tensor:
    """Sum over ``dim`` (all elements by default). Bool and integer tensors sum to int64."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("sum", dim, keepdim, axis, keepdims)
    if keepdim and dim is None:
        raise _keepdim_without_dim("sum")
    if dtype is not None:
        input = input.to(dtype)
    elif input._data.dtype.kind in "biu":
        input = input.to(dtypes.int64)
    return (Sum if dim is None else SumDim).apply(input, axes=normalize_dims(input, dim), keepdim=keepdim)


def mean(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None) -> Tensor:
    """Arithmetic mean over ``dim`` (floating tensors only, as in PyTorch)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("mean", dim, keepdim, axis, keepdims)
    if keepdim and dim is None:
        raise _keepdim_without_dim("mean")
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype}; convert with .float() first"
        )
    return (Mean if dim is None else MeanDim).apply(input, axes=normalize_dims(input, dim), keepdim=keepdim)


def _keepdim_without_dim(op: str) -> TypeError:
    """PyTorch's ``{op}(input)`` overload, the one without a dim, takes no keepdim either."""
    return TypeError(f"{op}() received keepdim=True without a dim: give the dims to keep (dim= or axis=)")


def _correction(unbiased, correction) -> float:
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(
    input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, axis=None, keepdims=None
) -> Tensor:
    """Variance over ``dim`` with Bessel's correction by default (``correction=1``)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("var", dim, keepdim, axis, keepdims)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"var(): std and var only support floating point dtypes, got {input.dtype}")
    if isinstance(dim, bool):  # var(x, False): the old positional `unbiased`
        dim, unbiased = None, dim
    return Var.apply(input, axes=normalize_dims(input, dim, in_order=True),
                     correction=_correction(unbiased, correction), keepdim=keepdim)  # fmt: skip


def std(
    input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, axis=None, keepdims=None
) -> Tensor:
    """Standard deviation: √var. Where var = 0 (a constant slice) the gradient is 0, as in
    PyTorch, instead of the 0 · ∞ = NaN that √'s derivative at 0 would give."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("std", dim, keepdim, axis, keepdims)
    variance = var(input, dim, unbiased, keepdim, correction=correction)
    constant = variance == 0
    return named(where_op(constant, 0.0, sqrt(where_op(constant, 1.0, variance))), "StdBackward0")


def prod(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None) -> Tensor:
    """Product over ``dim``."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("prod", dim, keepdim, axis, keepdims)
    if keepdim and dim is None:
        raise _keepdim_without_dim("prod")
    if isinstance(dim, tuple | list):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__} (one dim at a time)")
    if dtype is not None:
        input = input.to(dtype)
    return (Prod if dim is None else ProdDim).apply(input, axes=normalize_dims(input, dim), keepdim=keepdim)


def _check_nonempty(input, dim, op: str) -> tuple[int, ...]:
    """The axes of a max/min/argmax-like reduction over ``dim``, with PyTorch's errors when a
    reduced dimension is empty (these reductions have no value for no elements). As in
    PyTorch, an empty dim is reported before a repeated or out-of-range one."""
    shape, ndim = input._data.shape, input._data.ndim
    for d in () if dim is None else (dim,) if isinstance(dim, int | np.integer) else dim:
        if ndim and -ndim <= d < ndim and shape[d] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d % ndim} to have non-zero size.")
    axes = normalize_dims(input, dim)
    reduces_all = dim is None or (isinstance(dim, tuple | list) and len(dim) == 0)
    if reduces_all and input._data.size == 0:
        raise IndexError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0.")
    for axis in axes:
        if input._data.shape[axis] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {axis} to have non-zero size.")
    return axes


def _extreme(input, dim, keepdim, largest: bool, result_type):
    op = "max" if largest else "min"
    if isinstance(dim, Tensor):  # max(x, y): elementwise
        return (maximum if largest else minimum)(input, dim)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                "the reduction dim with the 'dim' argument."
            )
        return (Max if largest else Min).apply(
            input, axes=normalize_dims(input, None), keepdim=False, largest=largest
        )
    d = input._dim(dim)
    _check_nonempty(input, dim, op)
    values = (MaxDim if largest else MinDim).apply(input, dim=d, keepdim=keepdim, largest=largest)
    fn = values.grad_fn
    indices = fn.indices if fn is not None else _indices(input, d, keepdim, largest)
    return result_type(values, Tensor._wrap(indices))


def _indices(input, dim, keepdim, largest) -> np.ndarray:
    if input._data.ndim == 0:
        return np.zeros((), dtype=np.int64)
    arg = np.argmax if largest else np.argmin
    index = arg(input._data, axis=dim, keepdims=keepdim)
    return index.astype(np.int64)


def max(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
    """``max(x)``: the largest element; ``max(x, dim)``: ``(values, indices)`` along ``dim``;
    ``max(x, y)``: the elementwise maximum."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("max", dim, keepdim, axis, keepdims)
    if keepdim and dim is None:
        raise _keepdim_without_dim("max")
    return _extreme(input, dim, keepdim, True, MaxResult)


def min(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
    """``min(x)``, ``min(x, dim)`` -> ``(values, indices)``, or ``min(x, y)`` elementwise."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("min", dim, keepdim, axis, keepdims)
    if keepdim and dim is None:
        raise _keepdim_without_dim("min")
    return _extreme(input, dim, keepdim, False, MinResult)


def amax(input, dim=(), keepdim: bool = False, *, axis=None, keepdims=None) -> Tensor:
    """Maximum over ``dim`` (all by default); ties share the gradient evenly."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("amax", dim, keepdim, axis, keepdims, unset=())
    return Amax.apply(input, axes=_extreme_axes(input, dim, "amax"), keepdim=keepdim, largest=True)


def amin(input, dim=(), keepdim: bool = False, *, axis=None, keepdims=None) -> Tensor:
    """Minimum over ``dim`` (all by default); ties share the gradient evenly."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("amin", dim, keepdim, axis, keepdims, unset=())
    return Amin.apply(input, axes=_extreme_axes(input, dim, "amin"), keepdim=keepdim, largest=False)


def _extreme_axes(input, dim, op: str) -> tuple[int, ...]:
    if input._data.size == 0 and (dim is None or (isinstance(dim, tuple | list) and len(dim) == 0)):
        raise RuntimeError(  # a RuntimeError here, an IndexError for an empty named dim (PyTorch)
            f"{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
            "reduction dim with the 'dim' argument."
        )
    return _check_nonempty(input, dim, op)


def argmax(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None) -> Tensor:
    """Index of the maximum (of the flattened tensor when ``dim`` is ``None``), as int64."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("argmax", dim, keepdim, axis, keepdims)
    return _arg_extreme(input, dim, keepdim, True)


def argmin(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None) -> Tensor:
    """Index of the minimum, as int64."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("argmin", dim, keepdim, axis, keepdims)
    return _arg_extreme(input, dim, keepdim, False)


def _arg_extreme(input, dim, keepdim: bool, largest: bool) -> Tensor:
    op = "argmax" if largest else "argmin"
    if isinstance(dim, tuple | list):  # argument parsing comes before the dtype check
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    if input._data.dtype.kind == "b":
        raise RuntimeError(f"{op}(): does not support bool input")
    if dim is not None:
        input._dim(dim)
    _check_nonempty(input, dim, op)
    if dim is None:
        index = np.asarray((np.argmax if largest else np.argmin)(input._data), dtype=np.int64)
        return Tensor._wrap(index.reshape((1,) * input._data.ndim) if keepdim else index)
    return Tensor._wrap(_indices(input, input._dim(dim), keepdim, largest))


def logsumexp(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None) -> Tensor:
    """log Σ e^x over ``dim``, computed without overflow (integers are promoted to float)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("logsumexp", dim, keepdim, axis, keepdims)
    axes = normalize_dims(input, required_dim("logsumexp", dim))
    return LogSumExp.apply(floating(input), axes=axes, keepdim=keepdim)


def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """The p-norm over ``dim`` (all elements by default): 2/'fro', 1, inf, -inf or any p > 0."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"norm(): expected a floating point tensor as input, got {input.dtype}")
    if isinstance(p, str) and not (p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2)):
        _refuse_matrix_norm(input, p, dim)
    # As torch.norm, a vector norm: its dims are checked in order, the first bad one, out of
    # range or repeated, naming the error.
    axes = normalize_dims(input, dim, in_order=True)
    if p is None:
        p = 2
    return named(_norm(input, p, axes, keepdim), "LinalgVectorNormBackward0")


def _norm(input, p, axes: tuple[int, ...], keepdim: bool) -> Tensor:
    if p in ("fro", 2, 2.0):
        return Norm2.apply(input, axes=axes, keepdim=keepdim)
    if p == float("inf"):
        return amax(abs_(input), axes, keepdim)
    if p == float("-inf"):
        return amin(abs_(input), axes, keepdim)
    if p in (1, 1.0):
        return sum(abs_(input), axes, keepdim)
    if p == 0:
        return sum((input != 0).to(input.dtype), axes, keepdim)
    if isinstance(p, int | float) and p > 0:
        total = sum(abs_(input) ** p, axes, keepdim)
        zero = total == 0  # the gradient of an all-zero slice is 0, as in PyTorch (not NaN)
        return where_op(zero, 0.0, where_op(zero, 1.0, total) ** (1.0 / p))
    if isinstance(p, int | float) and p < 0:  # (Σ|x|^p)^(1/p): a zero entry makes it 0, as in PyTorch
        return sum(abs_(input) ** p, axes, keepdim) ** (1.0 / p)
    raise ValueError(f"norm(): p must be 'fro', inf, -inf or a number, got {p!r}")


def _refuse_matrix_norm(input, p, dim) -> None:
    """PyTorch sends a string ``p`` other than 'fro' over at most two dims to
    ``linalg.matrix_norm``, whose errors come in this order; neuronlab has no matrix norm
    beyond 'fro'."""
    if input._data.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = list(range(input._data.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
    if p != "nuc":
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    raise NotImplementedError(
        "norm(): p='nuc' is not implemented in torch.norm here; use linalg.matrix_norm(x, 'nuc')"
    )


def cumsum(input, dim=None, *, dtype=None, axis=None) -> Tensor:
    """Cumulative sum along ``dim``."""
    if axis is not None:
        dim, _ = numpy_names("cumsum", dim, False, axis, None)
    required_dim("cumsum", dim)
    if dtype is not None:
        input = input.to(dtype)
    elif input._data.dtype.kind in "biu":
        input = input.to(dtypes.int64)
    return Cumsum.apply(input, dim=input._dim(dim))


def all(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None) -> Tensor:
    """True where every element (along ``dim``) is non-zero."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("all", dim, keepdim, axis, keepdims)
    if isinstance(dim, tuple | list) and len(dim) == 0:  # no dim reduced (PyTorch's reading of ())
        return input != 0
    axes = None if dim is None else normalize_dims(input, dim)
    return Tensor._wrap(np.asarray(np.all(input._data, axis=axes, keepdims=keepdim)))


def any(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None) -> Tensor:
    """True where any element (along ``dim``) is non-zero."""
    if axis is not None or keepdims is not None:
        dim, keepdim = numpy_names("any", dim, keepdim, axis, keepdims)
    if isinstance(dim, tuple | list) and len(dim) == 0:
        return input != 0
    axes = None if dim is None else normalize_dims(input, dim)
    return Tensor._wrap(np.asarray(np.any(input._data, axis=axes, keepdims=keepdim)))


def count_nonzero(input, dim=None, *, axis=None) -> Tensor:
    """How many elements (along ``dim``) are non-zero, as int64."""
    if axis is not None:
        dim, _ = numpy_names("count_nonzero", dim, False, axis, None)
    axes = None if dim is None else normalize_dims(input, dim)
    return Tensor._wrap(np.asarray(np.count_nonzero(input._data, axis=axes), dtype=np.int64))

"""Math for backward formulas that works on NumPy arrays and on Tensors alike.

An op's ``backward`` is written once (``Function``'s docstring): the engine runs it on arrays
in an ordinary backward pass and on Tensors, recorded, under ``create_graph=True``. Operators
(``+``, ``*``, ``@``, ``.reshape``, ``.T``, ``.mT``) already work on both; the functions here
cover what is spelled differently (``np.exp(a)`` / ``t.exp()``, ``keepdims`` / ``keepdim``).
Each is one test of the argument's type: a Tensor goes to the Tensor method (an op, recorded
when grad mode is on), anything else to NumPy.
"""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.function import Function
from neuronlab.engine.row_reduce import _ONES, SMALL, _dot_ones, _fast, row_max, row_sum
from neuronlab.engine.tensor import Tensor


def data(x) -> np.ndarray:
    """The values of ``x`` as an array, outside any graph (for masks and constants)."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def as_tensor(x) -> Tensor:
    """``x`` itself if a Tensor, else the array wrapped (no graph): for hooks, which see Tensors."""
    return x if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x))


def like(array: np.ndarray, x):
    """``array`` as a constant of ``x``'s kind: a Tensor (no graph) if ``x`` is one."""
    return Tensor._wrap(array) if isinstance(x, Tensor) else array


def zeros_like(x):
    """Zeros of ``x``'s shape and dtype, a constant (not ``x * 0``, which is NaN where x is ∞)."""
    return like(np.zeros_like(data(x)), x)


def exp(x):
    return x.exp() if isinstance(x, Tensor) else np.exp(x)


def log(x):
    return x.log() if isinstance(x, Tensor) else np.log(x)


def log1p(x):
    return x.log1p() if isinstance(x, Tensor) else np.log1p(x)


def sign(x):
    return x.sign() if isinstance(x, Tensor) else np.sign(x)


def sin(x):
    return x.sin() if isinstance(x, Tensor) else np.sin(x)


def cos(x):
    return x.cos() if isinstance(x, Tensor) else np.cos(x)


def sinh(x):
    return x.sinh() if isinstance(x, Tensor) else np.sinh(x)


def cosh(x):
    return x.cosh() if isinstance(x, Tensor) else np.cosh(x)


def erf(x):
    return x.erf() if isinstance(x, Tensor) else erf_array(x)


def erf_array(x: np.ndarray) -> np.ndarray:
    """erf on an array: SciPy's when installed (exact to float64 precision; imported on first
    use because it is slow to import), else Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)."""
    try:
        from scipy.special import erf as scipy_erf
    except ImportError:  # pragma: no cover - exercised only without SciPy
        scipy_erf = None
    if scipy_erf is not None:
        return scipy_erf(x).astype(x.dtype, copy=False)
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (np.sign(x) * (1.0 - poly * np.exp(-x * x))).astype(x.dtype, copy=False)


def sigmoid(x):
    """σ(x) = (1 + tanh(x/2)) / 2 on arrays: never overflows."""
    return x.sigmoid() if isinstance(x, Tensor) else 0.5 * (1.0 + np.tanh(0.5 * x))


def softmax(x, dim: int, from_forward: np.ndarray | None = None):
    """e^x / Σ e^x along ``dim``, the maximum subtracted first (no overflow). On arrays,
    ``from_forward`` (the same softmax of the same ``x``, kept by the forward pass) is used
    instead of computing it again; on Tensors it is recomputed, recorded."""
    if isinstance(x, Tensor):
        return x.softmax(dim)
    if from_forward is not None:
        return from_forward
    e = np.asarray(np.exp(x - row_max(x, dim, True)))
    e /= row_sum(e, dim, True)
    return e


def minus_exp_times_sum(grad, out, dim: int):
    """grad - e^out · Σ grad along ``dim`` (kept): log-softmax's backward, e^out being the
    softmax. On small arrays written out in place on the one new array e^out (one
    broadcast, no temporaries: 2.9 against 3.6 µs on 32×16); on Tensors recorded."""
    if type(grad) is np.ndarray and type(out) is np.ndarray and _fast(grad, dim):
        p = np.exp(out)
        ones = _ONES.get((grad.shape[-1], grad.dtype))
        p *= (_dot_ones(grad) if ones is None else grad.dot(ones))[..., None]
        return np.subtract(grad, p, out=p)
    return grad - exp(out) * sum(grad, dim, keepdim=True)


def maximum(x, value: float):
    """Elementwise max(x, value) for a number ``value``."""
    return x.clamp_min(value) if isinstance(x, Tensor) else np.maximum(x, value)


def where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b``; ``condition`` is a bool array or Tensor,
    ``a`` and ``b`` arrays, Tensors or numbers."""
    if isinstance(a, Tensor):
        return a.where(condition, b)
    if isinstance(b, Tensor):
        return b.where(~condition, a)
    return np.where(data(condition), a, b)


def masked(grad, keep: np.ndarray):
    """``grad`` where ``keep``, exactly 0 elsewhere: selected, not multiplied by a 0/1 mask,
    so that an infinite grad (√ at 0 after a clamp or a relu) gives 0, not ∞ · 0 = NaN, as
    in PyTorch."""
    if isinstance(grad, Tensor):
        return grad.where(Tensor._wrap(keep), 0.0)
    # Fast path (measured ~15x faster than np.where here): with finite values, multiplying by
    # the 0/1 mask gives the same exact zeros. All are finite if Σ grad² is (an inf or NaN
    # makes it inf or NaN; an overflow only sends finite values to np.where): a BLAS dot
    # product, 0.5 µs on 32×16 against 1.5 µs for np.isfinite(grad).all().
    if math.isfinite(np.vdot(grad, grad)):
        return np.multiply(grad, keep, dtype=grad.dtype)
    return np.where(keep, grad, grad.dtype.type(0))


def sum(x, dims, keepdim: bool = False):
    if isinstance(x, Tensor):
        return x.sum(dims, keepdim=keepdim)
    if type(dims) is int:  # (softmax's backward: row sums of small arrays, row_reduce.py)
        return row_sum(x, dims, keepdim)
    return x.sum(axis=dims, keepdims=keepdim)


def mean(x, dims, keepdim: bool = False):
    if isinstance(x, Tensor):
        return x.mean(dims, keepdim=keepdim)
    return x.mean(axis=dims, keepdims=keepdim)


def prod(x, dims, keepdim: bool = False):
    if isinstance(x, Tensor):  # Tensor.prod takes one dim, as PyTorch's: one at a time, from the last
        for d in sorted(dims, reverse=True):
            x = x.prod(d, keepdim=keepdim)
        return x
    return x.prod(axis=dims, keepdims=keepdim)


def cumsum(x, dim: int):
    return x.cumsum(dim) if isinstance(x, Tensor) else np.cumsum(x, axis=dim)


def flip(x, dims):
    return x.flip(dims) if isinstance(x, Tensor) else np.flip(x, dims)


def permute(x, dims):
    return x.permute(*dims) if isinstance(x, Tensor) else x.transpose(dims)


def split(x, sizes: list[int], dim: int):
    """Pieces of ``x`` along ``dim`` of the given ``sizes``."""
    if isinstance(x, Tensor):
        return x.split(sizes, dim)
    # Slices, not np.split: its Python code (array_split, cumsum) took 3.3 µs for two pieces.
    before = (slice(None),) * (dim % x.ndim)
    pieces, start = [], 0
    for size in sizes:
        pieces.append(x[(*before, slice(start, start + size))])
        start += size
    return pieces


def broadcast_to(x, shape):
    """``x`` expanded to ``shape``. A small array is copied into a new one (0.5 µs against
    2.4 µs for ``np.broadcast_to``, Python code in NumPy, whose read-only view a leaf's
    ``.grad`` then copies anyway); a large one stays a view."""
    if isinstance(x, Tensor):
        return x.expand(shape)
    if math.prod(shape) <= SMALL:
        out = np.empty(shape, x.dtype)
        out[...] = x
        return out
    return np.broadcast_to(x, shape)


def astype(x, dtype: np.dtype):
    """``x`` converted to the NumPy ``dtype`` (differentiably for a Tensor)."""
    if isinstance(x, Tensor):
        return x.to(dtypes.from_numpy_dtype(dtype))
    return x.astype(dtype)


# -- reducing a broadcast gradient: the engine's own bookkeeping -----------------------------------
def sum_to_array(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum the array ``grad`` down to ``shape`` (undo broadcasting)."""
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    out = grad.sum(axis=axes) if axes else grad
    return out.reshape(shape)


class SumTo(Function):
    """out = grad summed over the dimensions that broadcasting added or stretched;
    grad_x = grad expanded back (so higher derivatives flow through broadcasting)."""

    saves_inputs = False

    def forward(self, x, shape):
        self.input_shape = x.shape
        return sum_to_array(x, shape)

    def backward(self, grad):
        return (broadcast_to(grad, self.input_shape),)


def sum_to(grad, shape: tuple):
    """Sum ``grad`` (an array or a Tensor) down to ``shape``; ``grad`` itself if it has it."""
    if tuple(grad.shape) == tuple(shape):
        return grad
    if isinstance(grad, Tensor):
        return SumTo.apply(grad, shape=tuple(shape))
    return sum_to_array(grad, tuple(shape))

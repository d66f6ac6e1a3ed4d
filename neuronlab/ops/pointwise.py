"""Pointwise math: exp, log, sqrt, abs, sign, trigonometry, erf, rounding, clamp, maximum/minimum.

Integer inputs are promoted to the default float dtype first, as PyTorch does for
``exp(int_tensor)``. Ops whose derivative is cheapest from their output (exp, sqrt) save it.
"""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.function import Function
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.operands import binary, cast, floating, not_bool


class SavedOutput(Function):
    """Base for ops whose backward uses their own output ``out``.

    Without ``create_graph`` the saved array is used directly; when higher derivatives are
    being recorded, the output is recomputed from the input so the graph stays connected.
    The saved array is the output tensor's storage: ``saves_output`` makes the engine refuse
    a backward after the output was modified in place.
    """

    saves_output = True

    def output(self) -> Tensor:
        if STATE.enabled:
            return type(self).apply(*self.inputs, **getattr(self, "params", {}))
        return Tensor._wrap(self.out)


class Exp(SavedOutput):
    """out = e^x;  d/dx = out."""

    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, grad):
        return (grad * self.output(),)

    def backward_numpy(self, grad):
        return (grad * self.out,)


class Log(Function):
    """out = ln x;  d/dx = 1 / x."""

    def forward(self, x):
        return np.log(x)

    def backward(self, grad):
        return (grad / self.inputs[0],)

    def backward_numpy(self, grad):
        return (grad / self.inputs[0]._data,)


class Log1p(Function):
    """out = ln(1 + x);  d/dx = 1 / (1 + x)."""

    def forward(self, x):
        return np.log1p(x)

    def backward(self, grad):
        return (grad / (self.inputs[0] + 1.0),)


class Expm1(SavedOutput):
    """out = e^x - 1;  d/dx = out + 1."""

    def forward(self, x):
        self.out = np.expm1(x)
        return self.out

    def backward(self, grad):
        return (grad * (self.output() + 1.0),)


class Sqrt(SavedOutput):
    """out = √x;  d/dx = 1 / (2 out)."""

    def forward(self, x):
        self.out = np.sqrt(x)
        return self.out

    def backward(self, grad):
        return (grad / (self.output() * 2.0),)


class Abs(Function):
    """out = |x|;  d/dx = sign(x) (0 at 0, as in PyTorch)."""

    def forward(self, x):
        return np.abs(x)

    def backward(self, grad):
        return (grad * sign(self.inputs[0]),)


class Sin(Function):
    """out = sin x;  d/dx = cos x."""

    def forward(self, x):
        return np.sin(x)

    def backward(self, grad):
        return (grad * cos(self.inputs[0]),)


class Cos(Function):
    """out = cos x;  d/dx = -sin x."""

    def forward(self, x):
        return np.cos(x)

    def backward(self, grad):
        return (-grad * sin(self.inputs[0]),)


class Erf(Function):
    """out = erf x = 2/√π ∫₀ˣ e^(-t²) dt;  d/dx = 2/√π e^(-x²)."""

    def forward(self, x):
        return erf_array(x)

    def backward(self, grad):
        x = self.inputs[0]
        return (grad * exp(-(x * x)) * (2.0 / math.sqrt(math.pi)),)


class ZeroGrad(Function):
    """A piecewise-constant op (sign, floor, round...): its derivative is 0 almost everywhere.

    The gradient is zeros, not grad · 0, which would be NaN for an infinite grad (PyTorch
    returns zeros too)."""

    saves_inputs = False

    def forward(self, x, func):
        return func(x)

    def backward(self, grad):
        return (Tensor._wrap(np.zeros_like(grad._data)),)


class Clamp(Function):
    """out = min(max(x, lo), hi);  d/dx = 1 where lo <= x <= hi, else 0 (PyTorch's choice at
    the bounds: the gradient passes)."""

    def forward(self, x, lo, hi):
        self.mask = np.ones(x.shape, dtype=bool)
        if lo is not None:
            self.mask &= x >= lo
        if hi is not None:
            self.mask &= x <= hi
        out = x
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        if lo is not None and hi is not None:
            out = np.where(np.asarray(lo) > np.asarray(hi), hi, out)
        return out.astype(x.dtype, copy=False)

    def backward(self, grad):
        return (masked(grad, self.mask),)


class Maximum(Function):
    """out = max(a, b);  the gradient goes to the larger input, split in half on ties
    (as PyTorch does)."""

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, grad):
        a, b = self.inputs
        ties = a._data == b._data
        return _routed(grad, a._data > b._data, ties), _routed(grad, b._data > a._data, ties)


class Minimum(Function):
    """out = min(a, b);  the gradient goes to the smaller input, split in half on ties."""

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, grad):
        a, b = self.inputs
        ties = a._data == b._data
        return _routed(grad, a._data < b._data, ties), _routed(grad, b._data < a._data, ties)


def masked(grad: Tensor, keep: np.ndarray) -> Tensor:
    """``grad`` where ``keep``, exactly 0 elsewhere: selected, not multiplied by a 0/1 mask,
    so that an infinite grad (√ at 0 after a clamp or a relu) gives 0, not ∞ · 0 = NaN, as
    in PyTorch."""
    from neuronlab.ops.indexing import where

    if not STATE.enabled:
        return Tensor._wrap(masked_array(grad._data, keep))
    return where(Tensor._wrap(keep), grad, 0.0)


def masked_array(grad: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``masked`` on arrays (nothing recorded)."""
    if np.isfinite(grad).all():
        # Fast path (measured ~15x faster than np.where here): with finite values,
        # multiplying by the 0/1 mask gives the same exact zeros.
        return np.multiply(grad, keep, dtype=grad.dtype)
    return np.where(keep, grad, grad.dtype.type(0))


def _routed(grad: Tensor, wins: np.ndarray, ties: np.ndarray) -> Tensor:
    """The gradient of one input of maximum/minimum: all of it where the input wins, half
    on ties, 0 where it loses."""
    from neuronlab.ops.indexing import where

    return where(Tensor._wrap(wins), grad, masked(grad * 0.5, ties))


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


def _unary(cls, input, **params) -> Tensor:  # noqa: A002
    return cls.apply(floating(input), **params)


def exp(input) -> Tensor:  # noqa: A002
    """e^input."""
    return _unary(Exp, input)


def log(input) -> Tensor:  # noqa: A002
    """Natural logarithm."""
    return _unary(Log, input)


def log2(input) -> Tensor:  # noqa: A002
    """Base-2 logarithm."""
    return log(input) / math.log(2.0)


def log10(input) -> Tensor:  # noqa: A002
    """Base-10 logarithm."""
    return log(input) / math.log(10.0)


def log1p(input) -> Tensor:  # noqa: A002
    """ln(1 + input), accurate for small inputs."""
    return _unary(Log1p, input)


def expm1(input) -> Tensor:  # noqa: A002
    """e^input - 1, accurate for small inputs."""
    return _unary(Expm1, input)


def sqrt(input) -> Tensor:  # noqa: A002
    """Square root."""
    return _unary(Sqrt, input)


def rsqrt(input) -> Tensor:  # noqa: A002
    """1 / √input."""
    return 1.0 / sqrt(input)


def abs(input) -> Tensor:  # noqa: A001, A002
    """|input|."""
    not_bool(input, "abs")
    if input._data.dtype.kind != "f":
        return Tensor._wrap(np.abs(input._data))
    return Abs.apply(input)


absolute = abs


def sin(input) -> Tensor:  # noqa: A002
    """Sine."""
    return _unary(Sin, input)


def cos(input) -> Tensor:  # noqa: A002
    """Cosine."""
    return _unary(Cos, input)


def erf(input) -> Tensor:  # noqa: A002
    """The error function."""
    return _unary(Erf, input)


def _piecewise_constant(input, func, op: str = "") -> Tensor:  # noqa: A002
    if op:
        not_bool(input, op)
    if input._data.dtype.kind != "f":
        return Tensor._wrap(np.asarray(func(input._data)).astype(input._data.dtype))
    return ZeroGrad.apply(input, func=func)


def sign(input) -> Tensor:  # noqa: A002
    """-1, 0 or +1 by the sign of each element (the M-P neuron's sgn); zero gradient."""
    if input._data.dtype.kind == "b":
        return input.clone()
    return _piecewise_constant(input, np.sign)


sgn = sign


def heaviside(input, values) -> Tensor:  # noqa: A002
    """The step function: 0 for x < 0, 1 for x > 0, ``values`` at x = 0; zero gradient."""
    v = values._data if isinstance(values, Tensor) else values
    return _piecewise_constant(input, lambda x: np.heaviside(x, v).astype(x.dtype))


def floor(input) -> Tensor:  # noqa: A002
    """Round down; zero gradient."""
    return _piecewise_constant(input, np.floor, "floor")


def ceil(input) -> Tensor:  # noqa: A002
    """Round up; zero gradient."""
    return _piecewise_constant(input, np.ceil, "ceil")


def trunc(input) -> Tensor:  # noqa: A002
    """Round toward zero; zero gradient."""
    return _piecewise_constant(input, np.trunc, "trunc")


def round(input, *, decimals: int = 0) -> Tensor:  # noqa: A001, A002
    """Round half to even (as PyTorch does); zero gradient."""
    return _piecewise_constant(input, lambda x: np.round(x, decimals), "round")


def clamp(input, min=None, max=None, *, out=None) -> Tensor:  # noqa: A001, A002
    """Limit every element to ``[min, max]``; either bound may be ``None`` or a tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        result = input
        if min is not None:
            result = maximum(
                result, min if isinstance(min, Tensor) else Tensor._wrap(np.asarray(min, input._data.dtype))
            )
        if max is not None:
            result = minimum(
                result, max if isinstance(max, Tensor) else Tensor._wrap(np.asarray(max, input._data.dtype))
            )
        return result
    # The result dtype promotes the input with the bounds as Python scalars: clamp(int, 0.5)
    # is float32, clamp(bool, 0) int64 (PyTorch's rule).
    input = cast(input, dtypes.result_type([input._data], [b for b in (min, max) if b is not None]))
    result = Clamp.apply(input, lo=min, hi=max)
    if out is not None:
        np.copyto(out._data, result._data, casting="unsafe")
        return out
    return result


clip = clamp


def maximum(input, other) -> Tensor:  # noqa: A002
    """Elementwise maximum of two tensors."""
    a, b = binary(input, other, "maximum")
    return Maximum.apply(a, b)


def minimum(input, other) -> Tensor:  # noqa: A002
    """Elementwise minimum of two tensors."""
    a, b = binary(input, other, "minimum")
    return Minimum.apply(a, b)

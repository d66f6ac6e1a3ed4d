"""Pointwise math: exp, log, sqrt, abs, sign, trigonometry, hyperbolic functions, erf, rounding, clamp, maximum/minimum.

Integer inputs are promoted to the default float dtype first, as PyTorch does for
``exp(int_tensor)``. Ops whose derivative is cheapest from their output (exp, expm1, sqrt)
save it (``saves_output``) instead of their input.
"""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.array_or_tensor import cos as cos_of
from neuronlab.engine.array_or_tensor import cosh as cosh_of
from neuronlab.engine.array_or_tensor import data, erf_array, masked, where, zeros_like
from neuronlab.engine.array_or_tensor import exp as exp_of
from neuronlab.engine.array_or_tensor import sign as sign_of
from neuronlab.engine.array_or_tensor import sin as sin_of
from neuronlab.engine.array_or_tensor import sinh as sinh_of
from neuronlab.engine.function import Function, named
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.operands import binary, cast, floating, not_bool


class Exp(Function):
    """out = e^x;  d/dx = out."""

    grad_fn_name = "ExpBackward0"
    saves_inputs, saves_output = False, True
    formula, local_derivatives = "exp({0})", ("exp({0})",)

    def forward(self, x):
        return np.exp(x)

    def backward(self, grad, out):
        return (grad * out,)


class Log(Function):
    """out = ln x;  d/dx = 1 / x."""

    grad_fn_name = "LogBackward0"
    formula, local_derivatives = "log({0})", ("1/{0}",)

    def forward(self, x):
        return np.log(x)

    def backward(self, grad, x):
        return (grad / x,)


class Log1p(Function):
    """out = ln(1 + x);  d/dx = 1 / (1 + x)."""

    grad_fn_name = "Log1PBackward0"

    def forward(self, x):
        return np.log1p(x)

    def backward(self, grad, x):
        return (grad / (x + 1.0),)


class Expm1(Function):
    """out = e^x - 1;  d/dx = out + 1."""

    grad_fn_name = "Expm1Backward0"
    saves_inputs, saves_output = False, True

    def forward(self, x):
        return np.expm1(x)

    def backward(self, grad, out):
        return (grad * (out + 1.0),)


class Sqrt(Function):
    """out = √x;  d/dx = 1 / (2 out)."""

    grad_fn_name = "SqrtBackward0"
    saves_inputs, saves_output = False, True

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, grad, out):
        return (grad / (out * 2.0),)


class Abs(Function):
    """out = |x|;  d/dx = sign(x) (0 at 0, as in PyTorch)."""

    grad_fn_name = "AbsBackward0"

    def forward(self, x):
        return np.abs(x)

    def backward(self, grad, x):
        return (grad * sign_of(x),)


class Sin(Function):
    """out = sin x;  d/dx = cos x."""

    grad_fn_name = "SinBackward0"

    def forward(self, x):
        return np.sin(x)

    def backward(self, grad, x):
        return (grad * cos_of(x),)


class Sinh(Function):
    """out = sinh x = (e^x - e^-x) / 2;  d/dx = cosh x."""

    def forward(self, x):
        return np.sinh(x)

    def backward(self, grad, x):
        return (grad * cosh_of(x),)


class Cosh(Function):
    """out = cosh x = (e^x + e^-x) / 2;  d/dx = sinh x."""

    def forward(self, x):
        return np.cosh(x)

    def backward(self, grad, x):
        return (grad * sinh_of(x),)


class Asinh(Function):
    """out = asinh x = ln(x + √(x² + 1));  d/dx = 1 / √(x² + 1)."""

    def forward(self, x):
        return np.arcsinh(x)

    def backward(self, grad, x):
        return (grad * (x * x + 1.0) ** -0.5,)


class Acosh(Function):
    """out = acosh x = ln(x + √(x² - 1)) (NaN below 1);  d/dx = 1 / √(x² - 1)."""

    def forward(self, x):
        return np.arccosh(x)

    def backward(self, grad, x):
        return (grad * (x * x - 1.0) ** -0.5,)


class Atanh(Function):
    """out = atanh x = ½ ln((1 + x) / (1 - x)) (NaN outside [-1, 1]);  d/dx = 1 / (1 - x²)."""

    def forward(self, x):
        return np.arctanh(x)

    def backward(self, grad, x):
        return (grad / (1.0 - x * x),)


class Cos(Function):
    """out = cos x;  d/dx = -sin x."""

    grad_fn_name = "CosBackward0"

    def forward(self, x):
        return np.cos(x)

    def backward(self, grad, x):
        return (-grad * sin_of(x),)


class Erf(Function):
    """out = erf x = 2/√π ∫₀ˣ e^(-t²) dt;  d/dx = 2/√π e^(-x²)."""

    grad_fn_name = "ErfBackward0"

    def forward(self, x):
        return erf_array(x)

    def backward(self, grad, x):
        return (grad * exp_of(-(x * x)) * (2.0 / math.sqrt(math.pi)),)


class ZeroGrad(Function):
    """A piecewise-constant op (sign, floor, round...): its derivative is 0 almost everywhere.

    The gradient is zeros, not grad · 0, which would be NaN for an infinite grad (PyTorch
    returns zeros too)."""

    saves_inputs = False

    def forward(self, x, func):
        return func(x)

    def backward(self, grad):
        return (zeros_like(grad),)


# PyTorch names each piecewise-constant op's node after the op.
class Sign(ZeroGrad):
    """``sign``: zero gradient."""

    grad_fn_name = "SignBackward0"


class Floor(ZeroGrad):
    """``floor``: zero gradient."""

    grad_fn_name = "FloorBackward0"


class Ceil(ZeroGrad):
    """``ceil``: zero gradient."""

    grad_fn_name = "CeilBackward0"


class Trunc(ZeroGrad):
    """``trunc``: zero gradient."""

    grad_fn_name = "TruncBackward0"


class Round(ZeroGrad):
    """``round``: zero gradient."""

    grad_fn_name = "RoundBackward0"


class Heaviside(ZeroGrad):
    """``heaviside``: zero gradient."""

    grad_fn_name = "HeavisideBackward0"


class Clamp(Function):
    """out = min(max(x, lo), hi);  d/dx = 1 where lo <= x <= hi, else 0 (PyTorch's choice at
    the bounds: the gradient passes)."""

    grad_fn_name = "ClampBackward1"
    saves_inputs = False

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

    grad_fn_name = "MaximumBackward0"

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, grad, a, b):
        a, b = data(a), data(b)
        ties = a == b
        return _routed(grad, a > b, ties), _routed(grad, b > a, ties)


class Minimum(Function):
    """out = min(a, b);  the gradient goes to the smaller input, split in half on ties."""

    grad_fn_name = "MinimumBackward0"

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, grad, a, b):
        a, b = data(a), data(b)
        ties = a == b
        return _routed(grad, a < b, ties), _routed(grad, b < a, ties)


def _routed(grad, wins: np.ndarray, ties: np.ndarray):
    """The gradient of one input of maximum/minimum: all of it where the input wins, half
    on ties, 0 where it loses."""
    return where(wins, grad, masked(grad * 0.5, ties))


def _unary(cls, input, **params) -> Tensor:
    return cls.apply(floating(input), **params)


def exp(input) -> Tensor:
    """e^input."""
    return _unary(Exp, input)


def log(input) -> Tensor:
    """Natural logarithm."""
    return _unary(Log, input)


def log2(input) -> Tensor:
    """Base-2 logarithm."""
    return named(log(input) / math.log(2.0), "Log2Backward0")


def log10(input) -> Tensor:
    """Base-10 logarithm."""
    return named(log(input) / math.log(10.0), "Log10Backward0")


def log1p(input) -> Tensor:
    """ln(1 + input), accurate for small inputs."""
    return _unary(Log1p, input)


def expm1(input) -> Tensor:
    """e^input - 1, accurate for small inputs."""
    return _unary(Expm1, input)


def sqrt(input) -> Tensor:
    """Square root."""
    return _unary(Sqrt, input)


def rsqrt(input) -> Tensor:
    """1 / √input."""
    return named(1.0 / sqrt(input), "RsqrtBackward0")


def abs(input) -> Tensor:
    """|input|."""
    not_bool(input, "abs")
    if input._data.dtype.kind != "f":
        return Tensor._wrap(np.abs(input._data))
    return Abs.apply(input)


absolute = abs


def sin(input) -> Tensor:
    """Sine."""
    return _unary(Sin, input)


def cos(input) -> Tensor:
    """Cosine."""
    return _unary(Cos, input)


def sinh(input) -> Tensor:
    """Hyperbolic sine, (e^x - e^-x) / 2.

    Example: ``neuronlab.sinh(neuronlab.tensor([0.0, 1.0]))`` is ``tensor([0.0000, 1.1752])``.
    """
    return _unary(Sinh, input)


def cosh(input) -> Tensor:
    """Hyperbolic cosine, (e^x + e^-x) / 2."""
    return _unary(Cosh, input)


def asinh(input) -> Tensor:
    """Inverse hyperbolic sine, ln(x + √(x² + 1))."""
    return _unary(Asinh, input)


def acosh(input) -> Tensor:
    """Inverse hyperbolic cosine, ln(x + √(x² - 1)); NaN below 1."""
    return _unary(Acosh, input)


def atanh(input) -> Tensor:
    """Inverse hyperbolic tangent, ½ ln((1 + x) / (1 - x)); ±inf at ±1, NaN beyond."""
    return _unary(Atanh, input)


arcsinh, arccosh, arctanh = asinh, acosh, atanh  # PyTorch's NumPy-style names


def erf(input) -> Tensor:
    """The error function."""
    return _unary(Erf, input)


def _piecewise_constant(input, func, cls: type[ZeroGrad], op: str = "") -> Tensor:
    if op:
        not_bool(input, op)
    if input._data.dtype.kind != "f":
        return Tensor._wrap(np.asarray(func(input._data)).astype(input._data.dtype))
    return cls.apply(input, func=func)


def sign(input) -> Tensor:
    """-1, 0 or +1 by the sign of each element (the M-P neuron's sgn); zero gradient."""
    if input._data.dtype.kind == "b":
        return input.clone()
    return _piecewise_constant(input, np.sign, Sign)


sgn = sign


def heaviside(input, values) -> Tensor:
    """The step function: 0 for x < 0, 1 for x > 0, ``values`` at x = 0; zero gradient."""
    v = values._data if isinstance(values, Tensor) else values
    return _piecewise_constant(input, lambda x: np.heaviside(x, v).astype(x.dtype), Heaviside)


def floor(input) -> Tensor:
    """Round down; zero gradient."""
    return _piecewise_constant(input, np.floor, Floor, "floor")


def ceil(input) -> Tensor:
    """Round up; zero gradient."""
    return _piecewise_constant(input, np.ceil, Ceil, "ceil")


def trunc(input) -> Tensor:
    """Round toward zero; zero gradient."""
    return _piecewise_constant(input, np.trunc, Trunc, "trunc")


def round(input, *, decimals: int = 0) -> Tensor:
    """Round half to even (as PyTorch does); zero gradient."""
    return _piecewise_constant(input, lambda x: np.round(x, decimals), Round, "round")


def clamp(input, min=None, max=None, *, out=None) -> Tensor:
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
        return named(result, "ClampBackward0")
    # The result dtype promotes the input with the bounds as Python scalars: clamp(int, 0.5)
    # is float32, clamp(bool, 0) int64 (PyTorch's rule).
    input = cast(input, dtypes.result_type([input._data], [b for b in (min, max) if b is not None]))
    result = Clamp.apply(input, lo=min, hi=max)
    if out is not None:
        np.copyto(out._data, result._data, casting="unsafe")
        return out
    return result


clip = clamp


def maximum(input, other) -> Tensor:
    """Elementwise maximum of two tensors."""
    a, b = binary(input, other, "maximum")
    return Maximum.apply(a, b)


def minimum(input, other) -> Tensor:
    """Elementwise minimum of two tensors."""
    a, b = binary(input, other, "minimum")
    return Minimum.apply(a, b)

"""Activation functions: relu, sigmoid, tanh, leaky_relu, elu, gelu, softplus, softmax,
log_softmax, prelu, silu. The ``nn`` modules and ``nn.functional`` wrap these."""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine.array_or_tensor import data, erf_array, masked, minus_exp_times_sum, where
from neuronlab.engine.array_or_tensor import erf as erf_of
from neuronlab.engine.array_or_tensor import exp as exp_of
from neuronlab.engine.array_or_tensor import sum as sum_of
from neuronlab.engine.function import Function, named
from neuronlab.engine.row_reduce import exp_rows, log_softmax64
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.indexing import where as where_op
from neuronlab.ops.operands import floating, floating_only, numpy_names
from neuronlab.ops.pointwise import abs as abs_
from neuronlab.ops.pointwise import exp, log1p, minimum


class ReLU(Function):
    """out = max(x, 0);  d/dx = 1 for x > 0, else 0 (0 at x = 0, as in PyTorch)."""

    grad_fn_name = "ReluBackward0"
    saves_inputs = False
    formula, local_derivatives = "relu({0})", ("relu'({0})",)

    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, zeros_operand(x))  # NaN stays NaN, as in PyTorch

    def backward(self, grad):
        return (masked(grad, self.mask),)


_ZERO_ROWS: dict = {}


def zeros_operand(x: np.ndarray) -> np.ndarray:
    """Zeros that broadcast against ``x``, for ``np.maximum(x, zeros)``.

    Not the scalar 0: on this NumPy build ``maximum`` with a scalar operand takes twice as
    long as with an array (measured: 25 vs 14 µs at 256x256, 224 vs 125 µs at 128x6x28x28).
    Small inputs get a fresh zero array; large contiguous ones a cached zero row at least
    256 long (the trailing dims merged), so no temporary as large as ``x`` is allocated.
    """
    if x.size < 16384 or not x.flags.c_contiguous:
        return np.zeros(x.shape, x.dtype)
    n, k = 1, x.ndim
    while k > 0 and n < 256:
        k -= 1
        n *= x.shape[k]
    key = (n, x.dtype.str)
    row = _ZERO_ROWS.get(key)
    if row is None:
        row = _ZERO_ROWS[key] = np.zeros(n, x.dtype)
        row.flags.writeable = False
    return row.reshape((1,) * k + x.shape[k:])


class Hardtanh(Function):
    """out = min(max(x, lo), hi);  d/dx = 1 for lo < x < hi, else 0. At the bounds the
    gradient is 0, as in PyTorch's hardtanh and relu6 (``clamp`` passes it there)."""

    grad_fn_name = "HardtanhBackward0"
    saves_inputs = False
    formula, local_derivatives = "hardtanh({0})", ("hardtanh'({0})",)

    def forward(self, x, lo, hi):
        self.mask = (x > lo) & (x < hi)
        return np.minimum(np.maximum(x, x.dtype.type(lo)), x.dtype.type(hi))

    def backward(self, grad):
        return (masked(grad, self.mask),)


class LeakyReLU(Function):
    """out = x for x > 0, else slope·x;  d/dx = 1 or slope."""

    grad_fn_name = "LeakyReluBackward0"
    saves_inputs = False

    def forward(self, x, slope):
        self.factor = np.where(x > 0, 1.0, slope).astype(x.dtype)
        return x * self.factor

    def backward(self, grad):
        return (grad * self.factor,)


class Sigmoid(Function):
    """out = σ(x) = 1 / (1 + e^-x);  d/dx = out (1 - out).

    Computed as e^min(x, 0) / (1 + e^-|x|): 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x)
    for x < 0, so that nothing overflows, without ``np.where`` (2.5x slower at 256x256).
    """

    grad_fn_name = "SigmoidBackward0"
    saves_inputs, saves_output = False, True
    formula, local_derivatives = "sigmoid({0})", ("σ({0})(1-σ({0}))",)

    def forward(self, x):
        denominator = np.exp(-np.abs(x))
        denominator += 1
        return np.exp(np.minimum(x, zeros_operand(x))) / denominator

    def backward(self, grad, out):
        return (grad * (out * (1.0 - out)),)


class Tanh(Function):
    """out = tanh x;  d/dx = 1 - out²."""

    grad_fn_name = "TanhBackward0"
    saves_inputs, saves_output = False, True
    formula, local_derivatives = "tanh({0})", ("1-tanh²({0})",)

    def forward(self, x):
        return np.tanh(x)

    def backward(self, grad, out):
        return (grad * (1.0 - out * out),)


class ELU(Function):
    """out = x for x > 0, else α(e^x - 1);  d/dx = 1 or α e^x."""

    grad_fn_name = "EluBackward0"

    def forward(self, x, alpha):
        self.alpha = alpha
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)

    def backward(self, grad, x):
        return (grad * where(data(x) > 0, 1.0, exp_of(x) * self.alpha),)


class GELU(Function):
    """out = x Φ(x) = x/2 (1 + erf(x/√2));  d/dx = Φ(x) + x φ(x)."""

    grad_fn_name = "GeluBackward0"

    def forward(self, x):
        return (0.5 * x * (1.0 + erf_array(x / math.sqrt(2.0)))).astype(x.dtype, copy=False)

    def backward(self, grad, x):
        cdf = (erf_of(x * (1.0 / math.sqrt(2.0))) + 1.0) * 0.5
        pdf = exp_of(x * x * -0.5) * (1.0 / math.sqrt(2.0 * math.pi))
        return (grad * (cdf + x * pdf),)


class Softmax(Function):
    """out_i = e^(x_i) / Σ_j e^(x_j) along ``dim``;  grad_x = out ⊙ (grad - Σ grad ⊙ out).

    The row maximum is subtracted first so that e^x never overflows.
    """

    grad_fn_name = "SoftmaxBackward0"
    saves_inputs, saves_output = False, True

    def forward(self, x, dim):
        self.dim = dim
        # e^(x - c) and its row sums from row_reduce.exp_rows (the row maximum subtracted only
        # where it matters; NumPy's reductions along an axis cost more than the arithmetic on
        # small arrays), the division in place.
        _, e, total = exp_rows(x, dim, unshifted_ok=True)
        e /= total
        return e

    def backward(self, grad, out):
        return (out * (grad - sum_of(grad * out, self.dim, keepdim=True)),)


class LogSoftmax(Function):
    """out = x - logsumexp(x) along ``dim``;  grad_x = grad - softmax(x) Σ grad."""

    grad_fn_name = "LogSoftmaxBackward0"
    saves_inputs, saves_output = False, True

    def forward(self, x, dim):
        self.dim = dim
        # Small float32 arrays: unshifted in float64, rounded once (log_softmax64 says why).
        out = log_softmax64(x, dim)
        if out is not None:
            return out
        # Otherwise always shifted by the row maximum (exp_rows says why), which stays exact
        # in the subtraction below; the row maxima and sums as in Softmax.forward.
        shifted, _, total = exp_rows(x, dim)
        shifted -= np.log(total)  # (a new array: shifted, it is never x itself)
        return shifted

    def backward(self, grad, out):
        return (minus_exp_times_sum(grad, out, self.dim),)  # (written out on small arrays)


def relu(input, inplace: bool = False) -> Tensor:
    """max(input, 0)."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("relu(): Boolean inputs not supported for relu")
    if inplace:
        return input.relu_()
    return ReLU.apply(input)


def relu6(input, inplace: bool = False) -> Tensor:
    """min(max(input, 0), 6); the gradient is 0 at 0 and 6."""
    return hardtanh(input, 0.0, 6.0)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """input for input > 0, else negative_slope · input."""
    if inplace:
        return input._inplace(
            "leaky_relu_", LeakyReLU.apply(input._operand_for_inplace(), slope=negative_slope)
        )
    return LeakyReLU.apply(floating_only(input, "leaky_relu"), slope=negative_slope)


def sigmoid(input) -> Tensor:
    """The logistic function 1 / (1 + e^-x)."""
    return Sigmoid.apply(floating(input))


def tanh(input) -> Tensor:
    """Hyperbolic tangent; note tanh(x) = 2σ(2x) - 1."""
    return Tanh.apply(floating(input))


def elu(input, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """input for input > 0, else α(e^input - 1)."""
    if inplace:
        return input._inplace("elu_", ELU.apply(input._operand_for_inplace(), alpha=alpha))
    return ELU.apply(floating_only(input, "elu"), alpha=alpha)


def gelu(input, approximate: str = "none") -> Tensor:
    """x Φ(x), or with ``approximate='tanh'``: x/2 (1 + tanh(√(2/π) (x + 0.044715 x³)))."""
    floating_only(input, "gelu")
    if approximate == "none":
        return GELU.apply(input)
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return named(input * 0.5 * (tanh(inner) + 1.0), "GeluBackward0")
    raise ValueError(f"gelu(): approximate must be 'none' or 'tanh', got {approximate!r}")


def softplus(input, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """(1/β) ln(1 + e^(βx)); linear where βx > threshold (to stay finite)."""
    scaled = floating_only(input, "softplus") * beta
    linear = scaled > threshold
    safe = where_op(linear, 0.0, scaled)
    return named(where_op(linear, input, log1p(exp(safe)) / beta), "SoftplusBackward0")


def logsigmoid(input) -> Tensor:
    """ln σ(x) = -softplus(-x), stable for large |x|."""
    floating_only(input, "log_sigmoid")
    return named(minimum(input, 0.0) - log1p(exp(-abs_(input))), "LogSigmoidBackward0")


def silu(input) -> Tensor:
    """x σ(x) (also called swish)."""
    return named(input * sigmoid(floating_only(input, "silu")), "SiluBackward0")


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """min(max(x, min_val), max_val), with a zero gradient at the bounds (unlike ``clamp``).
    Integer tensors stay integer, with the bounds truncated to integers, as in PyTorch."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("hardtanh(): Bool inputs not supported for hardtanh")
    if input._data.dtype.kind in "iu":
        min_val, max_val = int(min_val), int(max_val)
    return Hardtanh.apply(input, lo=min_val, hi=max_val)


def prelu(input, weight) -> Tensor:
    """x for x > 0, else a·x with a learnable ``weight`` (one value, or one per channel = dim 1)."""
    if weight.numel() != 1:
        if input.ndim < 2 or input.shape[1] != weight.numel():
            raise ValueError(
                f"prelu(): weight has {weight.numel()} values but the input's channel dimension "
                f"(dim 1) has size {input.shape[1] if input.ndim > 1 else 'none'}; they must match"
            )
        weight = weight.reshape((1, -1) + (1,) * (input.ndim - 2))
    return named(where_op(input > 0, input, weight * input), "PreluKernelBackward0")


def _softmax_dim(input, dim, name: str) -> int:
    if dim is None:
        raise TypeError(f"{name}() missing required argument 'dim' (the dimension to normalize over)")
    return input._dim(dim)


def softmax(input, dim=None, dtype=None, *, axis=None) -> Tensor:
    """e^x / Σ e^x along ``dim`` (stable: the maximum is subtracted first)."""
    if axis is not None:
        dim, _ = numpy_names("softmax", dim, False, axis, None)
    x = input if dtype is None else input.to(dtype)
    d = _softmax_dim(x, dim, "softmax")
    if x._data.size == 0:  # nothing to normalize: PyTorch returns it, whatever its dtype
        return x.clone()
    return Softmax.apply(floating_only(x, "softmax"), dim=d)


def log_softmax(input, dim=None, dtype=None, *, axis=None) -> Tensor:
    """x - logsumexp(x) along ``dim``: stable log-probabilities."""
    if axis is not None:
        dim, _ = numpy_names("log_softmax", dim, False, axis, None)
    x = input if dtype is None else input.to(dtype)
    a = x._data
    if type(dim) is int and 0 <= dim < a.ndim and a.dtype.kind == "f" and a.size:  # (the common call)
        return LogSoftmax.apply(x, dim=dim)
    d = _softmax_dim(x, dim, "log_softmax")
    if x._data.size == 0:
        return x.clone()
    return LogSoftmax.apply(floating_only(x, "log_softmax"), dim=d)

"""``nn.init``: fill a weight tensor in place from a named distribution.

Every initializer works under ``no_grad`` (so it can be applied to a ``Parameter``), draws
from ``generator`` or else from the default generator that ``manual_seed`` seeds, and
returns the tensor. Fans follow PyTorch's convention for a weight used as ``x @ w.T``:
for a weight of shape ``(out, in, *kernel)``, ``fan_in = in · prod(kernel)`` and
``fan_out = out · prod(kernel)``.

Example:
    >>> w = neuronlab.empty(256, 784)
    >>> nn.init.kaiming_normal_(w, nonlinearity="relu")  # std = √2 / √784
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from neuronlab.engine import sampling
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import Generator, generator_of
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.qr import qr

__all__ = [
    "calculate_gain", "constant_", "dirac_", "eye_", "kaiming_normal_", "kaiming_uniform_",
    "normal_", "ones_", "orthogonal_", "sparse_", "trunc_normal_", "uniform_", "xavier_normal_",
    "xavier_uniform_", "zeros_",
]  # fmt: skip

_LINEAR_FNS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
               "conv_transpose3d", "sigmoid")  # fmt: skip


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table):

    ===================================  ====================================
    linear, conv*, conv_transpose*, sigmoid  1
    tanh                                 5/3
    relu                                 √2
    leaky_relu                           √(2 / (1 + negative_slope²)), slope 0.01 by default
    selu                                 3/4
    ===================================  ====================================

    Example:
        >>> nn.init.calculate_gain("leaky_relu", 0.2)
        1.386750490563073
    """
    if nonlinearity in _LINEAR_FNS:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4  # found empirically, PyTorch PR 50664
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """``(size(1) · r, size(0) · r)`` with r the receptive field, the product of dims 2 and up."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _write(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Copy ``values`` into ``tensor``'s storage without recording (cast to its dtype)."""
    with no_grad():
        return tensor.copy_(values)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with samples of U(a, b).

    Example:
        >>> nn.init.uniform_(neuronlab.empty(3, 5), -0.1, 0.1)
    """
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Fill with samples of N(mean, std²).

    Example:
        >>> nn.init.normal_(neuronlab.empty(3, 5), std=0.01)
    """
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Fill with samples of N(mean, std²) conditioned on [a, b] (the bounds are absolute
    values, not multiples of std), by rejection sampling, drawing as PyTorch 2.13 draws.

    When the mass p = Φ((b - mean)/std) - Φ((a - mean)/std) exceeds 0.3, the tensor is filled
    with ``normal_(mean, std)`` and, while any value lies outside [a, b] (rounded to the
    tensor's dtype), a whole new ``normal_`` tensor is drawn and replaces those values. Otherwise
    a tail far from the mean would loop for long: values are proposed from U(a, b) and accepted
    when log u <= -½((x - mean)/std)² - log_peak for u ~ U(0, 1), log_peak being that exponent
    at the point of [a, b] nearest the mean; each round draws a full tensor of proposals and
    one of u. Every step rounds in the tensor's dtype, as PyTorch's in-place ops do.

    Example:
        >>> nn.init.trunc_normal_(neuronlab.empty(3, 5), std=0.02, a=-0.04, b=0.04)
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)  # fmt: skip
    gen, data = generator_of(generator), tensor._data
    mass = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
    if mass > 0.3:
        values = _normal_redrawn_outside(gen, data, mean, std, a, b)
    else:
        values = _uniform_proposals(gen, data, mean, std, a, b)
    return _write(tensor, values)


def _normal_redrawn_outside(gen: Generator, data: np.ndarray, mean: float, std: float, a: float,
                            b: float) -> np.ndarray:  # fmt: skip
    """PyTorch's first branch: normal_, then torch.where(outside, fresh normal_ tensor, values)."""
    shape, dtype, contiguous = data.shape, data.dtype, data.flags.c_contiguous
    low, high = dtype.type(a), dtype.type(b)  # tensor.new_tensor(a).item()
    values = sampling.normal(gen, shape, dtype, mean, std, contiguous)
    while True:
        outside = (values < low) | (values > high)
        if not outside.any():
            return values
        values = np.where(outside, sampling.normal(gen, shape, dtype, mean, std, contiguous), values)


def _uniform_proposals(gen: Generator, data: np.ndarray, mean: float, std: float, a: float,
                       b: float) -> np.ndarray:  # fmt: skip
    """PyTorch's second branch: U(a, b) proposals accepted with probability pdf(x) / pdf(mode)."""
    shape, dtype = data.shape, data.dtype
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def log_ratio(x: np.ndarray) -> np.ndarray:
        # candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak), each rounded to dtype
        z = (x - dtype.type(mean)) / dtype.type(std)
        return z * z * dtype.type(-0.5) - dtype.type(log_peak)

    def rejected(x: np.ndarray) -> np.ndarray:  # accept_buf.uniform_().log_().gt(log_ratio)
        return _log(sampling.uniform(gen, shape, dtype)) > log_ratio(x)

    values = sampling.uniform(gen, shape, dtype, a, b)
    pending = rejected(values)
    while pending.any():
        candidates = sampling.uniform(gen, shape, dtype, a, b)
        values = np.where(pending, candidates, values)
        pending = np.where(pending, rejected(candidates), pending)
    return values


def _log(u: np.ndarray) -> np.ndarray:
    """log of uniforms in [0, 1), correctly rounded to u's dtype (log 0 = -inf). PyTorch's
    vectorized log is within 1 ulp of this (it differs in the last bit for 7.5% of the float32
    uniforms); an accept decision can only flip when a proposal's log-ratio is that one ulp."""
    with np.errstate(divide="ignore"):
        return np.log(u.astype(np.float64)).astype(u.dtype)


def _norm_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with the value ``val``."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    with no_grad():
        return tensor.zero_()


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the main diagonal of a rectangle)."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta: the convolution copies
    as many input channels as possible to the output (within each of ``groups``)."""
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tuple(tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    values = np.zeros(sizes)
    centre = tuple(s // 2 for s in sizes[2:])
    for g in range(groups):
        for d in range(min(out_per_group, sizes[1])):
            values[(g * out_per_group + d, d) + centre] = 1
    return _write(tensor, values)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot & Bengio (2010): U(-a, a) with a = gain · √(6 / (fan_in + fan_out)),
    i.e. std = gain · √(2 / (fan_in + fan_out)).

    Example:
        >>> nn.init.xavier_uniform_(neuronlab.empty(3, 5), gain=nn.init.calculate_gain("tanh"))
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std  # a uniform on [-a, a] has std a / √3
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot & Bengio (2010): N(0, std²) with std = gain · √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Generator | None = None) -> Tensor:  # fmt: skip
    """He et al. (2015): U(-bound, bound) with bound = gain · √(3 / fan), where
    gain = ``calculate_gain(nonlinearity, a)`` and fan is ``fan_in`` or ``fan_out`` (``mode``);
    i.e. std = gain / √fan.

    ``nn.Linear`` uses ``a=√5``, giving bound = 1/√fan_in.

    Example:
        >>> nn.init.kaiming_uniform_(neuronlab.empty(3, 5), nonlinearity="relu")
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Generator | None = None) -> Tensor:  # fmt: skip
    """He et al. (2015): N(0, std²) with std = gain / √fan, where
    gain = ``calculate_gain(nonlinearity, a)`` and fan is ``fan_in`` or ``fan_out`` (``mode``).

    Example:
        >>> nn.init.kaiming_normal_(neuronlab.empty(3, 5), mode="fan_out", nonlinearity="relu")
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Generator | None = None) -> Tensor:
    """Saxe et al. (2013): a (semi-)orthogonal matrix times ``gain``, trailing dims flattened.

    Q comes from the QR factorization of a standard normal (rows × cols) matrix (transposed
    when rows < cols), with each column multiplied by the sign of R's diagonal so that Q is
    uniform over orthogonal matrices (Mezzadri 2007, arXiv:math-ph/0609050). Then
    W Wᵀ = gain² I when rows <= cols, Wᵀ W = gain² I otherwise.

    Example:
        >>> w = nn.init.orthogonal_(neuronlab.empty(3, 5))
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    dtype = tensor._data.dtype
    flattened = sampling.normal(generator_of(generator), (rows, cols), dtype)  # new_empty.normal_(0, 1)
    if rows < cols:
        flattened = flattened.T
    with no_grad():
        q, r = qr(Tensor._wrap(np.ascontiguousarray(flattened)))
    # LAPACK's Householder QR as PyTorch's, but NumPy's (float64 for every input) where PyTorch
    # calls MKL in the tensor's dtype: Q agrees to rounding, not bit for bit (tests/nn/test_init_streams.py)
    q = q._data * np.sign(np.diagonal(r._data))
    if rows < cols:
        q = q.T
    return _write(tensor, q.reshape(tuple(tensor.shape)) * dtype.type(gain))


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Generator | None = None) -> Tensor:
    """Martens (2010): N(0, std²) entries, with ⌈sparsity · rows⌉ of each column set to zero."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    values = sampling.normal(generator_of(generator), (rows, cols), tensor._data.dtype, 0.0, std)
    for col in range(cols):  # PyTorch draws these permutations from the default generator
        values[sampling.randperm(generator_of(None), rows)[:num_zeros], col] = 0
    return _write(tensor, values)


def _deprecated(method):
    """PyTorch's old names without the trailing underscore: the same fill, with a FutureWarning."""
    new_name = method.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.",
                      FutureWarning, stacklevel=2)  # fmt: skip
        return method(*args, **kwargs)

    deprecated_init.__doc__ = f"{old_name}(...): deprecated, use ``nn.init.{new_name}``."
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)


def default_layer_init_(weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's default initialization of ``Linear`` and ``Conv2d``: W ~ kaiming_uniform_(a=√5),
    which is U(±1/√fan_in), and b ~ U(±1/√fan_in).

    a = √5 makes the gain √(2 / (1 + 5)) = √(1/3), so the bound √3 · gain / √fan_in is
    1/√fan_in: the old Lua torch default, kept by PyTorch (pytorch/pytorch#57109).
    """
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)

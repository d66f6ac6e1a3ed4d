"""PyTorch's CPU samplers on NumPy arrays: words of a ``Generator`` turned into numbers with
the formulas of ATen (``core/TransformationHelper.h``, ``core/DistributionsHelper.h``,
``native/cpu/DistributionTemplates.h``, ``native/Sampling``/``Distributions.cpp``).

| sampler | PyTorch's formula |
|---|---|
| ``uniform`` | float32: (w₃₂ & (2²⁴-1))·2⁻²⁴, float64: (w₆₄ & (2⁵³-1))·2⁻⁵³; then u·(b-a)+a with one rounding |
| ``normal`` | ≥ 16 contiguous elements: uniforms, then Box–Muller on blocks of 16 (the last block redrawn); float32 with ``avx_mathfun``'s log/sincos. Fewer: Box–Muller in double, one pair per two values, the second cached in the generator |
| ``random_int`` | w % (high - low) + low (64-bit words when the range needs them) |
| ``randperm`` | Fisher–Yates from the front: swap i with i + w₃₂ % (n - i) |
| ``bernoulli`` | u < p (u a double uniform for a scalar p or float64 p, a float one otherwise) |
| ``exponential`` | -log(1 - u)/λ with a double uniform u |
| ``multinomial`` | one sample or without replacement: argmax/topk of p / Exp(1); with replacement: a binary search of a double uniform in the normalized cumulative sum |
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from neuronlab.engine.avx_mathfun import fma32, log_ps, sincos_ps
from neuronlab.engine.random import Generator

_MANTISSA = {np.dtype(np.float16): 11, np.dtype(np.float32): 24, np.dtype(np.float64): 53}
_TWO_PI_F32 = np.float32(2.0 * math.pi)


def fma64(a, b, c) -> np.ndarray:
    """a·b + c in float64 with (almost always) a single rounding: Dekker's exact product and
    Knuth's TwoSum, so the bounds of ``uniform_`` and ``normal_`` round as the FMA does."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    p_err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    s = p + c
    v = s - p
    s_err = (p - (s - v)) + (c - v)
    return s + (s_err + p_err)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = 134217729.0 * a  # 2²⁷ + 1
    hi = t - (t - a)
    return hi, a - hi


def _fma(a, b, c, dtype: np.dtype) -> np.ndarray:
    if dtype == np.float64:
        return fma64(a, b, c)
    return fma32(a, b, c).astype(dtype)


def _unit(gen: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """``n`` samples of U[0, 1) in ``dtype`` (uniform_real_distribution<dtype>(0, 1))."""
    digits = _MANTISSA[dtype]
    if digits == 53:
        words = gen.random64(n) & np.uint64(2**53 - 1)
        return words.astype(np.float64) * 2.0**-53
    words = gen.random32(n) & np.uint64(2**digits - 1)
    return (words.astype(np.float32) * np.float32(2.0**-digits)).astype(dtype)


def uniform(gen: Generator, shape: tuple, dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """U[low, high) in ``dtype``: ``rand`` and ``uniform_`` (every default layer init)."""
    dtype = np.dtype(dtype)
    if dtype not in _MANTISSA:
        raise RuntimeError(f"uniform_ not implemented for '{dtype}'")
    u = _unit(gen, math.prod(shape), dtype)
    if low != 0.0 or high != 1.0:
        a, b = dtype.type(low), dtype.type(high)
        u = _fma(u, b - a, a, dtype)
    return u.reshape(shape)


def _box_muller_pair(gen: Generator) -> tuple[float, float]:
    u = gen.random64(2) & np.uint64(2**53 - 1)
    u1, u2 = (float(w) * 2.0**-53 for w in u)
    r = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    return r * math.cos(theta), r * math.sin(theta)


def _normal_one_by_one(gen: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """normal_distribution<double>: pairs from Box–Muller, the second value kept for later."""
    values = np.empty(n, np.float64)
    for i in range(n):
        if gen.next_double_normal is not None:
            value, gen.next_double_normal = gen.next_double_normal, None
        else:
            value, gen.next_double_normal = _box_muller_pair(gen)
        values[i] = value
    return fma64(values, std, mean)


def _box_muller_16(u: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """normal_fill_16 on rows of 16 uniforms: the first 8 give cos, the last 8 sin."""
    u1, u2 = 1 - u[:, :8], u[:, 8:]
    if dtype == np.float32:  # the AVX2/AVX-512 kernel
        radius = np.sqrt(np.float32(-2) * log_ps(u1))
        sin, cos = sincos_ps(_TWO_PI_F32 * u2)
    else:  # the scalar kernel, with the C library's functions
        radius = np.sqrt(-2 * _libm(math.log, u1))
        theta = (2.0 * math.pi) * u2.astype(np.float64)
        cos, sin = _libm(math.cos, theta), _libm(math.sin, theta)
    return np.concatenate([radius * cos, radius * sin], axis=1).astype(dtype)


def _libm(fn, x: np.ndarray) -> np.ndarray:
    # NumPy's own SIMD log/sin/cos may differ from the C library's in the last bit
    return np.fromiter(map(fn, x.ravel().tolist()), np.float64, x.size).reshape(x.shape).astype(x.dtype)


def normal(gen: Generator, shape: tuple, dtype, mean: float = 0.0, std: float = 1.0,
           contiguous: bool = True) -> np.ndarray:  # fmt: skip
    """N(mean, std²) in ``dtype``: ``randn`` and ``normal_`` (PyTorch's ``normal_kernel``)."""
    dtype = np.dtype(dtype)
    n = math.prod(shape)
    if n < 16 or not contiguous or dtype not in _MANTISSA:
        return _normal_one_by_one(gen, n, mean, std).astype(dtype).reshape(shape)
    data = _unit(gen, n, dtype)
    blocks = n // 16
    out = np.empty(n, dtype)
    out[: blocks * 16] = _box_muller_16(data[: blocks * 16].reshape(-1, 16), dtype).ravel()
    if n % 16:  # PyTorch redraws the last 16 values and recomputes them
        out[n - 16 :] = _box_muller_16(_unit(gen, 16, dtype).reshape(1, 16), dtype).ravel()
    if mean != 0.0 or std != 1.0:
        out = _fma(out, dtype.type(std), dtype.type(mean), dtype)
    return out.reshape(shape)


# The C++ names PyTorch's bound errors print ("to - 1 is out of bounds for signed char").
_CPP_NAMES = {"int8": "signed char", "uint8": "unsigned char", "int16": "short int", "int32": "int",
              "int64": "long", "float16": "c10::Half", "float32": "float", "float64": "double", "bool": "bool"}  # fmt: skip


def _update_bounds(low: int, high: int, dtype: np.dtype) -> tuple[int, int]:
    """ATen's ``update_from``/``update_to``: for a float dtype, move ``low`` up and ``high``
    down to integers whose cast to the dtype stays inside [low, high)."""
    digits = np.finfo(dtype).nmant + 1
    with np.errstate(over="ignore"):  # beyond the dtype: left for _check_bounds to refuse
        cast = np.asarray([low + 1, high - 1], dtype=np.float64).astype(dtype)
    if not np.isfinite(cast).all():
        return low, high
    low_plus_1, high_minus_1 = int(cast[0]), int(cast[1])
    if low_plus_1 < low:
        low = low_plus_1 + (1 << (abs(low + 1).bit_length() - 1 - digits + 1))
    if high_minus_1 >= high:
        high = high_minus_1 - (1 << (abs(high - 1).bit_length() - 1 - digits + 1))
    return low, high


def _check_bounds(low: int, high_inclusive: int, dtype: np.dtype) -> None:
    """ATen's ``check_from_to_in_range``: an error outside the dtype's range and, for floats,
    a warning beyond the integers the dtype represents exactly."""
    name = _CPP_NAMES.get(dtype.name, dtype.name)
    if dtype.kind == "f":
        info = np.finfo(dtype)
        lowest, highest, digits = float(info.min), float(info.max), info.nmant + 1
    else:
        lowest, highest = (
            (0, 1) if dtype == np.bool_ else (int(np.iinfo(dtype).min), int(np.iinfo(dtype).max))
        )
    for value, what in ((low, "from"), (high_inclusive, "to - 1")):
        if not lowest <= value <= highest:
            raise RuntimeError(f"{what} is out of bounds for {name}")
    if dtype.kind == "f":
        for value, what in ((low, "from"), (high_inclusive, "to - 1")):
            if not -(1 << digits) <= value <= 1 << digits:
                warnings.warn(
                    f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations {name} "
                    "can support discrete uniform distribution only within this range.",
                    UserWarning,
                    stacklevel=4,
                )


def random_int(gen: Generator, shape: tuple, low: int, high: int, dtype) -> np.ndarray:
    """Integers in [low, high) as PyTorch's ``random_from_to`` draws them: ``randint`` and
    ``random_(from, to)`` (float dtypes move the bounds to values they can hold; bounds
    outside the dtype are refused)."""
    dtype = np.dtype(dtype)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.kind == "f":
        low, high = _update_bounds(low, high, dtype)
        if low >= high:
            raise RuntimeError(
                "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got "
                f"from={low} >= to={high}"
            )
    _check_bounds(low, high - 1, dtype)
    n, span = math.prod(shape), high - low
    wide = span >= 2**28  # ATen (public wheels): 64-bit words from a range of 2^28 ("approx 5% skew")
    words = gen.random64(n) if wide else gen.random32(n)
    values = (words % np.uint64(span)).astype(np.int64) + low
    return values.astype(dtype).reshape(shape)


def random_full(gen: Generator, shape: tuple, dtype) -> np.ndarray:
    """``random_()`` without bounds: [0, 2^mantissa] for floats, [0, max] for integers."""
    dtype = np.dtype(dtype)
    n = math.prod(shape)
    if dtype == np.bool_:
        return (gen.random32(n) & np.uint64(1)).astype(bool).reshape(shape)
    if dtype in _MANTISSA:
        span = 2 ** _MANTISSA[dtype] + 1
    else:
        span = int(np.iinfo(dtype).max) + 1
    words = gen.random64(n) if dtype in (np.int64, np.float64) else gen.random32(n)
    return (words % np.uint64(span)).astype(dtype).reshape(shape)


def randperm(gen: Generator, n: int) -> np.ndarray:
    """A permutation of 0..n-1 by PyTorch's CPU shuffle (``randperm_cpu``)."""
    perm = np.arange(n, dtype=np.int64)
    if n < 2:
        return perm
    steps = np.arange(n - 1)
    offsets = (gen.random32(n - 1) % (n - steps).astype(np.uint64)).astype(np.int64) + steps
    items = perm.tolist()
    for i, j in enumerate(offsets.tolist()):  # sequential by nature: each swap sees the last
        items[i], items[j] = items[j], items[i]
    return np.asarray(items, dtype=np.int64)


def bernoulli_scalar(gen: Generator, shape: tuple, p: float) -> np.ndarray:
    """True with probability ``p`` (a double uniform per element), as a bool array."""
    return (_unit(gen, math.prod(shape), np.dtype(np.float64)) < p).reshape(shape)


def bernoulli_tensor(gen: Generator, probs: np.ndarray) -> np.ndarray:
    """True with probability ``probs[i]``: a double uniform for float64 ``probs``, a float one
    otherwise, as PyTorch's ``bernoulli_tensor_cpu_kernel``."""
    dtype = np.dtype(np.float64) if probs.dtype == np.float64 else np.dtype(np.float32)
    u = _unit(gen, probs.size, dtype).reshape(probs.shape)
    return u < probs.astype(dtype)


def exponential(gen: Generator, shape: tuple, lambd: float = 1.0) -> np.ndarray:
    """Exp(λ) in float64: -log(1 - u)/λ with a double uniform u."""
    u = _unit(gen, math.prod(shape), np.dtype(np.float64))
    return (-1.0 / lambd * _libm(math.log1p, -u)).reshape(shape)


def multinomial(gen: Generator, probs: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """Category indices from the rows of ``probs`` (2-d, unnormalized), PyTorch's two ways."""
    if not replacement or num_samples == 1:
        q = exponential(gen, probs.shape).astype(probs.dtype)
        keys = probs / q
        if num_samples == 1:
            return np.argmax(keys, axis=-1)[:, None]
        return np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
    out = np.empty((probs.shape[0], num_samples), np.int64)
    for row, p in enumerate(probs):
        cumulative = np.cumsum(p)  # a running float sum, as the C loop
        cumulative = cumulative / cumulative[-1]
        cumulative[-1] = 1
        u = _unit(gen, num_samples, np.dtype(np.float64))
        out[row] = np.searchsorted(cumulative.astype(np.float64), u, side="left")
    return out

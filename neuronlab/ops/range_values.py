"""The values of ``arange``, ``linspace`` and ``logspace`` computed as PyTorch 2.13's CPU kernels
compute them, so that they match PyTorch bit for bit (issue 13: a plain ``start + i * step``
in NumPy differs in the last bit in 20-30% of float32 elements).

What PyTorch does (``aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp`` and
``RangeFactories.cpp``), and what is reproduced here:

- **arange** computes in the accumulate type (double for float32 and float64, int64 for
  integers): ``start + step * i``, which the AVX2/AVX-512 build contracts into one fused
  multiply-add, then rounds to the dtype. Its vectorized loop fills two 32-byte vectors at a
  time from a *base* ``start + step * i0`` rounded to the dtype, each element being
  ``base + k * step`` (again fused); the last ``n mod (2 * lanes)`` elements of each thread's
  chunk take the scalar formula. Chunks are split across threads (``get_num_threads()``)
  above 32768 elements.
- **linspace** computes in the dtype (double steps for integers): ``step = (end - start) /
  (steps - 1)``; the first half ``start + step * i``, the second ``end - step * (steps - 1 - i)``,
  each one fused multiply-add, then rounded (float32 rounds once, from the exact value).
- **logspace** rounds start and end to the dtype, takes a double step and computes
  ``pow(base, start + step * i)`` (first half) or ``pow(base, end - step * (steps - 1 - i))``
  in double, *not* fused (that file is compiled without FMA), with the C library's ``pow``
  (``math.pow``; NumPy's ``power`` may use its own SIMD code and differ in the last bit).

The fused multiply-add is emulated exactly in float64 (Dekker's product and Knuth's sum, with
the low part rounded to odd: Boldo and Melquiond, "Emulation of FMA and correctly rounded
sums: proved algorithms using rounding to odd", IEEE Trans. Computers 2008).

Limits: exactness holds for PyTorch's x86 builds on the AVX2/AVX-512 code path (the one
PyTorch picks on any x86 machine with AVX2), with the same thread count; the generic build
(no FMA) rounds the product first and may differ in the last bit (docs/compatibility.md).
"""

from __future__ import annotations

import math

import numpy as np

VECTOR_BYTES = 32  # the Vectorized<T> width of the arange kernel PyTorch 2.13 runs (measured)
GRAIN_SIZE = 32768  # at::internal::GRAIN_SIZE: parallel_for splits only above it
_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a float64 into two 26-bit halves


def _two_sum(a, b):
    """(s, e) with s = a + b rounded and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_product(a, b):
    """(p, e) with p = a * b rounded and p + e = a * b exactly (Dekker)."""
    p = a * b
    ca, cb = _SPLITTER * a, _SPLITTER * b
    ah, bh = ca - (ca - a), cb - (cb - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _round_to_odd(value, error):
    """``value`` = RN(x) with ``error`` = x - value exactly, rounded to odd instead: an inexact
    result becomes the neighbour of x whose last bit is 1."""
    even = (value.view(np.int64) & 1) == 0
    toward = np.where(error > 0, np.inf, -np.inf)
    return np.where((error != 0) & even, np.nextafter(value, toward), value)


def fma(a, b, c, *, to_odd: bool = False) -> np.ndarray:
    """``a * b + c`` in float64 with one rounding (to nearest, or to odd with ``to_odd``: a
    value then rounded to float32 is the correctly rounded float32 fma)."""
    a, b, c = np.broadcast_arrays(*(np.asarray(x, np.float64) for x in (a, b, c)))
    high, low = _two_product(a, b)
    total, low2 = _two_sum(c, high)
    rest, rest_error = _two_sum(low2, low)
    total, total_error = _two_sum(total, _round_to_odd(rest, rest_error))
    return _round_to_odd(total, total_error) if to_odd else total


def _chunks(n: int, threads: int) -> list[tuple[int, int]]:
    """The ranges ``at::parallel_for(0, n, GRAIN_SIZE)`` gives its threads."""
    if n <= GRAIN_SIZE or threads <= 1:
        return [(0, n)]
    used = min(threads, -(-n // GRAIN_SIZE))
    size = -(-n // used)
    return [(begin, min(n, begin + size)) for begin in range(0, n, size)]


def arange_size(start, end, step, dtype: np.dtype) -> int:
    """The number of elements, computed as PyTorch does (with int64 arithmetic on the values
    truncated to integers for an int64 result, in double otherwise)."""
    if dtype == np.int64:
        xstart, xend, xstep = int(start), int(end), int(step)
        if xstep == 0:
            raise ValueError(f"arange(): step must be nonzero (step={step} truncated to int64 is 0)")
        sign = 1 if xstep > 0 else -1
        return (xend - xstart + xstep - sign) // xstep
    return math.ceil((float(end) - float(start)) / float(step))


def arange_values(start, step, n: int, dtype: np.dtype, threads: int) -> np.ndarray:
    """``n`` values ``start + i * step`` in ``dtype``, as PyTorch's arange kernel rounds them."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iub":  # int64 accumulation: exact, after truncating start and step
        return (int(start) + int(step) * np.arange(n, dtype=np.int64)).astype(dtype)
    start, step = float(start), float(step)
    exact_up_to = 2.0 ** (np.finfo(dtype).nmant + 1)  # every integer up to it is a dtype value
    if start.is_integer() and step.is_integer() and abs(start) + abs(step) * n <= exact_up_to:
        return (start + step * np.arange(n, dtype=np.float64)).astype(dtype)  # no rounding anywhere
    out = fma(step, np.arange(n, dtype=np.float64), start).astype(dtype)  # the scalar loop
    lanes = VECTOR_BYTES // dtype.itemsize
    for begin, end in _chunks(n, threads):
        covered = (end - begin) // (2 * lanes) * (2 * lanes)  # two vectors per iteration
        if not covered:
            continue
        offset = np.arange(covered)
        base_index = begin + offset // lanes * lanes
        base = fma(step, base_index.astype(np.float64), start).astype(dtype).astype(np.float64)
        out[begin : begin + covered] = fma((offset % lanes).astype(np.float64), step, base).astype(dtype)
    return out


def linspace_values(start, end, steps: int, dtype: np.dtype) -> np.ndarray:
    """``steps`` values from ``start`` to ``end`` in ``dtype``, as PyTorch's linspace kernel."""
    dtype = np.dtype(dtype)
    if steps == 1:
        return np.array([start]).astype(dtype)
    index = np.arange(steps)
    first_half = index < steps // 2
    if dtype.kind == "f":
        lo, hi = dtype.type(start), dtype.type(end)
        if dtype == np.float16:  # c10::Half rounds every operation to half: nothing fused
            with np.errstate(over="ignore", invalid="ignore"):  # an index above 65504 is inf, as in C
                i, j = index.astype(dtype), (steps - 1 - index).astype(dtype)
                step = (hi - lo) / dtype.type(steps - 1)
                return np.where(first_half, lo + step * i, hi - step * j)
        step = np.float64((hi - lo) / dtype.type(steps - 1))  # in the dtype, as the kernel
        i = index.astype(dtype).astype(np.float64)  # the int64 -> dtype conversion of the index
        j = (steps - 1 - index).astype(dtype).astype(np.float64)
        to_odd = dtype != np.float64  # a float32 fma rounds once: to odd in double, then to float32
        up = fma(step, i, np.float64(lo), to_odd=to_odd)
        down = fma(-step, j, np.float64(hi), to_odd=to_odd)
        return np.where(first_half, up, down).astype(dtype)
    lo, hi = int(start), int(end)
    step = (float(hi) - float(lo)) / (steps - 1)
    up = fma(step, index.astype(np.float64), float(lo))
    down = fma(-step, (steps - 1 - index).astype(np.float64), float(hi))
    return np.trunc(np.where(first_half, up, down)).astype(dtype)


def _pow(base: float, exponent: float) -> float:
    """C's ``pow``: ``math.pow``, with inf and NaN where Python raises instead."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf if base > 0 or exponent % 2 == 0 else -math.inf
    except ValueError:
        return math.nan


def logspace_values(start, end, steps: int, base: float, dtype: np.dtype) -> np.ndarray:
    """``base ** linspace(start, end, steps)`` in ``dtype``, as PyTorch's logspace kernel."""
    dtype = np.dtype(dtype)
    if steps == 1:
        exponents = np.array([float(start)])
    else:
        if dtype.kind == "f":
            lo, hi = dtype.type(start), dtype.type(end)
            step = float(hi - lo) / (steps - 1)
        else:
            lo, hi = int(start), int(end)
            step = float(hi - lo) / (steps - 1)
        index = np.arange(steps, dtype=np.float64)
        exponents = np.where(
            index < steps // 2, float(lo) + step * index, float(hi) - step * (steps - 1 - index)
        )
    powers = np.array([_pow(float(base), float(e)) for e in exponents], dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # inf as in C; an integer overflow wraps as C's cast
        return (powers if dtype.kind == "f" else np.trunc(powers)).astype(dtype)

"""arange, linspace and logspace bit for bit as PyTorch 2.13 on the CPU (issue 13, section 1),
across many (start, end, step or steps, dtype): float32, float64 and integers, negative and
fractional steps, sizes on both sides of the kernel's vector blocks and of the 32768-element
grain above which PyTorch splits the work between threads."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import neuronlab
from neuronlab.ops.range_values import fma

from .fuzz_strategies import check

DTYPES = ["float32", "float64", "int64", "int32"]


@pytest.fixture(autouse=True)
def same_thread_count():
    """The values above 32768 elements depend on how many threads share the work."""
    before = neuronlab.get_num_threads()
    neuronlab.set_num_threads(torch.get_num_threads())
    yield
    neuronlab.set_num_threads(before)


def assert_bits_equal(ours, theirs, what):
    """Same dtype, shape and bit patterns (so -0.0 differs from 0.0, and NaNs compare)."""
    o, t = ours.numpy(), theirs.numpy()
    assert o.dtype == t.dtype, f"{what}: dtype {o.dtype}, PyTorch {t.dtype}"
    assert o.shape == t.shape, f"{what}: shape {o.shape}, PyTorch {t.shape}"
    bits = np.dtype(f"u{o.dtype.itemsize}")
    mismatch = np.flatnonzero(o.view(bits) != t.view(bits))
    assert not len(mismatch), (
        f"{what}: {len(mismatch)} of {len(o)} differ, first at {mismatch[0]}: {o[mismatch[0]]!r} != "
        f"{t[mismatch[0]]!r}"
    )


def arange_cases():
    rng = np.random.default_rng(13)
    cases = [(0, 1, 0.1), (0.3, 17.1, 0.37), (-5, 5, 0.013), (1, -3, -0.07), (0, 1000, 0.1), (10, 0, -3),
             (0.1, 0.9, 0.001), (-2.5, 2.5, 0.5), (0, 5, 1.5), (5.9, 0, -1), (1, 2.5, 0.5), (0, 10, 3),
             (0, 70000, 0.7), (-1e3, 1e3, 0.0123), (0, 2**20, 1), (3, 3, 1), (0, 16, 1), (0, 33, 0.5),
             (2**24 - 40, 2**24 + 4000, 3), (-(2**53), -(2**53) + 3000, 7)]  # fmt: skip
    for _ in range(40):
        start = float(rng.uniform(-100, 100))
        step = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-3, 1))
        count = int(rng.integers(0, 3000))
        cases.append((start, start + step * count, step))
    return cases


@pytest.mark.parametrize("dtype", [None, *DTYPES])
def test_arange_matches_pytorch_bit_for_bit(dtype):
    for start, end, step in arange_cases():
        args = dict(dtype=None if dtype is None else getattr(torch, dtype))
        try:
            theirs = torch.arange(start, end, step, **args)
        except (RuntimeError, ValueError) as error:  # a step truncated to 0 for int64
            with pytest.raises(type(error)):
                neuronlab.arange(start, end, step, dtype=None if dtype is None else getattr(neuronlab, dtype))
            continue
        ours = neuronlab.arange(start, end, step, dtype=None if dtype is None else getattr(neuronlab, dtype))
        assert_bits_equal(ours, theirs, f"arange({start}, {end}, {step}, dtype={dtype})")


def test_arange_forms_and_errors_match_pytorch():
    for args in [(5,), (2, 9), (0.5,), (-3, 7, 2), (0, 3, True), (1, 0), (0, 1, 0), (0, math.inf),
                 (math.nan, 1), (0, 10**10, 10**9), (-2.5, 2.5, 0.5)]:  # fmt: skip
        check(lambda m, a=args: m.arange(*a))
        check(lambda m, a=args: m.arange(*a, dtype=m.int64))


def linspace_cases():
    rng = np.random.default_rng(14)
    cases = [(0, 1, 11), (-3.7, 12.2, 100), (0.1, 0.9, 7), (5, -5, 1001), (0, 1, 70000), (2, 2, 5),
             (0, 10, 2), (3.3, 3.3, 1), (0, 1, 0), (-1, 1, 33), (1e-3, 7.3, 3333), (0, 100, 17)]  # fmt: skip
    for _ in range(40):
        cases.append(
            (float(rng.uniform(-100, 100)), float(rng.uniform(-100, 100)), int(rng.integers(0, 3000)))
        )
    return cases


@pytest.mark.parametrize("dtype", [None, *DTYPES, "float16"])
def test_linspace_matches_pytorch_bit_for_bit(dtype):
    for start, end, steps in linspace_cases():
        theirs = torch.linspace(start, end, steps, dtype=None if dtype is None else getattr(torch, dtype))
        ours = neuronlab.linspace(
            start, end, steps, dtype=None if dtype is None else getattr(neuronlab, dtype)
        )
        assert_bits_equal(ours, theirs, f"linspace({start}, {end}, {steps}, dtype={dtype})")


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64"])
def test_logspace_matches_pytorch_bit_for_bit(dtype):
    rng = np.random.default_rng(15)
    cases = [(0, 1, 11, 10.0), (-3.7, 2.2, 100, 10.0), (0.1, 0.9, 7, 2.0), (5, -5, 1001, 10.0),
             (2, 2, 5, 10.0), (0.5, 3.3, 1, 10.0), (-2, 2, 50, math.e), (0, 400, 5, 10.0), (0, 3, 0, 2.0)]  # fmt: skip
    for _ in range(30):
        cases.append((float(rng.uniform(-10, 10)), float(rng.uniform(-10, 10)), int(rng.integers(0, 2000)),
                      float(rng.choice([10.0, 2.0, 3.5]))))  # fmt: skip
    for start, end, steps, base in cases:
        theirs = torch.logspace(
            start, end, steps, base, dtype=None if dtype is None else getattr(torch, dtype)
        )
        ours = neuronlab.logspace(
            start, end, steps, base, dtype=None if dtype is None else getattr(neuronlab, dtype)
        )
        assert_bits_equal(ours, theirs, f"logspace({start}, {end}, {steps}, {base}, dtype={dtype})")


def test_the_emulated_fused_multiply_add_rounds_once():
    from fractions import Fraction

    rng = np.random.default_rng(16)
    a, c = rng.uniform(-10, 10, 3000), rng.uniform(-10, 10, 3000)
    b = np.floor(rng.uniform(0, 1e6, 3000))
    exact = [Fraction(x) * Fraction(y) + Fraction(z) for x, y, z in zip(a, b, c)]
    np.testing.assert_array_equal(fma(a, b, c), np.array([float(e) for e in exact]))
    # rounded to odd in float64, then to float32: the float32 fma (one rounding)
    single = fma(a.astype(np.float32), b, c.astype(np.float32), to_odd=True).astype(np.float32)
    exact32 = [Fraction(float(np.float32(x))) * Fraction(y) + Fraction(float(np.float32(z)))
               for x, y, z in zip(a, b, c)]  # fmt: skip
    nearest = np.array([_nearest_float32(e) for e in exact32], dtype=np.float32)
    np.testing.assert_array_equal(single, nearest)


def _nearest_float32(value) -> np.float32:
    """The float32 nearest to a Fraction (ties to even), found from its two neighbours."""
    guess = np.float32(float(value))
    below, above = np.nextafter(guess, np.float32(-np.inf)), np.nextafter(guess, np.float32(np.inf))
    candidates = sorted([below, guess, above], key=lambda f: (abs(value - type(value)(float(f))),
                                                              int(np.float32(f).view(np.int32)) & 1))  # fmt: skip
    return candidates[0]

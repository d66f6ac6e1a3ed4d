"""PyTorch's float32 ``randn`` kernel on x86, ported to NumPy: ``log256_ps`` and ``sincos256_ps``
of ``aten/src/ATen/native/cpu/avx_mathfun.h`` (Pommier's cephes-based SSE/AVX functions,
zlib license) with the fused multiply-adds the compiler makes of them.

PyTorch's AVX2 and AVX-512 builds turn 16 uniform floats into 16 normal ones with these
approximations; a product followed by an add is contracted into one FMA (one rounding), so
each ``fma32`` below stands where the compiled code has one. The choice of which pairs fuse
was checked against torch 2.13 on 2 million samples (tests/engine/test_random_streams.py).
"""

from __future__ import annotations

import numpy as np

f32 = np.float32
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
          -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)  # fmt: skip
_LOG_Q1, _LOG_Q2 = f32(-2.12194440e-4), f32(0.693359375)
_DP1, _DP2, _DP3 = f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8)
_MIN_NORM = np.array(0x00800000, np.int32).view(np.float32)
_EXPONENT = 0x7F800000


def fma32(a, b, c) -> np.ndarray:
    """a·b + c in float32 with a single rounding, like the FMA instruction.

    The product of two floats is exact in float64; the sum is rounded to odd in float64
    (the error term from TwoSum decides), and rounding that to float32 is then correct.
    """
    p = np.asarray(a, np.float64) * np.asarray(b, np.float64)
    c = np.asarray(c, np.float64)
    s = p + c
    v = s - p
    err = (p - (s - v)) + (c - v)
    s = np.asarray(s)
    even = (s.view(np.int64) & 1) == 0
    s = np.where((err != 0) & even, np.nextafter(s, s + err), s)
    return s.astype(np.float32)


def log_ps(x: np.ndarray) -> np.ndarray:
    """``log256_ps``: natural log of positive floats (cephes polynomial)."""
    x = np.maximum(np.asarray(x, np.float32), _MIN_NORM)
    bits = x.view(np.int32)
    e = (((bits >> 23) & 0x1FF) - 0x7F).astype(np.float32) + f32(1)
    x = ((bits & ~_EXPONENT) | np.array(0.5, np.float32).view(np.int32)).view(np.float32)
    small = x < f32(0.707106781186547524)  # x < √½: e -= 1, x = 2x - 1
    x = (x - f32(1)) + np.where(small, x, f32(0))
    e = e - small.astype(np.float32)
    z = x * x
    y = np.full_like(x, f32(_LOG_P[0]))
    for p in _LOG_P[1:]:
        y = fma32(y, x, f32(p))
    y = fma32(y * x, z, e * _LOG_Q1)
    y = fma32(-z, f32(0.5), y)
    return fma32(e, _LOG_Q2, x + y)


def sincos_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps``: sine and cosine of floats (cephes, reduction by π/4 in three parts)."""
    x = np.asarray(x, np.float32)
    sign_sin = np.signbit(x)
    x = np.abs(x)
    j = ((x * f32(1.27323954473516)).astype(np.int32) + 1) & ~1  # 4/π, then to the even octant
    y = j.astype(np.float32)
    sign_sin = sign_sin ^ ((j & 4) != 0)
    sign_cos = (~(j - 2) & 4) != 0
    first = (j & 2) == 0
    x = fma32(y, _DP1, x)  # x - y·π/4 in extended precision
    x = fma32(y, _DP2, x)
    x = fma32(y, _DP3, x)
    z = x * x
    cos_poly = fma32(f32(2.443315711809948e-005), z, f32(-1.388731625493765e-003))
    cos_poly = fma32(cos_poly, z, f32(4.166664568298827e-002))
    cos_poly = fma32(cos_poly * z, z, -(z * f32(0.5))) + f32(1)
    sin_poly = fma32(f32(-1.9515295891e-4), z, f32(8.3321608736e-3))
    sin_poly = fma32(sin_poly, z, f32(-1.6666654611e-1))
    sin_poly = fma32(sin_poly * z, x, x)
    sin = np.where(first, sin_poly, cos_poly)
    cos = np.where(first, cos_poly, sin_poly)
    return np.where(sign_sin, -sin, sin), np.where(sign_cos, -cos, cos)

"""The inverse error function, as ATen's ``calc_erfinv`` computes it on the CPU
(``aten/src/ATen/native/Math.h``): a rational approximation (Pavlis' port of MATLAB's erfinv)
then two Newton steps x ← x - (erf x - y) / (2/√π · e^(-x²)), in the input's dtype.

The polynomials are evaluated with fused multiply-adds, as the compiler makes of them.
PyTorch's erf and exp are the C library's ``erff``/``expf`` (``erf``/``exp`` for float64);
here they are float64 functions rounded to the dtype, so results agree with PyTorch's to a
few ulps where erfinv is well conditioned and to its conditioning (√π/2 · e^(x²) · ulp(y))
near ±1 (measured in tests/engine/test_erfinv.py).
"""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine.array_or_tensor import exp as exp_of
from neuronlab.engine.avx_mathfun import fma32
from neuronlab.engine.function import Function
from neuronlab.engine.sampling import fma64
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.operands import floating

_A = (0.886226899, -1.645349621, 0.914624893, -0.140543331)
_B = (-2.118377725, 1.442710462, -0.329097515, 0.012229801)
_C = (-1.970840454, -1.624906493, 3.429567803, 1.641345311)
_D = (3.543889200, 1.637067800)
_CENTRAL_RANGE = 0.7


class Erfinv(Function):
    """out = erfinv y, the x with erf x = y (±inf at ±1, NaN outside [-1, 1]);
    d/dy = √π/2 · e^(out²)."""

    grad_fn_name = "ErfinvBackward0"
    saves_inputs, saves_output = False, True

    def forward(self, y):
        return erfinv_array(y)

    def backward(self, grad, out):
        return (grad * exp_of(out * out) * (math.sqrt(math.pi) / 2),)


def erfinv(input: Tensor) -> Tensor:
    """The inverse error function: erfinv(erf x) = x on (-1, 1), ±inf at ±1, NaN outside.

    Example:
        >>> neuronlab.erfinv(neuronlab.tensor([0.0, 0.5, -1.0]))
        tensor([ 0.0000,  0.4769,    -inf])
    """
    return Erfinv.apply(floating(input))


def erfinv_array(y: np.ndarray) -> np.ndarray:
    """ATen's calc_erfinv on a float array, elementwise, in ``y``'s dtype."""
    t = y.dtype.type

    def poly(coefficients, z, last):  # ((c₃z + c₂)z + c₁)z + c₀ [·z + 1], one FMA per step
        acc = t(coefficients[-1])
        for c in reversed(coefficients[:-1]):
            acc = _fma(acc, z, t(c))
        return _fma(acc, z, t(1)) if last else acc

    y_abs = np.abs(y)
    with np.errstate(all="ignore"):
        z = y * y
        central = (y * poly(_A, z, False)) / poly(_B, z, True)
        z = np.sqrt(-_rounded(np.log, (t(1) - y_abs) / t(2)))
        tail = np.copysign(poly(_C, z, False), y) / poly(_D, z, True)
        x = np.where(y_abs <= t(_CENTRAL_RANGE), central, tail).astype(y.dtype)
        two_over_sqrt_pi = t(2) * t(1 / math.sqrt(math.pi))
        for _ in range(2):
            x = x - (_rounded(_erf64, x) - y) / (two_over_sqrt_pi * _rounded(np.exp, -x * x))
    x = np.where(y_abs == 1, np.copysign(t(np.inf), y), x)
    return np.where(y_abs > 1, t(np.nan), x).astype(y.dtype, copy=False)


def _fma(a, b, c):
    return fma32(a, b, c) if np.asarray(c).dtype == np.float32 else fma64(a, b, c).astype(np.asarray(c).dtype)


def _rounded(fn, x: np.ndarray) -> np.ndarray:
    """``fn`` in float64, rounded to x's dtype (for float32: erff/expf/logf, all but exact)."""
    return fn(np.asarray(x, np.float64)).astype(x.dtype)


def _erf64(x: np.ndarray) -> np.ndarray:
    try:
        from scipy.special import erf  # imported on first use: slow to import
    except ImportError:  # pragma: no cover - exercised only without SciPy
        return np.fromiter(map(math.erf, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)
    return erf(x)

"""``MathMethods``: ``Tensor``'s operators and math -- arithmetic, pointwise functions,
activations, comparisons, reductions, sorting and matrix products.

Each method is one call into an op module (reached through ``call_time_imports.modules``, the
one documented exception to the one-way layers), so ``x.exp()``, ``neuronlab.exp(x)`` and
``x ** 2`` all run the same code. ``Tensor`` (``tensor.py``) inherits these methods.
"""

from __future__ import annotations

from neuronlab.engine.call_time_imports import modules


class MathMethods:
    """Mixin of ``Tensor`` (empty ``__slots__``, so ``Tensor`` keeps its slots layout).
    Defining ``__eq__`` here sets this class's ``__hash__`` to ``None``; ``Tensor`` restores
    hashing by identity."""

    __slots__ = ()

    # -- operators --------------------------------------------------------------------------
    def __add__(self, other):
        return modules.arithmetic.add(self, other)

    def __radd__(self, other):
        return modules.arithmetic.add(other, self)

    def __iadd__(self, other):
        return self.add_(other)

    def __sub__(self, other):
        return modules.arithmetic.sub(self, other)

    def __rsub__(self, other):
        return modules.arithmetic.sub(other, self)

    def __isub__(self, other):
        return self.sub_(other)

    def __mul__(self, other):
        return modules.arithmetic.mul(self, other)

    def __rmul__(self, other):
        return modules.arithmetic.mul(other, self)

    def __imul__(self, other):
        return self.mul_(other)

    def __truediv__(self, other):
        return modules.arithmetic.div(self, other)

    def __rtruediv__(self, other):
        return modules.arithmetic.div(other, self)

    def __itruediv__(self, other):
        return self.div_(other)

    def __floordiv__(self, other):
        return modules.arithmetic.div(self, other, rounding_mode="floor")

    def __rfloordiv__(self, other):
        return modules.arithmetic.div(other, self, rounding_mode="floor")

    def __mod__(self, other):
        return modules.arithmetic.remainder(self, other)

    def __rmod__(self, other):
        return modules.arithmetic.remainder(other, self)

    def __pow__(self, exponent):
        return modules.arithmetic.pow(self, exponent)

    def __rpow__(self, base):
        return modules.arithmetic.pow(base, self)

    def __ipow__(self, exponent):
        return self.pow_(exponent)

    def __matmul__(self, other):
        return modules.linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return modules.linalg.matmul(other, self)

    def __neg__(self):
        return modules.arithmetic.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return modules.pointwise.abs(self)

    def __invert__(self):
        return modules.comparison.bitwise_not(self)

    # Bitwise on integers, logical on bools, as in PyTorch (issue 12).
    def __and__(self, other):
        return modules.comparison.bitwise_and(self, other)

    def __rand__(self, other):
        return modules.comparison.bitwise_and(other, self)

    def __or__(self, other):
        return modules.comparison.bitwise_or(self, other)

    def __ror__(self, other):
        return modules.comparison.bitwise_or(other, self)

    def __xor__(self, other):
        return modules.comparison.bitwise_xor(self, other)

    def __rxor__(self, other):
        return modules.comparison.bitwise_xor(other, self)

    def __eq__(self, other):  # type: ignore[override]
        return modules.comparison.eq(self, other)

    def __ne__(self, other):  # type: ignore[override]
        return modules.comparison.ne(self, other)

    def __lt__(self, other):
        return modules.comparison.lt(self, other)

    def __le__(self, other):
        return modules.comparison.le(self, other)

    def __gt__(self, other):
        return modules.comparison.gt(self, other)

    def __ge__(self, other):
        return modules.comparison.ge(self, other)

    # -- arithmetic and pointwise methods ---------------------------------------------------
    def add(self, other, *, alpha=1):
        return modules.arithmetic.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return modules.arithmetic.sub(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other):
        return modules.arithmetic.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return modules.arithmetic.div(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def floor_divide(self, other):
        return modules.arithmetic.div(self, other, rounding_mode="floor")

    def remainder(self, other):
        return modules.arithmetic.remainder(self, other)

    def pow(self, exponent):
        return modules.arithmetic.pow(self, exponent)

    def neg(self):
        return modules.arithmetic.neg(self)

    negative = neg

    def reciprocal(self):
        return modules.arithmetic.reciprocal(self)

    def square(self):
        return modules.arithmetic.pow(self, 2)

    def exp(self):
        return modules.pointwise.exp(self)

    def log(self):
        return modules.pointwise.log(self)

    def log2(self):
        return modules.pointwise.log2(self)

    def log10(self):
        return modules.pointwise.log10(self)

    def log1p(self):
        return modules.pointwise.log1p(self)

    def expm1(self):
        return modules.pointwise.expm1(self)

    def sqrt(self):
        return modules.pointwise.sqrt(self)

    def rsqrt(self):
        return modules.pointwise.rsqrt(self)

    def abs(self):
        return modules.pointwise.abs(self)

    absolute = abs

    def sign(self):
        return modules.pointwise.sign(self)

    def sin(self):
        return modules.pointwise.sin(self)

    def cos(self):
        return modules.pointwise.cos(self)

    def sinh(self):
        return modules.pointwise.sinh(self)

    def cosh(self):
        return modules.pointwise.cosh(self)

    def asinh(self):
        return modules.pointwise.asinh(self)

    def acosh(self):
        return modules.pointwise.acosh(self)

    def atanh(self):
        return modules.pointwise.atanh(self)

    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def erf(self):
        return modules.pointwise.erf(self)

    def erfinv(self):
        return modules.erfinv.erfinv(self)

    def floor(self):
        return modules.pointwise.floor(self)

    def ceil(self):
        return modules.pointwise.ceil(self)

    def round(self, decimals: int = 0):
        return modules.pointwise.round(self, decimals=decimals)

    def trunc(self):
        return modules.pointwise.trunc(self)

    def clamp(self, min=None, max=None):
        return modules.pointwise.clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min):
        return modules.pointwise.clamp(self, min, None)

    def clamp_max(self, max):
        return modules.pointwise.clamp(self, None, max)

    def maximum(self, other):
        return modules.pointwise.maximum(self, other)

    def minimum(self, other):
        return modules.pointwise.minimum(self, other)

    def lerp(self, end, weight):
        return modules.arithmetic.add(self, modules.arithmetic.mul(modules.arithmetic.sub(end, self), weight))

    # -- activations --------------------------------------------------------------------------
    def relu(self):
        return modules.activation.relu(self)

    def sigmoid(self):
        return modules.activation.sigmoid(self)

    def tanh(self):
        return modules.activation.tanh(self)

    def softmax(self, dim=None, dtype=None, *, axis=None):
        return modules.activation.softmax(self, dim, dtype=dtype, axis=axis)

    def log_softmax(self, dim=None, dtype=None, *, axis=None):
        return modules.activation.log_softmax(self, dim, dtype=dtype, axis=axis)

    # -- comparisons and tests --------------------------------------------------------------
    def eq(self, other):
        return modules.comparison.eq(self, other)

    def ne(self, other):
        return modules.comparison.ne(self, other)

    def lt(self, other):
        return modules.comparison.lt(self, other)

    def le(self, other):
        return modules.comparison.le(self, other)

    def gt(self, other):
        return modules.comparison.gt(self, other)

    def ge(self, other):
        return modules.comparison.ge(self, other)

    def equal(self, other) -> bool:
        return modules.comparison.equal(self, other)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return modules.comparison.allclose(self, other, rtol, atol, equal_nan)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return modules.comparison.isclose(self, other, rtol, atol, equal_nan)

    def isnan(self):
        return modules.comparison.isnan(self)

    def isinf(self):
        return modules.comparison.isinf(self)

    def isfinite(self):
        return modules.comparison.isfinite(self)

    def logical_not(self):
        return modules.comparison.logical_not(self)

    def logical_and(self, other):
        return modules.comparison.logical_and(self, other)

    def logical_or(self, other):
        return modules.comparison.logical_or(self, other)

    def logical_xor(self, other):
        return modules.comparison.logical_xor(self, other)

    def bitwise_and(self, other):
        return modules.comparison.bitwise_and(self, other)

    def bitwise_or(self, other):
        return modules.comparison.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return modules.comparison.bitwise_xor(self, other)

    def bitwise_not(self):
        return modules.comparison.bitwise_not(self)

    def all(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.all(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def any(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.any(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def nonzero(self, *, as_tuple=False):
        return modules.indexing.nonzero(self, as_tuple=as_tuple)

    def count_nonzero(self, dim=None, *, axis=None):
        return modules.reduction.count_nonzero(self, dim, axis=axis)

    # -- reductions -------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        return modules.reduction.sum(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)

    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        return modules.reduction.mean(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
        return modules.reduction.var(
            self, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims
        )

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
        return modules.reduction.std(
            self, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims
        )

    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        return modules.reduction.prod(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.max(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.min(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def amax(self, dim=(), keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.amax(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def amin(self, dim=(), keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.amin(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.argmax(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.argmin(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return modules.reduction.logsumexp(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return modules.reduction.norm(self, p, dim, keepdim, dtype=dtype)

    def cumsum(self, dim=None, *, dtype=None, axis=None):
        return modules.reduction.cumsum(self, dim, dtype=dtype, axis=axis)

    def sort(self, dim=-1, descending=False, stable=False, *, axis=None):
        return modules.sorting.sort(self, dim, descending, stable=stable, axis=axis)

    def argsort(self, dim=-1, descending=False, stable=False, *, axis=None):
        return modules.sorting.argsort(self, dim, descending, stable=stable, axis=axis)

    def topk(self, k, dim=-1, largest=True, sorted=True, *, axis=None):
        return modules.sorting.topk(self, k, dim, largest, sorted, axis=axis)

    # -- linear algebra -----------------------------------------------------------------------
    def matmul(self, other):
        return modules.linalg.matmul(self, other)

    def mm(self, other):
        return modules.linalg.mm(self, other)

    def bmm(self, other):
        return modules.linalg.bmm(self, other)

    def mv(self, vec):
        return modules.linalg.mv(self, vec)

    def dot(self, other):
        return modules.linalg.dot(self, other)

    def outer(self, other):
        return modules.linalg.outer(self, other)

    def cross(self, other, dim=None):
        return modules.cross.cross_old(self, other, dim)

    def det(self):
        return modules.solvers.det(self)

    def logdet(self):
        return modules.solvers.logdet(self)

    def slogdet(self):
        return modules.solvers.slogdet(self)

    def inverse(self):
        return modules.solvers.inv(self)

    def pinverse(self, rcond=1e-15):
        return modules.solvers.pinverse(self, rcond)

    def svd(self, some=True, compute_uv=True):
        return modules.decompositions.svd_old(self, some, compute_uv)

    def matrix_power(self, n):
        return modules.matrix_functions.matrix_power(self, n)

    def matrix_exp(self):
        return modules.matrix_functions.matrix_exp(self)

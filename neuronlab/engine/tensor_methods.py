"""``TensorMethods``: the operators and one-line methods of ``Tensor``, forwarding to ``neuronlab.ops``.

Each method is a direct call into an op module, so ``x.exp()``, ``neuronlab.exp(x)`` and
``x ** 2`` all run the same code. ``Tensor`` (``tensor.py``) inherits them; the core of the
class (construction, autograd attributes, conversion, in-place machinery) stays there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from neuronlab.engine.tensor_shape_methods import TensorShapeMethods

if TYPE_CHECKING:
    from neuronlab.engine.tensor import Tensor


def bind_ops() -> None:
    """Import the op modules that the methods below call, as globals of this module.

    The op modules import ``Tensor``, and ``tensor.py`` imports this module before it defines
    ``Tensor``, so these imports cannot sit at the top of this file. ``tensor.py`` calls this
    function once, at its bottom, after ``Tensor`` exists. Binding module globals (rather
    than looking the ops up on each call) keeps every method one direct call, as fast as
    when the methods lived in ``tensor.py``. It binds ``tensor_shape_methods``'s too.
    """
    global _act, _arith, _compare, _index, _linalg, _pointwise, _random, _reduce
    from neuronlab.engine import random as _random
    from neuronlab.engine import tensor_shape_methods
    from neuronlab.ops import activation as _act
    from neuronlab.ops import arithmetic as _arith
    from neuronlab.ops import comparison as _compare
    from neuronlab.ops import indexing as _index
    from neuronlab.ops import linalg as _linalg
    from neuronlab.ops import pointwise as _pointwise
    from neuronlab.ops import reduction as _reduce

    tensor_shape_methods.bind_ops()


class TensorMethods(TensorShapeMethods):
    """Mixin holding ``Tensor``'s operators and forwarding methods (only ``Tensor`` uses it).

    ``__slots__`` is empty so that ``Tensor`` keeps its own slots layout and no ``__dict__``.
    Defining ``__eq__`` here sets this class's ``__hash__`` to ``None``; ``Tensor`` restores
    hashing by identity.
    """

    __slots__ = ()

    # -- in-place ops (written through Tensor._inplace / _overwrite) -----------------------
    def zero_(self) -> Tensor:
        """Fill with zeros, in place."""
        return self._overwrite("zero_", np.zeros((), dtype=self._data.dtype))

    def fill_(self, value) -> Tensor:
        """Fill with ``value`` (a number or a 0-d tensor), in place."""
        return self._overwrite("fill_", value)

    def copy_(self, src, non_blocking: bool = False) -> Tensor:
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor."""
        return self._overwrite("copy_", src)

    def add_(self, other, *, alpha=1) -> Tensor:
        return self._inplace("add_", _arith.add(self._operand_for_inplace(), other, alpha=alpha))

    def sub_(self, other, *, alpha=1) -> Tensor:
        return self._inplace("sub_", _arith.sub(self._operand_for_inplace(), other, alpha=alpha))

    def mul_(self, other) -> Tensor:
        return self._inplace("mul_", _arith.mul(self._operand_for_inplace(), other))

    def div_(self, other, *, rounding_mode=None) -> Tensor:
        return self._inplace(
            "div_", _arith.div(self._operand_for_inplace(), other, rounding_mode=rounding_mode)
        )

    def pow_(self, exponent) -> Tensor:
        return self._inplace("pow_", _arith.pow(self._operand_for_inplace(), exponent))

    def neg_(self) -> Tensor:
        return self._inplace("neg_", _arith.neg(self._operand_for_inplace()))

    def clamp_(self, min=None, max=None) -> Tensor:  # noqa: A002
        return self._inplace("clamp_", _pointwise.clamp(self._operand_for_inplace(), min, max))

    clip_ = clamp_

    def exp_(self) -> Tensor:
        return self._inplace("exp_", _pointwise.exp(self._operand_for_inplace()))

    def sqrt_(self) -> Tensor:
        return self._inplace("sqrt_", _pointwise.sqrt(self._operand_for_inplace()))

    def abs_(self) -> Tensor:
        return self._inplace("abs_", _pointwise.abs(self._operand_for_inplace()))

    def relu_(self) -> Tensor:
        return self._inplace("relu_", _act.relu(self._operand_for_inplace()))

    def sigmoid_(self) -> Tensor:
        return self._inplace("sigmoid_", _act.sigmoid(self._operand_for_inplace()))

    def tanh_(self) -> Tensor:
        return self._inplace("tanh_", _act.tanh(self._operand_for_inplace()))

    def masked_fill_(self, mask, value) -> Tensor:
        return self._inplace("masked_fill_", _index.masked_fill(self._operand_for_inplace(), mask, value))

    def addcmul_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return self.add_(_arith.mul(tensor1, tensor2), alpha=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return self.add_(_arith.div(tensor1, tensor2), alpha=value)

    def lerp_(self, end, weight) -> Tensor:
        return self.add_(_arith.mul(_arith.sub(end, self), weight))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
        """Fill with samples of N(mean, std²), in place."""
        rng = _random.rng_of(generator)
        return self._overwrite("normal_", rng.normal(mean, std, self._data.shape))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator=None) -> Tensor:
        """Fill with samples of U(a, b), in place."""
        rng = _random.rng_of(generator)
        return self._overwrite("uniform_", rng.uniform(a, b, self._data.shape))

    def bernoulli_(self, p: float = 0.5, *, generator=None) -> Tensor:
        """Fill with 0/1 samples that are 1 with probability ``p``, in place."""
        rng = _random.rng_of(generator)
        return self._overwrite("bernoulli_", rng.random(self._data.shape) < p)

    def random_(self, from_: int = 0, to: int | None = None, *, generator=None) -> Tensor:
        rng = _random.rng_of(generator)
        if to is None:
            from_, to = 0, from_ if from_ else 2**24
        return self._overwrite("random_", rng.integers(from_, to, self._data.shape))

    def __setitem__(self, index, value) -> None:
        _index.setitem(self, index, value)

    def __getitem__(self, index) -> Tensor:
        return _index.getitem(self, index)

    # -- operators --------------------------------------------------------------------------
    def __add__(self, other):
        return _arith.add(self, other)

    def __radd__(self, other):
        return _arith.add(other, self)

    def __iadd__(self, other):
        return self.add_(other)

    def __sub__(self, other):
        return _arith.sub(self, other)

    def __rsub__(self, other):
        return _arith.sub(other, self)

    def __isub__(self, other):
        return self.sub_(other)

    def __mul__(self, other):
        return _arith.mul(self, other)

    def __rmul__(self, other):
        return _arith.mul(other, self)

    def __imul__(self, other):
        return self.mul_(other)

    def __truediv__(self, other):
        return _arith.div(self, other)

    def __rtruediv__(self, other):
        return _arith.div(other, self)

    def __itruediv__(self, other):
        return self.div_(other)

    def __floordiv__(self, other):
        return _arith.div(self, other, rounding_mode="floor")

    def __rfloordiv__(self, other):
        return _arith.div(other, self, rounding_mode="floor")

    def __mod__(self, other):
        return _arith.remainder(self, other)

    def __rmod__(self, other):
        return _arith.remainder(other, self)

    def __pow__(self, exponent):
        return _arith.pow(self, exponent)

    def __rpow__(self, base):
        return _arith.pow(base, self)

    def __ipow__(self, exponent):
        return self.pow_(exponent)

    def __matmul__(self, other):
        return _linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return _linalg.matmul(other, self)

    def __neg__(self):
        return _arith.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _pointwise.abs(self)

    def __invert__(self):
        return _compare.bitwise_not(self)

    # Bitwise on integers, logical on bools, as in PyTorch (issue 12).
    def __and__(self, other):
        return _compare.bitwise_and(self, other)

    def __rand__(self, other):
        return _compare.bitwise_and(other, self)

    def __or__(self, other):
        return _compare.bitwise_or(self, other)

    def __ror__(self, other):
        return _compare.bitwise_or(other, self)

    def __xor__(self, other):
        return _compare.bitwise_xor(self, other)

    def __rxor__(self, other):
        return _compare.bitwise_xor(other, self)

    def __eq__(self, other):  # type: ignore[override]
        return _compare.eq(self, other)

    def __ne__(self, other):  # type: ignore[override]
        return _compare.ne(self, other)

    def __lt__(self, other):
        return _compare.lt(self, other)

    def __le__(self, other):
        return _compare.le(self, other)

    def __gt__(self, other):
        return _compare.gt(self, other)

    def __ge__(self, other):
        return _compare.ge(self, other)

    # -- arithmetic and pointwise methods ---------------------------------------------------
    def add(self, other, *, alpha=1):
        return _arith.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _arith.sub(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other):
        return _arith.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return _arith.div(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def floor_divide(self, other):
        return _arith.div(self, other, rounding_mode="floor")

    def remainder(self, other):
        return _arith.remainder(self, other)

    def pow(self, exponent):
        return _arith.pow(self, exponent)

    def neg(self):
        return _arith.neg(self)

    negative = neg

    def reciprocal(self):
        return _arith.reciprocal(self)

    def square(self):
        return _arith.pow(self, 2)

    def exp(self):
        return _pointwise.exp(self)

    def log(self):
        return _pointwise.log(self)

    def log2(self):
        return _pointwise.log2(self)

    def log10(self):
        return _pointwise.log10(self)

    def log1p(self):
        return _pointwise.log1p(self)

    def expm1(self):
        return _pointwise.expm1(self)

    def sqrt(self):
        return _pointwise.sqrt(self)

    def rsqrt(self):
        return _pointwise.rsqrt(self)

    def abs(self):
        return _pointwise.abs(self)

    absolute = abs

    def sign(self):
        return _pointwise.sign(self)

    def sin(self):
        return _pointwise.sin(self)

    def cos(self):
        return _pointwise.cos(self)

    def erf(self):
        return _pointwise.erf(self)

    def floor(self):
        return _pointwise.floor(self)

    def ceil(self):
        return _pointwise.ceil(self)

    def round(self, decimals: int = 0):
        return _pointwise.round(self, decimals=decimals)

    def trunc(self):
        return _pointwise.trunc(self)

    def clamp(self, min=None, max=None):  # noqa: A002
        return _pointwise.clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        return _pointwise.clamp(self, min, None)

    def clamp_max(self, max):  # noqa: A002
        return _pointwise.clamp(self, None, max)

    def maximum(self, other):
        return _pointwise.maximum(self, other)

    def minimum(self, other):
        return _pointwise.minimum(self, other)

    def lerp(self, end, weight):
        return _arith.add(self, _arith.mul(_arith.sub(end, self), weight))

    # -- activations --------------------------------------------------------------------------
    def relu(self):
        return _act.relu(self)

    def sigmoid(self):
        return _act.sigmoid(self)

    def tanh(self):
        return _act.tanh(self)

    def softmax(self, dim: int, dtype=None):
        return _act.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim: int, dtype=None):
        return _act.log_softmax(self, dim, dtype=dtype)

    # -- comparisons and tests --------------------------------------------------------------
    def eq(self, other):
        return _compare.eq(self, other)

    def ne(self, other):
        return _compare.ne(self, other)

    def lt(self, other):
        return _compare.lt(self, other)

    def le(self, other):
        return _compare.le(self, other)

    def gt(self, other):
        return _compare.gt(self, other)

    def ge(self, other):
        return _compare.ge(self, other)

    def equal(self, other) -> bool:
        return _compare.equal(self, other)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return _compare.allclose(self, other, rtol, atol, equal_nan)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _compare.isclose(self, other, rtol, atol, equal_nan)

    def isnan(self):
        return _compare.isnan(self)

    def isinf(self):
        return _compare.isinf(self)

    def isfinite(self):
        return _compare.isfinite(self)

    def logical_not(self):
        return _compare.logical_not(self)

    def logical_and(self, other):
        return _compare.logical_and(self, other)

    def logical_or(self, other):
        return _compare.logical_or(self, other)

    def logical_xor(self, other):
        return _compare.logical_xor(self, other)

    def bitwise_and(self, other):
        return _compare.bitwise_and(self, other)

    def bitwise_or(self, other):
        return _compare.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return _compare.bitwise_xor(self, other)

    def bitwise_not(self):
        return _compare.bitwise_not(self)

    def all(self, dim=None, keepdim=False):
        return _reduce.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _reduce.any(self, dim, keepdim)

    def nonzero(self, *, as_tuple=False):
        return _index.nonzero(self, as_tuple=as_tuple)

    def count_nonzero(self, dim=None):
        return _reduce.count_nonzero(self, dim)

"""``InPlaceMethods``: writing into a tensor -- ``x.add_(y)``, ``x -= y``, ``fill_``, ``normal_``.

An in-place op computes its result with the out-of-place op (on ``_operand_for_inplace``, the
old value as a separate graph node) and writes it into this tensor's storage (``_inplace``),
bumping the version counter that lets saved values notice the change (docs/engine.md, 4).
``Tensor`` (``tensor.py``) inherits these methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from neuronlab.engine.call_time_imports import modules
from neuronlab.engine.grad_mode import STATE

if TYPE_CHECKING:
    from neuronlab.engine.tensor import Tensor


# PyTorch's can_cast for in-place results: bool -> integer -> floating, never back down.
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                 "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                 "bool": "Bool"}  # fmt: skip


class InPlaceMethods:
    """Mixin of ``Tensor`` (empty ``__slots__``, so ``Tensor`` keeps its slots layout)."""

    __slots__ = ()

    # -- in-place modification ------------------------------------------------------------
    def _check_inplace(self, op: str) -> None:
        if STATE.enabled and self._requires_grad and self.grad_fn is None:
            raise RuntimeError(
                f"a leaf Variable that requires grad is being used in an in-place operation "
                f"({op}); wrap the update in `with neuronlab.no_grad():` or use .data"
            )

    def _inplace(self, op: str, result, *, casts: bool = False) -> Tensor:
        """Write ``result`` (a Tensor or array of this shape) into this tensor's storage;
        a result of a higher dtype kind (float into int64) only for ops that cast (fill_, copy_)."""
        self._check_inplace(op)
        array = result._data if isinstance(result, InPlaceMethods) else result
        if not self._data.flags.writeable:
            raise RuntimeError(
                f"{op}: this tensor is a read-only broadcast view (from expand); "
                "call .clone() first to write into it"
            )
        if not casts and _KIND_RANK[array.dtype.kind] > _KIND_RANK[self._data.dtype.kind]:
            raise RuntimeError(
                f"{op}: result type {_SCALAR_NAMES.get(array.dtype.name, array.dtype.name)} can't be cast "
                f"to the desired output type {_SCALAR_NAMES.get(self._data.dtype.name, self._data.dtype.name)}"
                " (an in-place op keeps the tensor's dtype; use the out-of-place form)"
            )
        recorded = isinstance(result, InPlaceMethods) and result._requires_grad and STATE.enabled
        if array.shape != self._data.shape:
            try:
                array = np.broadcast_to(array, self._data.shape)
            except ValueError:
                raise RuntimeError(
                    f"{op}: output with shape {tuple(self.shape)} doesn't match the broadcast "
                    f"shape {tuple(array.shape)}"
                ) from None
        base = self._version[1]() if recorded and len(self._version) > 1 else None
        rebased = base is not None and base._data is not self._data
        if rebased:
            # A view: the base's values change too, so its history must say so (CopySlices).
            modules.indexing.rebase_view(self, base, result)
            recorded = False
        np.copyto(self._data, array, casting="unsafe")
        self._version[0] += 1
        if rebased:
            self.grad_fn.base_version = self._version[0]
        if recorded:
            self.grad_fn = result.grad_fn
            self._requires_grad = True
        return self

    def _operand_for_inplace(self) -> Tensor:
        """The value of ``self`` before an in-place op, as a separate graph node."""
        if self._requires_grad and STATE.enabled:
            node = self.grad_fn
            if node is not None and len(self._version) > 1:  # a view: is its history current?
                node = modules.indexing.current_grad_fn(self)
            return type(self)._wrap(self._data.copy(), True, node)
        return self

    def _overwrite(self, op: str, value, name: str) -> Tensor:
        """Write ``value`` (a number, array or Tensor; broadcast and cast) over this tensor.
        In a graph the old values get a zero gradient and ``value`` the new values' gradient,
        as in PyTorch (not the gradient of the old history, which no longer matters); ``name``
        is PyTorch's name for the node (``ZeroBackward0``)."""
        value = value if isinstance(value, InPlaceMethods) else type(self)._wrap(np.asarray(value))
        if STATE.enabled and (self._requires_grad or value._requires_grad):
            self._check_inplace(op)
            value = modules.cast.overwrite(self._operand_for_inplace(), value, name)
        return self._inplace(op, value, casts=True)

    # -- in-place ops (written through Tensor._inplace / _overwrite) -----------------------
    def zero_(self) -> Tensor:
        """Fill with zeros, in place."""
        return self._overwrite("zero_", np.zeros((), dtype=self._data.dtype), "ZeroBackward0")

    def fill_(self, value) -> Tensor:
        """Fill with ``value`` (a number or a 0-d tensor), in place."""
        return self._overwrite(
            "fill_", value, "FillBackward3" if isinstance(value, InPlaceMethods) else "FillBackward2"
        )

    def copy_(self, src, non_blocking: bool = False) -> Tensor:
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor."""
        return self._overwrite("copy_", src, "torch::autograd::CopyBackwards")

    def add_(self, other, *, alpha=1) -> Tensor:
        return self._inplace("add_", modules.arithmetic.add(self._operand_for_inplace(), other, alpha=alpha))

    def sub_(self, other, *, alpha=1) -> Tensor:
        return self._inplace("sub_", modules.arithmetic.sub(self._operand_for_inplace(), other, alpha=alpha))

    def mul_(self, other) -> Tensor:
        return self._inplace("mul_", modules.arithmetic.mul(self._operand_for_inplace(), other))

    def div_(self, other, *, rounding_mode=None) -> Tensor:
        return self._inplace(
            "div_", modules.arithmetic.div(self._operand_for_inplace(), other, rounding_mode=rounding_mode)
        )

    def pow_(self, exponent) -> Tensor:
        return self._inplace("pow_", modules.arithmetic.pow(self._operand_for_inplace(), exponent))

    def neg_(self) -> Tensor:
        return self._inplace("neg_", modules.arithmetic.neg(self._operand_for_inplace()))

    def clamp_(self, min=None, max=None) -> Tensor:
        return self._inplace("clamp_", modules.pointwise.clamp(self._operand_for_inplace(), min, max))

    clip_ = clamp_

    def exp_(self) -> Tensor:
        return self._inplace("exp_", modules.pointwise.exp(self._operand_for_inplace()))

    def sinh_(self) -> Tensor:
        return self._inplace("sinh_", modules.pointwise.sinh(self._operand_for_inplace()))

    def cosh_(self) -> Tensor:
        return self._inplace("cosh_", modules.pointwise.cosh(self._operand_for_inplace()))

    def asinh_(self) -> Tensor:
        return self._inplace("asinh_", modules.pointwise.asinh(self._operand_for_inplace()))

    def acosh_(self) -> Tensor:
        return self._inplace("acosh_", modules.pointwise.acosh(self._operand_for_inplace()))

    def atanh_(self) -> Tensor:
        return self._inplace("atanh_", modules.pointwise.atanh(self._operand_for_inplace()))

    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_

    def erfinv_(self) -> Tensor:
        return self._inplace("erfinv_", modules.erfinv.erfinv(self._operand_for_inplace()))

    def sqrt_(self) -> Tensor:
        return self._inplace("sqrt_", modules.pointwise.sqrt(self._operand_for_inplace()))

    def abs_(self) -> Tensor:
        return self._inplace("abs_", modules.pointwise.abs(self._operand_for_inplace()))

    def relu_(self) -> Tensor:
        return self._inplace("relu_", modules.activation.relu(self._operand_for_inplace()))

    def sigmoid_(self) -> Tensor:
        return self._inplace("sigmoid_", modules.activation.sigmoid(self._operand_for_inplace()))

    def tanh_(self) -> Tensor:
        return self._inplace("tanh_", modules.activation.tanh(self._operand_for_inplace()))

    def masked_fill_(self, mask, value) -> Tensor:
        return self._inplace(
            "masked_fill_", modules.indexing.masked_fill(self._operand_for_inplace(), mask, value)
        )

    def addcmul_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return self.add_(modules.arithmetic.mul(tensor1, tensor2), alpha=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return self.add_(modules.arithmetic.div(tensor1, tensor2), alpha=value)

    def lerp_(self, end, weight) -> Tensor:
        return self.add_(modules.arithmetic.mul(modules.arithmetic.sub(end, self), weight))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
        """Fill with samples of N(mean, std²), in place."""
        gen, data = modules.random.generator_of(generator), self._data
        contiguous = data.flags.c_contiguous
        return self._overwrite(
            "normal_",
            modules.sampling.normal(gen, data.shape, data.dtype, mean, std, contiguous),
            "NormalBackward0",
        )

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator=None) -> Tensor:
        """Fill with samples of U(a, b), in place."""
        gen, data = modules.random.generator_of(generator), self._data
        return self._overwrite(
            "uniform_", modules.sampling.uniform(gen, data.shape, data.dtype, a, b), "UniformBackward0"
        )

    def bernoulli_(self, p: float = 0.5, *, generator=None) -> Tensor:
        """Fill with 0/1 samples that are 1 with probability ``p``, in place."""
        gen = modules.random.generator_of(generator)
        if isinstance(p, InPlaceMethods):  # a tensor of probabilities
            return self._overwrite(
                "bernoulli_", modules.sampling.bernoulli_tensor(gen, p._data), "BernoulliBackward1"
            )
        return self._overwrite(
            "bernoulli_", modules.sampling.bernoulli_scalar(gen, self._data.shape, p), "BernoulliBackward2"
        )

    def random_(self, from_: int | None = None, to: int | None = None, *, generator=None) -> Tensor:
        """Fill with integers from [from_, to), [0, from_) with one bound, or PyTorch's full
        range with none ([0, 2^mantissa] for floats), in place."""
        gen, data = modules.random.generator_of(generator), self._data
        if from_ is None and to is None:
            return self._overwrite(
                "random_", modules.sampling.random_full(gen, data.shape, data.dtype), "RandomBackward2"
            )
        name = "RandomBackward1" if to is None else "RandomBackward0"  # random_(to), random_(from, to)
        if to is None:
            from_, to = 0, from_
        values = modules.sampling.random_int(gen, data.shape, int(from_), int(to), data.dtype)
        return self._overwrite("random_", values, name)

    def exponential_(self, lambd: float = 1.0, *, generator=None) -> Tensor:
        """Fill with samples of Exp(λ): -log(1 - u)/λ, in place."""
        gen = modules.random.generator_of(generator)
        return self._overwrite(
            "exponential_", modules.sampling.exponential(gen, self._data.shape, lambd), "ExponentialBackward0"
        )

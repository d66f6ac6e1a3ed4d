"""Arithmetic: add, sub, mul, div, neg, pow, remainder, reciprocal.

Each backward returns the gradient for every input at the output's (broadcast) shape; the
engine sums it back to the input's shape.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import data, log, where, zeros_like
from neuronlab.engine.function import Function
from neuronlab.engine.out_argument import write_out
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.operands import NUMBER, binary, cast, floating, not_bool


class Add(Function):
    """out = a + b;  d/da = 1, d/db = 1."""

    grad_fn_name = "AddBackward0"
    saves_inputs = False
    formula, local_derivatives = "{0} + {1}", ("1", "1")

    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    """out = a - b;  d/da = 1, d/db = -1."""

    grad_fn_name = "SubBackward0"
    saves_inputs = False
    formula, local_derivatives = "{0} - {1}", ("1", "-1")

    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        return grad, (-grad if self.needs_input_grad[1] else None)


class Rsub(Sub):
    """``number - x``: PyTorch's ``rsub`` with a scalar (``RsubBackward1``)."""

    grad_fn_name = "RsubBackward1"


class Mul(Function):
    """out = a * b;  d/da = b, d/db = a."""

    grad_fn_name = "MulBackward0"
    formula, local_derivatives = "{0} * {1}", ("{1}", "{0}")

    def forward(self, a, b):
        return a * b

    def backward(self, grad, a, b):
        return (grad * b if self.needs_input_grad[0] else None,
                grad * a if self.needs_input_grad[1] else None)  # fmt: skip


class Div(Function):
    """out = a / b;  d/da = 1/b, d/db = -a/b²."""

    grad_fn_name = "DivBackward0"
    formula, local_derivatives = "{0} / {1}", ("1/{1}", "-{0}/{1}²")

    def forward(self, a, b):
        return a / b

    def backward(self, grad, a, b):
        ga = grad / b if self.needs_input_grad[0] else None
        gb = -grad * a / (b * b) if self.needs_input_grad[1] else None
        return ga, gb


class Rdiv(Div):
    """``number / x``: PyTorch computes it as ``x.reciprocal() * number``, whose last node is
    a ``MulBackward0``."""

    grad_fn_name = "MulBackward0"


class Reciprocal(Div):
    """``x.reciprocal()``, computed as ``1 / x`` (``ReciprocalBackward0``)."""

    grad_fn_name = "ReciprocalBackward0"


class RoundedDiv(Function):
    """out = floor(a / b) (Python's ``//``) or trunc(a / b);  d/da = d/db = 0 (a step
    function: like PyTorch, the output stays in the graph with a zero gradient)."""

    saves_inputs = False

    def forward(self, a, b, rounding_mode):
        if a.dtype.kind == "f":
            return np.floor_divide(a, b) if rounding_mode == "floor" else np.trunc(a / b)
        _check_integer_divisor(a, b)
        q = np.floor_divide(a, b)
        if rounding_mode == "trunc":  # floor and trunc differ for negative, inexact quotients
            q = np.where((q < 0) & (q * b != a), q + 1, q)
        return q

    def backward(self, grad):
        zero = zeros_like(grad)  # zeros, not grad · 0 (NaN for grad = ∞)
        return zero, zero


class Neg(Function):
    """out = -a;  d/da = -1."""

    grad_fn_name = "NegBackward0"
    saves_inputs = False
    formula, local_derivatives = "-{0}", ("-1",)

    def forward(self, a):
        return -a

    def backward(self, grad):
        return (-grad,)


class PowScalar(Function):
    """out = a ** p for a number p;  d/da = p * a ** (p - 1)."""

    grad_fn_name = "PowBackward0"
    formula, local_derivatives = "{0} ** {p}", ("{p}·{0}{q}",)

    def forward(self, a, exponent):
        self.exponent = exponent
        if isinstance(exponent, int) and exponent < 0 and a.dtype.kind in "iu":
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if a.dtype.kind == "f" and exponent in (3, -2):
            # PyTorch's own kernel multiplies for these exponents, and so do we: the same bits
            # as torch.pow (checked in the op tests), and NumPy's libm pow takes 40-90 µs on a
            # 32×16 float32 array with negative numbers against 1.2 µs for a * a * a.
            return a * a * a if exponent == 3 else 1 / (a * a)
        return a**exponent

    def backward(self, grad, a):
        p = self.exponent
        if p == 0:
            return (grad * 0.0,)
        if p == 2:
            return (grad * (a * 2.0),)
        return (grad * (a ** (p - 1) * p),)


class Pow(Function):
    """out = a ** b (tensors);  d/da = b * a ** (b - 1), d/db = out * log(a) (0 where a = 0 and
    b >= 0, PyTorch's limit; where a = 0 and b < 0 it is ∞ · -∞ = -∞, as in PyTorch)."""

    grad_fn_name = "PowBackward1"

    def forward(self, a, b):
        return _integer_power(a, b) if a.dtype.kind in "iu" else np.power(a, b)

    def backward(self, grad, a, b):
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = grad * b * a ** (b - 1)
        if self.needs_input_grad[1]:
            zero = (data(a) == 0) & (data(b) >= 0)
            with np.errstate(divide="ignore"):  # log 0 = -∞ where b < 0
                safe_log = where(zero, 0.0, log(where(zero, 1.0, a)))
            gb = grad * a**b * safe_log
        return ga, gb


class Rpow(Pow):
    """``number ** x``: PyTorch's ``pow`` with a scalar base (``PowBackward2``)."""

    grad_fn_name = "PowBackward2"


class Remainder(Function):
    """out = a - floor(a / b) * b (sign of b, Python's %);  d/da = 1, d/db = -floor(a / b)."""

    grad_fn_name = "RemainderBackward0"

    def forward(self, a, b):
        if a.dtype.kind != "f":
            _check_integer_divisor(a, b)
        return np.mod(a, b)

    def backward(self, grad, a, b):
        ga = grad if self.needs_input_grad[0] else None
        gb = None
        if self.needs_input_grad[1]:
            gb = -grad * np.floor_divide(data(a), data(b))
        return ga, gb


def _check_integer_divisor(a: np.ndarray, b: np.ndarray) -> None:
    """Integer ``//`` and ``%`` by zero raise, as in PyTorch (NumPy would give 0 and warn)."""
    if not b.all() and a.size:
        raise RuntimeError("ZeroDivisionError: integer division or modulo by zero")


def _integer_power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a ** b on integers, negative exponents included: 1 for a = 1, ±1 for a = -1, else 0
    (PyTorch's integer result; NumPy refuses negative integer powers)."""
    if not (b < 0).any():
        return np.power(a, b)
    negative = np.where(a == 1, 1, np.where(a == -1, 1 - 2 * (np.abs(b) % 2), 0))  # (-1) ** b
    return np.where(b < 0, negative, np.power(a, np.maximum(b, 0))).astype(np.result_type(a, b))


def add(input, other, *, alpha=1, out=None) -> Tensor:
    """``input + alpha * other`` with broadcasting."""
    a, b = binary(input, other, "add")
    if alpha != 1:
        b = _times_alpha(b, alpha)
    return _maybe_out(Add.apply(a, b), out)


def sub(input, other, *, alpha=1, out=None) -> Tensor:
    """``input - alpha * other`` with broadcasting."""
    bools = [_is_bool(input), _is_bool(other)]
    if all(bools):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if any(bools):  # PyTorch refuses a bool operand on either side, scalar or tensor
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    a, b = binary(input, other, "sub")
    if alpha != 1:
        b = _times_alpha(b, alpha)
    return _maybe_out((Sub if isinstance(input, Tensor) else Rsub).apply(a, b), out)


def _times_alpha(b: Tensor, alpha) -> Tensor:
    """``alpha * b`` in ``b``'s dtype: alpha scales but does not take part in type promotion."""
    if b._data.dtype.kind != "f" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return cast(mul(b, alpha), b._data.dtype)


def _is_bool(value) -> bool:
    if isinstance(value, Tensor):
        return value._data.dtype.kind == "b"
    return isinstance(value, bool | np.bool_)


subtract = sub


def mul(input, other, *, out=None) -> Tensor:
    """Elementwise ``input * other`` with broadcasting."""
    a, b = binary(input, other, "mul")
    return _maybe_out(Mul.apply(a, b), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """``input / other``; ``rounding_mode`` ``'floor'`` or ``'trunc'`` rounds the quotient
    (whose gradient is zero)."""
    return _div(input, other, rounding_mode, out, Div if isinstance(input, Tensor) else Rdiv)


def _div(input, other, rounding_mode, out, op: type[Div]) -> Tensor:
    a, b = binary(input, other, "div")
    if rounding_mode is not None:
        not_bool(a, f"div(rounding_mode={rounding_mode!r})")
    if rounding_mode is None:
        a, b = floating(a), floating(b)
        return _maybe_out(op.apply(a, b), out)
    if rounding_mode not in ("floor", "trunc"):
        raise ValueError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    return _maybe_out(RoundedDiv.apply(a, b, rounding_mode=rounding_mode), out)


true_divide = divide = div


def floor_divide(input, other) -> Tensor:
    """``input // other`` (rounded down)."""
    return div(input, other, rounding_mode="floor")


def remainder(input, other) -> Tensor:
    """Python's ``%``: the result has the sign of ``other``."""
    a, b = binary(input, other, "remainder")
    return Remainder.apply(not_bool(a, "remainder"), b)


def neg(input) -> Tensor:
    """``-input``."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported.")
    return Neg.apply(input)


negative = neg


def pow(input, exponent, *, out=None) -> Tensor:
    """``input ** exponent``; either may be a number."""
    if isinstance(input, Tensor) and isinstance(exponent, NUMBER) and not isinstance(exponent, bool):
        base = input
        if base._data.dtype.kind in "iub" and isinstance(exponent, float):
            base = floating(base)
        elif base._data.dtype.kind == "b":  # bool ** int is int64 in PyTorch (int8 in NumPy)
            base = base.long()
        exponent = (
            int(exponent) if float(exponent).is_integer() and base._data.dtype.kind in "iu" else exponent
        )
        return _maybe_out(PowScalar.apply(base, exponent=exponent), out)
    if isinstance(input, Tensor) and input._data.dtype.kind == "b" and isinstance(exponent, bool | np.bool_):
        # PyTorch's one bool power: a Python bool exponent keeps the bool tensor (x ** True = x,
        # x ** False = True); any other exponent of a bool tensor is refused below.
        return _maybe_out(Tensor._wrap(np.logical_or(input._data, not exponent)), out)
    a, b = binary(input, exponent, "pow")
    return _maybe_out((Pow if isinstance(input, Tensor) else Rpow).apply(not_bool(a, "pow"), b), out)


def reciprocal(input) -> Tensor:
    """``1 / input``."""
    return _div(1.0, floating(input), None, None, Reciprocal)


def square(input) -> Tensor:
    """``input ** 2``."""
    return pow(input, 2)


def _maybe_out(result: Tensor, out: Tensor | None) -> Tensor:
    """``out=`` of the elementwise ops: any dtype the result can be cast to. Their errors name
    the op as PyTorch does (``add()``), from the recorded node when there is one."""
    if out is None:
        return result
    op = result.grad_fn.name().removesuffix("Backward0").lower() if result.grad_fn is not None else "out"
    return write_out(result, out, op, exact_dtype=False)

"""The op table: one row per op (or op variant); every op test is generated from it.

A row names the op, one callable ``fn(m, *inputs)`` that runs it with either module
(``m`` is ``neuronlab`` or ``torch``: the same PyTorch code runs on both), the input shapes
(several cases per row, broadcasting pairs and 0-d tensors included), the input domain (kept
away from the points where the op is not differentiable or not defined), and which inputs
are differentiable. Constants such as class indices, masks and weights are built inside
``fn`` with ``m`` so that each library gets its own.

Adding an op means adding a row (STYLE rule 20).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# -- input domains ---------------------------------------------------------------------------
REAL = "real"  # uniform on [-2, 2]
POSITIVE = "positive"  # uniform on [0.5, 2]: log, sqrt, fractional powers
NONZERO = "nonzero"  # ±[0.5, 2]: denominators, prod
UNIT = "unit"  # uniform on [0.1, 0.9]: probabilities
OFFGRID = "offgrid"  # in [-2, 2], at least 0.06 from every multiple of 0.25: kinks of relu/abs/clamp
DISTINCT = "distinct"  # values at least 0.2 apart: max/min/sort/topk have no ties
WITH_ZEROS = "with_zeros"  # NONZERO with about a third exact zeros: prod's special cases
TIES = "ties"  # drawn from {-1, 0.5, 1.5}: many ties, for the tie-breaking rules
INT = "int"  # int64 in [-3, 3]; never differentiable


def sample(domain: str, rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    """Random values from ``domain`` with ``shape``, as ``dtype`` (ignored for ``INT``)."""
    size = int(np.prod(shape))
    if domain == INT:
        return rng.integers(-3, 4, shape).astype(np.int64)
    if domain == REAL:
        values = rng.uniform(-2.0, 2.0, size)
    elif domain == POSITIVE:
        values = rng.uniform(0.5, 2.0, size)
    elif domain == NONZERO:
        values = rng.uniform(0.5, 2.0, size) * rng.choice([-1.0, 1.0], size)
    elif domain == UNIT:
        values = rng.uniform(0.1, 0.9, size)
    elif domain == OFFGRID:
        values = (rng.integers(-8, 8, size) + 0.5) * 0.25 + rng.uniform(-0.06, 0.06, size)
    elif domain == WITH_ZEROS:
        values = rng.uniform(0.5, 2.0, size) * rng.choice([-1.0, 0.0, 1.0], size)
    elif domain == TIES:
        values = rng.choice([-1.0, 0.5, 1.5], size)
    elif domain == DISTINCT:
        values = (rng.permutation(size) - size / 2) * 0.25 + rng.uniform(-0.02, 0.02, size)
    else:
        raise ValueError(f"unknown domain {domain!r}")
    return np.asarray(values.reshape(shape), dtype=dtype)


# -- rows ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One op of the table (see the module docstring)."""

    name: str  # "op" or "op:variant"; the part before ':' is the op counted as covered
    fn: Callable
    shapes: tuple  # one tuple of input shapes per case
    domain: tuple  # one domain per input
    grad: tuple  # per input: is it differentiable (requires_grad in the tests)?
    rtol32: float = 1e-5  # float32 tolerance of values and gradients vs torch
    gradcheck: bool = True  # compare with finite differences (False only where not differentiable)
    gradgrad: bool = False  # also check second derivatives (gradgradcheck, vs torch)


@dataclass(frozen=True)
class Case:
    """A row with one choice of input shapes: what a test is parametrized with."""

    row: Row
    shapes: tuple

    @property
    def id(self) -> str:
        shapes = ",".join("x".join(map(str, s)) or "0d" for s in self.shapes)
        return f"{self.row.name}[{shapes}]"

    @property
    def differentiable(self) -> bool:
        return any(self.row.grad)

    def arrays(self, dtype: str) -> list[np.ndarray]:
        """The inputs as NumPy arrays, the same on every run (seeded by the case id)."""
        rng = np.random.default_rng(zlib.crc32(self.id.encode()))
        return [sample(d, rng, s, dtype) for d, s in zip(self.row.domain, self.shapes)]


ROWS: list[Row] = []


def row(name, fn, *shapes, domain=REAL, grad=None, rtol32=1e-5, gradcheck=True, gradgrad=False) -> None:
    """Add a row; ``domain`` and ``grad`` may be one value for every input or one per input."""
    n = len(shapes[0])
    domains = (domain,) * n if isinstance(domain, str) else tuple(domain)
    grads = (True,) * n if grad is None else (grad,) * n if isinstance(grad, bool) else tuple(grad)
    grads = tuple(g and d != INT for g, d in zip(grads, domains))  # integers never require grad
    ROWS.append(Row(name, fn, tuple(shapes), domains, grads, rtol32, gradcheck, gradgrad))


def F(m):  # noqa: N802 - the usual name of nn.functional
    return m.nn.functional


def const(m, values, like):
    """A constant tensor with ``like``'s floating dtype."""
    return m.tensor(values, dtype=like.dtype)


# The rows read best one to a line, as a table: the formatter leaves them alone.
# fmt: off
BINARY = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((), (2, 3)), ((2, 3), ())]
UNARY = [((2, 3),), ((),)]
T234 = [((2, 3, 4),)]
T34 = [((3, 4),)]
MASK34 = [[True, False, True, True], [False, False, True, False], [True, True, False, True]]

# -- arithmetic ------------------------------------------------------------------------------
row("add", lambda m, a, b: m.add(a, b), *BINARY, gradgrad=True)
row("add:operator", lambda m, a, b: a + b, ((3, 1), (1, 4)))
row("add:alpha", lambda m, a, b: m.add(a, b, alpha=2.5), ((3, 4), (3, 1)))
row("add:scalar_right", lambda m, a: a + 1.5, *UNARY)
row("add:scalar_left", lambda m, a: 2 + a, *UNARY)
row("add:scalar_alpha", lambda m, a: m.add(a, 2, alpha=3), *UNARY)
row("add:int", lambda m, a, b: m.add(a, b), ((3, 1), (1, 4)), domain=INT)
row("add:int_float", lambda m, a, b: a + b, ((3, 1), (1, 4)), domain=(INT, REAL))
row("add:mixed_precision", lambda m, a, b: a + b.double(), ((3, 1), (1, 4)))
row("sub", lambda m, a, b: m.sub(a, b), *BINARY)
row("sub:alpha", lambda m, a, b: m.sub(a, b, alpha=0.5), ((2, 3, 4), (4,)))
row("sub:scalar_right", lambda m, a: a - 0.25, *UNARY)
row("sub:scalar_left", lambda m, a: 1.5 - a, *UNARY)
row("mul", lambda m, a, b: m.mul(a, b), *BINARY, gradgrad=True)
row("mul:scalar_left", lambda m, a: 3 * a, *UNARY)
row("mul:scalar_right", lambda m, a: a * 0.5, *UNARY)
row("mul:self", lambda m, a: a * a, *UNARY, gradgrad=True)
row("mul:int_tensor", lambda m, a: a * m.tensor([1, -2, 3, 0]), *T34)
row("div", lambda m, a, b: m.div(a, b), *BINARY, domain=(REAL, NONZERO), gradgrad=True)
row("div:scalar_left", lambda m, a: 2.0 / a, *UNARY, domain=NONZERO, gradgrad=True)
row("div:scalar_right", lambda m, a: a / 4, *UNARY)
row("div:int", lambda m, a, b: a / b, ((3, 4), (4,)), domain=INT, grad=False)
row("div:floor", lambda m, a, b: m.div(a, b, rounding_mode="floor"), ((3, 4), (4,)), domain=(OFFGRID, NONZERO))
row("div:trunc", lambda m, a: m.div(a, 0.75, rounding_mode="trunc"), *UNARY, domain=OFFGRID)
row("floor_divide:int", lambda m, a: a // 2, *T34, domain=INT)
# PyTorch has no derivative for floor_divide (its backward raises); neuronlab's is 0, as for
# div(rounding_mode="floor"). Values only.
row("floor_divide", lambda m, a: m.floor_divide(a, 0.75), *T34, domain=OFFGRID, grad=False)
row("floor_divide:operator", lambda m, a, b: a // b, ((3, 4), (4,)), domain=(OFFGRID, NONZERO), grad=False)
row("neg", lambda m, a: m.neg(a), *UNARY)
row("neg:operator", lambda m, a: -a, *UNARY)
row("reciprocal", lambda m, a: m.reciprocal(a), *UNARY, domain=NONZERO, gradgrad=True)
row("square", lambda m, a: m.square(a), *UNARY)
row("pow:2", lambda m, a: a**2, *UNARY, gradgrad=True)
row("pow:3", lambda m, a: m.pow(a, 3), *UNARY, gradgrad=True)
row("pow:0", lambda m, a: a**0, *UNARY)
row("pow:half", lambda m, a: a**0.5, *UNARY, domain=POSITIVE, gradgrad=True)
row("pow:negative", lambda m, a: a.pow(-1.5), *UNARY, domain=POSITIVE, gradgrad=True)
row("pow:negative_int", lambda m, a: a**-2, *UNARY, domain=NONZERO)
row("pow:int", lambda m, a: a**2, *T34, domain=INT)
row("pow:tensor", lambda m, a, b: m.pow(a, b), ((3, 4), (3, 4)), ((3, 1), (4,)), ((), (3,)),
    domain=(POSITIVE, REAL), gradgrad=True)
row("rpow", lambda m, a: 2.0**a, *UNARY, gradgrad=True)
row("rpow:function", lambda m, a: m.pow(2.5, a), *UNARY)
row("remainder", lambda m, a, b: m.remainder(a, b), ((3, 4), (3, 4)), ((3, 4), (4,)), domain=(REAL, POSITIVE), gradgrad=True)
row("remainder:negative_divisor", lambda m, a, b: a % b, ((3, 4), (3, 4)), domain=(REAL, NONZERO))
row("remainder:scalar", lambda m, a: a % 0.75, *UNARY)
# PyTorch has no derivative for number % tensor (neuronlab has: -floor(5 / a)); values only.
row("remainder:rmod", lambda m, a: 5.0 % a, *UNARY, domain=POSITIVE, grad=False)
row("remainder:int", lambda m, a: a % 3, *T34, domain=INT)

# -- pointwise -------------------------------------------------------------------------------
row("exp", lambda m, a: m.exp(a), *UNARY, gradgrad=True)
row("exp:int", lambda m, a: m.exp(a), *T34, domain=INT)
row("log", lambda m, a: m.log(a), *UNARY, domain=POSITIVE, gradgrad=True)
row("log2", lambda m, a: m.log2(a), *UNARY, domain=POSITIVE, gradgrad=True)
row("log10", lambda m, a: a.log10(), *UNARY, domain=POSITIVE)
row("log1p", lambda m, a: m.log1p(a), *UNARY, domain=POSITIVE, gradgrad=True)
row("expm1", lambda m, a: m.expm1(a), *UNARY, gradgrad=True)
row("sqrt", lambda m, a: m.sqrt(a), *UNARY, domain=POSITIVE, gradgrad=True)
row("rsqrt", lambda m, a: m.rsqrt(a), *UNARY, domain=POSITIVE, gradgrad=True)
row("abs", lambda m, a: m.abs(a), *UNARY, domain=OFFGRID, gradgrad=True)
row("abs:int", lambda m, a: a.abs(), *T34, domain=INT)
row("sign", lambda m, a: m.sign(a), *UNARY, domain=OFFGRID)
row("sin", lambda m, a: m.sin(a), *UNARY, gradgrad=True)
row("cos", lambda m, a: a.cos(), *UNARY, gradgrad=True)
row("erf", lambda m, a: m.erf(a), *UNARY, gradgrad=True)
row("sinh", lambda m, a: m.sinh(a), *UNARY, gradgrad=True)
row("cosh", lambda m, a: a.cosh(), *UNARY, gradgrad=True)
row("asinh", lambda m, a: m.asinh(a), *UNARY, gradgrad=True)
row("acosh", lambda m, a: m.acosh(a + 1.5), *UNARY, domain=POSITIVE, gradgrad=True)  # x > 1
row("atanh", lambda m, a: m.atanh(a), *UNARY, domain=UNIT, gradgrad=True)  # |x| < 1
row("arc_names", lambda m, a: m.arcsinh(a) + m.arccosh(a + 1.5) + m.arctanh(a), *UNARY, domain=UNIT)
row("erfinv", lambda m, a: m.erfinv(2 * a - 1), *UNARY, domain=UNIT, gradgrad=True)
row("floor", lambda m, a: m.floor(a), *UNARY, domain=OFFGRID)
row("ceil", lambda m, a: m.ceil(a), *UNARY, domain=OFFGRID)
row("round", lambda m, a: m.round(a), *UNARY, domain=OFFGRID)
row("trunc", lambda m, a: m.trunc(a), *UNARY, domain=OFFGRID)
# heaviside has no derivative in PyTorch (its backward raises), so only the values are compared.
row("heaviside", lambda m, a: m.heaviside(a, const(m, 0.5, a)), *UNARY, domain=OFFGRID, grad=False)
row("clamp:min", lambda m, a: m.clamp(a, min=-0.5), *UNARY, domain=OFFGRID)
row("clamp:max", lambda m, a: a.clamp(max=0.5), *UNARY, domain=OFFGRID)
row("clamp:both", lambda m, a: m.clamp(a, -0.5, 1.0), *UNARY, domain=OFFGRID, gradgrad=True)
row("clamp:int_float_bound", lambda m, a: m.clamp(a, min=-1.5), *T34, domain=INT)
row("clamp:tensor_min", lambda m, a, lo: m.clamp(a, min=lo), ((3, 4), (4,)), domain=OFFGRID)
row("clamp:tensor_both", lambda m, a, lo, hi: m.clamp(a * 2.0, lo, hi.abs() + 2.0), ((3, 4), (3, 1), (4,)),
    domain=OFFGRID, gradgrad=True)
row("clip", lambda m, a: m.clip(a, -1.0, 0.5), *UNARY, domain=OFFGRID)
row("clamp:min_above_max", lambda m, a: m.clamp(a, 1.0, -1.0), *UNARY, domain=OFFGRID)  # every element is max
row("maximum", lambda m, a, b: m.maximum(a, b), *BINARY, domain=OFFGRID, gradgrad=True)
row("minimum", lambda m, a, b: m.minimum(a, b), *BINARY, domain=OFFGRID, gradgrad=True)

# -- activations -----------------------------------------------------------------------------
row("relu", lambda m, a: m.relu(a), *UNARY, domain=OFFGRID, gradgrad=True)
row("relu:functional", lambda m, a: F(m).relu(a), *UNARY, domain=OFFGRID)
row("relu:method", lambda m, a: a.relu(), *UNARY, domain=OFFGRID)
row("relu6", lambda m, a: F(m).relu6(a * 4.0), *UNARY, domain=OFFGRID)
row("sigmoid", lambda m, a: m.sigmoid(a * 5.0), *UNARY, gradgrad=True)
row("tanh", lambda m, a: m.tanh(a), *UNARY, gradgrad=True)
row("leaky_relu", lambda m, a: F(m).leaky_relu(a), *UNARY, domain=OFFGRID, gradgrad=True)
row("leaky_relu:slope", lambda m, a: F(m).leaky_relu(a, 0.2), *UNARY, domain=OFFGRID)
row("elu", lambda m, a: F(m).elu(a), *UNARY, domain=OFFGRID, gradgrad=True)
row("elu:alpha", lambda m, a: F(m).elu(a, alpha=0.5), *UNARY, domain=OFFGRID, gradgrad=True)
row("gelu", lambda m, a: F(m).gelu(a), *UNARY, gradgrad=True)
row("gelu:tanh", lambda m, a: F(m).gelu(a, approximate="tanh"), *UNARY, gradgrad=True)
row("softplus", lambda m, a: F(m).softplus(a), *UNARY, gradgrad=True)
row("softplus:beta_threshold", lambda m, a: F(m).softplus(a, beta=2.0, threshold=1.0), *UNARY, domain=OFFGRID, gradgrad=True)
row("logsigmoid", lambda m, a: F(m).logsigmoid(a * 5.0), *UNARY, domain=OFFGRID, gradgrad=True)
row("silu", lambda m, a: F(m).silu(a), *UNARY, gradgrad=True)
row("hardtanh", lambda m, a: F(m).hardtanh(a), *UNARY, domain=OFFGRID, gradgrad=True)
row("hardtanh:bounds", lambda m, a: F(m).hardtanh(a, -0.5, 0.5), *UNARY, domain=OFFGRID)
row("prelu", lambda m, a, w: F(m).prelu(a, w), ((2, 3), (1,)), ((2, 3, 4), (3,)), ((2, 3), (3,)), ((4,), (1,)),
    domain=OFFGRID, gradgrad=True)
row("softsign", lambda m, a: F(m).softsign(a), *UNARY, domain=OFFGRID)
for _dim in (0, 1, -1):
    row(f"softmax:dim{_dim}", lambda m, a, d=_dim: m.softmax(a, d), *T234, gradgrad=True)
    row(f"log_softmax:dim{_dim}", lambda m, a, d=_dim: m.log_softmax(a, dim=d), *T234, gradgrad=True)
row("softmax:method", lambda m, a: a.softmax(-1), ((4,),), ((),))
row("log_softmax:method", lambda m, a: a.log_softmax(0), ((4,),), ((),))
row("softmax:functional", lambda m, a: F(m).softmax(a, dim=1), *T34)
row("softmin", lambda m, a: F(m).softmin(a, dim=1), *T34)
row("softmax:dtype", lambda m, a: m.softmax(a, 1, dtype=m.float64), *T34)
row("log_softmax:dtype", lambda m, a: F(m).log_softmax(a, -1, dtype=m.float64), *T34)

# -- reductions ------------------------------------------------------------------------------
for _kind in ("sum", "mean"):
    row(f"{_kind}:all", lambda m, a, k=_kind: getattr(m, k)(a), *T234, ((),), gradgrad=True)
    row(f"{_kind}:dim", lambda m, a, k=_kind: getattr(m, k)(a, 1), *T234)
    row(f"{_kind}:negative_dim", lambda m, a, k=_kind: getattr(a, k)(-1), *T234)
    row(f"{_kind}:tuple_keepdim", lambda m, a, k=_kind: getattr(m, k)(a, (0, 2), keepdim=True), *T234)
    row(f"{_kind}:negative_tuple", lambda m, a, k=_kind: getattr(m, k)(a, dim=(-1, -3)), *T234)
row("sum:int", lambda m, a: m.sum(a, 0), *T34, domain=INT)
row("sum:bool", lambda m, a: (a > 0).sum(), *T34, grad=False)
row("sum:dtype", lambda m, a: a.sum(dtype=m.float64), *T34)
for _kind in ("var", "std"):
    row(f"{_kind}:all", lambda m, a, k=_kind: getattr(m, k)(a), *T234, gradgrad=True)
    row(f"{_kind}:dim", lambda m, a, k=_kind: getattr(m, k)(a, 1), *T234, gradgrad=True)
    row(f"{_kind}:biased", lambda m, a, k=_kind: getattr(m, k)(a, dim=-1, unbiased=False), *T234)
    row(f"{_kind}:tuple_keepdim", lambda m, a, k=_kind: getattr(a, k)(dim=(0, 2), keepdim=True), *T234)
    row(f"{_kind}:correction0", lambda m, a, k=_kind: getattr(m, k)(a, dim=(-1,), correction=0), *T234)
    row(f"{_kind}:correction2", lambda m, a, k=_kind: getattr(m, k)(a, dim=None, correction=2), *T234)
row("var:0d", lambda m, a: m.var(a, correction=0), ((),))
# A constant slice: std and the p-norm of zeros have a zero gradient (√ alone would give NaN).
# No gradgrad row: PyTorch's second derivative there is NaN (neuronlab's is 0).
row("std:constant_slice", lambda m, a: m.std(m.cat([a, a * 0.0 + 1.5]), dim=1), ((2, 3),))
row("norm:zeros", lambda m, a: m.norm(m.cat([a, a * 0.0]), p=3, dim=1), ((2, 3),), domain=NONZERO)
row("prod:all", lambda m, a: m.prod(a), ((2, 3),), ((),), domain=NONZERO)
row("prod:dim", lambda m, a: m.prod(a, 1), *T234, domain=NONZERO)
row("prod:keepdim", lambda m, a: a.prod(-1, keepdim=True), *T234, domain=NONZERO)
# At exact zeros the first derivative is exact; the second is not (neuronlab's prod backward
# holds the gradient of a slice's non-zero elements at a constant 0 there), so no gradgrad.
row("prod:zeros", lambda m, a: m.prod(a, 1), ((4, 3),), ((5, 2),), domain=WITH_ZEROS)
row("prod:zeros_all", lambda m, a: a.prod(), ((2, 3),), domain=WITH_ZEROS)
for _kind in ("max", "min"):
    row(f"{_kind}:all", lambda m, a, k=_kind: getattr(m, k)(a), *T234, ((),), domain=DISTINCT)
    row(f"{_kind}:dim", lambda m, a, k=_kind: getattr(m, k)(a, 1), *T234, domain=DISTINCT)
    row(f"{_kind}:dim0", lambda m, a, k=_kind: getattr(m, k)(a, 0), ((5,),), ((),), domain=DISTINCT)
    row(f"{_kind}:dim_keepdim", lambda m, a, k=_kind: getattr(a, k)(dim=-1, keepdim=True), *T234, domain=DISTINCT)
    row(f"{_kind}:elementwise", lambda m, a, b, k=_kind: getattr(m, k)(a, b), ((3, 1), (1, 4)), domain=OFFGRID)
    row(f"a{_kind}:all", lambda m, a, k=_kind: getattr(m, "a" + k)(a), *T234, domain=DISTINCT)
    row(f"a{_kind}:tuple_keepdim", lambda m, a, k=_kind: getattr(m, "a" + k)(a, (0, -1), keepdim=True), *T234,
        domain=DISTINCT)
row("argmax", lambda m, a: m.argmax(a), *T234, domain=DISTINCT, grad=False)
row("argmax:dim", lambda m, a: a.argmax(dim=1, keepdim=True), *T234, domain=DISTINCT, grad=False)
row("argmin", lambda m, a: m.argmin(a), *T234, domain=DISTINCT, grad=False)
row("argmin:dim", lambda m, a: m.argmin(a, -1), *T234, domain=DISTINCT, grad=False)
# Tied extremes share the gradient evenly, as in PyTorch. The op is not differentiable there,
# so these rows are compared with PyTorch but not finite-differenced.
row("max:ties", lambda m, a: m.max(a), ((3, 4),), domain=TIES, gradcheck=False)
row("max:dim_ties", lambda m, a: m.max(a, 1), ((3, 4),), domain=TIES, gradcheck=False)  # the first index wins
row("min:dim_ties", lambda m, a: a.min(0), ((3, 4),), domain=TIES, gradcheck=False)
row("amax:ties", lambda m, a: m.amax(a, 1), ((3, 4),), domain=TIES, gradcheck=False)
row("amin:ties", lambda m, a: a.amin((0, 1)), ((3, 4),), domain=TIES, gradcheck=False)
row("maximum:ties", lambda m, a, b: m.maximum(a, b), ((3, 4), (4,)), domain=TIES, gradcheck=False)
row("minimum:ties", lambda m, a, b: m.minimum(a, b), ((3, 4), (4,)), domain=TIES, gradcheck=False)
row("logsumexp", lambda m, a: m.logsumexp(a, 1), *T234, gradgrad=True)
row("logsumexp:tuple_keepdim", lambda m, a: a.logsumexp((0, 2), keepdim=True), *T234, gradgrad=True)
row("logsumexp:negative_dim", lambda m, a: m.logsumexp(a * 30.0, dim=-1), *T234)
row("norm", lambda m, a: m.norm(a), *T234, domain=NONZERO, gradgrad=True)
row("norm:dim", lambda m, a: a.norm(dim=1), *T234, domain=NONZERO, gradgrad=True)
row("norm:p1", lambda m, a: m.norm(a, p=1, dim=-1), *T234, domain=OFFGRID, gradgrad=True)
row("norm:inf", lambda m, a: a.norm(float("inf"), dim=(0, 2)), *T234, domain=DISTINCT, gradgrad=True)
row("norm:p3", lambda m, a: m.norm(a, p=3, dim=1, keepdim=True), *T234, domain=NONZERO, gradgrad=True)
row("norm:fro_tuple", lambda m, a: m.norm(a, "fro", dim=(0, 1)), *T234, domain=NONZERO)
row("cumsum", lambda m, a: m.cumsum(a, 1), *T234, gradgrad=True)
row("cumsum:negative_dim", lambda m, a: a.cumsum(-1), ((5,),), ((),))
row("cumsum:int", lambda m, a: m.cumsum(a, 0), *T34, domain=INT)
row("all", lambda m, a: m.all(a > -1.0), *T34, grad=False)
row("any:dim", lambda m, a: (a > 1.0).any(1), *T34, grad=False)
row("count_nonzero", lambda m, a: m.count_nonzero(a > 0), *T34, grad=False)

# -- shape -----------------------------------------------------------------------------------
row("reshape", lambda m, a: a.reshape(6, 4), *T234)
row("reshape:infer", lambda m, a: m.reshape(a, (-1,)), *T234, ((),))
row("view", lambda m, a: a.view(4, -1), *T234)
row("view:size", lambda m, a: a.view(a.size()), *T234)
row("flatten", lambda m, a: m.flatten(a), *T234, ((),))
row("flatten:start", lambda m, a: a.flatten(1), *T234)
row("unflatten", lambda m, a: a.unflatten(-1, (2, 2)), *T234)
row("unflatten:function", lambda m, a: m.unflatten(a, 1, (3, 1)), *T234)
row("squeeze", lambda m, a: m.squeeze(a), ((2, 1, 3, 1),))
row("squeeze:dim", lambda m, a: a.squeeze(1), ((2, 1, 3, 1),))
row("squeeze:tuple", lambda m, a: a.squeeze((1, -1)), ((2, 1, 3, 1),))
row("unsqueeze", lambda m, a: m.unsqueeze(a, 0), *T234, ((),))
row("unsqueeze:negative", lambda m, a: a.unsqueeze(-1), *T234)
row("permute", lambda m, a: m.permute(a, (2, 0, 1)), *T234, gradgrad=True)
row("permute:method", lambda m, a: a.permute(-1, 0, 1), *T234)
row("transpose", lambda m, a: m.transpose(a, 0, 2), *T234, gradgrad=True)
row("transpose:negative", lambda m, a: a.transpose(-1, -2), *T234)
row("swapaxes", lambda m, a: m.swapaxes(a, 0, 1), *T234)
row("t", lambda m, a: m.t(a), ((3, 4),), ((3,),))
row("T", lambda m, a: a.T, ((3, 4),))  # .T of other than 2 dims is deprecated in PyTorch
row("mT", lambda m, a: a.mT, *T234)
row("expand", lambda m, a: a.expand(2, 3, 4), ((3, 1),), ((),))
row("expand:keep", lambda m, a: a.expand(-1, 4), ((3, 1),))
row("expand:new_dims_keep", lambda m, a: a.expand(2, -1, 4), ((3, 1),), gradgrad=True)
row("expand_as", lambda m, a, b: a.expand_as(b), ((3, 1), (2, 3, 4)), grad=(True, False))
row("broadcast_to", lambda m, a: m.broadcast_to(a, (2, 3, 4)), ((4,),))
row("repeat", lambda m, a: a.repeat(2, 1, 2), ((2, 3),), gradgrad=True)
row("repeat:same_rank", lambda m, a: a.repeat(1, 3), ((2, 3),))
row("flip", lambda m, a: m.flip(a, [0, 2]), *T234, gradgrad=True)
row("flip:method", lambda m, a: a.flip(-1), *T234)
row("to:float64", lambda m, a: a.to(m.float64) * 2.0, *T34, gradgrad=True)
# A float32 output cannot resolve finite differences of 1e-6: compared with PyTorch only.
row("to:float32", lambda m, a: a.float() * 2.0, *T34, gradcheck=False)
row("double", lambda m, a: a.double(), *T34)
row("clone", lambda m, a: m.clone(a), *T34)
row("contiguous", lambda m, a: a.mT.contiguous(), *T234)

# -- indexing --------------------------------------------------------------------------------
# Negative slice steps (x[::-1]) are not supported by PyTorch, so no row has them.
row("getitem:int", lambda m, a: a[1], *T34)
row("getitem:slice", lambda m, a: a[:, 1:3], *T34, gradgrad=True)
row("getitem:step_ellipsis", lambda m, a: a[..., ::2], *T234)
row("getitem:none", lambda m, a: a[None, 0], *T234)
row("getitem:mixed", lambda m, a: a[-1, :, 1:], *T234)
row("getitem:element", lambda m, a: a[1, 2], *T34)
row("getitem:0d_index", lambda m, a: a[m.tensor(1)], *T34)
row("getitem:new_axes", lambda m, a: a[:, None, 1, ..., None], *T234)
row("getitem:repeated_indices", lambda m, a: a[m.tensor([0, 2, 0])], *T34, gradgrad=True)
row("getitem:negative_indices", lambda m, a: a[m.tensor([-1, 0, -1])], *T34)
row("getitem:column_indices", lambda m, a: a[:, m.tensor([1, 1, 3])], *T34)
row("getitem:paired_indices", lambda m, a: a[m.tensor([0, 1, 1]), m.tensor([2, 2, 0])], *T34)
row("getitem:list", lambda m, a: a[[0, 0, 1]], *T34)
row("getitem:bool_mask", lambda m, a: a[m.tensor(MASK34)], *T34, gradgrad=True)
row("getitem:computed_mask", lambda m, a: a[a > 0], *T34, domain=OFFGRID)
row("getitem:row_mask", lambda m, a: a[m.tensor([True, False, True])], *T34)


def _setitem_row(m, a, v):
    y = a * 1.0  # a non-leaf: writing into it is recorded
    y[1] = v
    return y


def _setitem_slice(m, a, v):
    y = a * 2.0
    y[:, 1:3] = v
    return y


def _setitem_indices(m, a, v):
    y = a * 3.0
    y[m.tensor([0, 2])] = v
    return y


def _setitem_mask(m, a, v):
    y = a - 1.0
    y[m.tensor(MASK34)] = v
    return y


def _setitem_augmented(m, a, v, w):
    y = a * 1.0
    y[1] += v  # reads y[1], adds in place, writes it back
    y[:, 0] *= w
    return y


def _setitem_number(m, a):
    y = a.sin()
    y[0, 1:] = 5.0
    return y * a


row("setitem:row", _setitem_row, ((3, 4), (4,)), ((3, 4), ()), gradgrad=True)
row("setitem:slice", _setitem_slice, ((3, 4), (3, 2)), ((3, 4), (3, 1)), gradgrad=True)
row("setitem:indices", _setitem_indices, ((3, 4), (2, 4)), ((3, 4), (4,)))
row("setitem:mask", _setitem_mask, ((3, 4), ()))
row("setitem:number", _setitem_number, *T34, gradgrad=True)
row("setitem:value_only", _setitem_row, ((3, 4), (4,)), grad=(False, True))
row("setitem:augmented", _setitem_augmented, ((3, 4), (4,), (3,)), ((3, 4), (), ()), gradgrad=True)

_GATHER = [[0, 0, 2], [1, 3, 1], [2, 2, 2]]
row("gather", lambda m, a: m.gather(a, 1, m.tensor(_GATHER)), *T34, gradgrad=True)
row("gather:dim0", lambda m, a: a.gather(0, m.tensor([[0, 1, 1, 2], [2, 2, 0, 0]])), *T34)
row("gather:0d", lambda m, a: m.gather(a, 0, m.tensor(0)), ((),))
row("gather:negative_dim", lambda m, a: a.gather(-1, m.tensor([[3], [0], [3]])), *T34)
# scatter with repeated indices is nondeterministic in PyTorch: these indices are distinct per row.
_SCATTER = [[0, 2], [3, 1], [1, 0]]
# Only src's part the size of index is used. PyTorch's backward fails when src is larger
# ("ScatterBackward0 returned an invalid gradient"), so those rows compare no src gradient.
row("scatter", lambda m, a, s: m.scatter(a, 1, m.tensor(_SCATTER), s), ((3, 4), (3, 2)), gradgrad=True)
row("scatter:larger_src", lambda m, a, s: m.scatter(a, 1, m.tensor(_SCATTER), s), ((3, 4), (3, 3)), grad=(True, False))
row("scatter:value", lambda m, a: a.scatter(1, m.tensor(_SCATTER), 0.5), *T34)
row("scatter:dim0", lambda m, a, s: a.scatter(0, m.tensor([[2, 0, 1, 1]]), s), ((3, 4), (1, 4)), ((3, 4), (2, 4)),
    grad=(True, False))
_SCATTER_ADD = [[0, 0], [3, 3], [1, 2]]
row("scatter_add", lambda m, a, s: m.scatter_add(a, 1, m.tensor(_SCATTER_ADD), s), ((3, 4), (3, 2)), gradgrad=True)
row("scatter_add:larger_src", lambda m, a, s: m.scatter_add(a, 1, m.tensor(_SCATTER_ADD), s), ((3, 4), (3, 3)),
    grad=(True, False))
row("scatter_add:method", lambda m, a, s: a.scatter_add(0, m.tensor([[1, 1, 0, 1]]), s), ((3, 4), (1, 4)))
row("index_select", lambda m, a: m.index_select(a, 0, m.tensor([2, 0, 2])), *T34, gradgrad=True)
row("index_select:negative_dim", lambda m, a: a.index_select(-1, m.tensor([3, 3, 1])), *T234)
row("masked_fill", lambda m, a: a.masked_fill(m.tensor(MASK34), 0.5), *T34)
row("masked_fill:broadcast_mask", lambda m, a: m.masked_fill(a, m.tensor([[True, False, False, True]]), -1.0), *T34)
row("masked_fill:tensor_value", lambda m, a, v: a.masked_fill(m.tensor(MASK34), v), ((3, 4), ()), gradgrad=True)
row("where", lambda m, a, b: m.where(m.tensor(MASK34), a, b), ((3, 4), (3, 4)), ((3, 1), (1, 4)), ((), (4,)),
    gradgrad=True)
row("where:scalar", lambda m, a: m.where(m.tensor(MASK34), a, 0.0), *T34)
row("where:method", lambda m, a, b: a.where(a > 0, b), ((3, 4), (4,)), domain=OFFGRID, gradgrad=True)
row("sort", lambda m, a: m.sort(a), *T234, ((),), domain=DISTINCT, gradgrad=True)
row("sort:stable_ties", lambda m, a: a.sort(descending=True, stable=True), ((3, 4),), domain=TIES, gradcheck=False)
row("argsort:stable_ties", lambda m, a: m.argsort(a, dim=0, descending=True, stable=True), ((4, 3),), domain=TIES,
    grad=False)
row("sort:descending_dim0", lambda m, a: a.sort(0, descending=True), *T234, domain=DISTINCT)
row("topk", lambda m, a: m.topk(a, 2), *T234, domain=DISTINCT, gradgrad=True)
row("topk:0d", lambda m, a: m.topk(a, 1), ((),))
row("topk:smallest_dim0", lambda m, a: a.topk(2, dim=0, largest=False), ((3, 4),), domain=DISTINCT)
row("argsort", lambda m, a: m.argsort(a, dim=1), *T234, domain=DISTINCT, grad=False)
row("nonzero", lambda m, a: (m.nonzero(a > 0), m.nonzero(a > 0, as_tuple=True), m.where(a > 0)), *T34, grad=False)
row("one_hot", lambda m: F(m).one_hot(m.tensor([0, 2, 1, 2]), 4), ())

# -- joining and splitting --------------------------------------------------------------------
row("cat", lambda m, a, b: m.cat([a, b]), ((2, 3), (1, 3)), ((2, 3, 4), (2, 3, 4)), gradgrad=True)
row("cat:negative_dim", lambda m, a, b, c: m.cat((a, b, c), dim=-1), ((2, 1), (2, 3), (2, 2)))
row("cat:promote", lambda m, a, b: m.cat([a, b.double()]), ((2, 3), (2, 3)))
row("stack", lambda m, a, b: m.stack([a, b]), ((2, 3), (2, 3)), ((), ()), gradgrad=True)
row("stack:negative_dim", lambda m, a, b: m.stack([a, b], dim=-1), ((2, 3), (2, 3)))
row("split", lambda m, a: m.split(a, 2), ((5, 3),))
row("split:sections", lambda m, a: a.split([1, 3], dim=1), ((2, 4),), gradgrad=True)
row("chunk", lambda m, a: a.chunk(3), ((5, 3),), gradgrad=True)
row("chunk:dim", lambda m, a: m.chunk(a, 2, dim=-1), ((2, 4),))
row("unbind", lambda m, a: m.unbind(a, 1), *T234, gradgrad=True)
row("unbind:iterate", lambda m, a: tuple(a), *T34)

# -- linear algebra --------------------------------------------------------------------------
_MATMUL = [((3,), (3,)), ((3,), (3, 4)), ((3, 4), (4,)), ((3, 4), (4, 2)), ((2, 3, 4), (4, 2)),
           ((2, 1, 3, 4), (3, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))]
row("matmul", lambda m, a, b: m.matmul(a, b), *_MATMUL, gradgrad=True)
row("matmul:operator", lambda m, a, b: a @ b, ((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 2)))
row("mm", lambda m, a, b: m.mm(a, b), ((3, 4), (4, 2)))
row("bmm", lambda m, a, b: a.bmm(b), ((2, 3, 4), (2, 4, 2)))
row("mv", lambda m, a, b: m.mv(a, b), ((3, 4), (4,)))
row("dot", lambda m, a, b: m.dot(a, b), ((4,), (4,)))
row("outer", lambda m, a, b: m.outer(a, b), ((3,), (4,)))
row("linear", lambda m, x, w, b: F(m).linear(x, w, b), ((3,), (2, 3), (2,)), ((4, 3), (2, 3), (2,)),
    ((2, 4, 3), (2, 3), (2,)), gradgrad=True)
row("linear:no_bias", lambda m, x, w: F(m).linear(x, w), ((3,), (2, 3)), ((4, 3), (2, 3)), ((2, 4, 3), (2, 3)), gradgrad=True)
row("linear:frozen_input", lambda m, x, w, b: F(m).linear(x, w, b), ((4, 3), (2, 3), (2,)), grad=(False, True, True))

# -- torch.linalg: inputs made well-posed inside fn (a + 4I, a aᵀ + I); factors unique only up to
# sign (U, Vh, eigenvectors, Q) are compared with the sign of their first row (or R's diagonal) fixed.
def _posed(m, a):
    return a + 4.0 * m.eye(a.shape[-1], dtype=a.dtype)


def _spd(m, a):
    return a @ a.mT + m.eye(a.shape[-1], dtype=a.dtype)


def _svd(m, a):
    U, S, Vh = m.linalg.svd(a, full_matrices=False)
    s = m.sign(U[..., :1, :])
    return S, U * s, Vh * s.mT


def _eigh(m, a):
    L, V = m.linalg.eigh(a + a.mT)
    return L, V * m.sign(V[..., :1, :])


def _qr(m, a):
    Q, R = m.linalg.qr(a)
    s = m.sign((R * m.eye(R.shape[-2], R.shape[-1], dtype=a.dtype)).sum(-1))[..., None, :]
    return Q * s, R * s.mT


_SQUARE = [((3, 3),), ((2, 3, 3),)]
_LA = {"rtol32": 2e-3}
row("inv", lambda m, a: (m.linalg.inv(_posed(m, a)), m.inverse(_posed(m, a))), *_SQUARE, **_LA)
row("inv_ex", lambda m, a: m.linalg.inv_ex(_posed(m, a)), *_SQUARE, **_LA)
row("det", lambda m, a: (m.linalg.det(_posed(m, a)), _posed(m, a).det()), *_SQUARE, **_LA)
row("slogdet", lambda m, a: m.linalg.slogdet(_posed(m, a)), *_SQUARE, **_LA)
row("logdet", lambda m, a: m.logdet(_spd(m, a)), *_SQUARE, **_LA)
row("solve", lambda m, a, b: m.linalg.solve(_posed(m, a), b), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3)), **_LA)
row("solve_ex", lambda m, a, b: m.linalg.solve_ex(_posed(m, a), b, left=False), ((2, 3, 3), (4, 3)), **_LA)
row("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(_posed(m, a), b, upper=True), ((3, 3), (3, 2)),
    ((2, 1, 3, 3), (4, 3, 2)), **_LA)
row("solve_triangular:lower_unit_right", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, left=False,
    unitriangular=True), ((2, 3, 3), (2, 4, 3)), **_LA)
row("svd", _svd, ((4, 3),), ((3, 5),), ((2, 3, 3),), **_LA)
row("svd:old", lambda m, a: m.svd(a)[1], ((4, 3),), **_LA)  # torch.svd: ops.decompositions.svd_old
row("svdvals", lambda m, a: m.linalg.svdvals(a), ((4, 3),), ((2, 3, 5),), **_LA)
row("eigh", _eigh, *_SQUARE, **_LA)
row("eigvalsh", lambda m, a: m.linalg.eigvalsh(a + a.mT, UPLO="U"), *_SQUARE, **_LA)
# eig, eigvals: raise NotImplementedError (complex results), see test_linalg_edges.py
row("cholesky", lambda m, a: m.linalg.cholesky(_spd(m, a), upper=True), *_SQUARE, **_LA)
row("cholesky_ex", lambda m, a: m.linalg.cholesky_ex(_spd(m, a)), *_SQUARE, **_LA)
row("qr", _qr, ((4, 3),), ((2, 3, 3),), **_LA)
row("pinv", lambda m, a: (m.linalg.pinv(a), m.pinverse(a)), ((4, 3),), ((2, 3, 5),), **_LA)
row("lstsq", lambda m, a, b: m.linalg.lstsq(a, b).solution, ((5, 3), (5, 2)), **_LA)
row("matrix_norm", lambda m, a: [m.linalg.matrix_norm(a, o) for o in ("fro", "nuc", 2, -2)], ((4, 3),), **_LA)
row("matrix_norm:sums", lambda m, a: [m.linalg.matrix_norm(a, o, dim=(0, 2)) for o in (1, -1, float("inf"))],
    ((3, 2, 4),), domain=DISTINCT, **_LA)
row("vector_norm", lambda m, a: (m.linalg.vector_norm(a), m.linalg.vector_norm(a, 3, dim=-1)), *T234, domain=NONZERO)
row("norm", lambda m, a: (m.linalg.norm(a), m.linalg.norm(a, dim=(0, 1))), *T234, domain=NONZERO, **_LA)
row("cross", lambda m, a, b: (m.linalg.cross(a, b), m.cross(a, b, dim=1)), ((4, 3), (1, 3)))  # and cross_old
row("multi_dot", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), ((3,), (3, 4), (4, 2)), ((2, 3), (3, 5), (5,)))
row("vecdot", lambda m, a, b: m.linalg.vecdot(a, b, dim=0), ((3, 4), (3, 1)))
row("matrix_power", lambda m, a: [m.linalg.matrix_power(a, n) for n in (0, 3, 6)] + [a.matrix_power(-2)],
    ((3, 3),), ((2, 3, 3),), **_LA)
row("matrix_exp", lambda m, a: (m.linalg.matrix_exp(a), m.matrix_exp(a / 2)), *_SQUARE, **_LA)
row("matrix_rank", lambda m, a: m.linalg.matrix_rank(a @ a.mT), ((4, 2),), ((2, 3, 3),), grad=False)

# -- losses ----------------------------------------------------------------------------------
_PAIR = ((4, 3), (4, 3))
for _reduction in ("mean", "sum", "none"):
    _r = {"reduction": _reduction}
    row(f"mse_loss:{_reduction}", lambda m, a, t, r=_r: F(m).mse_loss(a, t, **r), _PAIR, gradgrad=_reduction == "mean")
    row(f"l1_loss:{_reduction}", lambda m, a, t, r=_r: F(m).l1_loss(a, t, **r), _PAIR)
    row(f"huber_loss:{_reduction}", lambda m, a, t, r=_r: F(m).huber_loss(a, t, **r), _PAIR)
    row(f"smooth_l1_loss:{_reduction}", lambda m, a, t, r=_r: F(m).smooth_l1_loss(a, t, **r), _PAIR)
    row(f"binary_cross_entropy:{_reduction}", lambda m, p, t, r=_r: F(m).binary_cross_entropy(p, t, **r), _PAIR,
        domain=UNIT)
    row(f"binary_cross_entropy_with_logits:{_reduction}",
        lambda m, a, t, r=_r: F(m).binary_cross_entropy_with_logits(a, t, **r), _PAIR, domain=(REAL, UNIT),
        gradgrad=_reduction == "mean")
    row(f"cross_entropy:{_reduction}", lambda m, a, r=_r: F(m).cross_entropy(a, m.tensor([0, 2, 1, 2]), **r),
        ((4, 3),), gradgrad=True)
    row(f"cross_entropy:spatial_{_reduction}",
        lambda m, a, r=_r: F(m).cross_entropy(a, m.tensor([[0, 1, 2, 1], [2, 2, 0, 1]]), **r), ((2, 3, 4),))
    row(f"cross_entropy:probabilities_{_reduction}", lambda m, a, t, r=_r: F(m).cross_entropy(a, t, **r),
        _PAIR, ((2, 3, 4), (2, 3, 4)), domain=(REAL, UNIT))
    row(f"cross_entropy:ignore_index_{_reduction}",
        lambda m, a, r=_r: F(m).cross_entropy(a, m.tensor([0, -100, 1, 2]), **r), ((4, 3),))
    row(f"cross_entropy:weight_smoothing_{_reduction}",
        lambda m, a, r=_r: F(m).cross_entropy(a, m.tensor([[0, 1, 2, 1], [2, 2, 0, 1]]),
                                              weight=const(m, [0.2, 1.0, 0.7], a), label_smoothing=0.1, **r),
        ((2, 3, 4),))
    row(f"nll_loss:{_reduction}", lambda m, a, r=_r: F(m).nll_loss(a, m.tensor([1, 0, 2, 2]), **r), ((4, 3),))
row("huber_loss:delta", lambda m, a, t: F(m).huber_loss(a, t, delta=0.5), _PAIR, domain=OFFGRID, gradgrad=True)
row("smooth_l1_loss:beta", lambda m, a, t: F(m).smooth_l1_loss(a, t, beta=0.5), _PAIR, domain=OFFGRID, gradgrad=True)
row("smooth_l1_loss:beta0", lambda m, a, t: F(m).smooth_l1_loss(a, t, beta=0.0), _PAIR, domain=OFFGRID)
row("mse_loss:frozen_target", lambda m, a, t: F(m).mse_loss(a, t), _PAIR, grad=(True, False))
row("binary_cross_entropy:weight", lambda m, p, t: F(m).binary_cross_entropy(p, t, weight=const(m, [0.5, 1.0, 2.0], p)),
    _PAIR, domain=UNIT, grad=(True, False), gradgrad=True)
row("binary_cross_entropy_with_logits:large_logits",
    lambda m, a, t: F(m).binary_cross_entropy_with_logits(a * 40.0, t, reduction="sum"), _PAIR, domain=(REAL, UNIT))
row("binary_cross_entropy_with_logits:weights",
    lambda m, a, t: F(m).binary_cross_entropy_with_logits(a, t, weight=const(m, [0.5, 1.0, 2.0], a),
                                                          pos_weight=const(m, [3.0, 1.0, 0.25], a)),
    _PAIR, domain=(REAL, UNIT), gradgrad=True)
row("cross_entropy:weight", lambda m, a: F(m).cross_entropy(a, m.tensor([0, 2, 1, 2]), weight=const(m, [0.2, 1.0, 0.7], a)),
    ((4, 3),), gradgrad=True)
row("cross_entropy:ignore_index", lambda m, a: F(m).cross_entropy(a, m.tensor([0, 1, 1, 2]), ignore_index=1), ((4, 3),))
row("cross_entropy:label_smoothing", lambda m, a: F(m).cross_entropy(a, m.tensor([0, 2, 1, 2]), label_smoothing=0.2),
    ((4, 3),), gradgrad=True)
row("cross_entropy:smoothing_ignore",
    lambda m, a: F(m).cross_entropy(a, m.tensor([0, -100, 1, 2]), label_smoothing=0.2, reduction="sum"), ((4, 3),))
row("cross_entropy:probabilities_smoothing",
    lambda m, a, t: F(m).cross_entropy(a, t, weight=const(m, [0.2, 1.0, 0.7], a), label_smoothing=0.1), _PAIR,
    domain=(REAL, UNIT), gradgrad=True)
row("cross_entropy:unbatched", lambda m, a: F(m).cross_entropy(a, m.tensor(2)), ((3,),))
row("cross_entropy:unbatched_smoothing", lambda m, a: F(m).cross_entropy(a, m.tensor(1), label_smoothing=0.3), ((3,),))
row("nll_loss:weight_ignore",
    lambda m, a: F(m).nll_loss(a, m.tensor([1, 0, 2, 2]), weight=const(m, [0.2, 1.0, 0.7], a), ignore_index=0),
    ((4, 3),), gradgrad=True)
row("nll_loss:unbatched", lambda m, a: F(m).nll_loss(a, m.tensor(1)), ((3,),))
row("nll_loss:spatial", lambda m, a: F(m).nll_loss(a, m.tensor([[0, 1, 2, 1], [2, 2, 0, 1]])), ((2, 3, 4),), gradgrad=True)
row("nll_loss:log_softmax", lambda m, a: F(m).nll_loss(F(m).log_softmax(a, 1), m.tensor([1, 0, 2, 2])), ((4, 3),),
    gradgrad=True)

# -- in place, on non-leaf tensors -----------------------------------------------------------------
def _iadd(m, a, b):
    y = a * 1.0
    y += b
    return y


row("inplace:add_", lambda m, a, b: (a * 1.0).add_(b, alpha=2.0), ((3, 4), (4,)), gradgrad=True)
row("inplace:iadd", _iadd, ((3, 4), (3, 1)))
row("inplace:mul_", lambda m, a, b: (a + 0.0).mul_(b), ((3, 4), (3, 4)), gradgrad=True)
row("inplace:div_", lambda m, a, b: (a * 2.0).div_(b), ((3, 4), ()), domain=(REAL, NONZERO))
row("inplace:pow_", lambda m, a: (a * 1.0).pow_(3), *UNARY)
row("inplace:exp_", lambda m, a: (a * 1.0).exp_(), *UNARY, gradgrad=True)
row("inplace:sigmoid_", lambda m, a: (a * 1.0).sigmoid_(), *UNARY)
row("inplace:tanh_", lambda m, a: (a - 0.5).tanh_(), *UNARY)
row("inplace:sqrt_", lambda m, a: (a * 1.0).sqrt_(), *UNARY, domain=POSITIVE)
row("inplace:clamp_", lambda m, a: (a * 1.0).clamp_(-0.5, 0.5), *UNARY, domain=OFFGRID)
row("inplace:relu", lambda m, a: F(m).relu(a * 1.0, inplace=True), *UNARY, domain=OFFGRID)
row("inplace:leaky_relu", lambda m, a: F(m).leaky_relu(a * 1.0, 0.1, inplace=True), *UNARY, domain=OFFGRID)
row("inplace:elu", lambda m, a: F(m).elu(a * 1.0, inplace=True), *UNARY, domain=OFFGRID)
row("inplace:masked_fill_", lambda m, a: (a * 1.0).masked_fill_(m.tensor(MASK34), 0.5), *T34)
row("inplace:zero_", lambda m, a, b: (a * 1.0).zero_() + b, ((3, 4), (3, 4)))
row("inplace:copy_", lambda m, a, b: (a * 1.0).copy_(b), ((3, 4), (4,)))

# -- comparisons and logic (no gradient) -------------------------------------------------------
row("eq", lambda m, a, b: m.eq(a.round(), b.round()), ((3, 4), (4,)), grad=False)
row("ne", lambda m, a, b: a.round() != b.round(), ((3, 4), (4,)), grad=False)
row("lt", lambda m, a, b: m.lt(a, b), ((3, 1), (1, 4)), grad=False)
row("le", lambda m, a: a <= 0.5, *T34, grad=False)
row("gt", lambda m, a, b: a > b, ((3, 4), ()), grad=False)
row("ge", lambda m, a: m.ge(a, 0), *T34, grad=False)
row("logical", lambda m, a, b: (m.logical_and(a > 0, b > 0), m.logical_or(a > 0, b > 0), m.logical_xor(a > 0, b > 0),
                                m.logical_not(a > 0)), ((3, 4), (3, 4)), grad=False)
row("isclose", lambda m, a, b: m.isclose(a, a + b * 1e-9), ((3, 4), (3, 4)), grad=False)
row("allclose", lambda m, a, b: (m.allclose(a, a + b * 1e-9), m.allclose(a, b), m.equal(a, a), m.equal(a, b)),
    ((3, 4), (3, 4)), grad=False)
row("isfinite", lambda m, a: (m.isfinite(a), m.isnan(a), m.isinf(a)), *T34, grad=False)
row("comparison:aliases", lambda m, a, b: (m.greater(a, b), m.greater_equal(a, b), m.less(a, b), m.less_equal(a, b),
                                           m.not_equal(a, b)), ((3, 4), (4,)), grad=False)
row("bitwise_not", lambda m, a: (~(a > 0), ~a, m.bitwise_not(a)), *T34, domain=INT)
row("bitwise_and", lambda m, a, b: (m.bitwise_and(a, b), a & b, 3 & a, (a > 0) & (b > 0)), ((3, 4), (4,)), domain=INT)
row("bitwise_or", lambda m, a, b: (m.bitwise_or(a, b), a | b, a | 2, (a > 0) | (b > 0)), ((3, 4), (4,)), domain=INT)
row("bitwise_xor", lambda m, a, b: (m.bitwise_xor(a, b), a ^ b, True ^ a, (a > 0) ^ (b > 0)), ((3, 4), (4,)), domain=INT)

# -- aliases -------------------------------------------------------------------------------------
row("subtract", lambda m, a, b: m.subtract(a, b, alpha=2), ((3, 1), (1, 4)))
row("multiply", lambda m, a, b: m.multiply(a, b), ((3, 1), (1, 4)))
row("true_divide", lambda m, a, b: (m.true_divide(a, b), m.divide(a, b)), ((3, 4), (4,)), domain=(REAL, NONZERO))
row("absolute", lambda m, a: m.absolute(a), *UNARY, domain=OFFGRID)
row("sgn", lambda m, a: m.sgn(a), *UNARY, domain=OFFGRID)
row("swapdims", lambda m, a: m.swapdims(a, 0, -1), *T234)
row("concat", lambda m, a, b: (m.concat([a, b], 1), m.concatenate([b, a], dim=-1)), ((2, 3), (2, 1)))

# fmt: on


# -- running a case with either module --------------------------------------------------------
def leaves(m, arrays: list[np.ndarray], grad: tuple) -> list:
    """One leaf tensor of module ``m`` per array (own copies), requiring grad where marked."""
    tensors = [m.tensor(a.copy()) if m.__name__ == "neuronlab" else m.from_numpy(a.copy()) for a in arrays]
    return [t.requires_grad_() if g else t for t, g in zip(tensors, grad)]


def outputs(result) -> list:
    """An op's result as a flat list: tuples (``(values, indices)``, ``split``) are unpacked."""
    if isinstance(result, tuple | list):
        return [o for r in result for o in outputs(r)]
    return [result]


def dtype_name(t) -> str:
    """``'float32'`` for ``neuronlab.float32`` and for ``torch.float32``."""
    return str(t.dtype).rsplit(".", 1)[-1]


def to_numpy(t) -> np.ndarray:
    return np.asarray(t.detach().numpy(force=True))  # force: torch's lazy zero tensors too


def op_names() -> list[str]:
    """The ops the table covers (row names without their variant)."""
    return sorted({r.name.split(":")[0] for r in ROWS})


CASES: list[Case] = [Case(r, s) for r in ROWS for s in r.shapes]

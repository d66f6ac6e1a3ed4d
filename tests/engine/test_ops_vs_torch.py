"""Every op of the table against PyTorch: values, dtypes, shapes and input gradients, in
float32 and float64; and PyTorch's type promotion for mixed operands."""

from __future__ import annotations

import importlib
import inspect
import itertools
import re

import numpy as np
import pytest
import torch

import neuronlab

from . import op_table
from .op_table import CASES, dtype_name, leaves, outputs, to_numpy

# float32: both libraries round each operation, but in different orders (pairwise vs
# vectorized sums, SLEEF vs libm); float64: the same formulas agree to a few ulps.
TOLERANCE = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}
DTYPES = ["float32", "float64"]


def tolerance(case, t) -> tuple[float, float]:
    """By the dtype of the reference result ``t`` (an int input may give a float32 result)."""
    rtol, atol = TOLERANCE.get(dtype_name(t), (0, 0))
    return (case.row.rtol32, atol) if dtype_name(t) == "float32" else (rtol, atol)


def run_both(case, dtype: str):
    arrays = case.arrays(dtype)
    ours = leaves(neuronlab, arrays, case.row.grad)
    theirs = leaves(torch, arrays, case.row.grad)
    return ours, outputs(case.row.fn(neuronlab, *ours)), theirs, outputs(case.row.fn(torch, *theirs))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_forward(case, dtype):
    _, ours, _, theirs = run_both(case, dtype)
    assert len(ours) == len(theirs)
    for k, (o, t) in enumerate(zip(ours, theirs)):
        if not isinstance(t, torch.Tensor):
            assert not isinstance(o, neuronlab.Tensor) and o == t, f"output {k}: {o!r} != {t!r}"
            continue
        assert isinstance(o, neuronlab.Tensor), f"output {k} is {type(o).__name__}, not a Tensor"
        assert dtype_name(o) == dtype_name(t), f"output {k}"
        assert tuple(o.shape) == tuple(t.shape), f"output {k}"
        assert o.requires_grad == t.requires_grad, f"output {k}"
        rtol, atol = tolerance(case, t)
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=rtol, atol=atol, err_msg=f"output {k}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", [c for c in CASES if c.differentiable], ids=lambda c: c.id)
def test_gradients(case, dtype):
    """Backpropagate the same random upstream gradient (never all ones) through both."""
    ours_in, ours, theirs_in, theirs = run_both(case, dtype)
    rng = np.random.default_rng(7)
    pairs = [(o, t) for o, t in zip(ours, theirs) if isinstance(t, torch.Tensor) and t.requires_grad]
    assert pairs, "no differentiable output"
    upstream = [np.asarray(rng.standard_normal(tuple(t.shape)), dtype=dtype_name(t)) for _, t in pairs]
    torch.autograd.backward([t for _, t in pairs], [torch.from_numpy(g) for g in upstream])
    neuronlab.autograd.backward([o for o, _ in pairs], [neuronlab.tensor(g) for g in upstream])
    for i, (o, t) in enumerate(zip(ours_in, theirs_in)):
        if not t.requires_grad:
            continue
        assert (o.grad is None) == (t.grad is None), f"input {i}: {o.grad} vs {t.grad}"
        if t.grad is None:
            continue
        assert dtype_name(o.grad) == dtype_name(t.grad) and o.grad.shape == tuple(t.grad.shape), f"input {i}"
        rtol, atol = tolerance(case, t.grad)
        np.testing.assert_allclose(
            to_numpy(o.grad), to_numpy(t.grad), rtol=rtol, atol=atol, err_msg=f"input {i}"
        )


# -- type promotion ----------------------------------------------------------------------------
# Tensors of each dtype, 0-d and 1-d, and Python scalars. No zeros: x / 0 is not the subject.
_VALUES = {
    "float32": [1.5, -2.25],
    "float64": [0.75, 3.0],
    "int64": [3, -2],
    "int32": [2, 5],
    "bool": [True, True],
}
OPERANDS = [(f"{d}_{n}d", d, n) for d in _VALUES for n in (0, 1)] + [("int", 3, None), ("float", 2.5, None),
                                                                     ("bool", True, None)]  # fmt: skip
PROMOTING_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "lt": lambda a, b: a < b,
    "eq": lambda a, b: a == b,
    "maximum": lambda a, b: a.maximum(b),  # two tensors only, as in PyTorch
}
PROMOTION_CASES = [
    pytest.param(op, a, b, id=f"{op}-{a[0]}-{b[0]}")
    for op in PROMOTING_OPS
    for a, b in itertools.product(OPERANDS, OPERANDS)
    if (a[2] is not None and b[2] is not None) or (op != "maximum" and (a[2] is not None or b[2] is not None))
]


def _operand(m, spec):
    _, kind, ndim = spec
    if ndim is None:
        return kind
    values = _VALUES[kind][0] if ndim == 0 else _VALUES[kind]
    return m.tensor(values, dtype=getattr(m, kind))


@pytest.mark.parametrize("op,left,right", PROMOTION_CASES)
def test_type_promotion(op, left, right):
    """The result dtype (and value) of mixed operands follows PyTorch's promotion rules."""
    fn = PROMOTING_OPS[op]
    try:
        expected = fn(_operand(torch, left), _operand(torch, right))
    except RuntimeError:  # e.g. subtracting bools: neuronlab must refuse as well
        with pytest.raises(RuntimeError):
            fn(_operand(neuronlab, left), _operand(neuronlab, right))
        return
    result = fn(_operand(neuronlab, left), _operand(neuronlab, right))
    assert dtype_name(result) == dtype_name(expected)
    assert tuple(result.shape) == tuple(expected.shape)
    np.testing.assert_allclose(to_numpy(result), to_numpy(expected), rtol=1e-6)


# -- outputs saved for backward ----------------------------------------------------------------
SAVED_OUTPUT_OPS = {
    "exp": lambda m, x: x.exp(),
    "expm1": lambda m, x: m.expm1(x),
    "sqrt": lambda m, x: x.sqrt(),
    "sigmoid": lambda m, x: x.sigmoid(),
    "tanh": lambda m, x: m.tanh(x),
    "softmax": lambda m, x: x.softmax(0),
    "log_softmax": lambda m, x: m.log_softmax(x, 0),
    "logsumexp": lambda m, x: m.logsumexp(x, 0),
}


@pytest.mark.parametrize("op", sorted(SAVED_OUTPUT_OPS))
def test_backward_refuses_an_output_modified_in_place(op):
    """Ops that differentiate from their own output refuse to once it was overwritten (as
    PyTorch does) rather than return a gradient computed from the wrong values."""
    for m in (torch, neuronlab):
        x = m.tensor([0.5, 1.0, 2.0], requires_grad=True)
        y = SAVED_OUTPUT_OPS[op](m, x)
        y.mul_(2.0)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


# -- gradients that must stay exactly zero ---------------------------------------------------------
MASKING_OPS = {
    "relu": lambda m, x: m.relu(x),
    "clamp": lambda m, x: x.clamp(min=0.0),
    "hardtanh": lambda m, x: m.nn.functional.hardtanh(x, 0.0, 1.0),
    "maximum": lambda m, x: m.maximum(x, m.zeros_like(x)),
    "minimum": lambda m, x: -m.minimum(-x, m.zeros_like(x)),
    "where": lambda m, x: m.where(x > 0, x, 0.0),
    "sign": lambda m, x: m.sign(x) - m.sign(x),
    "floor": lambda m, x: m.floor(x) - m.floor(x),
    "div_floor": lambda m, x: m.div(x, 1.5, rounding_mode="floor") - m.div(x, 1.5, rounding_mode="floor"),
}


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # √'s derivative at 0 is ∞
@pytest.mark.parametrize("op", sorted(MASKING_OPS))
def test_zero_gradients_stay_zero_under_an_infinite_upstream(op):
    """An op that blocks the gradient somewhere gives exactly 0 there, even when the upstream
    gradient is infinite (√ of a clamped value at 0), as PyTorch does: not ∞ · 0 = NaN."""
    grads = []
    for m in (torch, neuronlab):
        x = m.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        m.sqrt(MASKING_OPS[op](m, x)).sum().backward()
        grads.append(to_numpy(x.grad))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)


# -- the table covers every op ----------------------------------------------------------------------
OP_MODULES = ["activation", "arithmetic", "cast", "comparison", "indexing", "join", "linalg", "pointwise",
              "reduction", "shape", "decompositions", "qr", "solvers", "matrix_norms", "matrix_functions",
              "cross", "sorting"]  # fmt: skip
# The engine's helpers, used by ops and by the engine itself, not ops a user calls.
HELPERS = {"to_dtype", "overwrite", "scatter_into", "erf_array", "masked", "masked_array", "zeros_operand", "normalize_dims", "restore_dims",
           "sum_to", "one_hot", "eye_like", "diag_embed", "pack", "unpack", "defined", "concat_last", "rebase_view", "current_grad_fn"}  # fmt: skip


@pytest.mark.parametrize("module", OP_MODULES)
def test_every_public_op_has_a_row(module):
    """Adding an op means adding a row: every public function of an op module is called by
    some row of the table (STYLE rule 20)."""
    ops = importlib.import_module(f"neuronlab.ops.{module}")
    table = inspect.getsource(op_table)
    public = [
        name
        for name, f in vars(ops).items()
        if inspect.isfunction(f) and f.__module__ == ops.__name__ and not name.startswith("_")
    ]
    missing = [name for name in public if name not in HELPERS and not re.search(rf"\b{name}\b", table)]
    assert not missing, f"neuronlab.ops.{module}: no row calls {missing}"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("exponent", [2, 3, -2, 3.0, 0.5, 4])
def test_pow_with_a_number_gives_torchs_bits(exponent, dtype):
    """``x ** 3`` and ``x ** -2`` are computed by multiplication (NumPy's pow is 40-90 µs on
    negative numbers), as PyTorch's kernel does: the values and gradients must be the same
    bits as PyTorch's, not only close."""
    rng = np.random.default_rng(0)
    array = rng.uniform(-2, 2, (64,)).astype(dtype)
    if exponent == 0.5:
        array = np.abs(array)
    grad = rng.standard_normal(64).astype(dtype)
    ours, theirs = neuronlab.tensor(array, requires_grad=True), torch.tensor(array, requires_grad=True)
    out, expected = ours**exponent, theirs**exponent
    out.backward(neuronlab.tensor(grad))
    expected.backward(torch.tensor(grad))
    # The gradient of x ** -2 needs x ** -3, a pow in both libraries (libm and PyTorch's own
    # may differ in the last bit); other exponents are pows in both directions.
    for exact, a, b in [(exponent in (2, 3, -2), out.detach(), expected.detach()),
                        (exponent in (2, 3), ours.grad, theirs.grad)]:  # fmt: skip
        if exact:
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        else:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=TOLERANCE[dtype][0])

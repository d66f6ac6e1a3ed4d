"""Hypothesis strategies and the differential check of ``test_fuzz_vs_torch.py``.

An ``Input`` is one tensor argument: its values (a NumPy array), a memory layout (the op
sees a transposed or strided *view* of a leaf, so non-contiguous inputs are the rule, not
the exception) and whether the leaf requires grad. ``check`` builds the same inputs with
``neuronlab`` and with ``torch``, runs one function of ``(m, *args)`` on both and compares
what PyTorch 2.13 does with what neuronlab does: both raise (with compatible exception
types) or neither; then values, dtypes, shapes, ``requires_grad`` and, for a random
upstream gradient, every leaf's gradient.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st

import neuronlab

DTYPES = ("float32", "float64", "int64", "bool")
LAYOUTS = ("contiguous", "transposed", "strided")
# Values on a grid of halves hit the kinks of relu/clamp/hardtanh/abs (0, ±0.5, ±1, 6) and
# make ties (max/min, sort); uniform values are the generic case.
GRID = np.arange(-14, 15) / 2.0
TOLERANCE = {"float32": (2e-5, 1e-6), "float64": (1e-9, 1e-12)}
# The exception types PyTorch raises for bad input; ours must be of the same one. (PyTorch's
# NotImplementedError for a dtype without a kernel is a RuntimeError: any RuntimeError will do.)
ERRORS = (IndexError, TypeError, ValueError, RuntimeError)


@dataclass(frozen=True)
class Input:
    """One tensor argument: values, dtype, memory layout and requires_grad of its leaf."""

    array: np.ndarray
    layout: str = "contiguous"
    requires_grad: bool = False

    def build(self, m):
        """(leaf, view): the leaf holds the values in ``layout``; the view is what the op gets."""
        a, n = self.array, self.array.ndim
        if self.layout == "transposed" and n >= 2:
            leaf, view = (
                _leaf(m, a.transpose().copy(), self.requires_grad),
                lambda t: t.permute(*reversed(range(n))),
            )
        elif self.layout == "strided" and n >= 1:
            base = np.repeat(a, 2, axis=-1)  # a[..., i] at 2i, a copy of it at 2i + 1
            leaf, view = _leaf(m, base, self.requires_grad), lambda t: t[..., ::2]
        else:
            leaf, view = _leaf(m, a.copy(), self.requires_grad), lambda t: t
        return leaf, view(leaf)


def _leaf(m, array: np.ndarray, requires_grad: bool):
    t = m.from_numpy(array)
    return t.requires_grad_() if requires_grad else t


# -- strategies ------------------------------------------------------------------------------
def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 0, max_side: int = 4):
    """Shapes with 0-d and zero-size ones included (a side of 0 is drawn about 1 time in 8)."""
    side = (
        st.one_of(st.integers(1, max_side), st.just(0)) if min_side == 0 else st.integers(min_side, max_side)
    )
    return st.lists(side, min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def values(draw, shape: tuple, dtype: str) -> np.ndarray:
    """An array of ``shape`` and ``dtype``: halves on a grid, uniform floats or small ints."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = int(np.prod(shape))
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype == "int64":
        return np.asarray(rng.integers(-5, 6, shape), dtype=np.int64)
    mode = draw(st.sampled_from(["grid", "uniform", "mixed"]))
    grid = rng.choice(GRID, size)
    uniform = rng.uniform(-3.0, 3.0, size)
    data = (
        grid
        if mode == "grid"
        else uniform
        if mode == "uniform"
        else np.where(rng.random(size) < 0.5, grid, uniform)
    )
    return data.reshape(shape).astype(dtype)


@st.composite
def inputs(draw, shape=None, dtype=None, dtypes=DTYPES, layout=None) -> Input:
    """An ``Input`` (shape, dtype and layout drawn unless given); floats may require grad."""
    shape = draw(shapes()) if shape is None else shape
    dtype = draw(st.sampled_from(dtypes)) if dtype is None else dtype
    layout = draw(st.sampled_from(LAYOUTS)) if layout is None else layout
    requires_grad = dtype.startswith("float") and draw(st.booleans())
    return Input(draw(values(shape, dtype)), layout, requires_grad)


def scalars():
    """Python numbers as they appear in user code: ints, floats (kinks included), bools."""
    return st.one_of(st.integers(-3, 3), st.sampled_from([0.5, -1.5, 2.0, 0.0, 6.0]), st.booleans())


# -- the differential check ------------------------------------------------------------------
def run(m, fn, args) -> tuple[list, object]:
    """The leaves made for ``args`` and ``fn(m, *args)``'s outputs (or the exception raised)."""
    leaves, built = [], []
    for arg in args:
        if isinstance(arg, Input):
            leaf, view = arg.build(m)
            leaves.append(leaf)
            built.append(view)
        else:
            built.append(arg)
    try:
        with warnings.catch_warnings():
            # NaN and inf are results here, as in PyTorch (log(-1), 1/0): not warnings.
            warnings.simplefilter("ignore", RuntimeWarning)
            result = fn(m, *built)
    except Exception as error:  # every exception is compared with PyTorch's
        return leaves, error
    return leaves, flatten(result)


def flatten(result) -> list:
    """A result as a flat list of outputs (``(values, indices)``, ``split``'s tuples...)."""
    if isinstance(result, tuple | list) and not isinstance(result, torch.Size | neuronlab.Size):
        return [o for r in result for o in flatten(r)]
    return [result]


def dtype_name(t) -> str:
    return str(t.dtype).rsplit(".", 1)[-1]


def to_numpy(t) -> np.ndarray:
    return np.asarray(t.detach().numpy(force=True)) if isinstance(t, torch.Tensor) else t.detach()._data


def check(fn, *args, seed: int = 0, grads: bool = True) -> None:
    """Run ``fn(m, *args)`` with both libraries and assert that neuronlab behaves as PyTorch."""
    theirs_in, theirs = run(torch, fn, args)
    ours_in, ours = run(neuronlab, fn, args)
    if isinstance(theirs, Exception) or isinstance(ours, Exception):
        check_errors(ours, theirs)
        return
    assert len(ours) == len(theirs), f"{len(ours)} outputs, PyTorch {len(theirs)}"
    for k, (o, t) in enumerate(zip(ours, theirs)):
        check_output(o, t, f"output {k}")
    if grads:
        check_gradients(ours_in, ours, theirs_in, theirs, seed)


def check_errors(ours, theirs) -> None:
    if not isinstance(theirs, Exception):
        raise AssertionError(f"neuronlab raised, PyTorch did not: {ours!r}") from ours
    if not isinstance(ours, Exception):
        raise AssertionError(f"PyTorch raised {theirs!r}, neuronlab did not")
    kind = next(e for e in ERRORS if isinstance(theirs, e))
    if not isinstance(ours, kind):
        raise AssertionError(f"PyTorch raised {theirs!r}, neuronlab {ours!r}") from ours


def check_output(o, t, where: str) -> None:
    if not isinstance(t, torch.Tensor):
        assert not isinstance(o, neuronlab.Tensor) and o == t, f"{where}: {o!r} != {t!r}"
        return
    assert isinstance(o, neuronlab.Tensor), f"{where} is {type(o).__name__}, not a Tensor"
    assert dtype_name(o) == dtype_name(t), f"{where}: dtype {o.dtype}, PyTorch {t.dtype}"
    assert tuple(o.shape) == tuple(t.shape), f"{where}: shape {tuple(o.shape)}, PyTorch {tuple(t.shape)}"
    assert o.requires_grad == t.requires_grad, f"{where}: requires_grad {o.requires_grad}"
    rtol, atol = TOLERANCE.get(dtype_name(t), (0, 0))
    np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=rtol, atol=atol, equal_nan=True, err_msg=where)


def check_gradients(ours_in, ours, theirs_in, theirs, seed: int) -> None:
    """Backpropagate one random upstream gradient through both; compare the leaves' grads."""
    pairs = [(o, t) for o, t in zip(ours, theirs) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not pairs:
        return
    rng = np.random.default_rng(seed)
    upstream = [rng.standard_normal(tuple(t.shape)).astype(dtype_name(t)) for _, t in pairs]
    try:
        torch.autograd.backward([t for _, t in pairs], [torch.from_numpy(g) for g in upstream])
    except RuntimeError as error:
        if "derivative for" in str(error) and "not implemented" in str(error):
            return  # floor_divide, remainder: see docs/compatibility.md (neuronlab's is 0)
        if "INTERNAL ASSERT FAILED" in str(error):
            return  # a bug of PyTorch's (x ** True with x requiring grad): nothing to compare
        raise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        neuronlab.autograd.backward([o for o, _ in pairs], [neuronlab.tensor(g) for g in upstream])
    for i, (o, t) in enumerate(zip(ours_in, theirs_in)):
        if t.requires_grad and t.grad is not None:
            assert o.grad is not None, f"input {i}: no gradient, PyTorch has one"
            check_output(o.grad, t.grad, f"gradient of input {i}")

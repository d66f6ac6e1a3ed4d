"""Broadcasting, explored by Hypothesis: binary ops, ``maximum``/``minimum`` and ``where`` on
random mutually broadcastable shapes, values and gradients against PyTorch (float64)."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import neuronlab

from .op_table import NONZERO, OFFGRID, POSITIVE, REAL, dtype_name, leaves, sample, to_numpy

# op -> (function of (m, *inputs), domain of each input)
BINARY_OPS = {
    "add": (lambda m, a, b: a + b, (REAL, REAL)),
    "add_alpha": (lambda m, a, b: m.add(a, b, alpha=-1.5), (REAL, REAL)),
    "sub": (lambda m, a, b: a - b, (REAL, REAL)),
    "mul": (lambda m, a, b: a * b, (REAL, REAL)),
    "div": (lambda m, a, b: a / b, (REAL, NONZERO)),
    "pow": (lambda m, a, b: a**b, (POSITIVE, REAL)),
    "remainder": (lambda m, a, b: m.remainder(a, b), (REAL, POSITIVE)),
    "maximum": (lambda m, a, b: m.maximum(a, b), (OFFGRID, OFFGRID)),
    "minimum": (lambda m, a, b: m.minimum(a, b), (OFFGRID, OFFGRID)),
}
SHAPES = dict(min_dims=0, max_dims=4, min_side=1, max_side=3)
SETTINGS = settings(max_examples=30, deadline=None)


def check_against_torch(fn, arrays: list[np.ndarray], rng: np.random.Generator) -> None:
    """Values, dtype, shape and every input's gradient (for a random upstream) agree."""
    grad = [a.dtype.kind == "f" for a in arrays]
    ours_in, theirs_in = leaves(neuronlab, arrays, grad), leaves(torch, arrays, grad)
    ours, theirs = fn(neuronlab, *ours_in), fn(torch, *theirs_in)
    assert tuple(ours.shape) == tuple(theirs.shape) and dtype_name(ours) == dtype_name(theirs)
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-10, atol=1e-12)
    upstream = rng.standard_normal(tuple(theirs.shape))
    ours.backward(neuronlab.tensor(upstream))
    theirs.backward(torch.from_numpy(upstream))
    for i, (o, t) in enumerate(zip(ours_in, theirs_in)):
        if t.requires_grad:
            assert o.grad.shape == tuple(t.grad.shape), f"input {i}"
            np.testing.assert_allclose(to_numpy(o.grad), to_numpy(t.grad), rtol=1e-10, atol=1e-12)


@SETTINGS
@given(
    op=st.sampled_from(sorted(BINARY_OPS)),
    shapes=mutually_broadcastable_shapes(num_shapes=2, **SHAPES),
    seed=st.integers(0, 2**32 - 1),
)
def test_binary_ops_broadcast_like_torch(op, shapes, seed):
    fn, domains = BINARY_OPS[op]
    rng = np.random.default_rng(seed)
    arrays = [sample(d, rng, s, "float64") for d, s in zip(domains, shapes.input_shapes)]
    check_against_torch(fn, arrays, rng)


@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=3, **SHAPES), seed=st.integers(0, 2**32 - 1))
def test_where_broadcasts_like_torch(shapes, seed):
    rng = np.random.default_rng(seed)
    condition_shape, a_shape, b_shape = shapes.input_shapes
    condition = np.asarray(rng.random(condition_shape) < 0.5)
    arrays = [condition, sample(REAL, rng, a_shape, "float64"), sample(REAL, rng, b_shape, "float64")]
    check_against_torch(lambda m, c, a, b: m.where(c, a, b), arrays, rng)

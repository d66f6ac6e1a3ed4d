"""sinh, cosh and their inverses asinh, acosh, atanh (issue 13, section 1): the function, the
Tensor method, the in-place ``_`` form and the NumPy-style ``arc`` names, as torch 2.13 has
them; values, dtypes, NaN/inf outside the domain and gradients against torch, and gradients
against finite differences in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import neuronlab
from neuronlab.autograd import gradcheck

from .fuzz_strategies import Input, check

NAMES = ["sinh", "cosh", "asinh", "acosh", "atanh"]
ALIASES = {"asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh"}
# Inside each domain, away from its edges (acosh: x > 1; atanh: |x| < 1), for finite differences.
DOMAIN = {"acosh": (1.1, 4.0), "atanh": (-0.9, 0.9)}


def _values(dtype) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    grid = np.array([-3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0, 12.0])  # edges, NaN and inf
    return [grid.astype(dtype), rng.uniform(-4, 4, (3, 4)).astype(dtype), np.zeros((0, 2), dtype)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_and_gradients_match_torch(name, dtype):
    for x in _values(dtype):
        for layout in ("contiguous", "transposed", "strided"):
            check(lambda m, t: getattr(m, name)(t), Input(x, layout, requires_grad=True))
            check(lambda m, t: getattr(t, name)(), Input(x, layout, requires_grad=True))
            check(lambda m, t: getattr(t * 1, name)().sum(), Input(x, layout, requires_grad=True))


@pytest.mark.parametrize("name", NAMES)
def test_integers_and_bools_are_promoted_to_float(name):
    for x in (np.array([-2, 0, 1, 3]), np.array([True, False])):
        check(lambda m, t: (getattr(m, name)(t), getattr(t, name)()), Input(x))


@pytest.mark.parametrize("name", NAMES)
def test_in_place_forms_match_torch(name):
    def in_place(m, t):
        y = t.clone()
        return getattr(y, name + "_")()

    x = np.array([-0.5, 0.25, 0.75, 1.5, 3.0])
    check(in_place, Input(x, requires_grad=True))
    check(in_place, Input(x.astype(np.float32)))
    check(in_place, Input(np.array([1, 2])))  # an int64 tensor cannot hold the float result


@pytest.mark.parametrize("name", list(ALIASES))
def test_numpy_style_names_are_the_same_functions(name):
    alias = ALIASES[name]
    x = Input(np.array([0.3, -0.6, 1.5]), requires_grad=True)
    check(lambda m, t: (getattr(m, alias)(t), getattr(t, alias)(), getattr(t.clone(), alias + "_")()), x)


@pytest.mark.parametrize("name", NAMES)
def test_gradients_pass_finite_differences_in_float64(name):
    low, high = DOMAIN.get(name, (-3.0, 3.0))
    x = neuronlab.tensor(np.random.default_rng(1).uniform(low, high, (3, 4)), requires_grad=True)
    assert gradcheck(lambda t: getattr(neuronlab, name)(t), (x,))
    # the backward is recorded (create_graph=True): second derivatives against torch
    for m in (torch, neuronlab):
        t = m.tensor(x.detach().numpy(), requires_grad=True)
        (g,) = m.autograd.grad(getattr(m, name)(t).sum(), t, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), t)
        if m is torch:
            expected = gg.numpy()
        else:
            np.testing.assert_allclose(gg.detach().numpy(), expected, rtol=1e-10, atol=1e-12)

"""``nn.init`` draws PyTorch 2.13's numbers: after the same seed, each initializer gives the same
bits as torch's (``orthogonal_``: the same draws, and a QR within the stated distance), leaves
the generator where torch leaves it, and takes the same arguments."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import neuronlab as nl
from neuronlab.nn import init

SEEDS = range(50)
SHAPES = [(1,), (3,), (5, 3), (4, 4), (17,), (7, 9), (64, 33)]  # below/above 16 elements, odd sizes

# mass > 0.3: normal_ with redraws of the outside values; mass <= 0.3: uniform proposals
TRUNC_CASES = [
    {},
    {"mean": 0.5, "std": 0.3, "a": 0.0, "b": 1.0},
    {"mean": 1.0, "std": 0.02, "a": 0.97, "b": 1.03},
    {"a": -1.0, "b": 0.5},
    {"a": -0.1, "b": 0.1},  # mass 0.08: uniform proposals near the mode
    {"a": 2.0, "b": 3.0},  # a tail: uniform proposals, many rejections
    pytest.param(
        {"mean": -3.0, "std": 1.0, "a": 0.0, "b": 1.0}, marks=pytest.mark.slow
    ),  # warns: 3 std below a
]


def _both(fn, seed: int, generator: bool = False) -> None:
    """``fn(library, generator)`` under torch and neuronlab from ``seed``: same bits, dtype and the
    same next draw from the generator used."""
    results = []
    for lib in (torch, nl):
        lib.manual_seed(seed)
        gen = lib.Generator().manual_seed(seed + 1) if generator else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib, gen).detach().numpy().copy()
        after = lib.rand(3, generator=gen).numpy()
        results.append((out, after))
    (theirs, theirs_next), (ours, ours_next) = results
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours_next, theirs_next)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "case", TRUNC_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default"
)
def test_trunc_normal_draws_torchs_bits(case, dtype):
    for seed in SEEDS:
        for shape in SHAPES:
            _both(
                lambda m, g, s=shape: m.nn.init.trunc_normal_(m.empty(s, dtype=getattr(m, dtype)), **case),
                seed,
            )


@pytest.mark.parametrize("case", [TRUNC_CASES[0], TRUNC_CASES[5]], ids=["normal-branch", "uniform-branch"])
def test_trunc_normal_with_a_generator(case):
    for seed in range(10):
        _both(lambda m, g: m.nn.init.trunc_normal_(m.empty(6, 7), **case, generator=g), seed, generator=True)


def test_trunc_normal_on_a_large_tensor():
    # enough proposals that a one-ulp difference in log (see init._log) had chances to flip one
    _both(lambda m, g: m.nn.init.trunc_normal_(m.empty(300, 1000), a=-0.05, b=0.05), 0)
    _both(lambda m, g: m.nn.init.trunc_normal_(m.empty(300, 1000), std=0.02), 1)


def test_trunc_normal_warns_as_torch():
    with pytest.warns(UserWarning, match="more than 2 std from"):
        init.trunc_normal_(nl.empty(4), mean=5.0)

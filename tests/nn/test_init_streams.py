"""``nn.init`` draws PyTorch 2.13's numbers: after the same seed, each initializer gives the same
bits as torch's (``orthogonal_``: the same draws, and a QR within the stated distance), leaves
the generator where torch leaves it, and takes the same arguments."""

from __future__ import annotations

import inspect
import re
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


# -- orthogonal_: the same draws, NumPy's QR --------------------------------------------------------
ORTHO_SHAPES = [
    (1, 1),
    (3, 5),
    (5, 3),
    (4, 4),
    (1, 7),
    (7, 1),
    (16, 16),
    (17, 9),
    (33, 64),
    (8, 4, 3, 3),
    (128, 128),
]
# Measured over these shapes, 50 seeds and gains 1, 1.7 (torch 2.13, MKL; NumPy 2.4): the largest
# |ours - torch| / gain was 22 float32 eps (2.7e-6, 128x128) and 111 float64 eps (2.5e-14, 16x16);
# 8% (float32) and 19% (float64) of the tensors were equal bit for bit. Square Gaussian matrices
# are the ill-conditioned ones: their last columns of Q move most with the rounding of the QR.
ORTHO_ATOL = {"float32": 5e-6, "float64": 5e-14}


@pytest.mark.parametrize(
    ("seeds", "shapes"),
    [(range(3), ORTHO_SHAPES[:-1]), pytest.param(range(50), ORTHO_SHAPES, marks=pytest.mark.slow)],
    ids=["3-seeds", "50-seeds"],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("gain", [1.0, 1.7])
def test_orthogonal_draws_torchs_matrix_and_leaves_the_stream_as_torch(dtype, gain, seeds, shapes):
    for seed in seeds:
        for shape in shapes:
            results = []
            for lib in (torch, nl):
                lib.manual_seed(seed)
                w = lib.nn.init.orthogonal_(lib.empty(shape, dtype=getattr(lib, dtype)), gain)
                results.append((w.numpy(), lib.rand(3).numpy()))
            (theirs, theirs_next), (ours, ours_next) = results
            assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
            np.testing.assert_array_equal(ours_next, theirs_next)  # the same normal_ draw
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=ORTHO_ATOL[dtype] * gain)


def test_orthogonal_with_a_generator():
    for seed in range(5):
        for lib in (torch, nl):
            lib.manual_seed(0)
        ours = init.orthogonal_(nl.empty(6, 10), generator=nl.Generator().manual_seed(seed)).numpy()
        theirs = torch.nn.init.orthogonal_(torch.empty(6, 10), generator=torch.Generator().manual_seed(seed))
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=ORTHO_ATOL["float32"])
        np.testing.assert_array_equal(nl.rand(3).numpy(), torch.rand(3).numpy())  # default stream untouched


# -- every other initializer: bits, arguments, errors ------------------------------------------------
CALLS = [
    ("uniform_", lambda m, t, g: m.nn.init.uniform_(t, -0.3, 0.7, generator=g)),
    ("normal_", lambda m, t, g: m.nn.init.normal_(t, 0.5, 0.2, generator=g)),
    ("constant_", lambda m, t, g: m.nn.init.constant_(t, 0.3)),
    ("ones_", lambda m, t, g: m.nn.init.ones_(t)),
    ("zeros_", lambda m, t, g: m.nn.init.zeros_(t)),
    ("eye_", lambda m, t, g: m.nn.init.eye_(t.view(t.shape[0], -1))),
    ("xavier_uniform_", lambda m, t, g: m.nn.init.xavier_uniform_(t, gain=1.3, generator=g)),
    ("xavier_normal_", lambda m, t, g: m.nn.init.xavier_normal_(t, gain=0.7, generator=g)),
    ("kaiming_uniform_", lambda m, t, g: m.nn.init.kaiming_uniform_(t, generator=g)),
    ("kaiming_uniform_-linear", lambda m, t, g: m.nn.init.kaiming_uniform_(t, a=5**0.5, generator=g)),
    ("kaiming_uniform_-fan_out-relu",
     lambda m, t, g: m.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu", generator=g)),
    ("kaiming_normal_-leaky", lambda m, t, g: m.nn.init.kaiming_normal_(t, a=0.2, generator=g)),
    ("kaiming_normal_-fan_out-tanh",
     lambda m, t, g: m.nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="tanh", generator=g)),
    ("kaiming_normal_-selu", lambda m, t, g: m.nn.init.kaiming_normal_(t, nonlinearity="selu", generator=g)),
    ("sparse_", lambda m, t, g: m.nn.init.sparse_(t.view(t.shape[0], -1), 0.4, std=0.05, generator=g)),
]  # fmt: skip


@pytest.mark.parametrize("call", [c[1] for c in CALLS], ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("shape", [(5, 3), (4, 4), (17, 9), (8, 3, 3, 3), (64, 33)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_initializers_draw_torchs_bits(call, shape, dtype):
    for seed in range(8):
        _both(lambda m, g: call(m, m.empty(shape, dtype=getattr(m, dtype)), g), seed)
        _both(lambda m, g: call(m, m.empty(shape, dtype=getattr(m, dtype)), g), seed, generator=True)


@pytest.mark.parametrize(("shape", "groups"), [((4, 3, 3), 1), ((6, 4, 3, 3), 2), ((6, 2, 3, 3), 3), ((2, 4, 3, 4, 5), 1),
                                               ((3, 5, 2), 1), ((4, 2, 1, 1), 4)])  # fmt: skip
def test_dirac_matches_torch(shape, groups):
    ours = init.dirac_(nl.full(shape, 7.0), groups).numpy()
    np.testing.assert_array_equal(ours, torch.nn.init.dirac_(torch.full(shape, 7.0), groups).numpy())


PUBLIC = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
          "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_",
          "_calculate_fan_in_and_fan_out", "_calculate_correct_fan"]  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC)
def test_signatures_are_torchs(name):
    ours = inspect.signature(getattr(init, name)).parameters
    theirs = inspect.signature(getattr(torch.nn.init, name)).parameters
    assert list(ours) == list(theirs)
    assert [p.default for p in ours.values()] == [p.default for p in theirs.values()]
    assert [p.kind for p in ours.values()] == [p.kind for p in theirs.values()]


DEPRECATED = ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal", "kaiming_uniform",
              "kaiming_normal", "orthogonal", "sparse"]  # fmt: skip


@pytest.mark.parametrize("name", DEPRECATED)
def test_deprecated_names_warn_and_fill_as_torch(name):
    shape = (4, 3, 3) if name == "dirac" else (6, 5)
    args = (0.5,) if name in ("constant", "sparse") else ()
    results = []
    for lib in (torch, nl):
        lib.manual_seed(3)
        with pytest.warns(
            FutureWarning, match=f"nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`"
        ):
            results.append(getattr(lib.nn.init, name)(lib.empty(shape), *args).numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=0, atol=ORTHO_ATOL["float32"])


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.nn.init.eye_(m.empty(2, 2, 2)),
        lambda m: m.nn.init.dirac_(m.empty(2, 2)),
        lambda m: m.nn.init.dirac_(m.empty(5, 2, 3), groups=2),
        lambda m: m.nn.init.orthogonal_(m.empty(4)),
        lambda m: m.nn.init.sparse_(m.empty(4, 2, 2), 0.1),
        lambda m: m.nn.init.kaiming_uniform_(m.empty(3, 3), mode="fan_avg"),
        lambda m: m.nn.init.kaiming_normal_(m.empty(3, 3), nonlinearity="swish"),
        lambda m: m.nn.init.xavier_uniform_(m.empty(3)),
        lambda m: m.nn.init.calculate_gain("leaky_relu", "0.1"),
        lambda m: m.nn.init.calculate_gain("leaky_relu", False),
        lambda m: m.nn.init.calculate_gain("gelu"),
    ],
)
def test_errors_are_torchs(call):
    with pytest.raises(ValueError) as theirs:
        call(torch)
    with pytest.raises(ValueError, match=f"^{re.escape(str(theirs.value))}$"):
        call(nl)


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_zero_element_kaiming_warns_as_torch(name):
    for lib in (torch, nl):
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            getattr(lib.nn.init, name)(lib.empty(0, 3))


@pytest.mark.parametrize("param", [None, 0, 1, 0.2, -0.5, 3, 5**0.5, np.float64(0.3)])
def test_leaky_relu_gain_equals_torch(param):
    assert init.calculate_gain("leaky_relu", param) == torch.nn.init.calculate_gain("leaky_relu", param)

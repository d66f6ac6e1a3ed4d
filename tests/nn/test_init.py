"""``nn.init``: gains and fans equal PyTorch's; the empirical bounds and standard deviations
of 10^5 samples are within sampling error of each initializer's formula and of PyTorch's
own samples; orthogonal matrices are orthogonal; generators make draws repeatable."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
from neuronlab.nn import init

# -- gains and fans ---------------------------------------------------------------------------------
GAINS = [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None), ("conv_transpose1d", None),
    ("conv_transpose2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None),
    ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", 1),
    ("leaky_relu", math.sqrt(5)), ("selu", None),
]  # fmt: skip


@pytest.mark.parametrize(("nonlinearity", "param"), GAINS)
def test_calculate_gain_equals_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_values_and_errors():
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("selu") == 3 / 4
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(10, 20), (16, 3, 5, 5), (3, 4, 5), (8, 4, 2, 3, 3), (1, 1)])
def test_fans_follow_torch_rule(shape):
    ours = init._calculate_fan_in_and_fan_out(nl.empty(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    receptive = math.prod(shape[2:])
    assert ours == (shape[1] * receptive, shape[0] * receptive)


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(nl.empty(5))


# -- distributions ------------------------------------------------------------------------------------
SHAPE_2D = (400, 250)  # fan_in 250, fan_out 400
SHAPE_CONV = (256, 16, 5, 5)  # fan_in 16·25 = 400, fan_out 256·25 = 6400


def _std_se(sample: np.ndarray) -> float:
    """Standard error of the sample std: √((m4 - s⁴) / (4 n s²)) (delta method)."""
    centred = sample - sample.mean()
    s2 = (centred**2).mean()
    m4 = (centred**4).mean()
    return math.sqrt((m4 - s2**2) / (4 * sample.size * s2))


# (id, call(init module, tensor), shape, expected std, uniform bound or None)
DISTRIBUTIONS = [
    ("uniform", lambda m, t: m.uniform_(t, -0.3, 0.7), SHAPE_2D, 1.0 / math.sqrt(12), None),
    ("normal", lambda m, t: m.normal_(t, 1.0, 0.5), SHAPE_2D, 0.5, None),
    ("xavier_uniform", lambda m, t: m.xavier_uniform_(t), SHAPE_2D, math.sqrt(2 / 650), math.sqrt(6 / 650)),
    ("xavier_uniform-gain", lambda m, t: m.xavier_uniform_(t, gain=m.calculate_gain("tanh")), SHAPE_2D,
     5 / 3 * math.sqrt(2 / 650), 5 / 3 * math.sqrt(6 / 650)),
    ("xavier_normal", lambda m, t: m.xavier_normal_(t), SHAPE_2D, math.sqrt(2 / 650), None),
    ("xavier_normal-conv", lambda m, t: m.xavier_normal_(t), SHAPE_CONV, math.sqrt(2 / 6800), None),
    ("kaiming_uniform", lambda m, t: m.kaiming_uniform_(t), SHAPE_2D, math.sqrt(2 / 250), math.sqrt(6 / 250)),
    ("kaiming_uniform-linear-default", lambda m, t: m.kaiming_uniform_(t, a=math.sqrt(5)), SHAPE_2D,
     1 / math.sqrt(3 * 250), 1 / math.sqrt(250)),
    ("kaiming_uniform-conv-relu", lambda m, t: m.kaiming_uniform_(t, nonlinearity="relu"), SHAPE_CONV,
     math.sqrt(2 / 400), math.sqrt(6 / 400)),
    ("kaiming_normal", lambda m, t: m.kaiming_normal_(t, nonlinearity="relu"), SHAPE_2D, math.sqrt(2 / 250), None),
    ("kaiming_normal-fan_out", lambda m, t: m.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"), SHAPE_CONV,
     math.sqrt(2 / 6400), None),
    ("kaiming_normal-leaky", lambda m, t: m.kaiming_normal_(t, a=0.2), SHAPE_2D,
     math.sqrt(2 / 1.04) / math.sqrt(250), None),
    ("kaiming_normal-tanh", lambda m, t: m.kaiming_normal_(t, nonlinearity="tanh"), SHAPE_2D,
     5 / 3 / math.sqrt(250), None),
]  # fmt: skip


@pytest.mark.parametrize(("call", "shape", "std", "bound"), [d[1:] for d in DISTRIBUTIONS],
                         ids=[d[0] for d in DISTRIBUTIONS])  # fmt: skip
def test_initializer_statistics(call, shape, std, bound):
    nl.manual_seed(0)
    ours = call(init, nl.empty(*shape)).numpy().astype(np.float64).ravel()
    torch.manual_seed(0)
    theirs = call(torch.nn.init, torch.empty(*shape)).numpy().astype(np.float64).ravel()
    se = _std_se(ours)
    assert abs(ours.std() - std) <= 5 * se, (ours.std(), std)
    assert abs(ours.std() - theirs.std()) <= 5 * math.sqrt(2) * se  # and agrees with PyTorch's samples
    assert abs(ours.mean() - theirs.mean()) <= 5 * math.sqrt(2) * std / math.sqrt(ours.size)
    if bound is not None:
        assert ours.max() <= bound and ours.min() >= -bound
        assert ours.max() > 0.999 * bound and ours.min() < -0.999 * bound


def _truncated_normal_moments(a: float, b: float) -> tuple[float, float]:
    """Mean and std of N(0, 1) conditioned on [a, b]."""
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    z = cdf(b) - cdf(a)
    mean = (pdf(a) - pdf(b)) / z
    var = 1 + (a * pdf(a) - b * pdf(b)) / z - mean**2
    return mean, math.sqrt(var)


@pytest.mark.parametrize(
    ("a", "b"), [(-2.0, 2.0), (-1.0, 0.5), (2.0, 3.0)]
)  # the last one: tail rejection branch
def test_trunc_normal_moments(a, b):
    nl.manual_seed(0)
    sample = init.trunc_normal_(nl.empty(*SHAPE_2D), mean=0.0, std=1.0, a=a, b=b).numpy().astype(np.float64)
    assert sample.min() >= a and sample.max() <= b
    mean, std = _truncated_normal_moments(a, b)
    assert abs(sample.mean() - mean) <= 5 * std / math.sqrt(sample.size)
    assert abs(sample.std() - std) <= 5 * _std_se(sample.ravel())


def test_trunc_normal_scaled_and_warns_far_from_interval():
    nl.manual_seed(0)
    sample = init.trunc_normal_(nl.empty(200, 500), mean=1.0, std=0.02, a=0.97, b=1.03).numpy()
    assert sample.min() >= np.float32(0.97) and sample.max() <= np.float32(1.03)
    with pytest.warns(UserWarning, match="more than 2 std"):
        init.trunc_normal_(nl.empty(10), mean=5.0, std=1.0)


@pytest.mark.parametrize(
    ("shape", "gain"), [((3, 5), 1.0), ((5, 3), 1.0), ((64, 64), 1.0), ((6, 2, 3, 3), 2.0)]
)
def test_orthogonal(shape, gain):
    nl.manual_seed(0)
    w = init.orthogonal_(nl.empty(*shape, dtype=nl.float64), gain=gain).numpy().reshape(shape[0], -1)
    rows, cols = w.shape
    gram = w @ w.T if rows <= cols else w.T @ w
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(rows, cols)), atol=1e-12)


def test_orthogonal_is_random_and_errors():
    a = init.orthogonal_(nl.empty(4, 4)).numpy().copy()
    b = init.orthogonal_(nl.empty(4, 4)).numpy()
    assert not np.allclose(a, b)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(nl.empty(4))


# -- deterministic initializers ----------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4)])
def test_eye_matches_torch(shape):
    np.testing.assert_array_equal(
        init.eye_(nl.empty(*shape)).numpy(), torch.nn.init.eye_(torch.empty(*shape)).numpy()
    )


@pytest.mark.parametrize(
    ("shape", "groups"), [((4, 3, 3), 1), ((6, 4, 3, 3), 1), ((6, 2, 3, 3), 3), ((2, 4, 3, 3, 3), 1)]
)
def test_dirac_matches_torch(shape, groups):
    np.testing.assert_array_equal(
        init.dirac_(nl.empty(*shape), groups).numpy(),
        torch.nn.init.dirac_(torch.empty(*shape), groups).numpy(),
    )


def test_constant_ones_zeros():
    t = nl.empty(3, 4)
    assert init.constant_(t, 0.25) is t and np.all(t.numpy() == 0.25)
    assert np.all(init.ones_(t).numpy() == 1)
    assert np.all(init.zeros_(t).numpy() == 0)
    with pytest.raises(ValueError):
        init.eye_(nl.empty(2, 2, 2))
    with pytest.raises(ValueError):
        init.dirac_(nl.empty(2, 2))


def test_sparse_zeros_a_fraction_of_each_column():
    w = init.sparse_(nl.empty(10, 6), sparsity=0.3).numpy()
    assert np.all((w == 0).sum(0) == 3)


# -- generators, in-place semantics, dtypes --------------------------------------------------------
@pytest.mark.parametrize("name", ["uniform_", "normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                                  "kaiming_normal_", "trunc_normal_", "orthogonal_"])  # fmt: skip
def test_generator_makes_draws_repeatable_and_leaves_default_stream_alone(name):
    # (sparse_ is left out: PyTorch draws its row permutations from the default generator;
    # tests/engine/test_random_streams.py compares it with torch)
    fn = getattr(init, name)
    args = (0.5,) if name == "sparse_" else ()
    a = fn(nl.empty(6, 5), *args, generator=nl.Generator().manual_seed(11)).numpy()
    nl.manual_seed(1)
    expected_next = nl.rand(3).numpy()
    nl.manual_seed(1)
    b = fn(nl.empty(6, 5), *args, generator=nl.Generator().manual_seed(11)).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(nl.rand(3).numpy(), expected_next)  # default generator untouched
    nl.manual_seed(4)
    c = fn(nl.empty(6, 5), *args).numpy()
    nl.manual_seed(4)
    np.testing.assert_array_equal(c, fn(nl.empty(6, 5), *args).numpy())  # default generator + manual_seed


def test_initializers_work_in_place_on_parameters():
    p = nn.Parameter(nl.empty(8, 4))
    version = p._version[0]
    assert init.kaiming_uniform_(p) is p
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert p._version[0] > version  # an in-place change autograd can see
    assert init.xavier_normal_(p) is p and init.zeros_(p) is p and init.orthogonal_(p) is p


@pytest.mark.parametrize("dtype", [nl.float32, nl.float64])
def test_initializers_keep_dtype(dtype):
    for fn in (init.xavier_uniform_, init.kaiming_normal_, init.orthogonal_, init.eye_, init.trunc_normal_):
        assert fn(nl.empty(4, 3, dtype=dtype)).dtype == dtype


def test_kaiming_errors():
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(nl.empty(3, 3), mode="fan_avg")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        init.kaiming_normal_(nl.empty(0, 3))
    assert any("zero-element" in str(w.message) for w in caught)

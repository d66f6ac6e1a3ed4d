"""PyTorch's random streams, bit for bit: the same seed and the same calls give the same bits
as torch 2.13 on the CPU (x86 with AVX2/AVX-512 for float32 ``randn`` of 16 elements or more:
see docs/compatibility.md)."""

import numpy as np
import pytest
import torch

import neuronlab as nl
from neuronlab import nn
from neuronlab.nn import functional as F
from neuronlab.utils.data import DataLoader, RandomSampler, TensorDataset, WeightedRandomSampler

SIZES = [1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 1000]
SEEDS = [0, 1, 7, 42, 1234, 2**32 + 5, 2**63 - 1]


def same(lib, fn):
    """Run ``fn(lib)`` under both libraries from the same seed; compare results and the next draw."""

    def run(mod):
        mod.manual_seed(seed_holder[0])
        out = fn(mod)
        nxt = mod.rand(5)
        return [np.asarray(o.detach().numpy() if hasattr(o, "detach") else o) for o in out] + [nxt.numpy()]

    a, b = run(torch), run(nl)
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x, y)


seed_holder = [0]


@pytest.fixture(params=SEEDS)
def seed(request):
    seed_holder[0] = request.param
    return request.param


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rand_randn_normal_uniform(seed, n, dtype):
    same(None, lambda m: [m.rand(n, dtype=getattr(m, dtype)), m.randn(n, dtype=getattr(m, dtype)),
                          m.empty(n, dtype=getattr(m, dtype)).normal_(0.5, 0.01),
                          m.empty(n, dtype=getattr(m, dtype)).uniform_(-0.3, 0.7)])  # fmt: skip


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4), (7, 9), (64, 33)])
def test_call_orders_and_the_cached_normal(seed, shape):
    # below 16 elements randn draws pairs and keeps the second value for the next call
    same(None, lambda m: [m.randn(1), m.rand(2), m.randn(3), m.randn(*shape), m.randn(1, dtype=m.float64),
                          m.randn(5), m.randint(0, 10, (4,)), m.randn(shape)])  # fmt: skip


@pytest.mark.parametrize("n", SIZES)
def test_integers_permutations_bernoulli_exponential(seed, n):
    same(None, lambda m: [m.randint(-3, 17, (n,)), m.randint(5, (2, n)), m.randperm(n),
                          m.randint(0, 2**40, (n,)), m.empty(n).bernoulli_(0.3),
                          m.bernoulli(m.linspace(0, 1, n)), m.empty(n, dtype=m.float64).exponential_(),
                          m.empty(n).random_(0, 100)])  # fmt: skip


def test_multinomial_with_and_without_replacement(seed):
    probs = np.random.default_rng(seed % 2**32).random((4, 27)).astype(np.float32)

    def draws(m):
        p = m.tensor(probs)
        return [
            m.multinomial(p, 1),
            m.multinomial(p, 5, replacement=True),
            m.multinomial(p, 5),
            m.multinomial(p[0], 10, replacement=True),
            m.multinomial(p[1], 1, replacement=True),
        ]

    same(None, draws)


def test_factories_with_keywords_and_requires_grad(seed):
    def draws(m):
        w = m.normal(0, 0.01, size=(3, 4), requires_grad=True)
        assert w.requires_grad and w.is_leaf
        return [
            w,
            m.normal(m.zeros(5), m.ones(5) * 2),
            m.normal(m.arange(4.0), 1.0),
            m.rand(size=(2, 3)),
            m.randn(2, 17, generator=None),
            m.zeros(size=(2,)),
            m.rand_like(m.zeros(20)),
        ]

    same(None, draws)


def test_layers_init_and_dropout_masks(seed):
    def draws(m):
        lin, conv = m.nn.Linear(7, 5), m.nn.Conv2d(3, 4, 3)
        x = m.ones(6, 40)
        w = m.empty(8, 9)
        return [lin.weight, lin.bias, conv.weight, conv.bias, m.nn.functional.dropout(x, 0.3),
                m.nn.Dropout(0.5)(x), m.nn.init.xavier_normal_(w), m.nn.init.kaiming_normal_(m.empty(20, 4)),
                m.nn.init.sparse_(m.empty(6, 3), 0.5)]  # fmt: skip

    same(None, draws)


def test_generator_objects_and_states(seed):
    def draws(m):
        g = m.Generator().manual_seed(seed)
        a = m.randn(3, generator=g)
        state = g.get_state()
        b = [m.rand(4, generator=g), m.randn(3, generator=g)]
        g.set_state(state)
        c = [m.rand(4, generator=g), m.randn(3, generator=g)]
        return [a, *b, *c, m.tensor(g.initial_seed()), m.get_rng_state(), m.tensor(m.initial_seed())]

    same(None, draws)


def test_states_transfer_between_the_libraries():
    torch.manual_seed(3)
    torch.randn(1)  # a cached normal value is part of the state
    nl.set_rng_state(nl.tensor(torch.get_rng_state().numpy()))
    np.testing.assert_array_equal(nl.randn(5).numpy(), torch.randn(5).numpy())
    torch.set_rng_state(torch.from_numpy(nl.get_rng_state().numpy()))
    np.testing.assert_array_equal(nl.rand(40).numpy(), torch.rand(40).numpy())


def test_seed_rules():
    assert nl.manual_seed(-1).initial_seed() == torch.manual_seed(-1).initial_seed() == 2**64 - 1
    with pytest.raises(RuntimeError):
        nl.manual_seed(2**64)
    s = nl.seed()
    assert nl.initial_seed() == s and 0 <= s < 2**64
    assert nl.Generator().initial_seed() == torch.Generator().initial_seed()


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("n,batch", [(10, 3), (33, 8), (100, 100)])
def test_dataloader_order_and_the_stream_after_it(seed, shuffle, n, batch):
    def draws(m):
        data = m.utils.data.TensorDataset(m.arange(n), m.arange(n) * 2)
        out = []
        for _ in range(2):
            out += [x for x, _ in m.utils.data.DataLoader(data, batch_size=batch, shuffle=shuffle)]
        g = m.Generator().manual_seed(5)
        out += [x for x, _ in m.utils.data.DataLoader(data, batch_size=batch, shuffle=True, generator=g)]
        return [m.cat(out)]

    same(None, draws)


def test_samplers(seed):
    def draws(m):
        data = list(range(13))
        return [np.array(list(m.utils.data.RandomSampler(data))),
                np.array(list(m.utils.data.RandomSampler(data, replacement=True, num_samples=40))),
                np.array(list(m.utils.data.WeightedRandomSampler([0.1, 0.5, 2.0, 1.0], 9))),
                np.array(list(m.utils.data.SubsetRandomSampler([3, 5, 7, 9]))),
                np.array([len(s) for s in m.utils.data.random_split(data, [0.7, 0.3])]),
                np.array(list(m.utils.data.random_split(data, [10, 3])[0]))]  # fmt: skip

    same(None, draws)


def test_large_randn_matches_over_many_blocks():
    torch.manual_seed(2026)
    nl.manual_seed(2026)
    np.testing.assert_array_equal(nl.randn(300_001).numpy(), torch.randn(300_001).numpy())


def test_noncontiguous_normal_uses_the_one_by_one_path():
    for m in (torch, nl):
        m.manual_seed(9)
    a, b = torch.zeros(20, 4).t(), nl.zeros(20, 4).t()
    a[0].normal_()
    b[0].normal_()
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_unused_imports_are_the_public_surface():
    assert DataLoader and RandomSampler and TensorDataset and WeightedRandomSampler and nn and F


RANDOM_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64", "bool"]
RANDOM_BOUNDS = [(), (5,), (0, 5), (-3, 7), (0, 2**25), (0, 2**33), (7, 3)]


def _random_fill(lib, dtype, bounds):
    """``random_(*bounds)`` on a fresh tensor: its values, or the exception type and message."""
    lib.manual_seed(3)
    t = lib.zeros(40, dtype=getattr(lib, dtype))
    try:
        t.random_(*bounds)
    except RuntimeError as error:
        return "RuntimeError", str(error).split(" (Triggered")[0]
    return t.tolist(), lib.rand(2).tolist()


@pytest.mark.filterwarnings("ignore:.*out of bounds")
@pytest.mark.parametrize("dtype", RANDOM_DTYPES)
@pytest.mark.parametrize("bounds", RANDOM_BOUNDS, ids=str)
def test_random_fill_bounds_per_dtype(dtype, bounds):
    """random_ moves float bounds to values the dtype holds (ATen's update_from/update_to),
    draws 64-bit words for wide ranges, and refuses bounds outside the dtype, as PyTorch."""
    assert _random_fill(nl, dtype, bounds) == _random_fill(torch, dtype, bounds)


def test_random_fill_warns_beyond_the_exact_integers():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"):
        nl.zeros(3).random_(0, 2**30)
    torch.manual_seed(0)
    nl.manual_seed(0)
    with pytest.warns(UserWarning):
        ours = nl.randint(0, 2**30, (6,), dtype=nl.float32).tolist()
    with pytest.warns(UserWarning):
        assert ours == torch.randint(0, 2**30, (6,), dtype=torch.float32).tolist()


@pytest.mark.parametrize("low", [0, -(2**27), 5])
@pytest.mark.parametrize("width", [2**28 - 1, 2**28, 2**31, 2**33])
def test_randint_switches_to_64_bit_words_at_a_range_of_2_to_the_28(low, width):
    values = []
    for lib in (torch, nl):
        lib.manual_seed(11)
        values.append((lib.randint(low, low + width, (5,)).tolist(), lib.rand(1).item()))
    assert values[0] == values[1]

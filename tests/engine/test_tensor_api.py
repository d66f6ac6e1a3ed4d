"""The Tensor's non-differentiable surface matches PyTorch: factories, dtypes and promotion,
conversion, Python protocols, printing, overloads, devices and error messages."""

import numpy as np
import pytest
import torch as reference

import neuronlab as torch


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.tensor([1.0, 2.0]),
        lambda m: m.tensor([1, 2]),
        lambda m: m.tensor([True, False]),
        lambda m: m.tensor(3.5),
        lambda m: m.tensor([[1, 2.5]]),
        lambda m: m.zeros(2, 3),
        lambda m: m.ones((2, 3), dtype=m.float64),
        lambda m: m.full((2,), 7),
        lambda m: m.full((2,), 7.0),
        lambda m: m.arange(5),
        lambda m: m.arange(0, 1, 0.25),
        lambda m: m.linspace(0, 1, 5),
        lambda m: m.eye(3),
        lambda m: m.zeros_like(m.tensor([1, 2])),
        lambda m: m.ones_like(m.tensor([1.0]), dtype=m.float64),
        lambda m: m.tensor(np.array([1.0, 2.0])),  # float64 NumPy data keeps float64
        lambda m: m.from_numpy(np.arange(3, dtype=np.int32)),
    ],
)
def test_factories_match_torch(make):
    ours, theirs = make(torch), make(reference)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-7)


def test_random_factories_shapes_dtypes_and_seed_repeatability():
    torch.manual_seed(0)
    a = torch.randn(3, 4)
    b = torch.rand(2)
    c = torch.randint(0, 10, (5,))
    torch.manual_seed(0)
    assert torch.equal(a, torch.randn(3, 4)) and torch.equal(b, torch.rand(2))
    assert torch.equal(c, torch.randint(0, 10, (5,)))
    assert a.dtype == torch.float32 and c.dtype == torch.int64
    assert a.shape == (3, 4)  # 004 (15)
    g = torch.Generator().manual_seed(1)
    assert torch.equal(
        torch.randn(3, generator=g), torch.randn(3, generator=torch.Generator().manual_seed(1))
    )
    perm = torch.randperm(10)
    assert sorted(perm.tolist()) == list(range(10))


def test_rng_state_round_trip():
    torch.manual_seed(5)
    state = torch.get_rng_state()
    first = torch.randn(4)
    torch.set_rng_state(state)
    assert torch.equal(first, torch.randn(4))


def test_conversions_and_protocols():
    x = torch.tensor([[1.5, 2.0], [3.0, 4.0]])
    assert x.tolist() == [[1.5, 2.0], [3.0, 4.0]]
    assert torch.tensor(2.5).item() == 2.5
    assert float(torch.tensor([3.0])) == 3.0 and int(torch.tensor(7)) == 7
    assert bool(torch.tensor(1.0)) and len(x) == 2 and x.numel() == 4
    assert [row.tolist() for row in x] == [[1.5, 2.0], [3.0, 4.0]]
    assert np.asarray(x).dtype == np.float32
    assert x.size() == (2, 2) and x.size(1) == 2 and x.size(-1) == 2 and x.dim() == 2
    assert x.T.tolist() == [[1.5, 3.0], [2.0, 4.0]]
    assert x.double().dtype == torch.float64 and x.long().tolist() == [[1, 2], [3, 4]]
    assert x.to(torch.float64).dtype == torch.float64 and x.to("cpu") is x
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(x)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        x.item()
    t = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\)"):
        t.numpy()


def test_from_numpy_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = torch.from_numpy(a)
    t[0] = 5
    assert a[0] == 5


@pytest.mark.parametrize(
    "data",
    [
        [1.0, 2.5],
        [[1e-5, 1.0]],
        [1, 2, 3],
        [True, False],
        3.0,
        [[0.1234567, 100.5], [-2.0, 3.0]],
        [1e10, 1.0],
    ],
)
def test_repr_matches_torch(data):
    assert repr(torch.tensor(data)) == repr(reference.tensor(data))


def test_repr_suffixes():
    assert repr(torch.tensor([1.0, 2.0], dtype=torch.float64)) == "tensor([1., 2.], dtype=neuronlab.float64)"
    assert repr(torch.tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    x = torch.tensor([1.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2.], grad_fn=<MulBackward0>)"
    assert repr(torch.zeros(0, 3)) == repr(reference.zeros(0, 3))


def test_max_overloads():
    x = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    assert torch.max(x).item() == 7.0
    values, indices = torch.max(x, 1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    result = x.max(dim=0, keepdim=True)
    assert result.values.shape == (1, 2) and result.indices.tolist() == [[1, 0]]
    assert torch.max(x, torch.tensor([3.0, 3.0])).tolist() == [[3.0, 5.0], [7.0, 3.0]]
    assert torch.min(x, 1).indices.tolist() == [0, 1]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("float32", 2),
        ("float32", 2.5),
        ("int64", 2.5),
        ("int64", True),
        ("bool", 3),
        ("int32", 2),
        ("float64", "float32_0d"),
        ("int64", "float64_0d"),
        ("float32", "float64"),
        ("int32", "int64"),
        ("bool", "int32"),
    ],
)
def test_promotion_matches_torch(a, b):
    def build(lib, spec, shape=(2,)):
        if not isinstance(spec, str):
            return spec
        name, _, zero_d = spec.partition("_")
        return lib.ones(() if zero_d else shape, dtype=getattr(lib, name))

    for op in (lambda u, v: u + v, lambda u, v: u * v, lambda u, v: v * u, lambda u, v: u / v):
        ours = op(build(torch, a), build(torch, b))
        theirs = op(build(reference, a), build(reference, b))
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch."), (a, b)


def test_device_handling():
    assert torch.zeros(2, device="cpu").device == torch.device("cpu")
    assert torch.ones(1).cpu().device.type == "cpu"
    assert not torch.cuda.is_available()
    with pytest.raises(RuntimeError, match="no GPU backend"):
        torch.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="no GPU backend"):
        torch.ones(2).to("cuda")


def test_unsupported_dtype_refused():
    with pytest.raises(TypeError, match="not supported"):
        torch.tensor([1.0], dtype="complex64")
    with pytest.raises(TypeError, match="cannot become tensors"):
        torch.from_numpy(np.array([1 + 2j]))


def test_shape_mismatch_names_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"add\(\).*\(2, 3\).*\(4,\)"):
        torch.ones(2, 3) + torch.ones(4)
    with pytest.raises(ValueError, match=r"mul\(\)"):  # also catchable as ValueError
        torch.ones(2, 3) * torch.ones(2)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        torch.ones(2, 3) @ torch.ones(4, 5)
    with pytest.raises(RuntimeError, match="is invalid for input of size 6"):
        torch.ones(2, 3).view(4, 2)


def test_index_errors_and_dims():
    x = torch.ones(2, 3)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.sum(dim=2)
    with pytest.raises(IndexError):
        x[5]


def test_views_share_storage():
    x = torch.arange(6).reshape(2, 3)
    v = x.view(3, 2)
    v[0, 0] = 100
    assert x[0, 0].item() == 100
    s = x[:, 1]
    s.fill_(-1)
    assert x[:, 1].tolist() == [-1, -1]


def test_inplace_ops_and_returns_self():
    x = torch.zeros(3)
    assert x.add_(1) is x and x.tolist() == [1.0, 1.0, 1.0]
    x.mul_(torch.tensor([1.0, 2.0, 3.0])).sub_(1, alpha=2)
    assert x.tolist() == [-1.0, 0.0, 1.0]
    x.clamp_(min=0).zero_()
    assert x.tolist() == [0.0, 0.0, 0.0]
    torch.manual_seed(0)
    y = torch.empty(1000).normal_(2.0, 0.5)
    assert abs(y.mean().item() - 2.0) < 0.1 and abs(y.std().item() - 0.5) < 0.05
    z = torch.empty(1000).uniform_(-1, 1)
    assert z.min().item() >= -1 and z.max().item() < 1

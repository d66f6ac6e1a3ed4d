"""Linear, Identity, activation layers, Flatten/Unflatten and Residual against PyTorch:
same output, input gradient and parameter gradients from the same weights (random upstream
gradient, train and eval mode, float32 and float64), same repr, same constructor signature."""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
from tests.nn.torch_check import compare_with_torch


class TorchResidual(torch.nn.Module):
    """The reference for ``nn.Residual``, written with PyTorch (it has no such class)."""

    def __init__(self, block, projection=None):
        super().__init__()
        self.block = block
        self.projection = projection

    def forward(self, x):
        return (x if self.projection is None else self.projection(x)) + self.block(x)


def _residual(m):
    if m is torch.nn:
        return TorchResidual(m.Sequential(m.Linear(6, 6), m.Tanh(), m.Linear(6, 6)))
    return nn.Residual(nn.Sequential(nn.Linear(6, 6), nn.Tanh(), nn.Linear(6, 6)))


def _residual_projection(m):
    if m is torch.nn:
        return TorchResidual(m.Linear(6, 3), projection=m.Linear(6, 3, bias=False))
    return nn.Residual(nn.Linear(6, 3), projection=nn.Linear(6, 3, bias=False))


# (id, build(m) with m = torch.nn or neuronlab.nn, input shape, input scale)
CASES = [
    ("linear", lambda m: m.Linear(5, 3), (4, 5), 1.0),
    ("linear-nobias", lambda m: m.Linear(5, 3, bias=False), (4, 5), 1.0),
    ("linear-3d", lambda m: m.Linear(5, 3), (2, 4, 5), 1.0),
    ("linear-1d", lambda m: m.Linear(5, 3), (5,), 1.0),
    ("identity", lambda m: m.Identity(3, unused=True), (3, 4), 1.0),
    ("sigmoid", lambda m: m.Sigmoid(), (3, 4), 3.0),
    ("tanh", lambda m: m.Tanh(), (3, 4), 2.0),
    ("relu", lambda m: m.ReLU(), (3, 4), 1.0),
    ("leaky_relu", lambda m: m.LeakyReLU(), (3, 4), 1.0),
    ("leaky_relu-0.2", lambda m: m.LeakyReLU(0.2), (3, 4), 1.0),
    ("prelu", lambda m: m.PReLU(), (3, 4), 1.0),
    ("prelu-channels", lambda m: m.PReLU(3, init=0.1), (2, 3, 4), 1.0),
    ("elu", lambda m: m.ELU(), (3, 4), 2.0),
    ("elu-alpha", lambda m: m.ELU(alpha=0.5), (3, 4), 2.0),
    ("gelu", lambda m: m.GELU(), (3, 4), 2.0),
    ("gelu-tanh", lambda m: m.GELU(approximate="tanh"), (3, 4), 2.0),
    ("softmax-1", lambda m: m.Softmax(dim=1), (3, 4), 2.0),
    ("softmax-0", lambda m: m.Softmax(dim=0), (3, 4), 2.0),
    ("softmax-last-3d", lambda m: m.Softmax(dim=-1), (2, 3, 4), 2.0),
    ("log_softmax", lambda m: m.LogSoftmax(dim=1), (3, 4), 2.0),
    ("softmin", lambda m: m.Softmin(dim=1), (3, 4), 2.0),
    ("softplus", lambda m: m.Softplus(), (3, 4), 2.0),
    ("softplus-threshold", lambda m: m.Softplus(beta=2.0, threshold=1.0), (4, 5), 2.0),
    ("silu", lambda m: m.SiLU(), (3, 4), 2.0),
    ("hardtanh", lambda m: m.Hardtanh(), (3, 4), 2.0),
    ("hardtanh-range", lambda m: m.Hardtanh(-0.5, 1.5), (3, 4), 2.0),
    ("relu6", lambda m: m.ReLU6(), (3, 4), 5.0),
    ("logsigmoid", lambda m: m.LogSigmoid(), (3, 4), 3.0),
    ("softsign", lambda m: m.Softsign(), (3, 4), 2.0),
    ("flatten", lambda m: m.Flatten(), (2, 3, 4, 5), 1.0),
    ("flatten-0-2", lambda m: m.Flatten(0, 2), (2, 3, 4, 5), 1.0),
    ("unflatten", lambda m: m.Unflatten(1, (2, 3)), (4, 6), 1.0),
    ("unflatten-list", lambda m: m.Unflatten(-1, [3, 2]), (4, 6), 1.0),
    # in-place activations act on a non-leaf, as in a real network
    ("relu-inplace", lambda m: m.Sequential(m.Linear(4, 4), m.ReLU(inplace=True)), (3, 4), 1.0),
    ("leaky-inplace", lambda m: m.Sequential(m.Linear(4, 4), m.LeakyReLU(0.1, True)), (3, 4), 1.0),
    ("elu-inplace", lambda m: m.Sequential(m.Linear(4, 4), m.ELU(inplace=True)), (3, 4), 2.0),
    ("silu-inplace", lambda m: m.Sequential(m.Linear(4, 4), m.SiLU(inplace=True)), (3, 4), 2.0),
    ("hardtanh-inplace", lambda m: m.Sequential(m.Linear(4, 4), m.Hardtanh(inplace=True)), (3, 4), 2.0),
    ("relu6-inplace", lambda m: m.Sequential(m.Linear(4, 4), m.ReLU6(inplace=True)), (3, 4), 8.0),
    (
        "mlp",
        lambda m: m.Sequential(
            m.Linear(4, 8), m.Tanh(), m.Linear(8, 8), m.PReLU(8), m.Linear(8, 3), m.LogSoftmax(dim=1)
        ),
        (5, 4),
        1.0,
    ),
    ("residual", _residual, (3, 6), 1.0),
    ("residual-projection", _residual_projection, (3, 6), 1.0),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize(("build", "shape", "scale"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_layer_matches_torch(build, shape, scale, train, dtype):
    torch.manual_seed(0)
    x = (np.random.default_rng(1).standard_normal(shape) * scale).astype(dtype)
    compare_with_torch(build(nn), build(torch.nn), x, train=train)


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_repr_matches_torch(build):
    expected = repr(build(torch.nn))
    if isinstance(build(torch.nn), TorchResidual):
        expected = expected.replace("TorchResidual", "Residual")
    assert repr(build(nn)) == expected


@pytest.mark.parametrize(
    "name",
    ["Linear", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "ELU", "GELU", "Softmax",
     "LogSoftmax", "Softmin", "Softplus", "SiLU", "Hardtanh", "ReLU6", "LogSigmoid", "Softsign",
     "Flatten", "Unflatten", "Dropout", "Dropout1d", "Dropout2d", "Sequential", "ModuleList",
     "ModuleDict"],
)  # fmt: skip
def test_constructor_signature_matches_torch(name):
    ours = inspect.signature(getattr(nn, name).__init__).parameters
    theirs = inspect.signature(getattr(torch.nn, name).__init__).parameters
    assert [(p.name, p.default, p.kind) for p in ours.values()] == [
        (p.name, p.default, p.kind) for p in theirs.values()
    ]


def test_reprs_of_settings():
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.Sign()) == "Sign()"
    assert repr(nn.Step()) == "Step()"
    for name in ["Softmax", "LogSoftmax", "Softmin", "GELU", "ELU", "Softplus", "PReLU", "Hardtanh", "SiLU"]:
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())


# -- the M-P neuron's threshold units ------------------------------------------------------------
@pytest.mark.parametrize(("layer", "reference"), [
    (nn.Sign(), torch.sign),
    (nn.Step(), lambda x: torch.heaviside(x, torch.tensor(1.0, dtype=x.dtype))),
])  # fmt: skip
def test_threshold_units(layer, reference):
    x = np.array([[-2.0, -0.0, 0.0, 0.5], [3.0, -1e-8, 1e-8, 0.0]])
    x_nl = nl.tensor(x, requires_grad=True)
    out = layer(x_nl)
    np.testing.assert_array_equal(out.detach().numpy(), reference(torch.tensor(x)).numpy())
    out.backward(nl.tensor(np.random.default_rng(0).standard_normal(x.shape)))
    np.testing.assert_array_equal(x_nl.grad.numpy(), np.zeros_like(x))  # piecewise constant


def test_mp_neuron_and_gate():
    # McCulloch-Pitts: fires (step) when w·x - θ >= 0; weights (1, 1) and θ = 2 give AND.
    neuron = nn.Sequential(nn.Linear(2, 1), nn.Step())
    with nl.no_grad():
        neuron[0].weight.copy_(nl.tensor([[1.0, 1.0]]))
        neuron[0].bias.fill_(-2.0)
    x = nl.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert neuron(x).flatten().tolist() == [0.0, 0.0, 0.0, 1.0]


# -- Linear specifics ------------------------------------------------------------------------------
def test_linear_shapes_count_and_init_bounds():
    nl.manual_seed(0)
    fc = nn.Linear(784, 256)
    assert fc.weight.shape == (256, 784) and fc.bias.shape == (256,)
    assert sum(p.numel() for p in fc.parameters()) == 200_960  # 784·256 + 256, the seeds' count
    bound = 1 / math.sqrt(784)  # kaiming_uniform_(a=√5) gives 1/√fan_in
    w = fc.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert np.isclose(w.std(), bound / math.sqrt(3), rtol=0.01)
    assert np.abs(fc.bias.detach().numpy()).max() <= bound
    assert fc.weight.dtype == nl.float32 and fc.weight.requires_grad


def test_linear_reset_parameters_is_seeded():
    nl.manual_seed(3)
    a = nn.Linear(10, 4)
    nl.manual_seed(3)
    b = nn.Linear(10, 4)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    before = a.weight.detach().numpy().copy()
    a.reset_parameters()
    assert not np.array_equal(before, a.weight.detach().numpy())


def test_linear_options_and_errors():
    fc = nn.Linear(3, 2, bias=False, dtype=nl.float64)
    assert fc.bias is None and list(fc.state_dict()) == ["weight"]
    assert fc.weight.dtype == nl.float64
    assert repr(fc) == "Linear(in_features=3, out_features=2, bias=False)"
    with pytest.raises(RuntimeError, match="cuda"):
        nn.Linear(3, 2, device="cuda")
    with pytest.raises(RuntimeError, match="in_features"):
        nn.Linear(3, 2)(nl.zeros(4, 5))
    with pytest.raises(RuntimeError, match="dtype"):
        nn.Linear(3, 2)(nl.zeros(4, 3, dtype=nl.float64))


def test_prelu_weight_is_a_learnable_parameter():
    act = nn.PReLU(4, init=0.3)
    assert [n for n, _ in act.named_parameters()] == ["weight"]
    np.testing.assert_allclose(act.weight.detach().numpy(), np.full(4, 0.3, dtype=np.float32))


def test_softmax_without_dim_warns_and_uses_pytorch_rule():
    x = nl.randn(3, 4)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        out = nn.Softmax()(x)
    np.testing.assert_allclose(out.numpy(), nn.Softmax(dim=1)(x).numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out3 = nn.LogSoftmax()(nl.randn(2, 3, 4))
    np.testing.assert_allclose(out3.exp().sum(0).numpy(), np.ones((3, 4)), rtol=1e-6)


def test_hardtanh_rejects_empty_range():
    with pytest.raises(ValueError, match="max_val"):
        nn.Hardtanh(1.0, -1.0)


def test_unflatten_rejects_non_int_sizes():
    with pytest.raises(TypeError, match="tuple of ints"):
        nn.Unflatten(1, 6)
    with pytest.raises(TypeError, match="pos 1"):
        nn.Unflatten(1, (2, 3.0))


def test_residual_gradient_has_identity_path():
    # With a block whose output is zero, y = x and dy/dx = I exactly.
    block = nn.Linear(4, 4)
    with nl.no_grad():
        block.weight.zero_()
        block.bias.zero_()
    x = nl.randn(2, 4, requires_grad=True)
    y = nn.Residual(block)(x)
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy())
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 4), dtype=np.float32))

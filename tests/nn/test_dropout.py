"""Dropout (inverted), channel dropout, DropConnect and GaussianNoise: the claims the lab
makes about them (expectation preserved, fraction dropped ≈ p, identity in eval, masks that
repeat under manual_seed, zero gradient where dropped) and agreement with PyTorch."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
import neuronlab.nn.functional as F
from tests.nn.torch_check import TOLERANCE, compare_with_torch

N_ROWS, N_COLS = 400, 500  # 2·10^5 samples per statistic


def _within(estimate: float, expected: float, standard_error: float, k: float = 5.0) -> bool:
    return abs(estimate - expected) <= k * standard_error


# -- Dropout ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keeps_the_mean_and_drops_a_fraction_p(p):
    nl.manual_seed(0)
    out = nn.Dropout(p)(nl.ones(N_ROWS, N_COLS)).numpy()
    n = out.size
    assert _within((out == 0).mean(), p, math.sqrt(p * (1 - p) / n))
    assert _within(out.mean(), 1.0, math.sqrt(p / (1 - p) / n))  # Var = p / (1 - p) per element
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / (1 - p)], rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_output_and_gradient_match_torch_with_the_same_mask(dtype):
    p = 0.3
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 7)).astype(dtype)
    grad = rng.standard_normal((6, 7)).astype(dtype)
    x_nl = nl.tensor(x, requires_grad=True)
    out = nn.Dropout(p)(x_nl)
    out.backward(nl.tensor(grad))
    kept = out.detach().numpy() != 0
    assert 0 < kept.sum() < kept.size
    # PyTorch's own dropout with this mask: input * mask / (1 - p)
    x_t = torch.tensor(x, requires_grad=True)
    noise = torch.tensor(kept.astype(dtype)) / torch.tensor(1 - p, dtype=x_t.dtype)
    out_t = x_t * noise
    out_t.backward(torch.tensor(grad))
    np.testing.assert_allclose(out.detach().numpy(), out_t.detach().numpy(), **TOLERANCE[dtype])
    np.testing.assert_allclose(x_nl.grad.numpy(), x_t.grad.numpy(), **TOLERANCE[dtype])
    assert np.all(x_nl.grad.numpy()[~kept] == 0)  # dropped units get no gradient
    assert out.dtype == x_nl.dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("build", [
    lambda m: m.Dropout(0.4), lambda m: m.Dropout1d(0.4), lambda m: m.Dropout2d(0.4),
    lambda m: m.Sequential(m.Linear(5, 5), m.Dropout(0.5, inplace=True), m.Linear(5, 5)),
], ids=["dropout", "dropout1d", "dropout2d", "in-mlp"])  # fmt: skip
def test_eval_mode_matches_torch(build, dtype):
    shape = (2, 3, 5) if "1d" in repr(build(nn)) else (2, 3, 4, 5)
    x = np.random.default_rng(0).standard_normal(shape if "Linear" not in repr(build(nn)) else (4, 5))
    compare_with_torch(build(nn), build(torch.nn), x.astype(dtype), train=False)
    assert repr(build(nn)) == repr(build(torch.nn))


def test_dropout_is_exactly_identity_in_eval_and_for_p_zero():
    x = nl.randn(5, 5)
    drop = nn.Dropout(0.5).eval()
    assert drop(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert F.dropout(x, 0.5, training=False) is x


def test_dropout_p_one_zeros_everything():
    x = nl.randn(5, 5, requires_grad=True)
    out = nn.Dropout(1.0)(x)
    assert np.all(out.detach().numpy() == 0)
    out.backward(nl.randn(5, 5))
    assert np.all(x.grad.numpy() == 0)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_probability_out_of_range(p):
    message = f"dropout probability has to be between 0 and 1, but got {p}"
    for make in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, lambda q: F.dropout(nl.ones(2), q),
                 lambda q: nn.DropConnect(2, 2, p=q)):  # fmt: skip
        with pytest.raises(ValueError, match=message.replace(".", r"\.")):
            make(p)
    with pytest.raises(ValueError):  # PyTorch's message too
        torch.nn.Dropout(p)


def test_manual_seed_repeats_the_masks():
    drop = nn.Dropout(0.5)
    x = nl.ones(50, 50)
    nl.manual_seed(7)
    a, b = drop(x).numpy(), drop(x).numpy()
    nl.manual_seed(7)
    c = drop(x).numpy()
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)  # a fresh mask at every call
    # the masks come from the default generator: a fresh generator with the same seed agrees
    d = F.dropout(x, 0.5, generator=nl.Generator().manual_seed(7)).numpy()
    np.testing.assert_array_equal(a, d)


def test_dropout_inplace_writes_into_the_input():
    x = nl.randn(4, 4, requires_grad=True)
    h = x * 1.0
    out = nn.Dropout(0.5, inplace=True)(h)
    assert out is h
    out.backward(nl.ones(4, 4))
    kept = out.detach().numpy() != 0
    np.testing.assert_allclose(x.grad.numpy(), kept * 2.0)


def test_functional_dropout_signature_matches_torch():
    ours = list(inspect.signature(F.dropout).parameters.values())[:4]
    theirs = list(inspect.signature(torch.nn.functional.dropout).parameters.values())
    assert [(p.name, p.default) for p in ours] == [(p.name, p.default) for p in theirs]


# -- channel dropout ----------------------------------------------------------------------------
@pytest.mark.parametrize(("layer", "shape"), [
    (nn.Dropout2d(0.5), (8, 16, 3, 3)), (nn.Dropout1d(0.5), (8, 16, 5)), (nn.Dropout1d(0.5), (16, 5)),
])  # fmt: skip
def test_channel_dropout_zeros_whole_channels(layer, shape):
    nl.manual_seed(1)
    out = layer(nl.ones(*shape)).numpy()
    per_channel = out.reshape(shape[: len(shape) - (1 if len(shape) == 2 else len(shape) - 2)] + (-1,))
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0 < (per_channel[..., 0] == 0).mean() < 1


def test_dropout1d_rejects_wrong_rank():
    with pytest.raises(RuntimeError, match="Expected 2D or 3D input"):
        nn.Dropout1d()(nl.ones(2, 3, 4, 5))


# -- DropConnect ------------------------------------------------------------------------------------
def test_dropconnect_is_a_linear_in_eval():
    layer = nn.DropConnect(5, 3, p=0.5)
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert repr(layer) == "DropConnect(in_features=5, out_features=3, bias=True, p=0.5)"
    assert isinstance(layer, nn.Linear)
    torch.manual_seed(0)
    for dtype in (np.float32, np.float64):
        x = np.random.default_rng(0).standard_normal((4, 5)).astype(dtype)
        compare_with_torch(layer, torch.nn.Linear(5, 3), x, train=False)


def test_dropconnect_drops_weights_with_inverted_scaling():
    p = 0.4
    layer = nn.DropConnect(6, 5, bias=False, p=p).double()
    w = layer.weight.detach().numpy().copy()
    nl.manual_seed(3)
    masked_t = layer(nl.eye(6, dtype=nl.float64)).detach().numpy()  # rows of I pick out (M ⊙ W / (1-p))ᵀ
    kept = masked_t.T != 0
    np.testing.assert_allclose(masked_t.T, w * kept / (1 - p), rtol=1e-12)
    assert 0 < kept.sum() < kept.size

    nl.manual_seed(3)  # the same mask again, now with a random input and upstream gradient
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 6))
    grad = rng.standard_normal((4, 5))
    y = layer(nl.tensor(x))
    np.testing.assert_allclose(y.detach().numpy(), x @ (w * kept / (1 - p)).T, rtol=1e-12)
    y.backward(nl.tensor(grad))
    np.testing.assert_allclose(layer.weight.grad.numpy(), (grad.T @ x) * kept / (1 - p), rtol=1e-12)
    assert np.all(layer.weight.grad.numpy()[~kept] == 0)  # a dropped weight learns nothing this step


def test_dropconnect_preserves_the_expected_output():
    nl.manual_seed(0)
    layer = nn.DropConnect(200, 1000, p=0.5)
    x = nl.ones(1, 200)
    plain = layer.eval()(x).detach().numpy()
    noisy = layer.train()(x).detach().numpy()
    # each output is Σ_j w_ij m_ij / (1-p): unbiased, variance Σ_j w_ij² p / (1-p)
    w = layer.weight.detach().numpy().astype(np.float64)
    se = math.sqrt((w**2).sum(1).mean() * 0.5 / 0.5 / 1000)
    assert _within(float((noisy - plain).mean()), 0.0, se)


# -- GaussianNoise ----------------------------------------------------------------------------------
def test_gaussian_noise_statistics_and_gradient():
    std = 0.3
    nl.manual_seed(0)
    x = nl.randn(N_ROWS, N_COLS, requires_grad=True)
    out = nn.GaussianNoise(std)(x)
    noise = (out - x).detach().numpy().astype(np.float64)
    n = noise.size
    assert _within(noise.mean(), 0.0, std / math.sqrt(n))
    assert _within(noise.std(), std, std / math.sqrt(2 * n))
    grad = nl.randn(N_ROWS, N_COLS)
    out.backward(grad)
    np.testing.assert_array_equal(x.grad.numpy(), grad.numpy())  # the noise is a constant shift


def test_gaussian_noise_eval_seed_and_errors():
    layer = nn.GaussianNoise()
    assert repr(layer) == "GaussianNoise(std=0.1)"
    x = nl.randn(10)
    assert layer.eval()(x) is x
    layer.train()
    nl.manual_seed(2)
    a = layer(x).numpy()
    nl.manual_seed(2)
    np.testing.assert_array_equal(a, layer(x).numpy())
    assert layer(x).dtype == x.dtype
    with pytest.raises(ValueError, match="non-negative"):
        nn.GaussianNoise(-1.0)

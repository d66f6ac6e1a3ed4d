"""Hessian-vector products, the full Hessian and power iteration, checked against finite
differences, PyTorch's own Hessian and numpy.linalg.eigvalsh."""

import doctest
import importlib

import numpy as np
import pytest
import torch as real_torch

import neuronlab as torch
import neuronlab.nn.functional as F
from neuronlab import analysis, nn
from neuronlab.analysis import (
    compare_cost,
    extreme_eigenvalues,
    full_hessian,
    hessian_eigenvalues,
    hvp,
    top_eigenvalue,
)


def _small_mlp(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)).double()
    x = torch.randn(6, 2, dtype=torch.float64)
    y = torch.randn(6, 1, dtype=torch.float64)
    params = list(model.parameters())
    return model, params, (lambda: F.mse_loss(model(x), y)), x, y


def _gradient(loss_fn, params):
    return np.concatenate([g.numpy().ravel() for g in torch.autograd.grad(loss_fn(), params)])


def _set(params, flat):
    start = 0
    with torch.no_grad():
        for p in params:
            p.copy_(torch.tensor(flat[start : start + p.numel()].reshape(tuple(p.shape))))
            start += p.numel()


def test_hvp_equals_central_differences_of_gradients():
    _, params, loss_fn, _, _ = _small_mlp()
    theta = np.concatenate([p.detach().numpy().ravel() for p in params])
    v = np.random.default_rng(1).standard_normal(theta.size)
    pieces = np.split(v, np.cumsum([p.numel() for p in params])[:-1])
    hv = np.concatenate([t.numpy().ravel() for t in hvp(loss_fn, params, pieces)])
    eps = 1e-5
    _set(params, theta + eps * v)
    g_plus = _gradient(loss_fn, params)
    _set(params, theta - eps * v)
    g_minus = _gradient(loss_fn, params)
    _set(params, theta)
    np.testing.assert_allclose(hv, (g_plus - g_minus) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_full_hessian_is_symmetric_and_equals_pytorch():
    model, params, loss_fn, x, y = _small_mlp()
    h = full_hessian(loss_fn, params)
    n = sum(p.numel() for p in params)
    assert h.shape == (n, n)
    np.testing.assert_allclose(h, h.T, atol=1e-12)

    shapes = [tuple(p.shape) for p in params]
    xt, yt = real_torch.tensor(x.numpy()), real_torch.tensor(y.numpy())

    def torch_loss(flat):
        w1, b1, w2, b2 = real_torch.split(flat, [int(np.prod(s)) for s in shapes])
        hidden = real_torch.tanh(xt @ w1.reshape(shapes[0]).T + b1)
        return ((hidden @ w2.reshape(shapes[2]).T + b2 - yt) ** 2).mean()

    theta = real_torch.tensor(np.concatenate([p.detach().numpy().ravel() for p in params]))
    reference = real_torch.autograd.functional.hessian(torch_loss, theta).numpy()
    np.testing.assert_allclose(h, reference, rtol=1e-10, atol=1e-12)


def test_power_iteration_finds_the_largest_magnitude_eigenvalue():
    _, params, loss_fn, _, _ = _small_mlp()
    spectrum = hessian_eigenvalues(loss_fn, params)
    assert np.all(np.diff(spectrum) >= 0)
    largest = spectrum[np.argmax(np.abs(spectrum))]
    value, vector = top_eigenvalue(loss_fn, params, iters=500, tol=1e-12)
    assert value == pytest.approx(largest, rel=1e-6)
    h = full_hessian(loss_fn, params)
    np.testing.assert_allclose(h @ vector, value * vector, atol=1e-4)
    low, high = extreme_eigenvalues(loss_fn, params, iters=2000, tol=1e-13)
    assert (low, high) == (pytest.approx(spectrum[0], abs=1e-5), pytest.approx(spectrum[-1], rel=1e-6))


def test_shift_finds_the_most_negative_eigenvalue():
    w = torch.tensor([0.0, 0.0, 0.0], dtype=torch.float64, requires_grad=True)
    diag = torch.tensor([4.0, 1.0, -2.0], dtype=torch.float64)

    def loss_fn():
        return 0.5 * (diag * w * w).sum()

    assert top_eigenvalue(loss_fn, [w])[0] == pytest.approx(4.0, rel=1e-5)
    assert top_eigenvalue(loss_fn, [w], shift=4.0)[0] == pytest.approx(-2.0, rel=1e-5)
    assert extreme_eigenvalues(loss_fn, [w]) == (pytest.approx(-2.0, rel=1e-6), pytest.approx(4.0, rel=1e-6))


def test_cost_comparison_is_reported():
    _, params, loss_fn, _, _ = _small_mlp()
    cost = compare_cost(loss_fn, params)
    n = sum(p.numel() for p in params)
    assert cost["n"] == n
    assert cost["hvp_backward_passes"] == 2 and cost["hessian_backward_passes"] == n + 1
    assert cost["max_abs_difference"] < 1e-10
    assert cost["hvp_seconds"] > 0 and cost["hessian_seconds"] > 0  # measured, not compared


@pytest.mark.parametrize("module", ["neuronlab.analysis.hessian"])
def test_docstring_examples_run(module):
    namespace = {"neuronlab": torch, "np": np, "nn": nn} | {k: getattr(analysis, k) for k in analysis.__all__}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

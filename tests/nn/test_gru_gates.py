"""The fused GRU step and sequence (``ops/recurrent.py``): finite differences in float64 (first and second
derivatives), the same step written with torch's primitives, and a GRU's double backward
against torch 2.13."""

import numpy as np
import pytest
import torch

import neuronlab as nl
from neuronlab.autograd import gradcheck, gradgradcheck
from neuronlab.ops.recurrent import gru_gates, gru_sequence


def inputs(shape=(3,), hidden=4, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((*shape, k * hidden)) for k in (3, 3, 1)]


def torch_step(x_gates, h_gates, h):
    xr, xz, xn = x_gates.chunk(3, -1)
    hr, hz, hn = h_gates.chunk(3, -1)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)
    return (1 - z) * n + z * h


@pytest.mark.parametrize("shape", [(3,), ()])
def test_gru_gates_pass_finite_differences(shape):
    args = [nl.tensor(a, requires_grad=True) for a in inputs(shape)]
    assert gradcheck(gru_gates, args)
    assert gradgradcheck(gru_gates, args)


def test_gru_gates_match_the_step_written_with_torch_primitives():
    arrays = inputs((5,), hidden=3, seed=1)
    n_args = [nl.tensor(a, requires_grad=True) for a in arrays]
    t_args = [torch.tensor(a, requires_grad=True) for a in arrays]
    n_out, t_out = gru_gates(*n_args), torch_step(*t_args)
    np.testing.assert_allclose(n_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    weights = np.random.default_rng(2).standard_normal(tuple(t_out.shape))
    (n_out * nl.tensor(weights)).sum().backward()
    (t_out * torch.tensor(weights)).sum().backward()
    for a, b in zip(n_args, t_args, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_gru_double_backward_matches_torch():
    """A gradient penalty through a whole bidirectional GRU, as PyTorch computes it on CPU."""
    torch.manual_seed(0)
    t = torch.nn.GRU(2, 3, batch_first=True, bidirectional=True, dtype=torch.float64)
    nl.manual_seed(0)
    n = nl.nn.GRU(2, 3, batch_first=True, bidirectional=True, dtype=nl.float64)
    x = np.random.default_rng(3).standard_normal((2, 5, 2))
    results = []
    for lib, model in ((torch, t), (nl, n)):
        xs = lib.tensor(x, requires_grad=True)
        out, _ = model(xs)
        (g,) = lib.autograd.grad((out * out).sum(), xs, create_graph=True)
        (g * g).sum().backward()
        results.append([model.weight_hh_l0.grad.numpy(), model.weight_ih_l0_reverse.grad.numpy(),
                        xs.grad.numpy()])  # fmt: skip
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


def test_gru_gates_name_the_sizes_that_do_not_fit():
    x, h, state = (nl.zeros(2, k) for k in (9, 6, 3))
    with pytest.raises(RuntimeError, match=r"gru_gates\(\).*3 × hidden size = 9, got 9 and 6"):
        gru_gates(x, h, state)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_gru_sequence_passes_finite_differences(reverse, bias):
    rng = np.random.default_rng(5)
    T, N, H = 4, 2, 3
    arrays = [rng.standard_normal(s) for s in ((T, N, 3 * H), (N, H), (3 * H, H), (3 * H,))]
    args = [nl.tensor(a, requires_grad=True) for a in (arrays if bias else arrays[:3])]

    def f(*a):
        return gru_sequence(*a, reverse=reverse)

    assert gradcheck(f, args)
    assert gradgradcheck(f, args)


def test_gru_sequence_is_the_steps_one_by_one():
    rng = np.random.default_rng(6)
    x, h0, w, b = (nl.tensor(rng.standard_normal(s)) for s in ((5, 2, 9), (2, 3), (9, 3), (9,)))
    out = gru_sequence(x, h0, w, b, reverse=True)
    h = h0
    for t in range(4, -1, -1):
        h = gru_gates(x[t], h @ w.T + b, h)
        np.testing.assert_allclose(out[t].numpy(), h.numpy(), rtol=1e-12, atol=1e-12)
    with pytest.raises(RuntimeError, match=r"gru_sequence\(\): expected x_gates \(T, N, 9\)"):
        gru_sequence(x[0], h0, w, b)

"""Embedding, Conv1d, RNN, GRU, LSTM and their cells against torch 2.13: the same default
init from the same seed (bit for bit), parameter names, outputs and gradients."""

import numpy as np
import pytest
import torch

import neuronlab as nl


def build(name, *args, **kwargs):
    torch.manual_seed(0)
    t = getattr(torch.nn, name)(*args, **kwargs)
    nl.manual_seed(0)
    n = getattr(nl.nn, name)(*args, **kwargs)
    return t, n


def check_params_equal(t, n):
    assert list(t.state_dict()) == list(n.state_dict())
    for (k, a), (_, b) in zip(t.state_dict().items(), n.state_dict().items(), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def compare(t_out, n_out, rtol=1e-5, atol=1e-6):
    if isinstance(t_out, tuple):
        for a, b in zip(t_out, n_out, strict=True):
            compare(a, b, rtol, atol)
        return
    np.testing.assert_allclose(n_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)


def flat(out):
    return (
        [o for x in out for o in (flat(x) if isinstance(x, tuple) else [x])]
        if isinstance(out, tuple)
        else [out]
    )


def run_both(t, n, x, extra=()):
    xt = torch.tensor(x, requires_grad=True)
    xn = nl.tensor(x, requires_grad=True)
    out_t, out_n = t(xt, *extra[0]) if extra else t(xt), n(xn, *extra[1]) if extra else n(xn)
    compare(out_t, out_n)
    rng = np.random.default_rng(1)
    grads = [rng.standard_normal(tuple(o.shape)).astype(np.float32) for o in flat(out_t)]
    sum((o * torch.tensor(g)).sum() for o, g in zip(flat(out_t), grads, strict=True)).backward()
    sum((o * nl.tensor(g)).sum() for o, g in zip(flat(out_n), grads, strict=True)).backward()
    compare(xt.grad, xn.grad, rtol=1e-4, atol=1e-5)
    for (k, p), (_, q) in zip(t.named_parameters(), n.named_parameters(), strict=True):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=k)


@pytest.mark.parametrize("name", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("options", [{}, {"num_layers": 2}, {"bidirectional": True}, {"batch_first": True},
                                     {"num_layers": 3, "bidirectional": True, "bias": False}])  # fmt: skip
def test_recurrent_layers_match_torch(name, options):
    t, n = build(name, 5, 7, **options)
    check_params_equal(t, n)
    x = np.random.default_rng(0).standard_normal((4, 3, 5)).astype(np.float32)
    run_both(t, n, x)


@pytest.mark.parametrize("name", ["RNN", "GRU", "LSTM"])
def test_initial_states_unbatched_input_and_relu(name):
    t, n = build(name, 3, 4, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(2)
    h0 = rng.standard_normal((4, 2, 4)).astype(np.float32)
    c0 = rng.standard_normal((4, 2, 4)).astype(np.float32)
    x = rng.standard_normal((6, 2, 3)).astype(np.float32)
    if name == "LSTM":
        extra = (((torch.tensor(h0), torch.tensor(c0)),), ((nl.tensor(h0), nl.tensor(c0)),))
    else:
        extra = ((torch.tensor(h0),), (nl.tensor(h0),))
    run_both(t, n, x, extra)
    t.zero_grad(), n.zero_grad()
    run_both(t, n, x[:, 0])  # unbatched (L, H_in)
    if name == "RNN":
        t, n = build(name, 3, 4, nonlinearity="relu")
        run_both(t, n, x)


def test_dropout_between_layers_draws_as_torch():
    t, n = build("GRU", 3, 4, num_layers=3, dropout=0.5)
    x = np.random.default_rng(3).standard_normal((5, 2, 3)).astype(np.float32)
    torch.manual_seed(9)
    nl.manual_seed(9)
    compare(t(torch.tensor(x)), n(nl.tensor(x)))


@pytest.mark.parametrize("name", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cells(name):
    t, n = build(name, 5, 6)
    check_params_equal(t, n)
    run_both(t, n, np.random.default_rng(4).standard_normal((3, 5)).astype(np.float32))


def test_state_dicts_transfer_from_torch():
    torch.manual_seed(1)
    t = torch.nn.LSTM(4, 5, num_layers=2, bidirectional=True)
    n = nl.nn.LSTM(4, 5, num_layers=2, bidirectional=True)
    n.load_state_dict({k: nl.tensor(v.numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(5).standard_normal((3, 2, 4)).astype(np.float32)
    compare(t(torch.tensor(x)), n(nl.tensor(x)))


@pytest.mark.parametrize("options", [{}, {"padding_idx": 1}, {"padding_idx": -1, "max_norm": 1.0}])
def test_embedding(options):
    t, n = build("Embedding", 10, 4, **options)
    check_params_equal(t, n)
    idx = np.array([[1, 2, 9], [1, 0, 3]])
    out_t, out_n = t(torch.tensor(idx)), n(nl.tensor(idx))
    compare(out_t, out_n)
    g = np.random.default_rng(6).standard_normal((2, 3, 4)).astype(np.float32)
    (out_t * torch.tensor(g)).sum().backward()
    (out_n * nl.tensor(g)).sum().backward()
    compare(t.weight.grad, n.weight.grad)
    check_params_equal(t, n)  # max_norm renormalized the same rows in place


@pytest.mark.parametrize("options", [{}, {"stride": 2, "padding": 1}, {"dilation": 2}, {"padding": "same"},
                                     {"bias": False}])  # fmt: skip
def test_conv1d(options):
    t, n = build("Conv1d", 3, 5, 3, **options)
    check_params_equal(t, n)
    run_both(t, n, np.random.default_rng(7).standard_normal((2, 3, 11)).astype(np.float32))


def test_functional_forms():
    w = np.random.default_rng(8).standard_normal((6, 3)).astype(np.float32)
    idx = np.array([0, 5, 5])
    compare(
        torch.nn.functional.embedding(torch.tensor(idx), torch.tensor(w), padding_idx=5),
        nl.nn.functional.embedding(nl.tensor(idx), nl.tensor(w), padding_idx=5),
    )
    x = np.ones((3, 8), np.float32)
    k = np.random.default_rng(9).standard_normal((2, 3, 4)).astype(np.float32)
    compare(
        torch.nn.functional.conv1d(torch.tensor(x), torch.tensor(k)),
        nl.nn.functional.conv1d(nl.tensor(x), nl.tensor(k)),
    )

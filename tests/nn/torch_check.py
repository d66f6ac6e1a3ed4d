"""Run a neuronlab layer and the same PyTorch layer from the same weights and compare the
output, the input gradient and every parameter gradient, with a random upstream gradient."""

from __future__ import annotations

import numpy as np
import torch

import neuronlab as nl

TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}
TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}
NL_DTYPE = {np.float32: nl.float32, np.float64: nl.float64}


def copy_weights(nl_module, torch_module) -> None:
    """Load ``torch_module``'s state_dict into ``nl_module`` through NumPy."""
    nl_module.load_state_dict({k: v.detach().numpy() for k, v in torch_module.state_dict().items()})


def assert_close(actual, expected, dtype, what: str) -> None:
    actual = np.asarray(actual._data if isinstance(actual, nl.Tensor) else actual)
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else np.asarray(expected)
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != {expected.dtype}"
    np.testing.assert_allclose(actual, expected, err_msg=what, **TOLERANCE[dtype])


def compare_with_torch(nl_module, torch_module, x: np.ndarray, *, train: bool, seed: int = 0):
    """Forward and backward through both modules with the same input ``x`` (its dtype sets the
    modules' dtype) and the same random upstream gradient; assert that everything agrees."""
    dtype = x.dtype.type
    torch_module.to(TORCH_DTYPE[dtype])
    nl_module.to(NL_DTYPE[dtype])
    copy_weights(nl_module, torch_module)
    nl_module.train(train)
    torch_module.train(train)
    nl_module.zero_grad()
    torch_module.zero_grad()

    x_nl = nl.tensor(x, requires_grad=True)
    x_t = torch.tensor(x, requires_grad=True)
    y_nl = nl_module(x_nl)
    y_t = torch_module(x_t)
    assert_close(y_nl, y_t, dtype, "output")

    grad = np.random.default_rng(seed).standard_normal(tuple(y_t.shape)).astype(dtype)
    y_nl.backward(nl.tensor(grad))
    y_t.backward(torch.tensor(grad))
    assert_close(x_nl.grad, x_t.grad, dtype, "input gradient")
    nl_params = dict(nl_module.named_parameters())
    t_params = dict(torch_module.named_parameters())
    assert list(nl_params) == list(t_params)
    for name, p in t_params.items():
        assert_close(nl_params[name].grad, p.grad, dtype, f"gradient of {name}")
    return y_nl, y_t

"""max_pool2d, avg_pool2d, adaptive_avg_pool2d and their modules against PyTorch: the same
output and input gradient (random upstream gradient) for several kernels, strides,
paddings, dilations and ceil modes in float32 and float64; ties and NaNs handled as PyTorch
handles them; gradcheck and gradgradcheck in float64; reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
import neuronlab.nn.functional as F
from neuronlab.autograd import gradcheck, gradgradcheck

DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])


def run_both(nl_fn, torch_fn, x: np.ndarray, seed: int = 0):
    """Forward and backward (random upstream gradient) through both; returns
    ((out, indices or None, grad) for neuronlab, the same for torch) as arrays."""
    results = []
    grad = None
    for lib, fn in ((nl, nl_fn), (torch, torch_fn)):
        t = lib.tensor(x, requires_grad=True)
        out = fn(t)
        indices = None
        if isinstance(out, tuple):
            out, indices = out
        if grad is None:
            grad = np.random.default_rng(seed).standard_normal(tuple(out.shape)).astype(x.dtype)
        out.backward(lib.tensor(grad))
        results.append((out.detach().numpy(), None if indices is None else indices.numpy(), t.grad.numpy()))
    return results


def assert_same(ours, theirs, exact: bool = False) -> None:
    for a, b, what in zip(ours, theirs, ("output", "indices", "input gradient")):
        if b is None:
            continue
        assert a.dtype == b.dtype and a.shape == b.shape, f"{what}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"
        if (exact and what == "output") or what == "indices":  # gradients may sum in another order
            np.testing.assert_array_equal(a, b, err_msg=what)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=what)


# (id, input shape, keyword arguments of max_pool2d)
MAX_CASES = [
    ("2x2", (2, 3, 8, 8), dict(kernel_size=2)),
    ("2x2-odd-input", (2, 3, 9, 7), dict(kernel_size=2)),
    ("3x3-stride2-pad1", (2, 3, 9, 7), dict(kernel_size=3, stride=2, padding=1)),
    ("overlapping", (2, 2, 7, 6), dict(kernel_size=3, stride=1)),
    ("non-square", (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1))),
    ("ceil-mode", (2, 3, 7, 7), dict(kernel_size=2, ceil_mode=True)),
    ("ceil-mode-padded", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("dilation", (2, 3, 10, 9), dict(kernel_size=3, stride=1, padding=1, dilation=2)),
    ("unbatched", (3, 7, 6), dict(kernel_size=3, stride=2)),
    ("lenet", (4, 6, 28, 28), dict(kernel_size=2, stride=2)),
    ("empty-batch", (0, 2, 4, 4), dict(kernel_size=2)),
]


@DTYPES
@pytest.mark.parametrize("case", MAX_CASES, ids=[c[0] for c in MAX_CASES])
def test_max_pool2d_matches_torch(case, dtype):
    _, shape, kwargs = case
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    ours, theirs = run_both(lambda t: F.max_pool2d(t, return_indices=True, **kwargs),
                            lambda t: torch.nn.functional.max_pool2d(t, return_indices=True, **kwargs), x)  # fmt: skip
    assert_same(ours, theirs, exact=True)


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=1), dict(kernel_size=3, stride=2, padding=1)],
                         ids=["disjoint", "overlapping", "padded"])  # fmt: skip
def test_max_pool2d_ties_send_the_gradient_to_one_element_like_torch(kwargs):
    """Ties (integer-valued inputs, and a constant input): the first maximum in the window
    gets the whole gradient, as in PyTorch."""
    for x in (np.round(np.random.default_rng(2).standard_normal((2, 3, 8, 8))), np.zeros((1, 2, 6, 6))):
        ours, theirs = run_both(
            lambda t: F.max_pool2d(t, **kwargs), lambda t: torch.nn.functional.max_pool2d(t, **kwargs), x
        )
        assert_same(ours, theirs, exact=True)
    x = nl.zeros(1, 1, 4, 4, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.sum().item() == 4.0  # one element per window, not four


def test_max_pool2d_propagates_nan_like_torch():
    x = np.random.default_rng(3).standard_normal((1, 2, 6, 6))
    x[0, 0, 1, 1] = x[0, 1, 4, 5] = x[0, 1, 5, 5] = np.nan
    ours, theirs = run_both(lambda t: F.max_pool2d(t, 2), lambda t: torch.nn.functional.max_pool2d(t, 2), x)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[2], theirs[2])


# (id, input shape, keyword arguments of avg_pool2d)
AVG_CASES = [
    ("2x2", (2, 3, 8, 8), dict(kernel_size=2)),
    ("3x3-stride2-pad1", (2, 3, 9, 7), dict(kernel_size=3, stride=2, padding=1)),
    ("exclude-pad", (2, 3, 9, 7), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("overlapping", (2, 2, 7, 6), dict(kernel_size=3, stride=1)),
    ("non-square", (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1))),
    ("ceil-mode", (2, 3, 7, 7), dict(kernel_size=2, ceil_mode=True)),
    ("ceil-mode-padded", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (
        "ceil-exclude-pad",
        (2, 3, 9, 8),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    ),
    ("divisor-override", (2, 3, 8, 8), dict(kernel_size=3, stride=2, padding=1, divisor_override=5)),
    ("unbatched", (3, 7, 6), dict(kernel_size=3, stride=2)),
]


@DTYPES
@pytest.mark.parametrize("case", AVG_CASES, ids=[c[0] for c in AVG_CASES])
def test_avg_pool2d_matches_torch(case, dtype):
    _, shape, kwargs = case
    x = np.random.default_rng(4).standard_normal(shape).astype(dtype)
    ours, theirs = run_both(
        lambda t: F.avg_pool2d(t, **kwargs), lambda t: torch.nn.functional.avg_pool2d(t, **kwargs), x
    )
    assert_same(ours, theirs)


@DTYPES
@pytest.mark.parametrize("output_size", [1, (2, 3), (3, 5), (4, None), (8, 10)], ids=str)
def test_adaptive_avg_pool2d_matches_torch(output_size, dtype):
    x = np.random.default_rng(5).standard_normal((2, 3, 8, 10)).astype(dtype)
    ours, theirs = run_both(lambda t: F.adaptive_avg_pool2d(t, output_size),
                            lambda t: torch.nn.functional.adaptive_avg_pool2d(t, output_size), x)  # fmt: skip
    assert_same(ours, theirs)


POOL_GRADCHECKS = [
    ("max-disjoint", lambda x: F.max_pool2d(x, 2)),
    ("max-overlapping-padded", lambda x: F.max_pool2d(x, 3, 2, 1)),
    ("avg-ceil", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)),
    ("adaptive", lambda x: F.adaptive_avg_pool2d(x, (3, 2))),
]


@pytest.mark.parametrize("fn", [c[1] for c in POOL_GRADCHECKS], ids=[c[0] for c in POOL_GRADCHECKS])
def test_pooling_gradcheck_and_gradgradcheck(fn):
    x = nl.tensor(np.random.default_rng(6).standard_normal((2, 2, 6, 5)), requires_grad=True)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("fn", [c[1] for c in POOL_GRADCHECKS[:3]], ids=[c[0] for c in POOL_GRADCHECKS[:3]])
def test_pooling_array_and_tensor_backward_agree(fn):
    """The engine runs ``backward_numpy`` without create_graph and the tensor ``backward``
    with it: both give the same first and second derivatives."""
    rng = np.random.default_rng(8)
    x = nl.tensor(rng.standard_normal((2, 3, 7, 6)), requires_grad=True)
    out = fn(x)
    g = nl.tensor(rng.standard_normal(tuple(out.shape)))
    (plain,) = nl.autograd.grad((out * g).sum(), (x,), retain_graph=True)
    (recorded,) = nl.autograd.grad((out * g).sum(), (x,), create_graph=True)
    np.testing.assert_array_equal(plain.numpy(), recorded.detach().numpy())
    # d/dg of <dL/dx, u> goes back through the backward op (scatter) to its adjoint (gather).
    g.requires_grad_(True)
    (recorded,) = nl.autograd.grad((fn(x) * g).sum(), (x,), create_graph=True)
    penalty = (recorded * nl.tensor(rng.standard_normal(tuple(x.shape)))).sum()
    (second_plain,) = nl.autograd.grad(penalty, (g,), retain_graph=True)
    (second_recorded,) = nl.autograd.grad(penalty, (g,), create_graph=True)
    np.testing.assert_array_equal(second_plain.numpy(), second_recorded.detach().numpy())


MODULE_CASES = [
    ("MaxPool2d", dict(kernel_size=2)),
    ("MaxPool2d", dict(kernel_size=(2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)),
    ("AvgPool2d", dict(kernel_size=2)),
    ("AvgPool2d", dict(kernel_size=(3, 2), stride=1, padding=1, ceil_mode=True, count_include_pad=False)),
    ("AdaptiveAvgPool2d", dict(output_size=1)),
    ("AdaptiveAvgPool2d", dict(output_size=(2, None))),
]


@pytest.mark.parametrize("case", MODULE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MODULE_CASES)])
def test_pooling_modules_match_torch(case):
    name, kwargs = case
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == []
    x = np.random.default_rng(7).standard_normal((2, 3, 9, 8)).astype(np.float32)
    a, b = run_both(ours, theirs, x)
    assert_same(a, b)


def test_max_pool2d_module_returns_indices_when_asked():
    out, indices = nn.MaxPool2d(2, return_indices=True)(nl.randn(1, 2, 4, 4))
    assert tuple(out.shape) == tuple(indices.shape) == (1, 2, 2, 2)
    assert indices.dtype == nl.int64


def test_pooling_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        F.max_pool2d(nl.zeros(1, 1, 8, 8), 3, padding=2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(nl.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.avg_pool2d(nl.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="expected 3D or 4D input"):
        F.max_pool2d(nl.zeros(4, 4), 2)
    with pytest.raises(ValueError, match="output_size must be positive"):
        F.adaptive_avg_pool2d(nl.zeros(1, 1, 4, 4), 0)


@pytest.mark.parametrize("module", ["neuronlab.ops.pooling", "neuronlab.nn.modules.pooling"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    namespace = {"nn": nn, "neuronlab": nl, "F": F}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

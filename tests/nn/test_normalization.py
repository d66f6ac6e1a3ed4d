"""batch_norm, layer_norm, BatchNorm1d/2d and LayerNorm against PyTorch: the same output,
input gradient, weight and bias gradients (random upstream gradient) and the same updated
running statistics, in training and evaluation mode, float32 and float64; gradcheck and
gradgradcheck in float64; reprs, state_dict keys and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
import neuronlab.nn.functional as F
from neuronlab.autograd import gradcheck, gradgradcheck

DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-10, atol=1e-11)}
TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}
NL_DTYPE = {np.float32: nl.float32, np.float64: nl.float64}


def assert_close(actual, expected, what: str) -> None:
    actual = actual.detach()._data if isinstance(actual, nl.Tensor) else np.asarray(actual)
    expected = expected.detach().numpy()
    assert actual.dtype == expected.dtype and actual.shape == expected.shape, what
    np.testing.assert_allclose(actual, expected, err_msg=what, **TOLERANCE[actual.dtype.type])


def both(array: np.ndarray, requires_grad: bool = True):
    return nl.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad)


# -- F.batch_norm ------------------------------------------------------------------------------------
@DTYPES
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (4, 3, 5, 6)], ids=["NC", "NCL", "NCHW"])
@pytest.mark.parametrize("affine", [True, False], ids=["affine", "plain"])
def test_batch_norm_matches_torch(shape, training, affine, dtype):
    rng = np.random.default_rng(1)
    (x, tx) = both((rng.standard_normal(shape) * 2 + 1).astype(dtype))
    params = [both(rng.standard_normal(3).astype(dtype)) for _ in range(2)] if affine else [(None, None)] * 2
    (w, tw), (b, tb) = params
    stats = [rng.standard_normal(3).astype(dtype), (rng.random(3) + 0.5).astype(dtype)]
    nl_stats, t_stats = [nl.tensor(s) for s in stats], [torch.tensor(s) for s in stats]
    out = F.batch_norm(x, *nl_stats, w, b, training=training, momentum=0.2, eps=1e-4)
    t_out = torch.nn.functional.batch_norm(tx, *t_stats, tw, tb, training=training, momentum=0.2, eps=1e-4)
    assert_close(out, t_out, "output")
    grad = rng.standard_normal(shape).astype(dtype)
    out.backward(nl.tensor(grad))
    t_out.backward(torch.tensor(grad))
    assert_close(x.grad, tx.grad, "input gradient")
    if affine:
        assert_close(w.grad, tw.grad, "weight gradient")
        assert_close(b.grad, tb.grad, "bias gradient")
    assert_close(nl_stats[0], t_stats[0], "running_mean")
    assert_close(nl_stats[1], t_stats[1], "running_var")


def test_batch_norm_output_sums_to_a_zero_gradient():
    """Σ batchnorm(x) does not depend on x (each channel's outputs sum to Σβ), which is why
    the tests use random upstream gradients."""
    x = nl.randn(6, 3, 2, 2, requires_grad=True)
    F.batch_norm(x, None, None, nl.randn(3), None, training=True).sum().backward()
    assert np.abs(x.grad.numpy()).max() < 1e-5


def test_batch_norm_updates_running_stats_under_no_grad():
    mean, var = nl.zeros(3), nl.ones(3)
    with nl.no_grad():
        F.batch_norm(nl.randn(10, 3) + 5.0, mean, var, training=True)
    assert np.all(mean.numpy() > 0.2) and not np.allclose(var.numpy(), 1.0)


@pytest.mark.parametrize("shape", [(5, 2), (3, 2, 2, 2)], ids=["NC", "NCHW"])
def test_batch_norm_gradcheck_and_gradgradcheck(shape):
    rng = np.random.default_rng(2)
    x, w, b = (nl.tensor(rng.standard_normal(s), requires_grad=True) for s in (shape, (2,), (2,)))
    rm, rv = nl.tensor(rng.standard_normal(2)), nl.tensor(rng.random(2) + 0.5)
    for training in (True, False):
        fn = lambda x, w, b, t=training: F.batch_norm(x, rm.clone(), rv.clone(), w, b, training=t)  # noqa: E731
        assert gradcheck(fn, (x, w, b))
        assert gradgradcheck(fn, (x, w, b))


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        F.batch_norm(nl.zeros(1, 3), nl.zeros(3), nl.ones(3), training=True)
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(nl.zeros(4, 3), None, None, training=False)
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        F.batch_norm(nl.zeros(2, 4, 2), nl.zeros(3), nl.ones(3), training=True)


# -- BatchNorm1d / BatchNorm2d ------------------------------------------------------------------------
MODULE_CASES = [
    ("BatchNorm1d", dict(num_features=3), (8, 3)),
    ("BatchNorm1d", dict(num_features=3, momentum=None), (4, 3, 5)),
    ("BatchNorm2d", dict(num_features=3), (4, 3, 5, 6)),
    ("BatchNorm2d", dict(num_features=3, eps=1e-3, momentum=0.3, affine=False), (4, 3, 2, 3)),
    ("BatchNorm2d", dict(num_features=3, track_running_stats=False), (4, 3, 2, 3)),
    ("BatchNorm2d", dict(num_features=3, bias=False), (4, 3, 2, 3)),
]


@DTYPES
@pytest.mark.parametrize("case", MODULE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MODULE_CASES)])
def test_batch_norm_modules_match_torch_over_training_and_evaluation(case, dtype):
    """Three training steps (different batches) then evaluation: outputs, gradients and
    every buffer (running_mean, running_var, num_batches_tracked) agree after each step."""
    name, kwargs, shape = case
    ours = getattr(nn, name)(**kwargs).to(NL_DTYPE[dtype])
    theirs = getattr(torch.nn, name)(**kwargs).to(TORCH_DTYPE[dtype])
    rng = np.random.default_rng(3)
    if ours.weight is not None:  # start from non-trivial γ, β
        state = {k: v.numpy() + rng.standard_normal(v.shape).astype(dtype) for k, v in theirs.state_dict().items()
                 if k in ("weight", "bias")}  # fmt: skip
        ours.load_state_dict(state, strict=False)
        theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items()}, strict=False)
    for step, training in enumerate((True, True, True, False)):
        ours.train(training)
        theirs.train(training)
        ours.zero_grad()
        theirs.zero_grad()
        x, tx = both((rng.standard_normal(shape) * (step + 1) + step).astype(dtype))
        out, t_out = ours(x), theirs(tx)
        assert_close(out, t_out, f"step {step} output")
        grad = rng.standard_normal(shape).astype(dtype)
        out.backward(nl.tensor(grad))
        t_out.backward(torch.tensor(grad))
        assert_close(x.grad, tx.grad, f"step {step} input gradient")
        for pname, p in theirs.named_parameters():
            assert_close(
                dict(ours.named_parameters())[pname].grad, p.grad, f"step {step} gradient of {pname}"
            )
        t_buffers = dict(theirs.named_buffers())
        assert list(dict(ours.named_buffers())) == list(t_buffers)
        for bname, buffer in ours.named_buffers():
            if buffer.dtype == nl.int64:
                assert buffer.item() == t_buffers[bname].item(), bname
            else:
                assert_close(buffer, t_buffers[bname], f"step {step} {bname}")


@pytest.mark.parametrize("case", MODULE_CASES + [("LayerNorm", dict(normalized_shape=5), None),
                                                 ("LayerNorm", dict(normalized_shape=(2, 3), elementwise_affine=False), None),
                                                 ("LayerNorm", dict(normalized_shape=4, bias=False), None)],
                         ids=lambda c: f"{c[0]}-{c[1]}")  # fmt: skip
def test_normalization_repr_and_state_dict_match_torch(case):
    name, kwargs, _ = case
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        ours_value = ours.state_dict()[key]
        assert tuple(ours_value.shape) == tuple(value.shape), key
        np.testing.assert_array_equal(ours_value.numpy(), value.numpy(), err_msg=key)
    if "num_batches_tracked" in theirs.state_dict():
        assert ours.num_batches_tracked.dtype == nl.int64


def test_batch_norm_modules_check_input_dims_like_torch():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(nl.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(nl.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="momentum"):
        nn.BatchNorm2d(3, momentum=1.5)


def test_batch_norm_eval_uses_running_stats_and_reset_restores_them():
    bn = nn.BatchNorm1d(2)
    bn(nl.randn(16, 2) * 3.0 + 4.0)
    bn.eval()
    x = nl.randn(5, 2)
    expected = (x.numpy() - bn.running_mean.numpy()) / np.sqrt(bn.running_var.numpy() + bn.eps)
    np.testing.assert_allclose(bn(x).detach().numpy(), expected, rtol=1e-5, atol=1e-6)
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0 and np.all(bn.running_var.numpy() == 1.0)


# -- LayerNorm ---------------------------------------------------------------------------------------------
LAYER_NORM_CASES = [
    ("last-dim", (4, 5), (5,), True),
    ("last-two-dims", (2, 3, 4, 5), (4, 5), True),
    ("int-shape", (3, 7), 7, True),
    ("no-affine", (2, 3, 6), (6,), False),
]


@DTYPES
@pytest.mark.parametrize("case", LAYER_NORM_CASES, ids=[c[0] for c in LAYER_NORM_CASES])
def test_layer_norm_matches_torch(case, dtype):
    _, shape, normalized_shape, affine = case
    rng = np.random.default_rng(4)
    ours = nn.LayerNorm(normalized_shape, elementwise_affine=affine).to(NL_DTYPE[dtype])
    theirs = torch.nn.LayerNorm(normalized_shape, elementwise_affine=affine).to(TORCH_DTYPE[dtype])
    if affine:
        state = {
            k: v.numpy() + rng.standard_normal(v.shape).astype(dtype) for k, v in theirs.state_dict().items()
        }
        ours.load_state_dict(state)
        theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    x, tx = both((rng.standard_normal(shape) * 3 - 1).astype(dtype))
    out, t_out = ours(x), theirs(tx)
    assert_close(out, t_out, "output")
    grad = rng.standard_normal(shape).astype(dtype)
    out.backward(nl.tensor(grad))
    t_out.backward(torch.tensor(grad))
    assert_close(x.grad, tx.grad, "input gradient")
    for name, p in theirs.named_parameters():
        assert_close(dict(ours.named_parameters())[name].grad, p.grad, f"gradient of {name}")


def test_layer_norm_gradcheck_gradgradcheck_and_errors():
    rng = np.random.default_rng(5)
    x, w, b = (nl.tensor(rng.standard_normal(s), requires_grad=True) for s in ((3, 2, 4), (2, 4), (2, 4)))
    assert gradcheck(lambda x, w, b: F.layer_norm(x, (2, 4), w, b), (x, w, b))
    assert gradgradcheck(lambda x, w, b: F.layer_norm(x, (2, 4), w, b), (x, w, b))
    with pytest.raises(
        RuntimeError, match=r"expected input with shape \[\*, 4\], but got input of size\[2, 3\]"
    ):
        F.layer_norm(nl.zeros(2, 3), (4,))


@pytest.mark.parametrize("module", ["neuronlab.ops.normalization", "neuronlab.nn.modules.normalization"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    namespace = {"nn": nn, "neuronlab": nl, "F": F}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

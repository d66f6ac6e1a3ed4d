"""conv2d, Conv2d, unfold/fold and pad against PyTorch: the same output, input gradient,
weight and bias gradients from the same weights with a random upstream gradient, for
several shapes, strides, paddings and dilations in float32 and float64; gradcheck and
gradgradcheck in float64; reprs, state_dict keys, parameter counts and errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
import neuronlab.nn.functional as F
from neuronlab.autograd import gradcheck, gradgradcheck
from neuronlab.ops import block_cache, im2col

TOLERANCE = {np.float32: dict(rtol=1e-4, atol=1e-5), np.float64: dict(rtol=1e-10, atol=1e-11)}


def assert_close(actual, expected, what: str = "") -> None:
    actual = actual.detach()._data if isinstance(actual, nl.Tensor) else np.asarray(actual)
    expected = expected.detach().numpy()
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != {expected.dtype}"
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    tol = TOLERANCE[actual.dtype.type]
    np.testing.assert_allclose(actual, expected, rtol=tol["rtol"], atol=tol["atol"] * scale, err_msg=what)


def pair_of(rng, *shape, dtype=np.float64, requires_grad=True):
    """The same random values as a neuronlab and a torch tensor."""
    a = rng.standard_normal(shape).astype(dtype)
    return nl.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def check_against_torch(nl_fn, torch_fn, inputs, seed: int = 0) -> None:
    """Run both functions on the same inputs, backpropagate the same random upstream gradient
    and compare the output and every input's gradient."""
    rng = np.random.default_rng(seed)
    out_nl, out_t = nl_fn(*[a for a, _ in inputs]), torch_fn(*[b for _, b in inputs])
    assert_close(out_nl, out_t, "output")
    grad = rng.standard_normal(tuple(out_t.shape)).astype(out_t.detach().numpy().dtype)
    out_nl.backward(nl.tensor(grad))
    out_t.backward(torch.tensor(grad))
    for i, (a, b) in enumerate(inputs):
        if b.requires_grad:
            assert_close(a.grad, b.grad, f"gradient of input {i}")


# (id, input shape (N, C, H, W), weight shape (Co, C, kh, kw), stride, padding, dilation, bias)
CONV_CASES = [
    ("3x3", (2, 3, 7, 7), (4, 3, 3, 3), 1, 0, 1, True),
    ("non-square", (2, 3, 7, 9), (4, 3, 3, 2), 1, 0, 1, True),
    ("padded", (2, 2, 6, 5), (3, 2, 3, 3), 1, 1, 1, True),
    ("pad-tuple", (1, 2, 6, 8), (3, 2, 3, 5), 1, (2, 1), 1, False),
    ("stride-2", (2, 3, 8, 8), (4, 3, 3, 3), 2, 1, 1, True),
    ("stride-tuple", (2, 3, 12, 10), (5, 3, 3, 3), (2, 3), (1, 2), 1, True),
    ("same-odd", (2, 2, 9, 7), (3, 2, 3, 3), 1, "same", 1, True),
    ("same-even", (2, 2, 9, 7), (3, 2, 2, 4), 1, "same", 1, True),
    ("same-dilated", (2, 2, 9, 9), (3, 2, 3, 3), 1, "same", 2, True),
    ("valid", (2, 2, 6, 6), (3, 2, 3, 3), 1, "valid", 1, True),
    ("dilation", (2, 3, 12, 10), (2, 3, 3, 2), 1, 1, (2, 3), True),
    ("dilation-stride", (2, 3, 12, 10), (2, 3, 3, 3), 2, 2, 2, True),
    ("1x1", (2, 4, 5, 5), (3, 4, 1, 1), 1, 0, 1, True),
    ("1x1-stride", (2, 4, 5, 5), (3, 4, 1, 1), 2, 0, 1, False),
    ("kernel=input", (2, 1, 5, 5), (2, 1, 5, 5), 1, 0, 1, True),
    ("lenet-conv1", (3, 1, 28, 28), (6, 1, 5, 5), 1, 2, 1, True),
    ("lenet-conv2", (3, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1, True),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CONV_CASES, ids=[c[0] for c in CONV_CASES])
def test_conv2d_matches_torch(case, dtype):
    _, x_shape, w_shape, stride, padding, dilation, bias = case
    rng = np.random.default_rng(1)
    inputs = [pair_of(rng, *x_shape, dtype=dtype), pair_of(rng, *w_shape, dtype=dtype)]
    if bias:
        inputs.append(pair_of(rng, w_shape[0], dtype=dtype))
    kwargs = dict(stride=stride, padding=padding, dilation=dilation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about 'same' with an even kernel
        check_against_torch(
            lambda *a: F.conv2d(*a, **kwargs), lambda *a: torch.nn.functional.conv2d(*a, **kwargs), inputs
        )


@pytest.mark.parametrize("case", [c for c in CONV_CASES if c[0] in ("padded", "stride-2", "same-even", "lenet-conv2")],
                         ids=lambda c: c[0])  # fmt: skip
def test_conv2d_in_many_chunks_matches_torch(case, monkeypatch):
    """Cache blocking splits the batch into chunks; one sample per chunk must give the same
    results as one chunk for the whole batch."""
    monkeypatch.setattr(im2col, "CHUNK_BYTES", 1)
    _, x_shape, w_shape, stride, padding, dilation, _ = case
    rng = np.random.default_rng(2)
    inputs = [pair_of(rng, 5, *x_shape[1:], dtype=np.float32), pair_of(rng, *w_shape, dtype=np.float32),
              pair_of(rng, w_shape[0], dtype=np.float32)]  # fmt: skip
    kwargs = dict(stride=stride, padding=padding, dilation=dilation)
    check_against_torch(
        lambda *a: F.conv2d(*a, **kwargs), lambda *a: torch.nn.functional.conv2d(*a, **kwargs), inputs
    )


def test_conv2d_unbatched_input():
    rng = np.random.default_rng(3)
    inputs = [pair_of(rng, 2, 6, 5), pair_of(rng, 3, 2, 3, 3), pair_of(rng, 3)]
    check_against_torch(
        lambda *a: F.conv2d(*a, padding=1), lambda *a: torch.nn.functional.conv2d(*a, padding=1), inputs
    )


GRADCHECK_CASES = [
    ("plain", dict()),
    ("stride-padding", dict(stride=2, padding=1)),
    ("same-dilated", dict(padding="same", dilation=(1, 2))),
]


@pytest.mark.parametrize("kwargs", [c[1] for c in GRADCHECK_CASES], ids=[c[0] for c in GRADCHECK_CASES])
def test_conv2d_gradcheck_and_gradgradcheck(kwargs):
    rng = np.random.default_rng(4)
    x, w, b = (
        nl.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 2, 5, 4), (3, 2, 3, 2), (3,)]
    )
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), (x, w, b))
    assert gradgradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), (x, w, b))


def test_conv2d_double_backward_matches_torch():
    """A gradient penalty: d/d(x, W) of ‖∂L/∂x‖² + ‖∂L/∂W‖², with L = Σ g·conv(x, W)."""
    rng = np.random.default_rng(5)
    (x, tx), (w, tw) = pair_of(rng, 2, 3, 6, 5), pair_of(rng, 4, 3, 3, 3)
    g = rng.standard_normal((2, 4, 3, 3))
    results = []
    for lib, autograd, xs, ws, gs in (
        (F, nl.autograd, x, w, nl.tensor(g)),
        (torch.nn.functional, torch.autograd, tx, tw, torch.tensor(g)),
    ):
        out = lib.conv2d(xs, ws, stride=2, padding=1)
        gx, gw = autograd.grad((out * gs).sum(), (xs, ws), create_graph=True)
        penalty = (gx * gx).sum() + (gw * gw).sum()
        results.append(autograd.grad(penalty, (xs, ws)))
    for ours, theirs in zip(*results):
        assert_close(ours, theirs, "second derivative")


def test_conv2d_first_layer_skips_the_input_gradient_and_matches_torch():
    """An input that needs no gradient (a network's first layer): none is computed, and the
    weight and bias gradients are still torch's."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((4, 1, 12, 12)).astype(np.float32)
    inputs = [pair_of(rng, 6, 1, 5, 5, dtype=np.float32), pair_of(rng, 6, dtype=np.float32)]
    xn, xt = nl.tensor(x), torch.tensor(x)
    check_against_torch(lambda w, b: F.conv2d(xn, w, b, padding=2),
                        lambda w, b: torch.nn.functional.conv2d(xt, w, b, padding=2), inputs)  # fmt: skip
    assert xn.grad is None


@pytest.mark.parametrize("case", [c for c in CONV_CASES if c[0] in ("padded", "stride-tuple", "dilation-stride", "same-even")],
                         ids=lambda c: c[0])  # fmt: skip
def test_conv2d_array_and_tensor_backward_agree(case):
    """The engine runs ``backward_numpy`` without create_graph and the tensor ``backward``
    with it: both must give the same gradients, for the conv and for its two gradient ops
    (reached by differentiating a first derivative)."""
    _, x_shape, w_shape, stride, padding, dilation, _ = case
    rng = np.random.default_rng(12)
    x, w = (nl.tensor(rng.standard_normal(s), requires_grad=True) for s in (x_shape, w_shape))
    kwargs = dict(stride=stride, padding=padding, dilation=dilation)
    out = F.conv2d(x, w, **kwargs)
    g = nl.tensor(rng.standard_normal(tuple(out.shape)))
    plain = nl.autograd.grad((out * g).sum(), (x, w), retain_graph=True)
    recorded = nl.autograd.grad((out * g).sum(), (x, w), create_graph=True)
    for a, b in zip(plain, recorded):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)
    penalty = sum((r * r).sum() for r in recorded)
    second_plain = nl.autograd.grad(penalty, (x, w), retain_graph=True)
    second_recorded = nl.autograd.grad(penalty, (x, w), create_graph=True)
    for a, b in zip(second_plain, second_recorded):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_buffer_cache_hands_out_only_arrays_nothing_uses():
    """``block_cache.empty`` reuses a block once no array refers to it (a view counts), never while
    one does, and never while tracemalloc traces."""
    import tracemalloc

    def address(array):
        return array.__array_interface__["data"][0]

    block_cache.release_buffers()
    a = block_cache.empty((64, 1024), np.float32)
    first = address(a)
    b = block_cache.empty((64, 1024), np.float32)
    assert not np.shares_memory(a, b)
    view = a[1:]
    del a
    c = block_cache.empty((64, 1024), np.float32)
    assert not np.shares_memory(c, view)  # the view keeps a's block in use
    del view
    d = block_cache.empty((1024, 64), np.int32)  # any request of the same size may take it
    assert address(d) == first and d.shape == (1024, 64) and d.flags.c_contiguous
    del d
    tracemalloc.start()
    try:
        assert block_cache.empty((64, 1024), np.float32).base is None
    finally:
        tracemalloc.stop()
    assert address(block_cache.empty((64, 1024), np.float32)) == first
    block_cache.release_buffers()
    assert block_cache.empty((64, 1024), np.float32).nbytes == 64 * 1024 * 4


def test_buffer_cache_never_gives_one_block_to_two_threads():
    from concurrent.futures import ThreadPoolExecutor

    def work(seed: int) -> bool:
        held = []
        for i in range(200):
            a = block_cache.empty((128, 128), np.float32)
            a.fill(seed)
            held.append(a)
            if len(held) > 3:
                held.pop(i % 3)
            if any((h != seed).any() for h in held):
                return False
        return True

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(1, 9)))


# -- Conv2d ---------------------------------------------------------------------------------------
def copy_weights(nl_module, torch_module) -> None:
    nl_module.load_state_dict({k: v.detach().numpy() for k, v in torch_module.state_dict().items()})


MODULE_CASES = [
    ("lenet", dict(in_channels=1, out_channels=6, kernel_size=5, padding=2), (4, 1, 12, 12)),
    ("no-bias-stride", dict(in_channels=3, out_channels=4, kernel_size=(3, 2), stride=2, bias=False), (2, 3, 9, 8)),
    ("same", dict(in_channels=2, out_channels=3, kernel_size=4, padding="same"), (2, 2, 7, 6)),
    ("reflect", dict(in_channels=2, out_channels=3, kernel_size=3, padding=1, padding_mode="reflect"), (2, 2, 6, 5)),
    ("replicate", dict(in_channels=2, out_channels=3, kernel_size=3, padding=(2, 1), padding_mode="replicate"),
     (2, 2, 6, 5)),
    ("circular", dict(in_channels=2, out_channels=3, kernel_size=3, padding=1, dilation=2, padding_mode="circular"),
     (2, 2, 7, 7)),
    ("same-reflect", dict(in_channels=2, out_channels=2, kernel_size=(2, 3), padding="same", padding_mode="reflect"),
     (1, 2, 5, 6)),
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", MODULE_CASES, ids=[c[0] for c in MODULE_CASES])
def test_conv2d_module_matches_torch(case, dtype):
    _, kwargs, shape = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_conv = torch.nn.Conv2d(**kwargs).to({np.float32: torch.float32, np.float64: torch.float64}[dtype])
        n_conv = nn.Conv2d(**kwargs).to({np.float32: nl.float32, np.float64: nl.float64}[dtype])
        copy_weights(n_conv, t_conv)
        rng = np.random.default_rng(6)
        x, tx = pair_of(rng, *shape, dtype=dtype)
        check_against_torch(n_conv, t_conv, [(x, tx)])
    for name, p in t_conv.named_parameters():
        assert_close(dict(n_conv.named_parameters())[name].grad, p.grad, f"gradient of {name}")


REPR_CASES = [
    dict(in_channels=1, out_channels=6, kernel_size=5, padding=2),
    dict(in_channels=3, out_channels=4, kernel_size=(3, 2), stride=2, padding=1, dilation=2, bias=False,
         padding_mode="reflect"),
    dict(in_channels=3, out_channels=4, kernel_size=3, padding="same"),
    dict(in_channels=3, out_channels=4, kernel_size=3, padding="valid"),
    dict(in_channels=16, out_channels=32, kernel_size=1, stride=(2, 1)),
]  # fmt: skip


@pytest.mark.parametrize("kwargs", REPR_CASES)
def test_conv2d_repr_and_state_dict_match_torch(kwargs):
    n_conv, t_conv = nn.Conv2d(**kwargs), torch.nn.Conv2d(**kwargs)
    assert repr(n_conv) == repr(t_conv)
    assert list(n_conv.state_dict()) == list(t_conv.state_dict())
    for name, p in t_conv.named_parameters():
        assert tuple(dict(n_conv.named_parameters())[name].shape) == tuple(p.shape)


def test_conv2d_parameter_count_and_output_size_from_the_seeds():
    """002 9-10: Conv2d(1, 10, 5) has 10·1·5·5 + 10 = 260 parameters; a 3x3 stride-1
    unpadded convolution of a (3, 244, 244) input gives 242 x 242."""
    assert sum(p.numel() for p in nn.Conv2d(1, 10, 5).parameters()) == 260
    with nl.no_grad():
        out = nn.Conv2d(3, 8, 3)(nl.zeros(3, 244, 244))
    assert tuple(out.shape) == (8, 242, 242)


def test_conv2d_default_init_is_pytorchs():
    """W and b ~ U(-1/√fan_in, 1/√fan_in): inside the bound, with the uniform's std bound/√3."""
    nl.manual_seed(0)
    conv = nn.Conv2d(16, 64, 3)
    bound = 1 / math.sqrt(16 * 9)
    w = conv.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(conv.bias.detach().numpy()).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert abs(w.mean()) < 0.02 * bound


def test_conv2d_errors():
    x = nl.zeros(1, 3, 5, 5)
    with pytest.raises(RuntimeError, match="expected input\\[1, 3, 5, 5\\] to have 1 channels, but got 3"):
        F.conv2d(x, nl.zeros(2, 1, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(nl.zeros(1, 1, 2, 2), nl.zeros(1, 1, 3, 3))
    with pytest.raises(NotImplementedError, match="groups=2"):
        F.conv2d(x, nl.zeros(2, 3, 3, 3), groups=2)
    with pytest.raises(NotImplementedError, match="groups=3"):
        nn.Conv2d(3, 3, 3, groups=3)
    with pytest.raises(ValueError, match="strided"):
        F.conv2d(x, nl.zeros(2, 3, 3, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(3, 3, 3, padding_mode="mirror")
    with pytest.raises(RuntimeError, match="should be the same"):
        F.conv2d(x.double(), nl.zeros(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match="3D \\(unbatched\\) or 4D"):
        F.conv2d(nl.zeros(3, 5), nl.zeros(2, 3, 3, 3))


# -- unfold / fold / pad -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [dict(kernel_size=(3, 2), padding=1, stride=2), dict(kernel_size=3, dilation=2),
                                    dict(kernel_size=2)], ids=["strided", "dilated", "plain"])  # fmt: skip
def test_unfold_and_fold_match_torch(kwargs):
    rng = np.random.default_rng(7)
    check_against_torch(lambda x: F.unfold(x, **kwargs), lambda x: torch.nn.functional.unfold(x, **kwargs),
                        [pair_of(rng, 2, 3, 7, 8)])  # fmt: skip
    length = torch.nn.functional.unfold(torch.zeros(1, 3, 7, 8), **kwargs).shape[-1]
    k = kwargs["kernel_size"]
    blocks = 3 * (k[0] * k[1] if isinstance(k, tuple) else k * k)
    check_against_torch(lambda c: F.fold(c, (7, 8), **kwargs), lambda c: torch.nn.functional.fold(c, (7, 8), **kwargs),
                        [pair_of(rng, 2, blocks, length)])  # fmt: skip


PAD_CASES = [
    ("constant", (1, 2, 2, 1), "constant", 0.0),
    ("constant-value", (1, 0, 0, 3), "constant", 2.5),
    ("crop", (-1, 2, 0, -2), "constant", 0.0),
    ("last-dim", (2, 1), "constant", 0.0),
    ("three-dims", (1, 1, 0, 2, 1, 0), "constant", 0.0),
    ("reflect", (1, 2, 2, 1), "reflect", None),
    ("replicate", (3, 0, 1, 2), "replicate", None),
    ("circular", (1, 2, 2, 1), "circular", None),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", PAD_CASES, ids=[c[0] for c in PAD_CASES])
def test_pad_matches_torch(case, dtype):
    _, pads, mode, value = case
    rng = np.random.default_rng(8)
    kwargs = dict(mode=mode) if value is None else dict(mode=mode, value=value)
    check_against_torch(lambda x: F.pad(x, pads, **kwargs), lambda x: torch.nn.functional.pad(x, pads, **kwargs),
                        [pair_of(rng, 2, 3, 4, 5, dtype=dtype)])  # fmt: skip


def test_pad_gradcheck_and_errors():
    x = nl.tensor(np.random.default_rng(9).standard_normal((2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda x: F.pad(x, (1, -1, 2, 0), value=1.0), (x,))
    assert gradgradcheck(lambda x: F.pad(x, (1, 2)), (x,))
    assert gradcheck(lambda x: F.pad(x, (1, 2), mode="reflect"), (x,))
    with pytest.raises(ValueError, match="divisible by 2"):
        F.pad(x, (1, 2, 3))
    with pytest.raises(ValueError, match="reflect"):
        F.pad(x, (4, 0), mode="reflect")


def test_gradient_ops_match_torch_nn_grad():
    """The two gradient ops on their own, against torch.nn.grad.conv2d_input/conv2d_weight."""
    from neuronlab.ops.conv import conv2d_input_grad, conv2d_weight_grad

    rng = np.random.default_rng(10)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, 3, 2))
    for kwargs in (dict(stride=1, padding=1), dict(stride=2, padding=(1, 0), dilation=2)):
        g = rng.standard_normal(
            tuple(torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), **kwargs).shape)
        )
        expected_x = torch.nn.grad.conv2d_input(x.shape, torch.tensor(w), torch.tensor(g), **kwargs)
        expected_w = torch.nn.grad.conv2d_weight(torch.tensor(x), w.shape, torch.tensor(g), **kwargs)
        assert_close(
            conv2d_input_grad(nl.tensor(g), nl.tensor(w), (9, 8), **kwargs), expected_x, "input grad"
        )
        assert_close(
            conv2d_weight_grad(nl.tensor(x), nl.tensor(g), (3, 2), **kwargs), expected_w, "weight grad"
        )


@pytest.mark.parametrize("module", ["neuronlab.ops.conv", "neuronlab.nn.modules.conv"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    namespace = {"nn": nn, "neuronlab": nl, "F": F}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

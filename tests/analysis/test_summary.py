"""Parameter counts, convolution output shapes and the model summary, checked by hand
(002 9-10) and against PyTorch on the same architectures."""

import doctest
import importlib

import numpy as np
import pytest
import torch

import neuronlab as nl
from neuronlab import nn
from neuronlab.analysis.summary import conv_output_shape, count_parameters, summary


def test_seed_002_checks():
    """A 3x3 stride-1 unpadded convolution of a 244x244 image gives 242x242 (002 9);
    Conv2d(1, 10, 5) has 10·1·5·5 + 10 = 260 parameters (002 10)."""
    assert conv_output_shape((244, 244), 3) == (242, 242)
    assert conv_output_shape((244, 244), (3, 3), stride=1, padding=0) == (242, 242)
    assert count_parameters(nn.Conv2d(1, 10, 5)) == 260
    assert count_parameters(torch.nn.Conv2d(1, 10, 5)) == 260


def test_conv_output_shape_matches_torch():
    rng = np.random.default_rng(0)
    for _ in range(60):
        h, w = (int(v) for v in rng.integers(5, 40, size=2))
        k = tuple(int(v) for v in rng.integers(1, 6, size=2))
        s = tuple(int(v) for v in rng.integers(1, 4, size=2))
        d = tuple(int(v) for v in rng.integers(1, 3, size=2))
        p = tuple(int(v) for v in rng.integers(0, 3, size=2))
        if any(hw + 2 * pi < di * (ki - 1) + 1 for hw, pi, di, ki in zip((h, w), p, d, k)):
            with pytest.raises(ValueError):
                conv_output_shape((h, w), k, s, p, d)
            continue
        out = torch.nn.functional.conv2d(torch.zeros(1, 1, h, w), torch.zeros(1, 1, *k), stride=s, padding=p,
                                         dilation=d)  # fmt: skip
        assert conv_output_shape((h, w), k, s, p, d) == tuple(out.shape[2:]), (h, w, k, s, p, d)
        layer = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
        assert tuple(layer(nl.zeros(1, 1, h, w)).shape[2:]) == tuple(out.shape[2:])


def test_conv_output_shape_forms():
    assert conv_output_shape(28, 5) == 24
    assert conv_output_shape(28, 5, stride=2, padding=2) == 14
    assert conv_output_shape((28, 20), 3, padding="same") == (28, 20)
    assert conv_output_shape((28, 20), 3, padding="valid") == (26, 18)
    assert conv_output_shape((9, 9, 9), 3, stride=2) == (4, 4, 4)  # any number of dims
    assert conv_output_shape(28, 2, stride=2) == 14  # pooling windows follow the same formula
    with pytest.raises(ValueError, match="too small"):
        conv_output_shape(4, 5)
    with pytest.raises(ValueError, match="stride"):
        conv_output_shape(8, 3, stride=0)
    with pytest.raises(ValueError, match="spatial dims"):
        conv_output_shape((8, 8), (3, 3, 3))


def lenet(lib):
    return lib.nn.Sequential(
        lib.nn.Conv2d(1, 6, 5, padding=2), lib.nn.ReLU(), lib.nn.MaxPool2d(2),
        lib.nn.Conv2d(6, 16, 5), lib.nn.ReLU(), lib.nn.MaxPool2d(2), lib.nn.Flatten(),
        lib.nn.Linear(400, 120), lib.nn.ReLU(), lib.nn.Linear(120, 84), lib.nn.ReLU(), lib.nn.Linear(84, 10),
    )  # fmt: skip


def bn_mlp(lib):
    return lib.nn.Sequential(lib.nn.Linear(784, 256), lib.nn.BatchNorm1d(256), lib.nn.ReLU(),
                             lib.nn.Linear(256, 256), lib.nn.ReLU(), lib.nn.Linear(256, 10))  # fmt: skip


def test_parameter_counts_by_hand_and_against_torch():
    assert count_parameters(nn.Linear(784, 256)) == 784 * 256 + 256
    assert count_parameters(lenet(nl)) == 156 + 2416 + 48120 + 10164 + 850 == 61706
    assert count_parameters(bn_mlp(nl)) == 200960 + 2 * 256 + 65792 + 2570
    for build in (lenet, bn_mlp):
        ours, theirs = build(nl), build(torch)
        assert count_parameters(ours) == sum(p.numel() for p in theirs.parameters())
        assert count_parameters(ours) == count_parameters(theirs)


def test_trainable_only_and_shared_parameters():
    model = lenet(nl)
    model[0].requires_grad_(False)
    assert count_parameters(model) == 61706 - 156
    assert count_parameters(model, trainable_only=False) == 61706
    shared = nn.Linear(8, 8)
    twice = nn.Sequential(shared, nn.ReLU(), shared)
    assert count_parameters(twice) == 72
    assert count_parameters(torch.nn.Sequential(*[torch.nn.Linear(8, 8)] * 2)) == 72


def torch_output_shapes(model, shape) -> dict:
    shapes = {}
    for name, module in model.named_modules():
        module.register_forward_hook(lambda m, a, out, name=name: shapes.__setitem__(name, tuple(out.shape)))
    model.eval()
    model(torch.zeros(2, *shape))
    return shapes


@pytest.mark.parametrize(
    ("build", "shape"), [(lenet, (1, 28, 28)), (bn_mlp, (784,))], ids=["lenet", "bn_mlp"]
)
def test_summary_rows_match_torch(build, shape):
    table = summary(build(nl), shape, batch_size=2)
    twin = build(torch)
    expected_shapes = torch_output_shapes(twin, shape)
    modules = dict(twin.named_modules())
    assert [r["name"] for r in table] == list(modules)
    for row in table:
        assert row["output_shape"] == expected_shapes[row["name"]], row["name"]
        assert row["params"] == sum(p.numel() for p in modules[row["name"]].parameters(recurse=False))
        assert row["type"] == type(modules[row["name"]]).__name__
    assert table.total_params == count_parameters(twin)


def test_summary_text_and_model_left_as_it_was():
    model = lenet(nl)
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    table = summary(model, (1, 28, 28))
    assert model.training
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    text = str(table)
    assert "Total params: 61,706" in text and "Trainable params: 61,706" in text
    assert "[1, 6, 28, 28]" in text and "[1, 16, 5, 5]" in text and "(MiB)" in text
    assert table.memory.parameters == 4 * 61706
    assert table.input_bytes == 4 * 28 * 28
    frozen = bn_mlp(nl)
    frozen[0].requires_grad_(False)
    assert "Non-trainable params: 200,960" in str(summary(frozen, 784))


@pytest.mark.parametrize("module", ["neuronlab.analysis.summary"])
def test_docstring_examples_run(module):
    namespace = {"nn": nn, "neuronlab": nl, "np": np}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

"""BasicBlock against a PyTorch copy of torchvision's BasicBlock (torchvision is not a
dependency): the same parameter and buffer names, so state dicts load both ways, and the
same output, input gradient, parameter gradients and running statistics in training and
evaluation mode, with the identity and with the projection shortcut."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
import neuronlab.nn.functional as F


class TorchBasicBlock(torch.nn.Module):
    """torchvision.models.resnet.BasicBlock (He et al. 2016), with its downsample built the
    way torchvision's ``ResNet._make_layer`` builds it."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(planes)
        self.relu = torch.nn.ReLU(inplace=True)
        self.conv2 = torch.nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = torch.nn.Sequential(
                torch.nn.Conv2d(inplanes, planes, 1, stride=stride, bias=False), torch.nn.BatchNorm2d(planes)
            )
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


BLOCKS = [("identity", 4, 4, 1), ("projection-stride2", 4, 8, 2), ("projection-channels", 3, 6, 1)]
TOLERANCE = {np.float32: dict(rtol=1e-4, atol=1e-4), np.float64: dict(rtol=1e-9, atol=1e-10)}


def assert_close(actual, expected, what: str) -> None:
    actual, expected = actual.detach().numpy(), expected.detach().numpy()
    assert actual.dtype == expected.dtype and actual.shape == expected.shape, what
    np.testing.assert_allclose(actual, expected, err_msg=what, **TOLERANCE[actual.dtype.type])


@pytest.mark.parametrize("block", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_basic_block_has_torchvisions_names_and_state_dict(block):
    _, cin, cout, stride = block
    ours, theirs = nn.BasicBlock(cin, cout, stride), TorchBasicBlock(cin, cout, stride)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    for key, value in theirs.state_dict().items():
        assert tuple(ours.state_dict()[key].shape) == tuple(value.shape), key
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})  # loads without missing keys
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("block", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_basic_block_matches_torch_in_training_and_evaluation(block, dtype):
    _, cin, cout, stride = block
    torch.manual_seed(0)
    theirs = TorchBasicBlock(cin, cout, stride).to(
        {np.float32: torch.float32, np.float64: torch.float64}[dtype]
    )
    ours = nn.BasicBlock(cin, cout, stride).to({np.float32: nl.float32, np.float64: nl.float64}[dtype])
    rng = np.random.default_rng(1)
    with torch.no_grad():  # non-trivial γ and β, so that BN's affine part is exercised
        for name, p in theirs.named_parameters():
            if "bn" in name or "downsample.1" in name:
                p.add_(torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.3, dtype=p.dtype))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for step, training in enumerate((True, True, False)):
        ours.train(training)
        theirs.train(training)
        ours.zero_grad()
        theirs.zero_grad()
        x = rng.standard_normal((3, cin, 7, 6)).astype(dtype)
        xn, xt = nl.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, t_out = ours(xn), theirs(xt)
        assert_close(out, t_out, f"step {step} output")
        grad = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
        out.backward(nl.tensor(grad))
        t_out.backward(torch.tensor(grad))
        assert_close(xn.grad, xt.grad, f"step {step} input gradient")
        params = dict(ours.named_parameters())
        for name, p in theirs.named_parameters():
            assert_close(params[name].grad, p.grad, f"step {step} gradient of {name}")
        buffers = dict(ours.named_buffers())
        for name, b in theirs.named_buffers():
            if b.dtype == torch.int64:
                assert buffers[name].item() == b.item(), name
            else:
                assert_close(buffers[name], b, f"step {step} {name}")


def test_basic_block_output_shape_and_shortcut():
    """Stride 2 halves the spatial size (rounding up) and needs a projection; a block that
    keeps the shape uses the identity."""
    with nl.no_grad():
        assert tuple(nn.BasicBlock(8, 16, stride=2)(nl.randn(2, 8, 9, 8)).shape) == (2, 16, 5, 4)
    assert nn.BasicBlock(8, 8).downsample is None
    assert isinstance(nn.BasicBlock(8, 16).downsample, nn.Sequential)


@pytest.mark.parametrize("module", ["neuronlab.nn.modules.resnet"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    namespace = {"nn": nn, "neuronlab": nl, "F": F}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

"""``BasicBlock``: the residual block of ResNet-18/34 (He et al. 2016, "Deep Residual
Learning for Image Recognition", figure 2), laid out as torchvision lays it out."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules.activation import ReLU
from neuronlab.nn.modules.container import Sequential
from neuronlab.nn.modules.conv import Conv2d
from neuronlab.nn.modules.module import Module
from neuronlab.nn.modules.normalization import BatchNorm2d

__all__ = ["BasicBlock"]


class BasicBlock(Module):
    """y = relu(F(x) + shortcut(x)) with F = conv3x3 → BN → ReLU → conv3x3 → BN.

    The shortcut is the identity when the shape is kept (``stride == 1`` and
    ``in_channels == out_channels``), otherwise a projection 1x1 conv (with ``stride``) → BN
    (He et al.'s option B). Convolutions have no bias, since BN's β plays that role.
    Parameter names match torchvision's ``BasicBlock``: conv1, bn1, conv2, bn2,
    downsample.0 (the 1x1 conv) and downsample.1 (its BN), so state dicts can be exchanged.

    Shape:
        (N, in_channels, H, W) -> (N, out_channels, ⌈H / stride⌉, ⌈W / stride⌉)

    Example:
        >>> block = nn.BasicBlock(64, 128, stride=2)
        >>> block(neuronlab.randn(2, 64, 8, 8)).shape
        neuronlab.Size([2, 128, 4, 4])
    """

    expansion = 1

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, downsample: Module | None = None
    ) -> None:
        super().__init__()
        self.conv1 = Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = BatchNorm2d(out_channels)
        self.relu = ReLU()
        self.conv2 = Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = BatchNorm2d(out_channels)
        if downsample is None and (stride != 1 or in_channels != out_channels):
            downsample = Sequential(
                Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), BatchNorm2d(out_channels)
            )
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)

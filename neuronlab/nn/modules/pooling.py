"""Pooling layers: ``MaxPool2d``, ``AvgPool2d`` and ``AdaptiveAvgPool2d``."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.nn.modules.module import Module

__all__ = ["AdaptiveAvgPool2d", "AvgPool2d", "MaxPool2d"]


class MaxPool2d(Module):
    """Maximum over kh × kw windows, moved by ``stride`` (default: ``kernel_size``).

    out[n, c, y, x] = max_{i,j} input[n, c, s·y + d·i - p, s·x + d·j - p]

    The gradient goes to the one element that held each maximum (the first on ties).

    Shape:
        (N, C, H, W) -> (N, C, Ho, Wo), Ho = ⌊(H + 2p - d(k - 1) - 1) / s⌋ + 1 (⌈⌉ with ceil_mode)

    Example:
        >>> nn.MaxPool2d(2)(neuronlab.zeros(1, 6, 28, 28)).shape
        neuronlab.Size([1, 6, 14, 14])
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Mean over kh × kw windows, moved by ``stride`` (default: ``kernel_size``); zero
    padding counts towards the mean when ``count_include_pad`` (the default).

    Shape:
        (N, C, H, W) -> (N, C, Ho, Wo), Ho = ⌊(H + 2p - k) / s⌋ + 1 (⌈⌉ with ceil_mode)

    Example:
        >>> nn.AvgPool2d(2)(neuronlab.ones(1, 1, 4, 4))
        tensor([[[[1., 1.],
                  [1., 1.]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed ``output_size`` whatever the input's size; cell i covers
    input rows ⌊i·H/Ho⌋ to ⌈(i+1)·H/Ho⌉. ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Example:
        >>> nn.AdaptiveAvgPool2d(1)(neuronlab.ones(2, 8, 7, 7)).shape
        neuronlab.Size([2, 8, 1, 1])
    """

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"

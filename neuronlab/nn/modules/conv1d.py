"""``Conv1d``: 1-D convolution over sequences (N, C, L), PyTorch's ``nn.Conv1d``."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import init
from neuronlab.nn.functional.sequence import conv1d
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parameter import Parameter
from neuronlab.ops.creation import empty

__all__ = ["Conv1d"]


class Conv1d(Module):
    """out[n, o, t] = bias[o] + Σ_{c,i} weight[o, c, i] · x_pad[n, c, stride·t + dilation·i].

    Weight (out_channels, in_channels / groups, kernel_size); default init as PyTorch's:
    W, b ~ U(±1/√(in_channels/groups · kernel_size)). ``padding_mode`` 'zeros' only.

    Example:
        >>> nn.Conv1d(4, 8, 3, padding=1)(neuronlab.ones(2, 4, 10)).shape
        neuronlab.Size([2, 8, 10])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:  # fmt: skip
        super().__init__()
        if padding_mode != "zeros":
            raise NotImplementedError("Conv1d: only padding_mode='zeros' is supported")
        if in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible by groups")
        k = _single(kernel_size)
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, (k,)
        self.stride, self.dilation = (_single(stride),), (_single(dilation),)
        self.padding = padding if isinstance(padding, str) else (_single(padding),)
        self.groups, self.padding_mode = groups, padding_mode
        self.weight = Parameter(empty((out_channels, in_channels // groups, k), dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return conv1d(input, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        )
        if self.padding != (0,):
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        return text


def _single(value) -> int:
    return int(value[0]) if isinstance(value, tuple | list) else int(value)

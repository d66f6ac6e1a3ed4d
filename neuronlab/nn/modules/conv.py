"""``Conv2d``: the 2-D convolution layer."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.nn import init
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parameter import Parameter
from neuronlab.ops.creation import empty
from neuronlab.ops.im2col import pair

__all__ = ["Conv2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv2d(Module):
    """2-D convolution (cross-correlation) over an input (N, C_in, H, W):

        out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c]

    Weight has shape (out_channels, in_channels, kh, kw) and bias (out_channels,). Both
    start as PyTorch's do: U(-1/√fan_in, 1/√fan_in) with fan_in = in_channels·kh·kw
    (``kaiming_uniform_`` with a = √5 for the weight).

    ``padding`` is an int, a pair, 'valid' (none) or 'same' (output size = input size,
    stride 1 only); ``padding_mode`` 'zeros', 'reflect', 'replicate' or 'circular'.
    ``groups`` must be 1 (grouped convolutions are not implemented).

    Shape:
        (N, C_in, H, W) -> (N, C_out, Ho, Wo), Ho = ⌊(H + 2p - d(kh - 1) - 1) / s⌋ + 1

    Example:
        >>> conv = nn.Conv2d(1, 10, 5)
        >>> sum(p.numel() for p in conv.parameters())  # 10·1·5·5 + 10
        260
        >>> conv(neuronlab.zeros(8, 1, 28, 28)).shape
        neuronlab.Size([8, 10, 24, 24])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:  # fmt: skip
        super().__init__()
        if groups != 1:
            raise NotImplementedError(
                f"Conv2d: groups={groups} is not supported; neuronlab implements groups=1 only"
            )
        if in_channels <= 0 or out_channels <= 0:
            raise ValueError(
                f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must be positive"
            )
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got padding_mode='{padding_mode}'"
            )
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of ['valid', 'same']")
            if padding == "same" and pair(stride) != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = pair(stride, "stride")
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding")
        self.dilation = pair(dilation, "dilation")
        self.transposed = False
        self.output_padding = (0, 0)
        self.groups = groups
        self.padding_mode = padding_mode
        self.weight = Parameter(
            empty((out_channels, in_channels) + self.kernel_size, device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the weights from PyTorch's default distribution (see the class docstring)."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode == "zeros":
            return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation)
        padded = F.pad(input, self._explicit_padding(), mode=self.padding_mode)
        return F.conv2d(padded, self.weight, self.bias, self.stride, 0, self.dilation)

    def _explicit_padding(self) -> tuple[int, int, int, int]:
        """(left, right, top, bottom) for ``F.pad`` when padding_mode is not 'zeros'."""
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            (th, tw) = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            return (tw // 2, tw - tw // 2, th // 2, th - th // 2)
        ph, pw = self.padding
        return (pw, pw, ph, ph)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

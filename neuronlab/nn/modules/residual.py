"""``Residual``: the skip connection of residual networks (He et al., 2016)."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules.module import Module

__all__ = ["Residual"]


class Residual(Module):
    """y = x + block(x), or y = projection(x) + block(x) when the block changes the shape.

    The identity path carries the gradient past the block unchanged (∂y/∂x = I + ∂block/∂x),
    which is why deep residual networks stay trainable where plain ones do not. Use a
    ``projection`` (e.g. a ``Linear`` or a 1×1 convolution) when ``block`` changes the number
    of features.

    Example:
        >>> layer = nn.Residual(nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8)))
        >>> layer(neuronlab.zeros(4, 8)).shape
        neuronlab.Size([4, 8])
        >>> down = nn.Residual(nn.Linear(8, 4), projection=nn.Linear(8, 4, bias=False))
    """

    def __init__(self, block: Module, projection: Module | None = None) -> None:
        super().__init__()
        self.block = block
        self.projection = projection

    def forward(self, input: Tensor) -> Tensor:
        skip = input if self.projection is None else self.projection(input)
        return skip + self.block(input)

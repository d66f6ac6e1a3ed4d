"""``Flatten`` and ``Unflatten``: reshape layers for ``Sequential`` models (e.g. between the
convolutional and the fully connected part of a CNN)."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules.module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merge dims ``start_dim`` … ``end_dim`` into one; the default keeps the batch dim.

    Shape:
        (N, C, H, W) -> (N, C·H·W) with the defaults.

    Example:
        >>> nn.Flatten()(neuronlab.zeros(32, 1, 5, 5)).shape
        neuronlab.Size([32, 25])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size`` (a tuple, list or Size of ints whose
    product is that dimension's size).

    Shape:
        (*, S, *) -> (*, U_1, …, U_n, *) with U_1 ⋯ U_n = S.

    Example:
        >>> nn.Unflatten(1, (2, 5, 5))(neuronlab.zeros(2, 50)).shape
        neuronlab.Size([2, 2, 5, 5])
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        if not isinstance(unflattened_size, tuple | list):
            raise TypeError(
                f"unflattened_size must be a tuple of ints, but found type {type(unflattened_size).__name__}"
            )
        for idx, elem in enumerate(unflattened_size):
            if not isinstance(elem, int):
                raise TypeError(
                    f"unflattened_size must be tuple of ints, but found element of type "
                    f"{type(elem).__name__} at pos {idx}"
                )
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"

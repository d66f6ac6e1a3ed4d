"""``Linear`` (the fully connected layer) and ``Identity``."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import init
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parameter import Parameter
from neuronlab.ops.creation import empty
from neuronlab.ops.linalg import linear

__all__ = ["Identity", "Linear"]


class Identity(Module):
    """Returns its input unchanged; accepts and ignores any constructor arguments (handy to
    switch a layer off without changing the model's code).

    Example:
        >>> nn.Identity(54, unused="x")(neuronlab.ones(2)).shape
        neuronlab.Size([2])
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """The affine map y = x Wᵀ + b.

    Weight W has shape (out_features, in_features) and bias b (out_features,). Both start
    as PyTorch's do: W ~ U(-1/√in_features, 1/√in_features) (``kaiming_uniform_`` with
    a = √5) and b ~ U(-1/√in_features, 1/√in_features).

    Shape:
        input (*, in_features) -> output (*, out_features)

    Example:
        >>> fc = nn.Linear(784, 256)
        >>> sum(p.numel() for p in fc.parameters())  # 784·256 + 256
        200960
    """

    in_features: int
    out_features: int
    weight: Parameter

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the weights from PyTorch's default distribution (see the class docstring)."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )

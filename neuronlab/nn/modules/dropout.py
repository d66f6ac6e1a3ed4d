"""Regularizing noise layers: ``Dropout`` (inverted), ``Dropout1d``/``Dropout2d`` (whole
channels), ``DropConnect`` (drops weights, not activations) and ``GaussianNoise``.

All are active only in training mode (``model.train()``) and are the identity, or a plain
``Linear`` for ``DropConnect``, after ``model.eval()``. ``p`` is always the probability
of *dropping*.
"""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.nn.modules.linear import Linear
from neuronlab.nn.modules.module import Module
from neuronlab.ops.linalg import linear

__all__ = ["DropConnect", "Dropout", "Dropout1d", "Dropout2d", "GaussianNoise"]


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zero each element with probability ``p`` and scale the survivors by
    1/(1 - p) (inverted dropout, Srivastava et al., 2014), so the expected activation is
    unchanged and ``eval()`` mode is simply the identity.

    Shape:
        any; the output has the input's shape.

    Example:
        >>> drop = nn.Dropout(p=0.2)
        >>> drop.eval()(neuronlab.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """In training, zero whole channels of a (N, C, L) or (C, L) input with probability ``p``
    and scale the rest by 1/(1 - p).

    Example:
        >>> nn.Dropout1d(0.5)(neuronlab.ones(2, 3, 4)).shape
        neuronlab.Size([2, 3, 4])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """In training, zero whole feature maps of a (N, C, H, W) input with probability ``p``
    and scale the rest by 1/(1 - p).

    Example:
        >>> nn.Dropout2d(0.5)(neuronlab.ones(2, 3, 4, 4)).shape
        neuronlab.Size([2, 3, 4, 4])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class DropConnect(Linear):
    """A ``Linear`` layer whose *weights* are dropped in training (Wan et al., 2013).

    In training, a fresh mask M (M_ij ~ Bernoulli(1 - p)) is drawn at every forward call
    and shared by the mini-batch; y = x (M ⊙ W / (1 - p))ᵀ + b. The bias is kept. The
    scaling makes E[y] equal the plain layer's output, so evaluation uses W unchanged:
    y = x Wᵀ + b. A dropped weight gets a zero gradient for that step. Parameters,
    initialization and ``state_dict`` keys are ``Linear``'s.

    Example:
        >>> layer = nn.DropConnect(4, 2, p=0.5)
        >>> layer.eval()(neuronlab.ones(1, 4)).shape
        neuronlab.Size([1, 2])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, p: float = 0.5,
                 device=None, dtype=None) -> None:  # fmt: skip
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        super().__init__(in_features, out_features, bias, device=device, dtype=dtype)
        self.p = p

    def forward(self, input: Tensor) -> Tensor:
        return linear(input, F.dropout(self.weight, self.p, self.training), self.bias)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", p={self.p}"


class GaussianNoise(Module):
    """In training, add ε ~ N(0, std²) to every element (noise injection; Bishop, 1995, shows
    it acts like Tikhonov regularization); the identity in ``eval()`` mode.

    Example:
        >>> noise = nn.GaussianNoise(std=0.1)
        >>> noise.eval()(neuronlab.zeros(2))
        tensor([0., 0.])
    """

    def __init__(self, std: float = 0.1) -> None:
        super().__init__()
        if std < 0:
            raise ValueError(f"GaussianNoise: std must be non-negative, got {std}")
        self.std = std

    def forward(self, input: Tensor) -> Tensor:
        return F.gaussian_noise(input, self.std, self.training)

    def extra_repr(self) -> str:
        return f"std={self.std}"

"""Activation layers: the module forms of ``nn.functional``'s activations, with PyTorch's
constructor arguments and reprs, plus the M-P neuron's ``Sign`` and ``Step``.

Each module applies its function elementwise (``Softmax`` and friends along ``dim``);
the input and output have the same shape.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.nn import init as nn_init
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parameter import Parameter
from neuronlab.ops.creation import empty

__all__ = [
    "ELU", "GELU", "Hardtanh", "LeakyReLU", "LogSigmoid", "LogSoftmax", "PReLU", "ReLU", "ReLU6",
    "SiLU", "Sigmoid", "Sign", "Softmax", "Softmin", "Softplus", "Softsign", "Step", "Tanh",
]  # fmt: skip


def _apply(fn: Callable[[Tensor], Tensor], input: Tensor, inplace: bool, name: str) -> Tensor:
    """``fn(input)``, written back into ``input`` when ``inplace``; the op is recorded on a
    copy of the old value so its backward never reads the overwritten storage."""
    if not inplace:
        return fn(input)
    return input._inplace(name, fn(input._operand_for_inplace()))


def _inplace_repr(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


# -- threshold units of the M-P neuron and the perceptron ----------------------------------------
class Sign(Module):
    """sgn(x): -1 for x < 0, 0 at 0, +1 for x > 0, as ``torch.sign`` (zero gradient).

    The M-P neuron of the course fires at exactly 0 (sgn(0) = +1); for that convention use
    ``neuronlab.classic.MPNeuron(..., activation="sign")`` (or ``Step`` for 0/1 outputs).

    Example:
        >>> nn.Sign()(neuronlab.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sign(input)


class Step(Module):
    """The unit step: 1 for x >= 0, else 0 (zero gradient).

    Example:
        >>> nn.Step()(neuronlab.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.step(input)


# -- sigmoid family ---------------------------------------------------------------------------------
class Sigmoid(Module):
    """σ(x) = 1 / (1 + e^-x);  σ' = σ (1 - σ).

    Example:
        >>> nn.Sigmoid()(neuronlab.zeros(1))
        tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    """tanh(x) = 2σ(2x) - 1;  tanh' = 1 - tanh².

    Example:
        >>> nn.Tanh()(neuronlab.zeros(1))
        tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class LogSigmoid(Module):
    """ln σ(x) = -softplus(-x), computed without overflow.

    Example:
        >>> nn.LogSigmoid()(neuronlab.zeros(1))
        tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softsign(Module):
    """x / (1 + |x|).

    Example:
        >>> nn.Softsign()(neuronlab.tensor([1.0]))
        tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


# -- rectifiers ------------------------------------------------------------------------------------
class ReLU(Module):
    """max(0, x);  derivative 1 for x > 0, else 0.

    Example:
        >>> nn.ReLU()(neuronlab.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class LeakyReLU(Module):
    """x for x > 0, else negative_slope · x.

    Example:
        >>> nn.LeakyReLU(0.1)(neuronlab.tensor([-1.0, 2.0]))
        tensor([-0.1000,  2.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return _apply(lambda x: F.leaky_relu(x, self.negative_slope), input, self.inplace, "leaky_relu_")

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace_str}"


class PReLU(Module):
    """x for x > 0, else a · x with a learnable slope ``weight`` a (He et al., 2015): one
    slope shared by all channels, or one per channel (dim 1) when ``num_parameters`` is the
    number of channels. Starts at a = ``init``.

    Example:
        >>> act = nn.PReLU()
        >>> act(neuronlab.tensor([-1.0, 2.0]))
        tensor([-0.2500,  2.0000], grad_fn=<WhereBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope back to ``init``."""
        nn_init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """x for x > 0, else α (e^x - 1) (Clevert et al., 2015).

    Example:
        >>> nn.ELU()(neuronlab.tensor([0.0, 2.0]))
        tensor([0., 2.])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return _apply(lambda x: F.elu(x, self.alpha), input, self.inplace, "elu_")

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class GELU(Module):
    """x Φ(x) with Φ the standard normal CDF (Hendrycks & Gimpel, 2016); with
    ``approximate='tanh'``: x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))).

    Example:
        >>> nn.GELU()(neuronlab.tensor([0.0]))
        tensor([0.])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x σ(x) (swish).

    Example:
        >>> nn.SiLU()(neuronlab.tensor([0.0]))
        tensor([0.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return _apply(F.silu, input, self.inplace, "silu_")

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Softplus(Module):
    """(1/β) ln(1 + e^(βx)), a smooth ReLU; returns x where βx > ``threshold`` (to stay finite).

    Example:
        >>> nn.Softplus()(neuronlab.zeros(1))
        tensor([0.6931])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """clamp(x, min_val, max_val).

    Example:
        >>> nn.Hardtanh()(neuronlab.tensor([-3.0, 0.5, 3.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:  # fmt: skip
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`",
                          FutureWarning, stacklevel=2)  # fmt: skip
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`",
                          FutureWarning, stacklevel=2)  # fmt: skip
            max_val = max_value
        if max_val <= min_val:
            raise ValueError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return _apply(lambda x: F.hardtanh(x, self.min_val, self.max_val), input, self.inplace, "hardtanh_")

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace_str}"


class ReLU6(Hardtanh):
    """min(max(0, x), 6).

    Example:
        >>> nn.ReLU6()(neuronlab.tensor([-1.0, 7.0]))
        tensor([0., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


# -- normalized exponentials --------------------------------------------------------------------
def _implicit_dim(name: str, ndim: int) -> int:
    """PyTorch's legacy choice when ``dim`` is not given: 0 for 0-, 1- and 3-D inputs, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", UserWarning, stacklevel=3)  # fmt: skip
    return 0 if ndim in (0, 1, 3) else 1


class Softmax(Module):
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along ``dim``: the values along ``dim`` are
    positive and sum to 1.

    Example:
        >>> nn.Softmax(dim=1)(neuronlab.zeros(1, 4))
        tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        dim = self.dim if self.dim is not None else _implicit_dim("softmax", input.ndim)
        return F.softmax(input, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """softmax(-x) along ``dim``.

    Example:
        >>> nn.Softmin(dim=0)(neuronlab.tensor([0.0, 0.0]))
        tensor([0.5000, 0.5000])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        dim = self.dim if self.dim is not None else _implicit_dim("softmin", input.ndim)
        return F.softmin(input, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """x - logsumexp(x) along ``dim``: log-probabilities, computed without overflow.

    Example:
        >>> nn.LogSoftmax(dim=0)(neuronlab.zeros(2))
        tensor([-0.6931, -0.6931])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        dim = self.dim if self.dim is not None else _implicit_dim("log_softmax", input.ndim)
        return F.log_softmax(input, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

"""Activation functions in functional form (``F.relu(x)``), with PyTorch's signatures."""

from __future__ import annotations

from neuronlab.ops.activation import (
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    prelu,
    relu,
    relu6,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from neuronlab.ops.pointwise import heaviside, sign

__all__ = [
    "elu", "gelu", "hardtanh", "heaviside", "leaky_relu", "log_softmax", "logsigmoid", "prelu",
    "relu", "relu6", "sigmoid", "sign", "silu", "softmax", "softmin", "softplus", "softsign",
    "step", "tanh",
]  # fmt: skip


def softmin(input, dim=None, dtype=None):
    """softmax(-x) along ``dim``."""
    return softmax(-input, dim, dtype)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1.0)


def step(input):
    """The M-P neuron's unit step: 1 where x >= 0, else 0 (zero gradient)."""
    return heaviside(input, 1.0)

"""initialization's networks and probes: named initialization schemes, the initializers' spread
against their formulas, how distinct a layer's units are, and how a deep stack carries the signal
forward and the gradient backward."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn
from neuronlab.autograd import grad as autograd_grad
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.creation import empty, from_numpy

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
SCALES = ("small", "xavier", "kaiming", "large")
SYMMETRY = ("zero", "constant", "small", "default")


def init_weights(linear: nn.Linear, scheme: str) -> None:
    """Re-initialize a layer's weight by a named scheme; biases start at 0 (except 'default').

    small: N(0, 0.01²) (d2l's from-scratch MLP); xavier: N(0, 2/(fan_in + fan_out));
    kaiming: N(0, 2/fan_in) (ReLU gain); large: N(0, 1); zero: 0; constant: 0.1;
    default: PyTorch's own (Kaiming-uniform with a = √5, i.e. U(±1/√fan_in)).
    """
    if scheme == "default":
        return
    w = linear.weight
    {
        "small": lambda: nn.init.normal_(w, 0.0, 0.01),
        "xavier": lambda: nn.init.xavier_normal_(w),
        "kaiming": lambda: nn.init.kaiming_normal_(w, nonlinearity="relu"),
        "large": lambda: nn.init.normal_(w, 0.0, 1.0),
        "zero": lambda: nn.init.zeros_(w),
        "constant": lambda: nn.init.constant_(w, 0.1),
    }[scheme]()
    if linear.bias is not None:
        nn.init.zeros_(linear.bias)


def mlp(sizes: list[int], activation: str, scheme: str, seed: int) -> nn.Sequential:
    """Linear layers of the given sizes with an activation between them, initialized by ``scheme``."""
    manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(a, b)
        init_weights(linear, scheme)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def initializer_spread(fan_in: int = 512, fan_out: int = 256, seed: int = 0) -> list[dict]:
    """Measured std and largest |w| of each initializer on a (fan_out, fan_in) weight, next to
    the formula (gain 1 for Xavier, √2 for Kaiming with ReLU)."""
    manual_seed(seed)
    xavier_std = math.sqrt(2 / (fan_in + fan_out))
    kaiming_std = math.sqrt(2 / fan_in)
    cases = [
        ("xavier_uniform_", nn.init.xavier_uniform_, {}, xavier_std, math.sqrt(6 / (fan_in + fan_out))),
        ("xavier_normal_", nn.init.xavier_normal_, {}, xavier_std, None),
        ("kaiming_uniform_ (relu)", nn.init.kaiming_uniform_, {"nonlinearity": "relu"}, kaiming_std,
         math.sqrt(6 / fan_in)),
        ("kaiming_normal_ (relu)", nn.init.kaiming_normal_, {"nonlinearity": "relu"}, kaiming_std, None),
    ]  # fmt: skip
    rows = []
    for name, fn, kwargs, std, bound in cases:
        w = fn(empty(fan_out, fan_in), **kwargs).numpy()
        rows.append({"initializer": name, "formula_std": std, "measured_std": float(w.std()),
                     "formula_bound": bound, "max_abs": float(np.abs(w).max()), "fan_in": fan_in,
                     "fan_out": fan_out})  # fmt: skip
    return rows


def unit_spread(weight: np.ndarray) -> dict:
    """How different the rows (units) of a weight matrix are: the largest entrywise difference
    between any two rows, and how many distinct rows there are."""
    diff = float(np.max(weight.max(0) - weight.min(0)))
    distinct = len(np.unique(weight.round(6), axis=0))
    return {"max_difference": diff, "distinct_units": distinct}


def propagation(activation: str, scheme: str, depth: int, width: int, batch: int, seed: int) -> dict:
    """Variance of each hidden layer's activations (forward) and of the gradient reaching each
    layer's activations (backward, random upstream gradient), for standard-normal inputs."""
    net = mlp([width] * (depth + 1), activation, scheme, seed)
    rng = np.random.default_rng(seed)
    x = from_numpy(rng.standard_normal((batch, width)).astype(np.float32))
    acts: list[Tensor] = []
    h = x
    for layer in net:
        h = layer(h)
        if not isinstance(layer, nn.Linear):
            acts.append(h)
    upstream = from_numpy(rng.standard_normal(tuple(h.shape)).astype(np.float32))
    grads = autograd_grad((h * upstream).sum(), acts)
    values = [a.detach().numpy().astype(np.float64) for a in acts]
    return {
        "activation_variance": [_finite(v.var()) for v in values],
        "gradient_variance": [_finite(g.numpy().astype(np.float64).var()) for g in grads],
        "saturated_fraction": [float(np.mean(np.abs(v) > 0.99)) for v in values]
        if activation == "tanh"
        else None,
        "dead_fraction": [float(np.mean(v == 0)) for v in values] if activation == "relu" else None,
    }


def _finite(x) -> float | None:
    """A float, or None for inf/NaN (JSON has no infinities)."""
    return float(x) if math.isfinite(x) else None


def same_kernels_cnn(seed: int, tie_head: bool) -> nn.Sequential:
    """Conv2d(1, 4, 3) whose four kernels (and biases) are one and the same, ReLU, then a linear
    head; with ``tie_head`` the head's weights are equal across the four channels too."""
    manual_seed(seed)
    conv = nn.Conv2d(1, 4, 3)
    head = nn.Linear(4 * 6 * 6, 10)
    with no_grad():
        conv.weight.copy_(conv.weight[:1].expand(4, 1, 3, 3))
        conv.bias.fill_(0.1)
        if tie_head:
            per_channel = head.weight.detach().numpy().reshape(10, 4, 36)[:, :1, :]
            head.weight.copy_(from_numpy(np.repeat(per_channel, 4, axis=1).reshape(10, 144)))
    return nn.Sequential(conv, nn.ReLU(), nn.Flatten(), head)


def channel_and_position_spread(model: nn.Sequential, images: np.ndarray) -> dict:
    """For a batch of images through the first conv: the largest difference between output
    channels at the same position, and the spread over positions within one channel."""
    with no_grad():
        out = model[0](from_numpy(images)).numpy()
    return {"max_channel_difference": float(np.max(out.max(1) - out.min(1))),
            "position_std": float(out[:, 0].reshape(len(out), -1).std(1).mean())}  # fmt: skip

"""batchnorm's networks: the same MLP with and without batch normalization."""

from __future__ import annotations

from neuronlab import nn
from neuronlab.engine.random import manual_seed

WIDTH, DEPTH = 64, 4


def make_mlp(bn: bool, seed: int, depth: int = DEPTH, std: float | None = None) -> nn.Sequential:
    """64 → [Linear(64) → (BatchNorm1d) → ReLU] × depth → Linear(10), biases 0. Weights: He
    (Kaiming normal, the init a plain ReLU net trains best from), or N(0, std²) when ``std`` is given."""
    manual_seed(seed)
    layers, fan_in = [], 64
    for _ in range(depth):
        layers += [nn.Linear(fan_in, WIDTH), *([nn.BatchNorm1d(WIDTH)] if bn else []), nn.ReLU()]
        fan_in = WIDTH
    layers.append(nn.Linear(WIDTH, 10))
    for layer in layers:
        if isinstance(layer, nn.Linear):
            if std is None:
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            else:
                nn.init.normal_(layer.weight, 0.0, std)
            nn.init.zeros_(layer.bias)
    return nn.Sequential(*layers)

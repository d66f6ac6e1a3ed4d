"""residual's networks: plain and residual MLP twins, and per-layer weight-gradient norms."""

from __future__ import annotations

import numpy as np

from neuronlab import nn
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import init
from neuronlab.train import Callback

# plain: Linear+ReLU blocks with PyTorch's default initialization; plain_he: the same with He
# (Kaiming normal) weights and zero biases; residual: x + ReLU(Linear(x)) with the default
# initialization — the same layers and parameters as "plain", plus the identity shortcuts.
VARIANTS = ("plain", "plain_he", "residual")


def build(
    depth: int, variant: str, n_inputs: int = 64, width: int = 64, n_classes: int = 10
) -> nn.Sequential:
    """Linear(n_inputs, width) + ReLU, then ``depth`` hidden blocks of ``width`` units, then the
    output layer. Only the blocks differ between the variants."""
    if variant not in VARIANTS:
        raise ValueError(f"build: variant must be one of {VARIANTS}, got {variant!r}")
    blocks = []
    for _ in range(depth):
        block = nn.Sequential(nn.Linear(width, width), nn.ReLU())
        if variant == "plain_he":
            init.kaiming_normal_(block[0].weight, nonlinearity="relu")
            init.zeros_(block[0].bias)
        blocks.append(nn.Residual(block) if variant == "residual" else block)
    return nn.Sequential(nn.Linear(n_inputs, width), nn.ReLU(), *blocks, nn.Linear(width, n_classes))


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The model's Linear layers from input to output."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def weight_grad_norms(model: nn.Module) -> list[float]:
    """‖∂L/∂W‖ (Frobenius) of every Linear layer, input to output (0 where no gradient)."""
    return [float(np.linalg.norm(m.weight.grad.numpy())) if m.weight.grad is not None else 0.0
            for m in linear_layers(model)]  # fmt: skip


def init_grad_norms(model: nn.Module, X: np.ndarray, y: np.ndarray) -> list[float]:
    """Per-layer weight-gradient norms of the cross-entropy on one batch, at initialization."""
    model.zero_grad()
    nn.CrossEntropyLoss()(model(Tensor._wrap(X)), Tensor._wrap(y)).backward()
    norms = weight_grad_norms(model)
    model.zero_grad()
    return norms


def first_over_last(norms: list[float]) -> float:
    """log10 of the first hidden block's weight-gradient norm over the last hidden block's
    (layer 0 is the input layer, the last is the output layer)."""
    return float(np.log10(max(norms[1], 1e-300) / max(norms[-2], 1e-300)))


class GradNormRecorder(Callback):
    """Mean over each epoch's iterations of the first and the last hidden block's weight-gradient
    norms (only those two: a norm of every layer at every step would cost a quarter of the run).

    ``on_batch_end`` runs after ``optimizer.step()`` but before the next ``zero_grad``, so the
    gradients of the step just taken are still in ``.grad``.
    """

    def __init__(self) -> None:
        self.per_epoch: list[list[float]] = []
        self._steps: list[list[float]] = []

    def on_batch_end(self, trainer, record: dict) -> None:
        linears = linear_layers(trainer.model)
        self._steps.append([float(np.linalg.norm(m.weight.grad.numpy())) for m in (linears[1], linears[-2])])

    def on_epoch_end(self, trainer, record: dict) -> None:
        self.per_epoch.append(np.mean(self._steps, axis=0).tolist())
        self._steps = []

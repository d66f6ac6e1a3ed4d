"""Helpers of the ``residual`` experiment: plain and residual MLP twins, and per-layer gradient
norms at initialization and during training."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import init
from neuronlab.train import Callback, Trainer

# plain: Linear+ReLU layers with PyTorch's default initialization; plain_he: the same with He
# (Kaiming normal) weights and zero biases; residual: x + ReLU(Linear(x)) with the default
# initialization — the same layers and parameters as "plain", plus the identity shortcuts.
VARIANTS = ("plain", "plain_he", "residual")


def build(
    depth: int, variant: str, n_inputs: int = 64, width: int = 64, n_classes: int = 10
) -> nn.Sequential:
    """Linear(n_inputs, width) + ReLU, then ``depth`` hidden blocks of ``width`` units, then the
    output layer. Only the blocks differ between the variants."""
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


class GradNormRecorder(Callback):
    """Mean over each epoch's iterations of every Linear layer's weight-gradient norm.

    ``on_batch_end`` runs after ``optimizer.step()`` but before the next ``zero_grad``, so the
    gradients of the step just taken are still in ``.grad``.
    """

    def __init__(self) -> None:
        self.per_epoch: list[list[float]] = []
        self._steps: list[list[float]] = []

    def on_batch_end(self, trainer, record: dict) -> None:
        self._steps.append(weight_grad_norms(trainer.model))

    def on_epoch_end(self, trainer, record: dict) -> None:
        self.per_epoch.append(np.mean(self._steps, axis=0).tolist())
        self._steps = []


def train(model: nn.Module, data: dict, epochs: int, seed: int) -> dict:
    """Adam (lr 1e-3, batch 128) on cross-entropy; final full-training-set loss and accuracies,
    the per-epoch training loss, and per-epoch per-layer gradient norms."""
    recorder = GradNormRecorder()
    manual_seed(seed)  # the same mini-batch order for every network
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      callbacks=[recorder], progress=False)  # fmt: skip
    history = trainer.fit(data["train"], epochs=epochs, batch_size=128)
    final = trainer.evaluate(data["train"])
    curve = history.column("train_loss", per="epoch")
    return {
        "train_loss": _finite(final["loss"]),
        "train_accuracy": final["accuracy"],
        "test_accuracy": trainer.evaluate(data["test"])["accuracy"],
        "loss_curve": [_finite(v) for v in curve],
        "grad_norms": [[_finite(v) for v in row] for row in recorder.per_epoch],
    }


def _finite(value: float) -> float | None:
    """JSON has no NaN: a diverged loss is stored as None."""
    return float(value) if np.isfinite(value) else None

"""The networks of the dropout experiment: d2l §4.6's two-hidden-layer MLP with dropout after
each hidden layer, and its variants — DropConnect (dropping weights), additive Gaussian noise —
plus the probes read from them (hidden activations, a forward with the seed's test-time scaling)."""

from __future__ import annotations

import numpy as np

from neuronlab import nn
from neuronlab.engine.grad_mode import no_grad
from neuronlab.nn import functional as F

INPUTS, CLASSES = 40, 10  # MNIST-1D signals, digits
RATES = (0.2, 0.5)  # d2l's dropout1 (after the first hidden layer), dropout2 (after the second)


def mlp(
    hidden: int, kind: str = "plain", rates: tuple[float, float] = RATES, noise_std: float = 0.0
) -> nn.Sequential:
    """40 → hidden → hidden → 10 with ReLU.

    ``kind``: ``"plain"`` (no noise), ``"dropout"`` (``Dropout(rates[i])`` after hidden layer i),
    ``"dropconnect"`` (the layers that *read* hidden layer i drop their weights at ``rates[i]``,
    one mask per step shared by the batch) or ``"noise"`` (``GaussianNoise(noise_std)`` added to
    every hidden activation).
    """
    if kind == "dropconnect":
        return nn.Sequential(nn.Linear(INPUTS, hidden), nn.ReLU(), nn.DropConnect(hidden, hidden, p=rates[0]),
                             nn.ReLU(), nn.DropConnect(hidden, CLASSES, p=rates[1]))  # fmt: skip
    noise = {
        "plain": lambda i: [],
        "dropout": lambda i: [nn.Dropout(rates[i])],
        "noise": lambda i: [nn.GaussianNoise(noise_std)],
    }[kind]
    return nn.Sequential(nn.Linear(INPUTS, hidden), nn.ReLU(), *noise(0), nn.Linear(hidden, hidden), nn.ReLU(),
                         *noise(1), nn.Linear(hidden, CLASSES))  # fmt: skip


def hidden_activations(model: nn.Sequential, X) -> list[np.ndarray]:
    """The output of every ReLU (the hidden activations, before any dropout), in eval mode."""
    outs, h = [], X
    was_training = model.training
    model.eval()
    with no_grad():
        for layer in model:
            h = layer(h)
            if isinstance(layer, nn.ReLU):
                outs.append(h.numpy().astype(np.float64))
    model.train(was_training)
    return outs


def scaled_eval_logits(model: nn.Sequential, X) -> np.ndarray:
    """Eval-mode logits with each ``Dropout``'s output multiplied by its keep probability 1 − p:
    the test-time rule of the original (non-inverted) dropout, applied to a net trained with
    inverted dropout (which already divides by 1 − p in training)."""
    was_training = model.training
    model.eval()
    h = X
    with no_grad():
        for layer in model:
            h = layer(h) * (1 - layer.p) if isinstance(layer, nn.Dropout) else layer(h)
    model.train(was_training)
    return h.numpy()


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy of ``logits`` against class indices (float64, log-sum-exp)."""
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(y)), y].mean())


def stochastic_probabilities(model: nn.Sequential, X, passes: int) -> list[np.ndarray]:
    """Softmax outputs of ``passes`` forward passes in training mode (dropout on)."""
    was_training = model.training
    model.train()
    with no_grad():
        out = [F.softmax(model(X), dim=1).numpy().astype(np.float64) for _ in range(passes)]
    model.train(was_training)
    return out

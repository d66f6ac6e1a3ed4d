"""Reference recipes, run rather than quoted: where the lab reports an accuracy on the digits or
on MNIST-1D, it also runs the recipe behind the published number (REFERENCES.md) in the same
session, so a reader sees the lab's setting, the recipe run here and the published figure side
by side.

============================  ====================================================  ===========
recipe                         setting                                               published
============================  ====================================================  ===========
``digits``                     64-64-10 ReLU MLP, Adam 1e-3, batch 64, 100 epochs,    96.5% (mean
                               stratified 80/20 split                                 of 5 seeds)
``mnist1d-logistic``           Linear(40, 10), Adam 1e-2, batch 100, 6000 steps       31.6%
``mnist1d-mlp``                40-100-100-10 ReLU, same optimizer                     63.9%
``mnist1d-cnn``                3 strided convs (25 channels) + linear, same           93.3%
``mnist1d-gru``                bidirectional GRU (hidden 6) over the 40 samples,      91.0%
                               every step's output → Linear(480, 10), same
============================  ====================================================  ===========

The MNIST-1D numbers are PyTorch's, measured on this project's machine (3 seeds); the paper
reports 32% / 68% / 94% / 91%. ``benchmarks/mnist1d_gru.py`` runs the GRU recipe under
neuronlab and PyTorch from the same seeds.
"""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import digits_split, load_mnist1d
from neuronlab.engine.random import manual_seed
from neuronlab.train import Trainer

PUBLISHED = {
    "digits": 0.965,
    "mnist1d-logistic": 0.316,
    "mnist1d-mlp": 0.639,
    "mnist1d-cnn": 0.933,
    "mnist1d-gru": 0.910,
}


def digits_reference(seed: int, epochs: int = 100) -> dict:
    """The digits recipe: its test accuracy after ``epochs`` epochs, with the published figure."""
    split = digits_split(seed, val_size=0, test_size=0.2)
    manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))  # 64-64-10: one hidden layer
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss(),
                      metrics=["accuracy"], progress=False)  # fmt: skip
    trainer.fit((split.X_train, split.y_train), epochs=epochs, batch_size=64)
    accuracy = trainer.evaluate((split.X_test, split.y_test))["accuracy"]
    return {"recipe": "digits", "epochs": epochs, "test_accuracy": accuracy, "published": PUBLISHED["digits"]}


class _Conv1dAsConv2d(nn.Module):
    """MNIST-1D's CNN (Greydanus 2020): a length-40 signal as a 1×40 image, so ``Conv2d`` with
    1×k kernels is the paper's ``Conv1d``."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 25, (1, 5), stride=(1, 2), padding=(0, 1))
        self.conv2 = nn.Conv2d(25, 25, (1, 3), stride=(1, 2), padding=(0, 1))
        self.conv3 = nn.Conv2d(25, 25, (1, 3), stride=(1, 2), padding=(0, 1))
        self.linear = nn.Linear(125, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        h = x.reshape(x.shape[0], 1, 1, x.shape[1])
        h = self.relu(self.conv3(self.relu(self.conv2(self.relu(self.conv1(h))))))
        return self.linear(h.reshape(h.shape[0], -1))


class _GRUReadout(nn.Module):
    """MNIST-1D's GRU (``GRUBase`` in the mnist1d repository's ``notebooks/models.py``): the
    signal read as 40 steps of one number by a bidirectional GRU of hidden size 6 (batch
    first, zero initial state); the outputs of every step, (N, 40 · 2 · 6), feed one linear
    layer. (The original builds its zero state as ``0 * torch.randn(...)``; zeros give the
    same numbers without drawing from the random stream.)"""

    def __init__(self, hidden_size: int = 6, time_steps: int = 40) -> None:
        super().__init__()
        self.gru = nn.GRU(input_size=1, hidden_size=hidden_size, batch_first=True, bidirectional=True)
        self.linear = nn.Linear(2 * hidden_size * time_steps, 10)

    def forward(self, x):
        output, _ = self.gru(x.reshape(x.shape[0], x.shape[1], 1))
        return self.linear(output.reshape(output.shape[0], -1))


def mnist1d_model(kind: str) -> nn.Module:
    """``"logistic"``, ``"mlp"``, ``"cnn"`` or ``"gru"`` as in the MNIST-1D paper."""
    if kind == "logistic":
        return nn.Linear(40, 10)
    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(40, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10)
        )
    if kind == "cnn":
        return _Conv1dAsConv2d()
    if kind == "gru":
        return _GRUReadout()
    raise ValueError(f"mnist1d_model: kind must be 'logistic', 'mlp', 'cnn' or 'gru', got {kind!r}")


def mnist1d_reference(kind: str, seed: int, steps: int = 6000) -> dict:
    """The MNIST-1D recipe for one model: test accuracy after ``steps`` Adam steps (lr 1e-2,
    batch 100) on the standard data set, with the published figure."""
    data = load_mnist1d()
    manual_seed(seed)
    model = mnist1d_model(kind)
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-2), nn.CrossEntropyLoss(),
                      metrics=["accuracy"], progress=False)  # fmt: skip
    per_epoch = int(np.ceil(len(data.y_train) / 100))
    trainer.fit((data.X_train, data.y_train), epochs=int(np.ceil(steps / per_epoch)), batch_size=100)
    accuracy = trainer.evaluate((data.X_test, data.y_test))["accuracy"]
    return {"recipe": f"mnist1d-{kind}", "steps": steps, "test_accuracy": accuracy,
            "published": PUBLISHED[f"mnist1d-{kind}"]}  # fmt: skip

"""conv-arithmetic's measurements: layers built and run, a convolution by hand, a CNN and an MLP
trained at their own tuned learning rates, and the digits reference recipe."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import digits_split
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.references import digits_reference
from neuronlab.lab.tuning import tune
from neuronlab.nn.functional import conv2d
from neuronlab.train import Trainer

# (in_channels, out_channels, kernel, stride, padding, input size); the first two are the seed's.
LAYERS = [
    (1, 10, 5, 1, 0, 28),
    (3, 10, 3, 1, 0, 244),
    (3, 16, 3, 2, 1, 32),
    (16, 32, 5, 1, 2, 14),
    (64, 64, 1, 1, 0, 7),
]
LR_GRID = [1e-3, 3e-3, 1e-2, 3e-2]


def sliding_window_conv(x: np.ndarray, k: np.ndarray, b: float) -> np.ndarray:
    """The textbook computation: slide the kernel, multiply elementwise, sum (one channel)."""
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k) + b
    return out


def _layer(c_in: int, c_out: int, k: int, s: int, p: int, size: int) -> dict:
    conv = nn.Conv2d(c_in, c_out, k, stride=s, padding=p)
    out = conv(Tensor._wrap(np.zeros((1, c_in, size, size), dtype=np.float32)))
    return {
        "layer": f"Conv2d({c_in}, {c_out}, {k}, stride={s}, padding={p})", "input": [c_in, size, size],
        "formula_params": (k * k * c_in + 1) * c_out, "counted_params": sum(t.numel() for t in conv.parameters()),
        "formula_size": (size - k + 2 * p) // s + 1, "seed_formula_size": (size - k + 2 * p) / s + 1,
        "forward_size": out.shape[2], "output": list(out.shape[1:]),
    }  # fmt: skip


def _by_hand(rng: np.random.Generator) -> tuple[dict, dict]:
    x, k = rng.standard_normal((6, 7)), rng.standard_normal((3, 3))
    manual = sliding_window_conv(x, k, 0.5)
    library = conv2d(Tensor._wrap(x[None, None]), Tensor._wrap(k[None, None]), Tensor._wrap(np.array([0.5])))
    one = {"max_abs_difference": float(np.abs(manual - library.numpy()[0, 0]).max())}
    x3, k3 = rng.standard_normal((3, 6, 7)), rng.standard_normal((3, 3, 3))
    summed = sum(sliding_window_conv(x3[c], k3[c], 0.0) for c in range(3)) + 0.5
    library3 = conv2d(Tensor._wrap(x3[None]), Tensor._wrap(k3[None]), Tensor._wrap(np.array([0.5])))
    three = {"max_abs_difference": float(np.abs(summed - library3.numpy()[0, 0]).max())}
    return one, three


def _cnn() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
                         nn.Flatten(), nn.Linear(16 * 2 * 2, 10))  # fmt: skip


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 24), nn.ReLU(), nn.Linear(24, 10))


def _compare(make, split, seed: int, epochs: int) -> dict:
    """Tune the learning rate on validation accuracy; report the chosen model's test accuracy."""
    trained = {}

    def validation_accuracy(lr: float) -> float:
        manual_seed(seed)
        model = make()
        trainer = Trainer(model, optim.Adam(model.parameters(), lr=lr), nn.CrossEntropyLoss(), metrics=["accuracy"],
                          progress=False)  # fmt: skip
        history = trainer.fit((split.X_train, split.y_train), val=(split.X_val, split.y_val), epochs=epochs,
                              batch_size=64)  # fmt: skip
        trained[lr] = (trainer, history.column("val_accuracy", per="epoch").tolist())
        return trainer.evaluate((split.X_val, split.y_val))["accuracy"]

    tuning = tune(validation_accuracy, LR_GRID)
    trainer, curve = trained[tuning["best"]]
    return {
        "parameters": sum(p.numel() for p in trainer.model.parameters()),
        "lr": tuning["best"], "lr_interior": tuning["interior"], "lr_grid": tuning["grid"],
        "val_accuracy_by_lr": tuning["scores"], "val_accuracy_per_epoch": curve,
        "test_accuracy": trainer.evaluate((split.X_test, split.y_test))["accuracy"],
    }  # fmt: skip


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.conv_arithmetic import SIZES

    sizes = config.sizes(SIZES)
    layers = [_layer(*spec) for spec in LAYERS]
    one, three = _by_hand(np.random.default_rng(seed))
    split = digits_split(seed, images=True)
    return {
        "layers": layers, "sliding_window": one, "multichannel": three, "epochs": sizes["epochs"],
        "cnn": _compare(_cnn, split, seed, sizes["epochs"]), "mlp": _compare(_mlp, split, seed, sizes["epochs"]),
        "reference": digits_reference(seed, sizes["reference_epochs"]),
    }  # fmt: skip

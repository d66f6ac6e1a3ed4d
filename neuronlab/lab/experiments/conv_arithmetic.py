"""conv-arithmetic: how a convolution computes, how many parameters it has, what shape it
outputs — and a small CNN against an MLP on real images (002 questions 9 and 10)."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import load_digits, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.plots import new_figure
from neuronlab.nn.functional import conv2d
from neuronlab.train import Trainer

NAME = "conv-arithmetic"
TITLE = "Convolution: the computation, parameter counts and output shapes"
SEEDS = "002 questions 9 and 10"
QUESTION_ZH = (
    "9. 卷积操作（Conv2D）的计算与参数：卷积操作的具体计算过程是怎样的？例如，输入特征图通道数为 1，"
    "输出特征图通道数为 10，卷积核大小为 5×5，且包含偏置项，那么这个卷积层的可学习参数有多少？\n\n"
    "10. 假设输入特征图维度为（3, 244, 244），卷积核大小为 3×3，步幅（stride）为 1，填充（padding）为 0，"
    "计算输出特征图的维度?"
)
QUESTION_EN = (
    "9. How is a 2-D convolution computed? With 1 input channel, 10 output channels, a 5×5 kernel "
    "and a bias, how many learnable parameters does the layer have?\n\n"
    "10. For an input of shape (3, 244, 244), a 3×3 kernel, stride 1 and padding 0, what is the "
    "output shape?"
)

# (in_channels, out_channels, kernel, stride, padding, input size)
LAYERS = [
    (1, 10, 5, 1, 0, 28),
    (3, 10, 3, 1, 0, 244),
    (3, 16, 3, 2, 1, 32),
    (16, 32, 5, 1, 2, 14),
    (64, 64, 1, 1, 0, 7),
]


def setup(config: LabConfig) -> str:
    epochs = config.pick(30, 4)
    return (
        "Parameter counts: the formula (k·k·C_in + 1)·C_out against the parameters of a real "
        "neuronlab Conv2d, for five layers including the seed's Conv2d(1, 10, 5). Output sizes: "
        "the formula floor((W − K + 2P)/S) + 1 against the shape of an actual forward pass. "
        "The computation: a convolution computed by an explicit sliding window (two Python loops "
        "over positions) against conv2d. Finally a small CNN (conv 1→8 3×3 pad 1, ReLU, max-pool, "
        f"conv 8→16 3×3, ReLU, linear) against an MLP of similar size on the 8×8 digits, {epochs} "
        "epochs of Adam (lr 1e-3, batch 64), stratified 80/20 split."
    )


def sliding_window_conv(x: np.ndarray, k: np.ndarray, b: float) -> np.ndarray:
    """The textbook computation: slide the kernel, multiply elementwise, sum (one channel)."""
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k) + b
    return out


def _train(model, data, epochs: int) -> dict:
    X_tr, y_tr, X_te, y_te = data
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      progress=False)  # fmt: skip
    history = trainer.fit((X_tr, y_tr), val=(X_te, y_te), epochs=epochs, batch_size=64)
    return {
        "parameters": sum(p.numel() for p in model.parameters()),
        "test_accuracy": trainer.evaluate((X_te, y_te))["accuracy"],
        "val_accuracy_per_epoch": history.column("val_accuracy", per="epoch").tolist(),
    }


def run(config: LabConfig) -> dict:
    rng = np.random.default_rng(config.seed)
    layers = []
    for c_in, c_out, k, s, p, size in LAYERS:
        conv = nn.Conv2d(c_in, c_out, k, stride=s, padding=p)
        counted = sum(t.numel() for t in conv.parameters())
        x = Tensor._wrap(np.zeros((1, c_in, size, size), dtype=np.float32))
        shape = tuple(conv(x).shape[1:])
        layers.append({
            "layer": f"Conv2d({c_in}, {c_out}, {k}, stride={s}, padding={p})", "input": [c_in, size, size],
            "formula_params": (k * k * c_in + 1) * c_out, "counted_params": counted,
            "formula_size": (size - k + 2 * p) // s + 1, "output": list(shape),
        })  # fmt: skip

    x = rng.standard_normal((6, 7))
    k = rng.standard_normal((3, 3))
    manual = sliding_window_conv(x, k, 0.5)
    library = conv2d(Tensor._wrap(x[None, None]), Tensor._wrap(k[None, None]), Tensor._wrap(np.array([0.5])))
    sliding = {
        "max_abs_difference": float(np.abs(manual - library.numpy()[0, 0]).max()),
        "output_shape": list(manual.shape),
    }

    X, y = load_digits(images=True)
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(
        X, y, val_size=0, test_size=0.2, random_state=config.seed
    )
    data = (X_tr, y_tr, X_te, y_te)
    flat = (X_tr.reshape(len(X_tr), -1), y_tr, X_te.reshape(len(X_te), -1), y_te)
    epochs = config.pick(30, 4)
    manual_seed(config.seed)
    cnn = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16 * 2 * 2, 10),
    )  # fmt: skip
    manual_seed(config.seed)
    mlp = nn.Sequential(nn.Linear(64, 24), nn.ReLU(), nn.Linear(24, 10))
    return {"layers": layers, "sliding_window": sliding, "cnn": _train(cnn, data, epochs), "mlp": _train(mlp, flat, epochs),
            "epochs": epochs}  # fmt: skip


def figures(results: dict) -> dict:
    fig, ax = new_figure()
    for key, label in (("cnn", "CNN"), ("mlp", "MLP")):
        acc = results[key]["val_accuracy_per_epoch"]
        ax.plot(
            range(1, len(acc) + 1),
            acc,
            marker="o",
            label=f"{label} ({results[key]['parameters']} parameters)",
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy")
    ax.set_title("8×8 digits: a small CNN against an MLP")
    ax.legend()
    return {"cnn_vs_mlp": fig}


def table(results: dict) -> Table:
    rows = [[r["layer"], "×".join(map(str, r["input"])), r["formula_params"], r["counted_params"],
             r["formula_size"], "×".join(map(str, r["output"]))] for r in results["layers"]]  # fmt: skip
    return Table(
        ["layer", "input", "params (formula)", "params (counted)", "size (formula)", "output (forward pass)"],
        rows,
    )


def conclusion(results: dict) -> str:
    layers = results["layers"]
    seed_layer = layers[0]
    shape_layer = layers[1]
    params_agree = all(r["formula_params"] == r["counted_params"] for r in layers)
    sizes_agree = all(r["formula_size"] == r["output"][1] == r["output"][2] for r in layers)
    cnn, mlp = results["cnn"], results["mlp"]
    better = "CNN" if cnn["test_accuracy"] > mlp["test_accuracy"] else "MLP"
    return (
        f"The seed's layer Conv2d(1, 10, 5) has {seed_layer['counted_params']} learnable parameters "
        f"((5·5·1 + 1)·10 = {seed_layer['formula_params']}); the formula "
        f"{'matched' if params_agree else 'did NOT match'} the counted parameters for all {len(layers)} layers. "
        f"A 3×3, stride-1, unpadded convolution on (3, 244, 244) with 10 filters gave "
        f"{tuple(shape_layer['output'])}; floor((W − K + 2P)/S) + 1 "
        f"{'matched' if sizes_agree else 'did NOT match'} every forward pass. The explicit sliding window "
        f"and conv2d differ by at most {results['sliding_window']['max_abs_difference']:.2e}, so the library "
        f"computes exactly the textbook sum. On the digits the {better} was more accurate after "
        f"{results['epochs']} epochs: CNN {cnn['test_accuracy']:.1%} with {cnn['parameters']} parameters, "
        f"MLP {mlp['test_accuracy']:.1%} with {mlp['parameters']}."
    )

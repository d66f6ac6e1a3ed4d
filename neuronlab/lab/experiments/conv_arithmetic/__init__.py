"""conv-arithmetic: how a convolution computes, how many parameters it has, what shape it
outputs — and a small CNN against an MLP on real images (002 questions 9 and 10)."""

from __future__ import annotations

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.conv_arithmetic.figures import figures, table
from neuronlab.lab.experiments.conv_arithmetic.measure import LAYERS, LR_GRID, run

NAME = "conv-arithmetic"
TITLE = "Convolution: the computation, parameter counts and output shapes"
COURSE = "002 questions 9 and 10"
QUESTION_ZH = """9. 卷积操作（Conv2D）的计算与参数：卷积操作的具体计算过程是怎样的？
例如，输入特征图通道数为 1，输出特征图通道数为 10，卷积核大小为 5×5，且包含偏置项，那么这个卷积层的可学习参数有多少？

10. 假设输入特征图维度为（3, 244, 244），卷积核大小为 3×3，步幅（stride）为 1，填充（padding）为 0，计算输出特征图的维度?"""
QUESTION_EN = """9. How is a 2-D convolution computed? With 1 input channel, 10 output channels, a 5×5 kernel and a bias,
how many learnable parameters does the layer have?

10. For an input of shape (3, 244, 244), a 3×3 kernel, stride 1 and padding 0, what is the output shape?"""
SEE_ALSO = ("residual", "memory")

SIZES = {
    "epochs": (30, 8),  # training epochs of the CNN and the MLP, per learning rate tried
    "reference_epochs": (100, 20),  # the digits reference recipe (REFERENCES.md: 100 epochs)
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    layers = ", ".join(
        f"Conv2d({a}, {b}, {k}, stride={st}, padding={p}) on {n}×{n}" for a, b, k, st, p, n in LAYERS
    )
    return (
        f"Parameter counts and output shapes of real neuronlab Conv2d layers ({layers}) against the formulas "
        "(k·k·C_in + 1)·C_out and floor((W − K + 2P)/S) + 1, and against the seed's formula without the floor. "
        "The computation: a convolution done by an explicit sliding window (Python loops over positions, float64) "
        "against conv2d, for one channel and for three channels summed. Finally a small CNN (conv 1→8 3×3 pad 1, "
        "ReLU, max-pool 2, conv 8→16 3×3, ReLU, linear) against an MLP with about as many parameters (64-24-10) "
        f"on the 8×8 digits (stratified 60/20/20 train/validation/test split per seed): {s['epochs']} epochs of "
        f"Adam, batch 64, each model's learning rate chosen on the validation part from {LR_GRID} (widened when "
        f"the best is on an edge). Beside it, the digits reference recipe (64-64-10 MLP, Adam 1e-3, batch 64, "
        f"{s['reference_epochs']} epochs, 80/20 split)."
    )


def _max_gap(results: dict, a: str, b: str) -> float:
    return max(abs(layer[a] - layer[b]) for layer in results["layers"])


CLAIMS = [
    Claim(
        id="seed-layer-260",
        question="002 9",
        statement="Conv2d(1, 10, 5) with a bias has 260 learnable parameters",
        course_says="002 9: 每个输出通道 5×5 = 25 个权重加 1 个偏置，共 26×10 = 260 个参数",
        course_agrees=True,
        metric="|counted parameters of Conv2d(1, 10, 5) − 260|",
        measure=lambda r: abs(r["layers"][0]["counted_params"] - 260),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="parameter-formula",
        question="002 9",
        statement="(k·k·C_in + 1)·C_out counts the parameters of every layer tried, multi-channel ones included",
        metric="max over layers of |formula − counted parameters|",
        measure=lambda r: _max_gap(r, "formula_params", "counted_params"),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="sliding-window",
        question="002 9",
        statement="conv2d computes the textbook sliding-window sum of elementwise products",
        course_says="002 9: 卷积核在输入特征图上滑动，在每个位置将卷积核与对应区域元素相乘并求和",
        course_agrees=True,
        metric="max |sliding window − conv2d| (float64, one channel)",
        measure=lambda r: r["sliding_window"]["max_abs_difference"],
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="multichannel-sum",
        question="002 9",
        statement="A convolution over 3 input channels is the sum over channels of one-channel sliding windows "
        "(plus one bias per filter)",
        metric="max |sum of per-channel sliding windows − conv2d| (float64)",
        measure=lambda r: r["multichannel"]["max_abs_difference"],
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="output-242",
        question="002 10",
        statement="A 3×3, stride-1, unpadded convolution maps 244×244 to 242×242",
        course_says="002 10: W_out = (244 − 3 + 0)/1 + 1 = 242, 输出 (10, 242, 242)",
        course_agrees=True,
        metric="|forward-pass output height − 242|",
        measure=lambda r: abs(r["layers"][1]["output"][1] - 242),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="floor-formula",
        question="002 10",
        statement="floor((W − K + 2P)/S) + 1 gives the output size of every layer tried, strided ones included",
        metric="max over layers of |floor formula − forward-pass size|",
        measure=lambda r: _max_gap(r, "formula_size", "forward_size"),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="seed-formula-without-floor",
        question="002 10",
        statement="The seed's formula (W − K + 2P)/S + 1, without a floor, gives the output size of every layer tried",
        course_says="002 10: W_out = (W_in − K + 2P)/S + 1",
        course_agrees=True,
        metric="max over layers of |(W − K + 2P)/S + 1 − forward-pass size|",
        measure=lambda r: _max_gap(r, "seed_formula_size", "forward_size"),
        rule="<",
        threshold=0.25,
        note="With stride 2, (32 − 3 + 2)/2 + 1 = 16.5 is not a size: the output has floor(15.5) + 1 = 16 columns.",
        expected="contradicts",
    ),
    Claim(
        id="cnn-vs-mlp",
        question="002 9",
        statement="On the 8×8 digits a small CNN is more accurate than an MLP with about as many parameters, "
        "each at its own tuned learning rate",
        metric="CNN − MLP test accuracy (percentage points)",
        measure=lambda r: 100 * (r["cnn"]["test_accuracy"] - r["mlp"]["test_accuracy"]),
        rule=">",
        threshold=0.0,
    ),
]

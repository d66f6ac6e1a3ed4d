"""initialization: why weights cannot start anywhere — zero and equal starts keep units identical,
too small or too large a scale ruins the signal through a deep network, Xavier and Kaiming matched
to tanh and ReLU, and which scheme trains best at each one's tuned rate (002 question 8; 003 §4.3
exercise 3; 003 §4.8 exercises 1–2)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.initialization.figures import figures, table
from neuronlab.lab.experiments.initialization.measure import (
    BATCH,
    LR_GRID,
    SYMMETRY_LR,
    TRAIN_BATCH,
    TRAINED,
    run,
)

NAME = "initialization"
TITLE = "Weight initialization: symmetry, scale, Xavier and Kaiming"
COURSE = "002 question 8; 003 §4.3 exercise 3; 003 §4.8 exercises 1–2"
QUESTION_ZH = """8. 权重初始化的方法与意义：为什么权重不可以随便初始化？（初始权重为 0 或过小时梯度更新相同的原因；初始权值过大导致梯度消失的原因）常见的权重初始化方法有哪些？

4.3 练习 3. 尝试不同的方案来初始化权重，什么方法效果最好？

4.8 练习 1. 除了多层感知机的排列对称性之外，还能设计出其他神经网络可能会表现出对称性且需要被打破的情况吗？
4.8 练习 2. 我们是否可以将线性回归或softmax回归中的所有权重参数初始化为相同的值？"""
QUESTION_EN = """8. Why can't weights be initialized arbitrarily (why do zero or too-small initial weights give identical
gradient updates; why do too-large initial weights make gradients vanish)? Which initialization methods are common?

4.3 exercise 3. Try different schemes to initialize the weights: which works best?

4.8 exercise 1. Besides the permutation symmetry of an MLP, can you design other cases where a network shows a
symmetry that must be broken?
4.8 exercise 2. Can we initialize all weight parameters of linear or softmax regression to the same value?"""
SEE_ALSO = ("stability", "batchnorm", "residual")

SIZES = {
    "n_train": (None, 400),  # training images (None: the whole 60% training part)
    "symmetry_epochs": (10, 3),  # SGD epochs of the symmetry runs (MLP, softmax regression, CNN)
    "depth": (20, 12),  # layers of the signal-propagation probe
    "width": (128, 64),
    "probe_batch": (512, 256),
    "train_depth": (5, 5),  # hidden layers of the nets trained from each scheme
    "train_width": (64, 32),
    "epochs": (12, 6),  # their SGD epochs per learning rate tried (a fixed budget)
    "reference_epochs": (100, 10),  # the digits reference recipe (REFERENCES.md: 100 epochs)
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    n = "" if s["n_train"] is None else f", first {s['n_train']} training images"
    return (
        "Schemes: small = N(0, 0.01²) (d2l's from-scratch MLP), xavier = N(0, 2/(fan_in+fan_out)), kaiming = "
        "N(0, 2/fan_in), large = N(0, 1), biases 0; default = PyTorch's U(±1/√fan_in). Formulas: nn.init's "
        "Xavier and Kaiming on a 256×512 weight. Symmetry (plain SGD lr "
        f"{SYMMETRY_LR}, batch {BATCH}, {s['symmetry_epochs']} epochs): a tanh MLP 64-32-10 from all-zero weights, "
        "all weights 0.1, small and default; softmax regression 64→10 from zeros and from the default; a CNN "
        "(Conv2d(1, 4, 3), ReLU, linear) whose four kernels start identical, with a random or a channel-tied "
        f"head. Signal propagation: {s['depth']} tanh or ReLU layers of width {s['width']}, {s['probe_batch']} "
        "standard-normal inputs, a random upstream gradient; variance of the activations and of the gradient per "
        f"layer. Training: {s['train_depth']} hidden layers of {s['train_width']}, "
        f"{', '.join(f'{a} from {sc}' for a, sc in TRAINED)}; plain SGD batch {TRAIN_BATCH} for a fixed budget of {s['epochs']} epochs at each one's "
        f"rate chosen on validation accuracy from {LR_GRID} (widened when the best is on an edge). Data: 8×8 "
        f"digits, stratified 60/20/20 train/validation/test split per seed{n}. Beside it, the digits reference "
        f"recipe (64-64-10 MLP, Adam 1e-3, batch 64, {s['reference_epochs']} epochs, 80/20 split)."
    )


def _row(r: dict, name: str) -> dict:
    return next(x for x in r["initializers"] if x["initializer"] == name)


def _xavier_fit(r: dict) -> float:
    """How much worse 1/n_in fits the measured Xavier-normal variance than 2/(n_in + n_out), in decades."""
    row = _row(r, "xavier_normal_")
    var = row["measured_std"] ** 2
    return abs(math.log10(var * row["fan_in"])) - abs(math.log10(var * (row["fan_in"] + row["fan_out"]) / 2))


def _drift(r: dict, key: str, field: str) -> float:
    """|log10(last layer / first layer)| of a propagation profile."""
    v = r["propagation"][key][field]
    return abs(math.log10(v[-1] / v[0]))


def _gap(r: dict, a: str, b: str) -> float:
    """Test accuracy of training run ``a`` minus ``b``, in percentage points."""
    return 100 * (r["training"][a]["test_accuracy"] - r["training"][b]["test_accuracy"])


def _distinct(r: dict, part: str, key: str, units: int) -> float:
    return r[part][key]["after"]["distinct_units"] / units


CLAIMS = [
    Claim(
        id="xavier-variance-1-over-n-in",
        question="002 8",
        statement="Xavier's weight variance is 1/n_in (the seed's first formula), not 2/(n_in + n_out)",
        course_says="002 8: Xavier 初始化……权重W的初始化方差为 1/n_in",
        course_agrees=True,
        metric="|log10(var·n_in)| − |log10(var·(n_in+n_out)/2)| for xavier_normal_ on a 256×512 weight",
        measure=_xavier_fit,
        rule="<",
        threshold=0.0,
        expected="contradicts",
        note="The seed gives two Xavier variances in one sentence: 1/n_in and, for the normal form, "
        "2/(n_in + n_out). Glorot and Bengio's is the second (1/n_in is LeCun's).",
    ),
    Claim(
        id="zero-init-stuck",
        question="002 8",
        statement="From all-zero weights a tanh MLP's hidden weights never move: every hidden unit stays identical",
        course_says="002 8: 零初始化……在训练过程中所有神经元的更新都相同，无法学习到不同的特征",
        course_agrees=True,
        metric="largest |hidden weight| after training from zeros",
        measure=lambda r: r["symmetry"]["zero"]["max_abs_hidden_weight"],
        rule="<",
        threshold=1e-12,
    ),
    Claim(
        id="small-init-identical",
        question="002 8",
        statement="Small random weights N(0, 0.01²) make the hidden units' updates identical, as zero weights do",
        course_says="002 8: 初始权重为 0 或过小时梯度更新相同",
        course_agrees=True,
        metric="fraction of the 32 hidden units that are NOT distinct after training from N(0, 0.01²)",
        measure=lambda r: 1 - _distinct(r, "symmetry", "small", 32),
        rule=">",
        threshold=0.0,
        expected="contradicts",
        note="Random weights, however small, differ: each unit's gradient is W₂ᵀδ times its own slope, so no two "
        "units get the same update. Small weights slow learning (weak signal), they do not tie units.",
    ),
    Claim(
        id="large-init-vanishing",
        question="002 8",
        statement="With too-large weights N(0, 1) the gradient vanishes on its way back through a deep tanh net",
        course_says="002 8: 初始权值过大……激活函数的输出接近饱和区……导致梯度在传播过程中迅速变小，即出现梯度消失问题",
        course_agrees=True,
        metric="log10(gradient variance at layer 1 / at the last layer), tanh, N(0, 1)",
        measure=lambda r: math.log10(
            r["propagation"]["tanh/large"]["gradient_variance"][0]
            / r["propagation"]["tanh/large"]["gradient_variance"][-1]
        ),
        rule="<",
        threshold=0.0,
        expected="contradicts",
        note="The units do saturate (see the table: most of the last layer has |a| > 0.99), but each backward step "
        "also multiplies by a large Wᵀ, which outweighs the small slopes: the gradient grows toward the input "
        "(the exploding, chaotic regime). Saturation makes gradients vanish in a single layer, not here.",
    ),
    Claim(
        id="kaiming-keeps-relu-signal",
        question="002 8",
        statement="Through a deep ReLU stack Kaiming init keeps the activation variance closer to constant than Xavier",
        course_says="002 8: Kaiming 初始化……充分考虑了 ReLU 函数的特点……能更好地保持数据的方差一致性",
        course_agrees=True,
        metric="|log10 variance change, first→last layer|: Xavier − Kaiming (ReLU, decades)",
        measure=lambda r: (
            _drift(r, "relu/xavier", "activation_variance") - _drift(r, "relu/kaiming", "activation_variance")
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="small-init-trains-worse",
        question="003 4.3 ex.3",
        statement="In the deep ReLU net, N(0, 0.01²) init ends with a lower test accuracy than Kaiming init, "
        "each at its tuned rate",
        course_says="003 4.3 ex.3: 标准差为0.01的正态分布……如果设置过小，可能导致前向传播信号消失",
        course_agrees=True,
        metric="test accuracy, Kaiming − small (ReLU, percentage points)",
        measure=lambda r: _gap(r, "relu/kaiming", "relu/small"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="kaiming-best-for-relu",
        question="003 4.3 ex.3",
        statement="In the deep ReLU net Kaiming init beats Xavier init on test accuracy, each at its tuned rate",
        course_says="003 4.3 ex.3: He初始化：专为ReLU及其变种设计……这种方法在ReLU网络中表现最好",
        course_agrees=True,
        metric="test accuracy, Kaiming − Xavier (ReLU, percentage points)",
        measure=lambda r: _gap(r, "relu/kaiming", "relu/xavier"),
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
    Claim(
        id="xavier-best-for-tanh",
        question="003 4.3 ex.3",
        statement="In the deep tanh net Xavier init beats Kaiming init on test accuracy, each at its tuned rate",
        course_says="003 4.3 ex.3: Xavier初始化：适用于使用Tanh或Sigmoid激活函数的网络",
        course_agrees=True,
        metric="test accuracy, Xavier − Kaiming (tanh, percentage points)",
        measure=lambda r: _gap(r, "tanh/xavier", "tanh/kaiming"),
        rule=">",
        threshold=0.0,
        expected="contradicts",
        note="The 'Kaiming' weights here have std √(2/fan_in) = 1.41/√fan_in; PyTorch's recommended gain for tanh is "
        "5/3, i.e. 1.67/√fan_in, so Kaiming is closer to it than Xavier's 1/√fan_in (fan_in = fan_out), whose "
        "signal fades through the tanh stack. Within a fixed budget the larger scale trains faster.",
    ),
    Claim(
        id="cnn-same-kernels-same-positions",
        question="003 4.8 ex.1",
        statement="A convolution whose kernels all start identical outputs the same value at every position",
        course_says="003 4.8 ex.1: 如果一个卷积层的所有卷积核参数都被初始化为相同的值，那么……其输出特征图"
        "（Feature Map）的每个位置的值都将完全相同",
        course_agrees=True,
        metric="std over positions of one channel's output at init (mean over 64 images)",
        measure=lambda r: r["cnn"]["random_head"]["position_std"],
        rule="<",
        threshold=1e-6,
        expected="contradicts",
        note="Identical kernels make the channels identical (largest difference between channels: 0, see the "
        "table), not the positions: each position sees a different patch of the image. The symmetry to "
        "break is between channels; with a head tied across channels they stay identical through training.",
    ),
    Claim(
        id="softmax-equal-weights-stay-equal",
        question="003 4.8 ex.2",
        statement="Softmax regression started from equal (zero) weights keeps its class rows equal during training",
        course_says="003 4.8 ex.2: 不能……整个训练过程中，所有权重始终保持相等",
        course_agrees=True,
        metric="fraction of the 10 class rows that are NOT distinct after training from zeros",
        measure=lambda r: 1 - _distinct(r, "softmax", "zero", 10),
        rule=">",
        threshold=0.0,
        expected="contradicts",
        note="Each output has its own target: the gradient of row k is (p_k − y_k)x, different for every class from "
        "the first step. Only hidden units, which share inputs and targets, need random starts.",
    ),
]

"""activations: why a network needs a non-linearity, how the usual activations compare at their
own tuned learning rates, pReLU's derivative, tanh(x) + 1 = 2σ(2x), why ReLU networks are
piecewise linear, and what applying a non-linearity to a minibatch does (002 question 1, 003 §4.1
exercises 1–4, 003 §4.3 exercise 2)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.activations.figures import figures, table
from neuronlab.lab.experiments.activations.measure import run
from neuronlab.lab.experiments.activations.networks import LR_GRID

NAME = "activations"
TITLE = "Activation functions: why non-linearity, which one, and what ReLU networks compute"
COURSE = "002 question 1; 003 §4.1 exercises 1–4; 003 §4.3 exercise 2"
QUESTION_ZH = """002 1. 激活函数的作用与选择：为什么神经网络中必须使用激活函数？输出层的激活函数怎么选择？

003 4.1 1. 计算pReLU激活函数的导数
2. 证明一个仅使用ReLU（或pReLU）的多层感知机构造了一个连续的分段线性函数
3. 证明tanh(x) + 1 = 2 sigmoid(2x)
4. 假设我们有一个非线性单元，将它一次应用于一个小批量的数据。这会导致什么样的问题

003 4.3 2. 尝试不同的激活函数，哪个效果最好？"""
QUESTION_EN = """002 1. What do activation functions do and how are they chosen: why must a neural network use activation
functions, and which activation should the output layer use?

003 4.1 1. Compute the derivative of the pReLU activation.
2. Show that an MLP using only ReLU (or pReLU) computes a continuous piecewise-linear function.
3. Show that tanh(x) + 1 = 2 sigmoid(2x).
4. Suppose a non-linearity is applied to a whole minibatch at once. What problems does that cause?

003 4.3 2. Try different activation functions. Which works best?"""
SEE_ALSO = ("perceptron", "initialization", "batchnorm")

SIZES = {
    "samples": (450, 450),  # three-spiral points, split 60/20/20 train/validation/test
    "epochs": (25, 8),  # epochs per learning rate tried (Adam, batch 32): a fixed budget
    "line_points": (2001, 1001),  # points along the segment probed for piecewise linearity
    "regression_steps": (300, 150),  # full-batch Adam steps of the regression output-layer fits
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        "Curves and derivatives of sigmoid, tanh, ReLU, LeakyReLU, PReLU, ELU and GELU by autograd on [−5, 5]. "
        "tanh(x) + 1 − 2σ(2x) at 4000 random points of [−20, 20] (float64); pReLU's derivatives by autograd "
        "against the formula at random x and slopes a. Comparison: a 2-32-32-3 network with no activation "
        "(a deep linear network), sigmoid, tanh and ReLU on three spirals drawn by the seed "
        f"({s['samples']} points, stratified 60/20/20 train/validation/test), Adam, batch 32, a fixed budget "
        f"of {s['epochs']} epochs; each network's learning rate chosen on the validation split from {LR_GRID} "
        "(widened when the best is on an edge), test accuracy at the chosen rate. The trained linear "
        "network against the product of its layers; the trained ReLU and tanh networks' first logit along "
        f"the segment (−1, −1)→(1, 1) at {s['line_points']} points in float64 (second differences, "
        "activation-pattern changes, the largest step at spacing h and h/2). The first layer's gradient of a "
        "10-layer network (width 32) at initialization. Output layers: a 1-16-1 tanh network fitted to "
        f"y = 4x + N(0, 0.3²) with an identity and with a sigmoid output ({s['regression_steps']} full-batch "
        "Adam steps, lr 0.03). A minibatch of 16 through an elementwise ReLU at once and sample by sample, "
        "and through a non-linearity across the batch (standardize each feature over the batch, then ReLU) "
        "with the other 15 samples replaced."
    )


def _accuracy_gap(a: str, b: str):
    return lambda r: 100 * (r["training"][a]["test_accuracy"] - r["training"][b]["test_accuracy"])


CLAIMS = [
    Claim(
        id="linear-collapse",
        question="002 1",
        statement="Without activations a trained 3-layer network is one affine map: W' = W₃W₂W₁ and "
        "b' = W₃(W₂b₁ + b₂) + b₃ reproduce its outputs",
        course_says="002 1: z₂ = W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂) ... 始终只是输入 x 的线性变换",
        course_agrees=True,
        metric="max relative |network output − W'x − b'| on the test points (float32 network)",
        measure=lambda r: r["collapse_relative_error"],
        rule="<",
        threshold=1e-5,
    ),
    Claim(
        id="nonlinearity-needed",
        question="002 1",
        statement="On three spirals a ReLU network beats the same network without activations, each at its "
        "own tuned learning rate",
        course_says="002 1: 若神经网络缺失激活函数 ... 表达能力被局限在处理线性可分问题上",
        course_agrees=True,
        metric="ReLU − no-activation test accuracy (percentage points)",
        measure=_accuracy_gap("relu", "identity"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="regression-output",
        question="002 1",
        statement="For targets outside [0, 1] an identity output fits better than a sigmoid output",
        course_says="002 1: 回归任务可直接使用线性激活函数 ... 需将其限制在 [0, 1] 区间时，Sigmoid 激活函数成为合适之选",
        course_agrees=True,
        metric="ln(test MSE with sigmoid output / test MSE with identity output)",
        measure=lambda r: math.log(r["regression"]["sigmoid"] / r["regression"]["identity"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="prelu-derivative",
        question="003 4.1 ex.1",
        statement="Away from 0, d pReLU/dx is 1 for x > 0 and a for x < 0 (and d pReLU/da = Σ min(0, x))",
        course_says="003 4.1 ex.1: ∂pReLU(x)/∂x = 1 (x ≥ 0), a (x < 0)",
        course_agrees=True,
        metric="max |autograd − formula| over random x and slopes (float64)",
        measure=lambda r: max(r["prelu"]["max_error_dx"], r["prelu"]["max_error_da"]),
        rule="<",
        threshold=1e-12,
        note="At x = 0 pReLU has no derivative; the seed puts 0 with x > 0 (slope 1), the library (like "
        "PyTorch) returns a there (table).",
    ),
    Claim(
        id="relu-piecewise-linear",
        question="003 4.1 ex.2",
        statement="Along a line, a trained ReLU network is exactly linear wherever its activation pattern does not "
        "change",
        course_says="003 4.1 ex.2: 多层感知机的每一层都是一个连续的分段线性函数",
        course_agrees=True,
        metric="grid triples with a non-zero second difference and no pattern change (float64)",
        measure=lambda r: r["lines"]["relu"]["bent_without_pattern_change"],
        rule="<",
        threshold=0.5,
        note="The seed's derivation writes Y = c where H ≤ 0 and Y = W₁W₂X + W₂b + c elsewhere, as if all "
        "hidden units switched together; the pieces are the regions of equal activation pattern, one per "
        "set of active units.",
    ),
    Claim(
        id="relu-continuous",
        question="003 4.1 ex.2",
        statement="The ReLU network's output is continuous: halving the grid spacing halves the largest step "
        "between neighbouring points",
        metric="log2(largest step at spacing h / largest step at h/2) (1 for a continuous, piecewise-linear "
        "function; 0 for a jump)",
        measure=lambda r: math.log2(r["lines"]["relu"]["max_step"] / r["lines"]["relu"]["max_step_half"]),
        rule=">",
        threshold=0.5,
    ),
    Claim(
        id="tanh-sigmoid-identity",
        question="003 4.1 ex.3",
        statement="tanh(x) + 1 = 2σ(2x)",
        course_says="003 4.1 ex.3: tanh(x) + 1 = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) + 1 = 2/(1 + e⁻²ˣ) = 2σ(2x)",
        course_agrees=True,
        metric="max |tanh(x) + 1 − 2σ(2x)| at 4000 random x ∈ [−20, 20] (float64)",
        measure=lambda r: r["tanh_identity_max_error"],
        rule="<",
        threshold=1e-12,
    ),
    Claim(
        id="minibatch-at-once",
        question="003 4.1 ex.4",
        statement="Applying an elementwise non-linearity to a whole minibatch at once changes the gradients "
        "(the seed: they vanish or explode)",
        course_says="003 4.1 ex.4: 这会导致梯度消失或爆炸",
        course_agrees=True,
        metric="max relative |input gradient, batch at once − sample by sample| (ReLU, float64)",
        measure=lambda r: r["minibatch"]["at_once_vs_per_sample_gradient"],
        rule=">",
        threshold=1e-12,
        note="An elementwise unit treats every sample alone, so a batch at once is only faster. What does go "
        "wrong is a unit that mixes the samples of a batch (next claim).",
        expected="contradicts",
    ),
    Claim(
        id="across-batch-coupling",
        question="003 4.1 ex.4",
        statement="A non-linearity computed across the minibatch (standardize over the batch, then ReLU) makes a "
        "sample's output depend on the other samples of its batch",
        metric="change of sample 0's output when the other 15 samples are replaced: across-batch − elementwise",
        measure=lambda r: r["minibatch"]["across_batch_change"] - r["minibatch"]["elementwise_change"],
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="sigmoid-vanishing",
        question="003 4.3 ex.2",
        statement="Sigmoid in hidden layers makes the first layer's gradient vanish in a 10-layer network, "
        "compared with ReLU",
        course_says="003 4.3 ex.2: Sigmoid：在隐藏层中不推荐使用，因为容易导致梯度消失，尤其是在深层网络中",
        course_agrees=True,
        metric="log10(‖∂L/∂W₁‖ with ReLU / with sigmoid) at initialization",
        measure=lambda r: math.log10(
            r["first_layer_gradient"]["relu"] / r["first_layer_gradient"]["sigmoid"]
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="relu-vs-sigmoid",
        question="003 4.3 ex.2",
        statement="In a 2-hidden-layer network on the spirals, ReLU reaches a higher test accuracy than sigmoid, "
        "each at its own tuned learning rate",
        course_says="003 4.3 ex.2: ReLU：最常用 ... 在MLP中表现通常很好；Sigmoid：在隐藏层中不推荐使用",
        course_agrees=True,
        metric="ReLU − sigmoid test accuracy (percentage points)",
        measure=_accuracy_gap("relu", "sigmoid"),
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
    Claim(
        id="relu-vs-tanh",
        question="003 4.3 ex.2",
        statement="In a 2-hidden-layer network on the spirals, ReLU reaches a higher test accuracy than tanh, "
        "each at its own tuned learning rate",
        course_says="003 4.3 ex.2: Tanh ... 在隐藏层中有时被使用，但通常效果不如ReLU",
        course_agrees=True,
        metric="ReLU − tanh test accuracy (percentage points)",
        measure=_accuracy_gap("relu", "tanh"),
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
]

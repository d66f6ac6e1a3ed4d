"""memory: how much memory training needs against prediction — the seed's formula and
``estimate_memory`` against an independent measurement (``tracemalloc`` during a real training
step or prediction) for the seed's MLP, d2l §4.7's model, a deeper MLP and LeNet-5
(003 4.7 exercises 3 and 4)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.memory.figures import figures, table
from neuronlab.lab.experiments.memory.measure import WEIGHT_DECAY, C, D, H, run

NAME = "memory"
TITLE = "Memory for training and for prediction: formula and estimate against tracemalloc"
COURSE = "003 4.7 exercises 3 and 4"
QUESTION_ZH = """给出模型为：带权重衰减（L2正则化）的单隐藏层多层感知机
3. 计算模型用于训练和预测的内存占用
4. 计算本节所描述的模型，用于训练和预测的内存占用。"""
QUESTION_EN = """The model: a one-hidden-layer MLP with weight decay (L2 regularization).
3. Compute the memory footprint of the model for training and for prediction.
4. Compute the memory footprint for training and prediction of the model described in this section."""
SEE_ALSO = ("second-order", "conv-arithmetic")

SIZES = {
    "batch": (256, 256),  # d2l's batch size (the MLPs); tracing is cheap, so quick mode measures the same
    "cnn_batches": ((32, 128), (32, 128)),  # LeNet-5
}
TOLERANCE = 1.25  # a prediction "matches" a measurement when their ratio is within [1/1.25, 1.25]
EXACT = 1.05  # for byte counts that should agree up to Python's object overhead


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        f"float32. Every byte count here is measured by tracemalloc alone, independently of the library's own "
        f"bookkeeping: the model, the batch and the optimizer are made after tracing starts; after a warm-up step, "
        f"a second training step's peak of traced bytes is the training memory, and the growth from before the "
        f"forward pass to right before backward is what the graph keeps; a prediction is a forward pass in eval "
        f"mode under no_grad, its peak the prediction memory. Exercise 3: the seed's MLP {D}-{H}-{C} with biases "
        f"(d2l's Fashion-MNIST sizes), batch {s['batch']}, SGD with and without weight_decay = {WEIGHT_DECAY}, "
        f"against the seed's formula (4P bytes of parameters, 4b(2h + 2c) of activations). Exercise 4: d2l §4.7's "
        f"model (no biases) with the penalty λ/2(‖W⁽¹⁾‖² + ‖W⁽²⁾‖²) in the loss graph, against weight_decay in the "
        f"optimizer. estimate_memory's totals against the traced peaks for: the MLP with SGD and with Adam at "
        f"batch {s['batch']}, with SGD at batch {4 * s['batch']}, an MLP with 3 hidden layers, and LeNet-5 (ReLU, "
        f"max pooling, 1×28×28) at batches {list(s['cnn_batches'])}. The tolerance is set before measuring: a "
        "ratio within "
        f"×{TOLERANCE} either way matches; byte counts that should be exact, within ×{EXACT}."
    )


def _abs_log2(ratio: float) -> float:
    return abs(math.log2(ratio))


def _worst(r: dict, modes: tuple, cnn: bool) -> float:
    """The largest |log2(estimate / traced peak)| over the MLPs (``cnn=False``) or LeNet-5."""
    rows = [c for c in r["configurations"] if c["cnn"] == cnn]
    return max(_abs_log2(c[m]["predicted"] / c[m]["peak"]) for c in rows for m in modes)


FORMULA_QUOTE = "003 4.7 ex.3: 参数内存: 4P 字节……激活值内存: 4 × (bh + bh + bc + bc) = 4b(2h + 2c) 字节"

CLAIMS = [
    Claim(
        id="seed-parameter-bytes",
        question="003 4.7 ex.3",
        statement="The parameters of the 784-256-10 MLP take 4P bytes, P = dh + h + hc + c",
        course_says="003 4.7 ex.3: 总参数数量: P = dh + h + hc + c，参数内存: 4P 字节",
        course_agrees=True,
        metric=f"|log2(traced bytes of the built model / 4P)|; within ×{EXACT} means < {math.log2(EXACT):.3f}",
        measure=lambda r: _abs_log2(r["exercise_3"]["plain"]["built"] / r["formula"]["parameters"]),
        rule="<",
        threshold=math.log2(EXACT),
    ),
    Claim(
        id="seed-activation-bytes",
        question="003 4.7 ex.3",
        statement="4b(2h + 2c) bytes account for what a training forward pass adds to memory",
        course_says=FORMULA_QUOTE,
        course_agrees=True,
        metric=f"|log2(traced growth during the forward pass / 4b(2h + 2c))|; within ×{TOLERANCE}: "
        f"< {math.log2(TOLERANCE):.3f}",
        measure=lambda r: _abs_log2(r["exercise_3"]["plain"]["kept"] / r["formula"]["activations"]),
        rule="<",
        threshold=math.log2(TOLERANCE),
        note="The rest is ReLU's mask (b×h booleans). The input batch X (4bd bytes, more than the formula's "
        "total here) must also stay alive until backward, for ∂L/∂W = Xᵀ∂L/∂Z; the seed leaves it out.",
    ),
    Claim(
        id="seed-training-total",
        question="003 4.7 ex.3",
        statement=f"The seed's total for training, parameters + gradients + activations = 8P + 4b(2h + 2c) bytes, "
        f"is within ×{TOLERANCE} of the traced peak of a training step",
        course_says="003 4.7 ex.3: 参数内存: 4P 字节……激活值内存: 4b(2h + 2c) 字节；梯度内存: 4P 字节",
        course_agrees=True,
        metric=f"|log2(traced training peak (SGD) / (8P + 4b(2h + 2c)))|; within ×{TOLERANCE}: "
        f"< {math.log2(TOLERANCE):.3f}",
        measure=lambda r: _abs_log2(
            r["exercise_3"]["plain"]["peak"] / (2 * r["formula"]["parameters"] + r["formula"]["activations"])
        ),
        rule="<",
        threshold=math.log2(TOLERANCE),
        note="The step also holds the input batch X (4bd bytes), the gradients of the layer outputs during "
        "backward and the optimizer's scratch arrays, none of which the seed counts.",
        expected="contradicts",
    ),
    Claim(
        id="train-over-predict",
        question="003 4.7 ex.3",
        statement="Training the seed's MLP needs more memory than predicting with it",
        course_says="003 4.7 ex.3: 训练内存（前向和反向传播）: 除了参数，还需要存储中间激活值用于反向传播",
        course_agrees=True,
        metric="log2(traced peak of a training step / of a prediction), same model and batch",
        measure=lambda r: math.log2(r["exercise_3"]["plain"]["peak"] / r["exercise_3"]["predict"]["peak"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="weight-decay-free",
        question="003 4.7 ex.3",
        statement="Weight decay in the optimizer adds no memory to a training step",
        metric=f"|log2(traced peak with weight_decay / without)|; within ×{EXACT}: < {math.log2(EXACT):.3f}",
        measure=lambda r: _abs_log2(
            r["exercise_3"]["weight_decay"]["peak"] / r["exercise_3"]["plain"]["peak"]
        ),
        rule="<",
        threshold=math.log2(EXACT),
    ),
    Claim(
        id="penalty-in-graph-costs",
        question="003 4.7 ex.4",
        statement="With the L2 penalty written into the loss (d2l §4.7's graph) a training step needs more memory "
        "than with weight_decay in the optimizer",
        course_says="003 4.7 ex.4: 略",
        metric="log2(traced training peak, penalty in the graph / weight_decay in the optimizer)",
        measure=lambda r: math.log2(
            r["exercise_4"]["penalty_in_graph"]["peak"] / r["exercise_4"]["weight_decay"]["peak"]
        ),
        rule=">",
        threshold=0.0,
        note="The seed leaves exercise 4 out. The penalty's graph keeps the squared weights for backward.",
    ),
    Claim(
        id="estimate-matches-mlp-training",
        question="003 4.7 ex.3",
        statement=f"estimate_memory predicts the memory of an MLP's training step within ×{TOLERANCE} of the traced "
        "peak (every MLP, optimizer and batch measured)",
        metric="max over the MLPs of |log2(estimate_memory total / traced training peak)|",
        measure=lambda r: _worst(r, ("train",), cnn=False),
        rule="<",
        threshold=math.log2(TOLERANCE),
    ),
    Claim(
        id="estimate-matches-mlp-prediction",
        question="003 4.7 ex.3",
        statement=f"estimate_memory predicts the memory of an MLP's prediction within ×{TOLERANCE} of the traced "
        "peak",
        metric="max over the MLPs of |log2(estimate_memory total / traced prediction peak)|",
        measure=lambda r: _worst(r, ("predict",), cnn=False),
        rule="<",
        threshold=math.log2(TOLERANCE),
    ),
    Claim(
        id="estimate-matches-cnn",
        question="003 4.7 ex.4",
        statement=f"estimate_memory predicts LeNet-5's memory, for training and for prediction, within ×{TOLERANCE} "
        "of the traced peak at every batch measured",
        metric="max over LeNet-5's batches and modes of |log2(estimate_memory total / traced peak)|",
        measure=lambda r: _worst(r, ("train", "predict"), cnn=True),
        rule="<",
        threshold=math.log2(TOLERANCE),
        note="The estimate counts the arrays the graph keeps (training) or the live layer outputs (prediction); "
        "temporaries inside an op, such as the convolution's unfolded im2col copies, are not counted.",
        expected="contradicts",
    ),
]

"""backprop: the 9-parameter network of seed 004 (13)/(20) by the chain rule written out in plain
Python and by autograd; the forward and backward equations of a 1-hidden-layer MLP with weight
decay (003 §4.7) written out in NumPy and checked against autograd; gradient shapes, data
parallelism and the graph of a second derivative."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.backprop.figures import figures, table
from neuronlab.lab.experiments.backprop.measure import LAMBDA, SHARDS, run

NAME = "backprop"
TITLE = "Backpropagation by hand and by autograd"
COURSE = "004 questions (13) and (20); 003 §4.7 exercises 1, 2, 5, 6"
QUESTION_ZH = """004 (13)看我的视频”手撕神经网络前向、反向、求导、更参“、将例子中的 9 个参数分别手撕求导，并更新参数。
当输入为x1 = 1，x2 = 2时预测值y = 5但是正确的y为2
(20)将我的视频”手撕神经网络前向、反向、求导、更参“例子对应代码实现。

003 4.7 给出模型为：带权重衰减（L2正则化）的单隐藏层多层感知机
1. 假设一些标量函数X的输入X是n × m矩阵。f相对于X的梯度维数是多少？
2. 向模型的隐藏层添加偏置项（不需要在正则化中包含偏置项）。1. 画出相应的计算图。2. 推导正向和反向传播方程。
3. 计算模型用于训练和预测的内存占用
5. 假设想计算二阶导数。计算图发生了什么？预计计算需要多长时间？
6. 假设计算图对当前拥有的GPU来说太大了。1. 请试着把它划分到多个GPU上。2. 与小批量训练相比，有哪些优点和缺点？"""
QUESTION_EN = """004 (13) Work the example network by hand: differentiate the loss with respect to each of its 9 parameters
and update them. With inputs x1 = 1, x2 = 2 the prediction is y = 5, the target 2.
(20) Implement the example in code.

003 4.7 The model is a 1-hidden-layer MLP with weight decay (L2 regularization).
1. For a scalar function f of an n × m matrix X, what is the shape of the gradient of f with respect to X?
2. Add a bias to the hidden layer (not regularized). Draw the computational graph; derive the forward and
backward equations.
3. Compute the memory the model needs for training and for prediction.
5. To compute second derivatives, what happens to the computational graph? How long will it take?
6. The graph is too large for one GPU: split it over several GPUs; pros and cons compared with minibatch training?"""
SEE_ALSO = ("memory", "second-order", "parallel")

SIZES = {
    "batch": (256, 64),  # digits in the batch of the §4.7 MLP
    "hidden": (64, 16),  # its hidden units
    "draws": (50, 20),  # random parameter/input draws of the 9-parameter network
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        "004 (13)/(20): the seed's network z1 = w11·x1 + w12·x2 + b11, z2 = w21·x1 + w22·x2 + b12, a = ReLU(z), "
        "y = w1·a1 + w2·a2 + b21, L = ½(y − Y)², x = (1, 2), Y = 2, w11 = w12 = w21 = 1, w22 = −1, w1 = 1, "
        "w2 = −1, all biases 1. The nine gradients by the chain rule written out in plain Python (no library "
        "call; ReLU'(0) = 0, PyTorch's convention) against the seed's (20) code run as written with "
        "`import neuronlab as torch` (integer inputs, the three biases unpacked from one tensor) and "
        f"`loss.backward()`; one SGD step of lr 0.01 on all nine. The same comparison at {s['draws']} random "
        "parameter/input/target draws per seed (float64 library tensors). 003 §4.7: the seed's model "
        f"Z = XW + b, A = φ(Z), O = AV + c, J = CE(O, y) (batch mean) + λ/2(‖W‖² + ‖V‖²), λ = {LAMBDA}, "
        f"64 → {s['hidden']} → 10, φ = ReLU and tanh, on {s['batch']} digits drawn by the seed (initialization "
        "from the seed, float64): the backward equations in NumPy against `autograd.grad` for ∂J/∂O, V, c, A, Z, "
        "W, b and X; the seed's ∂L/∂O = Ŷ − Y taken literally; the mean of the gradients over "
        f"{' and '.join(map(str, SHARDS))} equal shards against the full batch; the nodes of the recorded "
        "graph of J and of ∇J·v recorded for a second derivative (create_graph=True). Memory for training vs "
        "prediction (exercises 3–4) is measured by `memory`, the cost of second derivatives by `second-order`."
    )


def _mlp_worst(r: dict) -> float:
    return max(max(m["relative_difference"].values()) for m in r["mlp"].values())


def _seed_example_gap(r: dict) -> float:
    hand, code = r["nine"]["hand"], r["nine"]["code"]
    hand_w11_after = 1.0 - 0.01 * hand["grads"]["w11"]
    return max(abs(hand["y"] - 5), abs(code["y"] - 5), abs(hand["grads"]["w11"] - 3), abs(code["grads"]["w11"] - 3),
               abs(hand_w11_after - 0.97), abs(code["w11_after"] - 0.97))  # fmt: skip


CLAIMS = [
    Claim(
        id="seed-example",
        question="004 (13)",
        statement="At x = (1, 2), Y = 2 the network predicts y = 5, ∂L/∂w11 = 3, and one step of lr 0.01 gives "
        "w11 = 0.97 (by hand and by the seed's code)",
        course_says="004 (13): ∂L/∂y = (y − ŷ) = 3 ... ∂L/∂w11 = x1 ∂L/∂z1 = 3; w11 = 1 − 0.01 × 3 = 0.97",
        course_agrees=True,
        metric="largest |measured − seed's value| over y, ∂L/∂w11 and the updated w11 (hand and code)",
        measure=_seed_example_gap,
        rule="<",
        threshold=1e-6,
    ),
    Claim(
        id="nine-hand-vs-autograd",
        question="004 (13)",
        statement="The chain rule written out by hand gives the nine gradients loss.backward() gives, at the seed's "
        "point and at random parameters and inputs",
        course_says="004 (20): print(w11_grad, w11.grad, w11_grad == w11.grad)",
        course_agrees=True,
        metric="max relative |hand − autograd| over the 9 gradients (seed's point and random float64 draws)",
        measure=lambda r: max(
            r["nine"]["seed_point_max_difference"], r["nine"]["random"]["max_relative_difference"]
        ),
        rule="<",
        threshold=1e-9,
        note="The seed's hand computation covers w11 only; at its point z2 = 0 sits on ReLU's kink, where "
        "the library (like PyTorch) takes ReLU'(0) = 0, so w21, w22, b12 get 0.",
    ),
    Claim(
        id="step-lowers-loss",
        question="004 (13)",
        statement="One SGD step of lr 0.01 on all nine parameters lowers the loss at the seed's point",
        metric="ln(loss before / loss after)",
        measure=lambda r: math.log(r["nine"]["code"]["loss"] / r["nine"]["code"]["loss_after"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="seed-code-bias-grads",
        question="004 (20)",
        statement="In the seed's (20) code the biases b11, b12, b21 unpacked from one tensor each get their own .grad",
        course_says="004 (20): b11, b12, b21 = torch.tensor([1., 1., 1.], requires_grad=True) # 需要计算梯度",
        course_agrees=True,
        metric="fraction of b11, b12, b21 whose .grad is set after loss.backward()",
        measure=lambda r: r["nine"]["code"]["bias_views_with_grad"] / 3,
        rule=">",
        threshold=0.5,
        note="Unpacking makes the three biases views (non-leaf tensors) of one leaf: their gradients land in "
        "that tensor's .grad and b11.grad stays None, in neuronlab as in PyTorch.",
        expected="contradicts",
    ),
    Claim(
        id="mlp-equations",
        question="003 4.7 ex.2",
        statement="The backward equations ∂J/∂V = Aᵀ∂J/∂O + λV, ∂J/∂c = Σ∂J/∂O, ∂J/∂A = ∂J/∂O Vᵀ, ∂J/∂Z = ∂J/∂A ⊙ φ'(Z), "
        "∂J/∂W = Xᵀ∂J/∂Z + λW, ∂J/∂b = Σ∂J/∂Z, with ∂J/∂O = (Ŷ − Y)/n, give autograd's gradients",
        course_says="003 4.7: ∂J/∂V = Aᵀ ∂J/∂O + λV ... ∂J/∂W = Xᵀ ∂J/∂Z + λW, ∂J/∂b = Σᵢ ∂J/∂Zᵢ",
        course_agrees=True,
        metric="max relative |NumPy equations − autograd| over the 8 gradients, ReLU and tanh (float64)",
        measure=_mlp_worst,
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="seed-dl-do",
        question="003 4.7 ex.2",
        statement="The seed's ∂L/∂O = Ŷ − Y is the gradient of its batch-mean cross-entropy",
        course_says="003 4.7: L = −(1/b) Σᵢ Σⱼ Yᵢⱼ log Ŷᵢⱼ ... ∂L/∂O = Ŷ − Y",
        course_agrees=True,
        metric="max relative |(Ŷ − Y) − autograd's ∂J/∂O|",
        measure=lambda r: r["mlp"]["relu"]["literal_relative_difference"],
        rule="<",
        threshold=1e-6,
        note="With the loss averaged over the batch, ∂L/∂O = (Ŷ − Y)/b: taken literally the seed's expression is "
        "b times too large (the ratio is in the table), and so is the data part of every gradient after it.",
        expected="contradicts",
    ),
    Claim(
        id="gradient-shapes",
        question="003 4.7 ex.1",
        statement="The gradient of the scalar J with respect to each tensor has that tensor's shape (n × m for X)",
        course_says="003 4.7 ex.1: 其维数与 X 相同，即 n × m",
        course_agrees=True,
        metric="gradients whose shape differs from their tensor's (8 tensors × 2 activations)",
        measure=lambda r: sum(m["shape_mismatches"] for m in r["mlp"].values()),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="parameter-count",
        question="003 4.7 ex.3",
        statement="The model has P = dh + h + hc + c parameters",
        course_says="003 4.7 ex.3: 总参数数量: P = dh + h + hc + c",
        course_agrees=True,
        metric="|counted parameters − (dh + h + hc + c)|",
        measure=lambda r: abs(r["graph"]["parameters_counted"] - r["graph"]["parameters_formula"]),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="second-derivative-graph",
        question="003 4.7 ex.5",
        statement="Recording the gradient for a second derivative makes the computational graph larger",
        course_says="003 4.7 ex.5: 计算图大小会显著增加",
        course_agrees=True,
        metric="log2(nodes of the recorded ∇J·v / nodes of the graph of J)",
        measure=lambda r: math.log2(r["graph"]["gradient_graph_nodes"] / r["graph"]["forward_nodes"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="data-parallel",
        question="003 4.7 ex.6",
        statement="Averaging the gradients of equal shards of the batch (data parallelism) gives the full-batch gradient",
        course_says="003 4.7 ex.6: 数据并行: 将批量数据分割到多个 GPU 上 ... 同步梯度（如 all-reduce）来更新模型",
        course_agrees=True,
        metric=f"max relative |mean of shard gradients − full-batch gradient| ({' and '.join(map(str, SHARDS))} shards)",
        measure=lambda r: max(r["data_parallel"].values()),
        rule="<",
        threshold=1e-9,
        note="It holds for equal shards because J is a batch mean; the weight-decay term is counted once per "
        "shard and averaged, so it too comes out once.",
    ),
]

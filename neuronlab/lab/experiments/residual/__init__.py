"""residual: deep plain networks against their residual twins — vanishing gradients, the
degradation problem, and what He initialization and identity shortcuts each fix (002 question 11)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.residual.figures import figures, table
from neuronlab.lab.experiments.residual.measure import BATCH, INIT_BATCH, LR_GRID, WIDTH, run
from neuronlab.lab.experiments.residual.networks import first_over_last

NAME = "residual"
TITLE = "Deep plain networks against residual networks: trainability and gradient flow"
COURSE = "002 question 11"
QUESTION_ZH = """11. 网络深度与 ResNet 的理解
- ResNet 是如何解决深层网络性能下降问题的?
在传统的深层神经网络中，随着网络层数的不断增加，会出现梯度消失或梯度退化问题。梯度消失会导致在反向传播过程中，梯度在传播到较早的层时变得非常小，使得这些层的参数难以更新，模型无法有效学习；而梯度退化则表现为随着层数增加，模型的训练误差和测试误差不降反升，模型性能反而变差。"""
QUESTION_EN = """11. Network depth and ResNet. How does ResNet solve the performance drop of deep networks?
In a plain deep network, adding layers brings vanishing gradients — the gradient becomes tiny by the time it
reaches the early layers, which then hardly update — and degradation: with more layers the training and test
error go up instead of down."""
SEE_ALSO = ("stability", "initialization", "batchnorm")

SIZES = {
    "shallow": (2, 2),  # hidden blocks of the shallow twins
    "deep": (16, 10),  # hidden blocks of the deep twins
    "epochs": (10, 6),  # Adam epochs per learning rate tried (a fixed budget)
    "n_train": (None, 400),  # training images (None: the whole 60% training part)
    "reference_epochs": (100, 10),  # the digits reference recipe (REFERENCES.md: 100 epochs)
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    n = "the whole 60% training part" if s["n_train"] is None else f"its first {s['n_train']} training images"
    return (
        f"Data: the 8×8 digits, stratified 60/20/20 train/validation/test split per seed, {n}. Networks: "
        f"Linear(64, {WIDTH}) + ReLU, then D hidden blocks of {WIDTH} units, then Linear({WIDTH}, 10), for "
        f"D = {s['shallow']} and D = {s['deep']}. Three twins per depth: plain blocks Linear + ReLU with PyTorch's "
        "default initialization; the same with He (Kaiming normal) weights; residual blocks x + ReLU(Linear(x)) "
        "with the default initialization (the same parameters as the plain twin plus identity shortcuts). Each "
        f"is trained for a fixed budget of {s['epochs']} epochs of Adam (batch {BATCH}) at its own learning rate, "
        f"chosen on validation loss from {LR_GRID} (widened when the best is on an edge). Gradient norms: "
        f"‖∂L/∂W‖ of every Linear layer on the first {INIT_BATCH} training images at initialization, and "
        "averaged over each epoch's iterations during training. Losses are the cross-entropy on the whole "
        "training part after training. Beside them, the digits reference recipe (64-64-10 MLP, Adam 1e-3, batch "
        f"64, {s['reference_epochs']} epochs, 80/20 split)."
    )


def _run(r: dict, variant: str, which: int) -> dict:
    return r["runs"][f"{variant}/{r['depths'][which]}"]


def _ratio(r: dict, variant: str) -> float:
    return first_over_last(_run(r, variant, 1)["init_grad_norms"])


def _degradation(r: dict, variant: str) -> float:
    """log10(training loss at the deep depth / at the shallow depth)."""
    return math.log10(_run(r, variant, 1)["train_loss"] / _run(r, variant, 0)["train_loss"])


SEED = "002 11: 随着网络层数的不断增加，会出现梯度消失……梯度在传播到较早的层时变得非常小"
SEED_DEGRADE = "002 11: 梯度退化则表现为随着层数增加，模型的训练误差和测试误差不降反升"

CLAIMS = [
    Claim(
        id="plain-gradient-vanishes",
        question="002 11",
        statement="In the deep plain net (default init) the first block's gradient is smaller than the last block's",
        course_says=SEED,
        course_agrees=True,
        metric="log10(‖∂L/∂W‖ first block / last block) at init, deep plain net",
        measure=lambda r: _ratio(r, "plain"),
        rule="<",
        threshold=0.0,
    ),
    Claim(
        id="residual-keeps-gradient",
        question="002 11",
        statement="Identity shortcuts carry more of the gradient back to the first block than the plain twin does",
        course_says="002 11: 残差连接使得梯度可以更有效地传播……梯度通过残差连接可以直接传递到较早的层",
        course_agrees=True,
        metric="log10 first/last gradient ratio at init: residual − plain (decades)",
        measure=lambda r: _ratio(r, "residual") - _ratio(r, "plain"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="he-reduces-vanishing",
        question="002 11",
        statement="He initialization alone carries more of the gradient back to the first block than the default init",
        metric="log10 first/last gradient ratio at init: plain with He init − plain (decades)",
        measure=lambda r: _ratio(r, "plain_he") - _ratio(r, "plain"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="plain-degrades-train",
        question="002 11",
        statement="The deep plain net (default init) ends with a higher training loss than the shallow one, "
        "each at its tuned rate",
        course_says=SEED_DEGRADE,
        course_agrees=True,
        metric="log10(training loss, deep / shallow), plain default init",
        measure=lambda r: _degradation(r, "plain"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="plain-degrades-test",
        question="002 11",
        statement="The deep plain net (default init) has a lower test accuracy than the shallow one",
        course_says=SEED_DEGRADE,
        course_agrees=True,
        metric="test accuracy, shallow − deep plain (percentage points)",
        measure=lambda r: 100 * (_run(r, "plain", 0)["test_accuracy"] - _run(r, "plain", 1)["test_accuracy"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="he-plain-degrades-train",
        question="002 11",
        statement="Even with He initialization, the deep plain net ends with a higher training loss than the "
        "shallow one",
        metric="log10(training loss, deep / shallow), plain He init",
        measure=lambda r: _degradation(r, "plain_he"),
        rule=">",
        threshold=0.0,
        note="He init fixes the gradient at initialization (he-reduces-vanishing) yet, within the same budget, the "
        "deep He-initialized net still ends with a higher training loss than the shallow one: vanishing gradients "
        "and degradation are two problems. Compare the residual twin in the table.",
    ),
    Claim(
        id="residual-beats-plain",
        question="002 11",
        statement="At the deep depth the residual net reaches a lower training loss than its plain twin",
        course_says="002 11: ResNet 通过引入残差连接来解决这些问题",
        course_agrees=True,
        metric="log10(training loss, deep plain / deep residual)",
        measure=lambda r: math.log10(
            _run(r, "plain", 1)["train_loss"] / _run(r, "residual", 1)["train_loss"]
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="residual-test-accuracy",
        question="002 11",
        statement="At the deep depth the residual net has a higher test accuracy than its plain twin",
        course_says="002 11: 使得网络可以训练得更深……从而提高模型的性能和泛化能力",
        course_agrees=True,
        metric="test accuracy, deep residual − deep plain (percentage points)",
        measure=lambda r: (
            100 * (_run(r, "residual", 1)["test_accuracy"] - _run(r, "plain", 1)["test_accuracy"])
        ),
        rule=">",
        threshold=0.0,
    ),
]

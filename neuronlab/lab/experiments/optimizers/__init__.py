"""optimizers: SGD, Momentum, Adagrad, RMSprop and Adam on 2-D test surfaces and on the digits,
each at its own learning rate tuned on validation data; Adagrad's effective per-parameter step on
sparse and dense features; learning-rate sensitivity on one fixed grid (002 question 3)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.optimizers.adagrad_sparse import DENSE, DENSITY, SPARSE
from neuronlab.lab.experiments.optimizers.figures import figures, table
from neuronlab.lab.experiments.optimizers.measure import (
    DIGITS_GRID,
    SENSITIVITY_GRID,
    START_JITTER,
    SURFACE_GRID,
    TOL,
    USABLE,
    run,
)

NAME = "optimizers"
TITLE = "SGD, Momentum, Adagrad, RMSprop and Adam compared"
COURSE = "002 question 3"
QUESTION_ZH = (
    "3. 优化器的作用与常见类型：常见的优化器有哪些？SGD（随机梯度下降）、带动量的 SGD（Momentum）、Adagrad、\n"
    "Adam（Adaptive Moment Estimation）——四种优化器的主要区别是什么？"
)
QUESTION_EN = (
    "3. What do optimizers do, and which are common? SGD, SGD with momentum, Adagrad and Adam: what are the\n"
    "main differences between them?"
)
SEE_ALSO = ("gd-variants", "batch-size")

SIZES = {
    "steps": (100, 60),  # optimizer steps on each 2-D surface
    "epochs": (10, 5),  # digits: fixed budget of epochs (batch 64) per learning rate tried
    "n_train": (None, 300),  # digits training images (None: the whole training part, 1077)
    "adagrad_steps": (300, 150),  # Adagrad updates on the sparse/dense logistic regression
    "reference_epochs": (100, 10),  # the digits reference recipe (REFERENCES.md: 100 epochs)
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    n = "all 1077" if s["n_train"] is None else f"the first {s['n_train']}"
    return (
        "Five optimizers from neuronlab.optim with PyTorch's defaults: SGD, SGD with momentum 0.9 (PyTorch's "
        "v ← μv + g, θ ← θ − ηv, the seed's v ← γv + η∇ up to where η is applied), Adagrad, RMSprop (α = 0.99) "
        "and Adam (β = 0.9, 0.999). 2-D surfaces, float64, autograd gradients: Rosenbrock from (−1.2, 1) and the "
        "quadratic x²/20 + 5y² (condition number 100) from (−8, 1), each start jittered per seed by up to "
        f"{START_JITTER['rosenbrock']:g} and {START_JITTER['narrow valley']:g}; {s['steps']} steps; each optimizer's "
        f"lr tuned from {SURFACE_GRID} (widened while the best is on an edge) for the fewest steps to within {TOL:g} "
        f"of the optimum, else the smallest final distance. Digits: an MLP 64-64-10 (ReLU), stratified 60/20/20 "
        f"split per seed ({n} training images), batch 64, a fixed budget of {s['epochs']} epochs, the same initial "
        "weights and batch order for every optimizer; each optimizer's lr tuned on the validation loss, starting "
        f"from {DIGITS_GRID} and widened while the best is on an edge; the test set is used once, at the chosen "
        f"lr. Sensitivity: validation accuracy of SGD and Adam at every lr of {SENSITIVITY_GRID}, a rate counted "
        f"usable when it reaches {USABLE:.0%} of the best accuracy either optimizer reached on that grid. "
        f"Adagrad: logistic regression on 1000 samples with {DENSE} dense N(0, 1) features and "
        f"{SPARSE} sparse ones (non-zero in {DENSITY:.0%} of the samples), batch 32, lr 0.1, {s['adagrad_steps']} "
        "updates; after each, every weight's effective step η/(√G + ε); the same for RMSprop (lr 0.01). "
        "Beside the digits numbers, the reference "
        f"recipe (64-64-10 MLP, Adam 1e-3, batch 64, 80/20 split) run for {s['reference_epochs']} epochs."
    )


def _digits_gap(r: dict, name: str, against: str) -> float:
    """Test accuracy of ``name`` minus the best (``against="best"``) or the worst of the others (pp)."""
    others = [v["test_accuracy"] for k, v in r["digits"].items() if k != name]
    mine = r["digits"][name]["test_accuracy"]
    return 100 * (mine - max(others)) if against == "best" else 100 * (min(others) - mine)


def _valley_ratio(r: dict) -> float:
    runs = r["surfaces"]["narrow valley"]["runs"]
    sgd, momentum = runs["SGD"]["distance"], runs["Momentum"]["distance"]
    if sgd is None or momentum is None:
        return math.nan
    return math.log10(max(sgd, 1e-12) / max(momentum, 1e-12))


def _loss_ratio(r: dict, slow: str, fast: str) -> float:
    a, b = r["digits"][slow]["train_loss"], r["digits"][fast]["train_loss"]
    return math.nan if a is None or b is None else math.log10(a / b)


COURSE_ADAGRAD = (
    "002 3: 对于频繁出现的特征（梯度较大），学习率会降低；对于稀疏特征（梯度较小），学习率会增加。"
)
COURSE_ADAM = "002 3: Adam……收敛速度快，在大多数任务中都能展现出良好的性能，并且对超参数的选择相对鲁棒"

CLAIMS = [
    Claim(
        id="seed-update-formulas",
        question="002 3",
        statement="The seed's update formulas for Momentum (v ← γv + η∇J, θ ← θ − v), Adagrad and Adam trace the "
        "same paths as neuronlab's (PyTorch's) optimizers at a constant learning rate",
        course_says="002 3: v_{t+1} = γv_t + η∇J(θ_t), θ_{t+1} = θ_t − v_{t+1}; G_t = G_{t−1} + (∇J)², "
        "θ_{t+1} = θ_t − η/√(G_t + ε)·∇J; Adam with m̂_t, v̂_t bias-corrected",
        course_agrees=True,
        metric="max over the three optimizers of max |seed-formula path − neuronlab path| (50 steps, valley)",
        measure=lambda r: max(r["seed_formulas"].values()),
        rule="<",
        threshold=1e-6,
        note="PyTorch's momentum is v ← μv + g, θ ← θ − ηv: the same path when η is constant (v differs by the "
        "factor η); Adagrad's ε sits outside the root in PyTorch, a difference of order ε.",
    ),
    Claim(
        id="momentum-valley",
        question="002 3",
        statement="In the narrow valley (condition number 100) Momentum ends closer to the optimum than plain SGD, "
        "each at its tuned lr",
        course_says="002 3: 动量项的引入使得在梯度方向一致时，能够加速梯度下降过程，同时减少训练过程中的震荡",
        course_agrees=True,
        metric="log10(SGD final distance / Momentum final distance)",
        measure=_valley_ratio,
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="adagrad-raises-sparse-rate",
        question="002 3",
        statement="Adagrad raises the effective learning rate of sparse features during training",
        course_says=COURSE_ADAGRAD,
        course_agrees=True,
        metric="largest relative rise of any weight's η/(√G + ε) from one update to the next (%)",
        measure=lambda r: 100 * r["adagrad"]["max_relative_rise"],
        rule=">",
        threshold=0.0,
        note="G is a running sum of squared gradients, so η/(√G + ε) can only stay or fall; what the seed means "
        "is that a sparse feature's step falls more slowly (its gradients are rarely non-zero), so it stays "
        "larger than a dense feature's — the next claim.",
        expected="contradicts",
    ),
    Claim(
        id="adagrad-sparse-keeps-larger-step",
        question="002 3",
        statement="After training, Adagrad's effective step is larger for sparse features than for dense ones",
        metric="log10(median final η/(√G + ε): sparse / dense features)",
        measure=lambda r: math.log10(r["adagrad"]["final_step_sparse"] / r["adagrad"]["final_step_dense"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="adagrad-steps-decay",
        question="002 3",
        statement="Adagrad's effective step shrinks over training for dense and sparse features alike",
        course_says="002 3: 随着训练的进行，学习率会逐渐减小，有可能导致训练过早停止",
        course_agrees=True,
        metric="log10(last / first effective step), the larger of the dense and sparse medians",
        measure=lambda r: max(r["adagrad"]["log10_decay_dense"], r["adagrad"]["log10_decay_sparse"]),
        rule="<",
        threshold=0.0,
    ),
    Claim(
        id="rmsprop-step-can-rise",
        question="002 3",
        statement="RMSprop's effective step can rise again during training (its G is a moving average that "
        "forgets old gradients), unlike Adagrad's",
        metric="largest relative rise of any weight's RMSprop step η/(√G + ε) from one update to the next (%)",
        measure=lambda r: 100 * r["rmsprop"]["max_relative_rise"],
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="adam-faster-than-sgd",
        question="002 3",
        statement="On the digits, Adam reaches a lower training loss than plain SGD in the same number of epochs, "
        "each at its tuned lr",
        course_says=COURSE_ADAM,
        course_agrees=True,
        metric="log10(SGD training loss / Adam training loss) after the epoch budget",
        measure=lambda r: _loss_ratio(r, "SGD", "Adam"),
        rule=">",
        threshold=0.0,
        note="Both optimizers run at their own tuned lr for the same fixed budget of epochs; the metric compares the "
        "training losses they reach, seed by seed.",
        expected="inconclusive",
    ),
    Claim(
        id="adam-wider-usable-range",
        question="002 3",
        statement="Adam is usable over a wider range of learning rates than plain SGD",
        course_says=COURSE_ADAM,
        course_agrees=True,
        metric=f"rates of the fixed grid reaching {USABLE:.0%} of the best validation accuracy: Adam − SGD",
        measure=lambda r: r["sensitivity"]["Adam"]["usable"] - r["sensitivity"]["SGD"]["usable"],
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="adam-highest-accuracy",
        question="002 3",
        statement="On the digits, Adam reaches a higher test accuracy than each of the other four optimizers, "
        "every optimizer at its tuned lr",
        course_says="002 3: 虽然 Adam 通常是默认的首选优化器……",
        course_agrees=True,
        metric="Adam − best other test accuracy (percentage points)",
        measure=lambda r: _digits_gap(r, "Adam", "best"),
        rule=">",
        threshold=0.0,
        note="One test image of 360 is 0.28 percentage points.",
        expected="inconclusive",
    ),
    Claim(
        id="sgd-lowest-accuracy",
        question="002 3",
        statement="On the digits, plain SGD has a lower test accuracy than each of the other four optimizers, "
        "every optimizer at its tuned lr",
        course_says="002 3: SGD……收敛速度较慢，在训练过程中容易陷入局部最优解",
        course_agrees=True,
        metric="worst other − SGD test accuracy (percentage points)",
        measure=lambda r: _digits_gap(r, "SGD", "worst"),
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
]

"""batchnorm: what batch normalization does to optimization, measured (000/001 A2.6, 002 question
5): the formula, what β and γ become, convergence at each net's own tuned rate, the range of usable
learning rates, sensitivity to the initialization scale, gradients per layer, and the drift of a
hidden layer's distribution."""

from __future__ import annotations

import math

import numpy as np

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.batchnorm.figures import figures, table
from neuronlab.lab.experiments.batchnorm.measure import BATCH, GRAD_STDS, INIT_STDS, LR_GRID, run
from neuronlab.lab.experiments.batchnorm.networks import DEPTH, WIDTH

NAME = "batchnorm"
TITLE = "Batch normalization: convergence, usable learning rates, initialization, β and γ"
COURSE = "000/001 A2.6; 002 question 5"
QUESTION_ZH = """A2.6 (5 points) 分析Batch normalization对参数优化起到什么作用、如何起到这种作用。

5. 批归一化（Batch Normalization）的作用与原理：批归一化的具体计算过程是怎样的？为什么神经网络中需要批归一化？"""
QUESTION_EN = """A2.6 (5 points) Analyse what batch normalization does for parameter optimization, and how it does it.

5. The role and principle of batch normalization: how exactly is it computed? Why do neural networks need it?"""
SEE_ALSO = ("initialization", "stability", "residual")

SIZES = {
    "n_train": (None, None),  # training images (None: the whole 60% training part)
    "epochs": (10, 4),  # SGD epochs per run (a fixed budget)
    "grad_depth": (10, 6),  # Linear+ReLU blocks of the nets whose gradients are measured at init
    "reference_epochs": (100, 10),  # the digits reference recipe (REFERENCES.md: 100 epochs)
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    n = "" if s["n_train"] is None else f", first {s['n_train']} training images"
    return (
        f"Data: 8×8 digits, stratified 60/20/20 train/validation/test split per seed{n}. Model: 64 → "
        f"[Linear({WIDTH}) → ReLU] × {DEPTH} → Linear(10), and the same net with BatchNorm1d before every ReLU; "
        f"He (Kaiming normal) weights and zero biases, the start a plain ReLU net trains best from; plain SGD on cross-entropy, batch {BATCH}, a fixed budget of "
        f"{s['epochs']} epochs per run. Learning rates: both nets at every rate of {LR_GRID} (widened when the "
        "best is on an edge); each net's own rate is the one with the lowest validation loss, and a rate is "
        "'usable' when the final training loss is below ½·ln 10. Initialization: weights ~ N(0, std²), biases 0, "
        f"std ∈ {list(INIT_STDS)}, each net at the rate tuned for its He init. Gradients: ‖∂L/∂W‖ per layer at "
        f"initialization of a {s['grad_depth']}-block net for weight std {', '.join(map(str, GRAD_STDS))}. Drift: "
        "how far the last hidden layer's per-unit mean moves per epoch on 512 fixed training images, in units of "
        "its spread. β and γ: the trained BN net's BN outputs on one training batch in train mode. Beside it, the "
        f"digits reference recipe (64-64-10 MLP, Adam 1e-3, batch 64, {s['reference_epochs']} epochs, 80/20 split)."
    )


def _usable(r: dict, key: str) -> float:
    """log10 of the largest rate whose run trains (the smallest rate tried / 10 when none does)."""
    sweep = r["nets"][key]["sweep"]
    good = [x["lr"] for x in sweep if x["trains"]]
    return math.log10(max(good) if good else min(x["lr"] for x in sweep) / 10)


def _grad_spread(r: dict, key: str) -> float:
    """log10(max/min) over weight stds of the geometric-mean gradient norm over layers."""
    gm = [np.mean(np.log10(np.maximum(r["gradients"][f"{key}_{s:g}"], 1e-300))) for s in GRAD_STDS]
    return float(max(gm) - min(gm))


def _gamma_fits_variance(r: dict) -> float:
    """Fraction of BN units whose output variance is closer (in log) to |γ| than to γ²."""
    closer = []
    for layer in r["bn_outputs"]:
        log_var, log_gamma = np.log10(np.square(layer["std"])), np.log10(np.abs(layer["gamma"]))
        closer.append(np.abs(log_var - log_gamma) < np.abs(log_var - 2 * log_gamma))
    return float(np.mean(np.concatenate(closer)))


def _mean_vs_beta(r: dict) -> float:
    return max(float(np.max(np.abs(np.subtract(x["mean"], x["beta"])))) for x in r["bn_outputs"])


SEED_001 = "001 A2.6: 然后进行缩放和偏移操作（scale and shift），维持数据的原始分布，其均值和方差分别为可学习的参数β和γ"

CLAIMS = [
    Claim(
        id="formula",
        question="002 5",
        statement="BatchNorm1d in training mode computes γ(x − μ)/√(σ² + ε) + β with the batch mean and the "
        "biased (1/n) batch variance",
        course_says="002 5: μ = (1/n)Σx_i，σ² = (1/n)Σ(x_i − μ)²，x̂_i = (x_i − μ)/√(σ² + ε)，y_i = γx̂_i + β",
        course_agrees=True,
        metric="max |BatchNorm1d − the seed's formula in NumPy|",
        measure=lambda r: r["formula"]["train_max_abs_diff"],
        rule="<",
        threshold=1e-5,
    ),
    Claim(
        id="output-mean-is-beta",
        question="001 A2.6",
        statement="After training, each BN unit's output mean over a batch equals its β",
        course_says=SEED_001,
        course_agrees=True,
        metric="max over units |batch mean of the BN output − β|",
        measure=_mean_vs_beta,
        rule="<",
        threshold=1e-4,
    ),
    Claim(
        id="output-variance-is-gamma",
        question="001 A2.6",
        statement="After training, each BN unit's output variance equals its γ (the seed) rather than γ²",
        course_says=SEED_001,
        course_agrees=True,
        metric="fraction of BN units whose output variance is closer (in log) to |γ| than to γ²",
        measure=_gamma_fits_variance,
        rule=">",
        threshold=0.5,
        expected="contradicts",
        note="y = γx̂ + β with x̂ of mean 0 and variance 1 (up to ε) has mean β and standard deviation |γ|: γ is "
        "the scale (the standard deviation), its variance is γ². 000's answer names them right (γ 缩放因子, "
        "β 偏移因子). Nor does BN keep the data's original distribution: it would only if it learned "
        "γ = σ and β = μ of its input.",
    ),
    Claim(
        id="faster-convergence",
        question="002 5",
        statement="With BN the net reaches a lower training loss within the same budget, each net at its own "
        "tuned rate",
        course_says="002 5: 批归一化可以加速模型的收敛速度，减少训练时间",
        course_agrees=True,
        metric="log10(final training loss without BN / with BN), each at its tuned rate",
        measure=lambda r: math.log10(
            r["nets"]["plain"]["chosen"]["final_loss"] / r["nets"]["bn"]["chosen"]["final_loss"]
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="higher-usable-lr",
        question="001 A2.6",
        statement="BN lets the net train at larger learning rates",
        course_says="001 A2.6: 允许使用更大的学习率，加快模型的学习速度",
        course_agrees=True,
        metric="log10(largest rate that trains with BN / without BN)",
        measure=lambda r: _usable(r, "bn") - _usable(r, "plain"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="less-init-dependence",
        question="001 A2.6",
        statement="With BN the net trains from more of the initialization scales tried",
        course_says="001 A2.6: 减轻了对参数初始化的依赖",
        course_agrees=True,
        metric="initial weight stds (of 5) from which the net trains: with BN − without",
        measure=lambda r: (
            sum(x["trains"] for x in r["init_sweep"]["bn"])
            - sum(x["trains"] for x in r["init_sweep"]["plain"])
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="gradients-independent-of-scale",
        question="002 5",
        statement="With BN the size of the gradients at initialization depends less on the weights' scale",
        course_says="002 5: 缓解梯度消失和梯度爆炸问题",
        course_agrees=True,
        metric="log10(max/min) over weight stds of the mean per-layer ‖∂L/∂W‖: without BN − with BN (decades)",
        measure=lambda r: _grad_spread(r, "plain") - _grad_spread(r, "bn"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="less-covariate-shift",
        question="000 A2.6",
        statement="With BN the last hidden layer's distribution drifts less per epoch (less internal covariate shift)",
        course_says="000 A2.6: 缓解内部协变量偏移……使得每一层都在一个更稳定的数据分布上工作",
        course_agrees=True,
        metric="log10(drift without BN / with BN), each at its tuned rate",
        measure=lambda r: math.log10(
            r["nets"]["plain"]["chosen"]["drift"] / r["nets"]["bn"]["chosen"]["drift"]
        ),
        rule=">",
        threshold=0.0,
        note="The drift is measured on the last hidden layer's output, which BN re-centres and re-scales at every "
        "step, so less drift is partly by construction. Santurkar et al. (2018) found BN helps even when noise "
        "is injected after it to restore the shift: a smoother loss, not a steadier distribution, explains it.",
    ),
]

"""polynomial: d2l's polynomial regression (seed 003 §4.4) — the exact least-squares solution,
train/test loss against the degree and against the amount of data, what goes wrong without the
1/i! scaling and how to fix it, and the noise floor of the test loss."""

from __future__ import annotations

import math

import numpy as np

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.polynomial.figures import figures, table
from neuronlab.lab.experiments.polynomial.measure import (
    EXPECTATION_DRAWS,
    LR,
    N_TEST,
    N_TRAIN,
    NOISE_VARIANCE,
    OVER,
    RIGHT,
    UNDER,
    run,
)

NAME = "polynomial"
TITLE = "Polynomial regression: model selection, data size, feature scaling and the noise floor"
COURSE = "003 §4.4 exercises 1–4"
QUESTION_ZH = """1. 这个多项式回归问题可以准确地解出吗？提示：使用线性代数

2. 考虑多项式的模型选择
1. 绘制训练损失与模型复杂度（多项式的阶数）的关系图。观察到了什么？需要多少阶的多项式才能将训练损失减少到0?
2. 在这种情况下绘制测试的损失图。
3. 生成同样的图，作为数据量的函数。

3. 如果不对多项式特征x i 进行标准化(1/i!)，会发生什么事情？能用其他方法解决这个问题吗？

4. 泛化误差可能为零吗"""
QUESTION_EN = """1. Can this polynomial regression problem be solved exactly? Hint: use linear algebra.

2. Model selection for polynomials: (1) plot the training loss against the model complexity (the degree).
What do you observe? What degree is needed to reduce the training loss to 0? (2) Plot the test loss in
this case. (3) Make the same plot as a function of the amount of data.

3. What happens if the polynomial features xⁱ are not normalized by 1/i!? Can this be fixed in another way?

4. Can the generalization error ever be zero?"""
SEE_ALSO = ("overfitting", "weight-decay")

SIZES = {
    "epochs": (200, 40),  # d2l's SGD epochs (batch 10, lr 0.01): a fixed budget
    "data_sizes": ([10, 20, 50, 100, 200, 500], [10, 50, 200]),  # training points of the data-size sweep
    "data_size_steps": (1000, 400),  # at most this many SGD iterations per size of the data-size sweep
}
EPS = float(np.finfo(np.float64).eps)


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        "Data (a fresh draw per seed): d2l's y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε, x ~ N(0, 1), ε ~ N(0, 0.1²) "
        f"(noise floor σ² = {NOISE_VARIANCE}), features xⁱ/i! for i = 0…20, {N_TRAIN} training and {N_TEST} test "
        "points. For every degree d = 1…20 a linear model on the first d + 1 features is trained as in d2l (SGD, "
        f"lr {LR}, batch 10, {s['epochs']} epochs — a fixed budget, MSE) and solved exactly by least squares (SVD "
        "on equilibrated columns) and by the literal normal equations. Data size: n = "
        f"{', '.join(map(str, s['data_sizes']))} training points (nested subsets of one draw) for degrees {UNDER}, "
        f"{RIGHT} and {OVER}, least squares and SGD (at most {s['data_size_steps']} iterations). Scaling: the same x and "
        "y with raw powers xⁱ — SGD at lr 0.01 against standardized (z-scored) powers, a learning rate of half each "
        "degree's stability limit, and Adam (lr 0.01). Noise floor: the true polynomial's own test MSE, every model's "
        f"expected test MSE σ² + E[(f̂(x) − f(x))²] (the second term on {EXPECTATION_DRAWS:,} fresh noise-free x), "
        "and an exact "
        "fit of noise-free data. Trivial baseline: predict the training mean."
    )


def _fraction_diverged(values) -> float:
    return sum(v is None for v in values) / len(values)


CLAIMS = [
    Claim(
        id="normal-equations-invertible",
        question="003 4.4 ex.1",
        statement="At degree 20 the normal equations' XᵀX is invertible in float64 (cond(XᵀX) < 1/ε), so "
        "w = (XᵀX)⁻¹Xᵀy solves the problem as written",
        course_says="003 4.4 练习1: 由于normal equation的存在，可以用矩阵求逆法求解，其解存在且唯一……w = (XᵀX)⁻¹Xᵀy",
        course_agrees=True,
        metric="log10(cond(XᵀX) · ε) at degree 20 (1/i! features)",
        measure=lambda r: math.log10(r["scaling"]["cond_scaled"][-1] * EPS),
        rule="<",
        threshold=0.0,
        note="The solution exists and is unique in exact arithmetic; in float64 the degree-20 Gram matrix is "
        "numerically singular and a stable solver (scaled columns + SVD) is needed for the exact fit.",
        expected="contradicts",
    ),
    Claim(
        id="train-loss-falls-with-degree",
        question="003 4.4 ex.2.1",
        statement="The exact training MSE keeps falling past the true degree: degree 20 fits the 100 training "
        "points more closely than degree 3",
        metric="log10(train MSE at degree 3 / at degree 20), least squares",
        measure=lambda r: math.log10(r["exact"]["train"][RIGHT - 1] / r["exact"]["train"][OVER - 1]),
        rule=">",
        threshold=0.0,
        note="Zero training loss needs as many features as points: degree 99 for 100 points (degree 9 through "
        "10 points interpolates them, see the table).",
    ),
    Claim(
        id="sgd-test-degree-20-worse",
        question="003 4.4 ex.2.2",
        statement="With d2l's SGD, the degree-20 model tests worse than the degree-3 (true-degree) model",
        metric="log10(SGD test MSE at degree 20 / at degree 3)",
        measure=lambda r: math.log10(r["sgd"]["test"][OVER - 1] / r["sgd"]["test"][RIGHT - 1]),
        rule=">",
        threshold=0.0,
        note="d2l's fixed SGD budget barely moves the high-degree weights (their features xⁱ/i! are tiny), which "
        "regularizes implicitly; the exact degree-20 fit overfits by orders of magnitude (table).",
        expected="inconclusive",
    ),
    Claim(
        id="data-size-train-loss-rises",
        question="003 4.4 ex.2.3",
        statement="In the data-size plot the degree-20 training loss rises with n (from 0 when it interpolates "
        "towards σ²)",
        metric="train MSE at the largest n − at the smallest n (degree 20, least squares)",
        measure=lambda r: r["data_size"]["exact_train"][-1][2] - r["data_size"]["exact_train"][0][2],
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="data-size-test-loss-falls",
        question="003 4.4 ex.2.3",
        statement="More data lowers the degree-20 test loss",
        metric="log10(test MSE at the smallest n / at the largest n) (degree 20, least squares)",
        measure=lambda r: math.log10(
            r["data_size"]["exact_test"][0][2] / r["data_size"]["exact_test"][-1][2]
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="raw-powers-diverge-standardized-do-not",
        question="003 4.4 ex.3",
        statement="Without 1/i!, SGD at lr 0.01 diverges at more degrees than on standardized raw powers",
        metric="fraction of degrees 1–20 diverged: raw − standardized",
        measure=lambda r: (
            _fraction_diverged(r["scaling"]["raw_test"])
            - _fraction_diverged(r["scaling"]["standardized_test"])
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="above-noise-floor",
        question="003 4.4 ex.4",
        statement="No fitted model generalizes better than the noise floor: the lowest expected test MSE over "
        "degrees and methods is above σ²",
        course_says="003 4.4 练习4: 泛化误差 ≥ Var(ε)……min_f E(f) = σ² > 0",
        course_agrees=True,
        metric="1 if every model's expected test MSE (degrees 1–20, exact and SGD) is above σ², else 0",
        measure=lambda r: float(
            min(v for v in r["expected_test"]["exact"] + r["expected_test"]["sgd"] if v is not None)
            > NOISE_VARIANCE
        ),
        note="The expected test MSE is σ² plus the model's squared error against the true function on "
        f"{EXPECTATION_DRAWS:,} fresh noise-free x. On a finite noisy test set the best of 40 models can come out "
        "below the true function's own test MSE by chance.",
        rule=">",
        threshold=0.5,
    ),
    Claim(
        id="noise-free-zero",
        question="003 4.4 ex.4",
        statement="Without noise the generalization error can be zero: the exact cubic fit of noise-free data has "
        "test MSE below 1e-20",
        course_says="003 4.4 练习4: 理论上可能……必要条件：……无观测噪声（ε=0）",
        course_agrees=True,
        metric="log10(test MSE of the exact cubic fit to noise-free data)",
        measure=lambda r: math.log10(max(r["noise"]["noise_free_test"], 1e-300)),
        rule="<",
        threshold=-20.0,
    ),
]

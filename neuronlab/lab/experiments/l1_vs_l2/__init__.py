"""l1-vs-l2: why an L1 penalty gives sparse weights and an L2 penalty small, smooth ones
(000/001 A2.5), and what the L1 update equation is (003 §4.5 exercise 3).

A linear regression with 100 features of which 10 are informative is fitted by gradient
descent with three penalties, each over a grid of λ (all λ of one grid trained at once as the
independent columns of one ``Linear(100, K)``): L1 by its subgradient λ·sign(w), L1 by a
proximal step (soft-thresholding, ISTA) and L2; λ is chosen on a validation split.
"""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.l1_vs_l2.figures import figures, table
from neuronlab.lab.experiments.l1_vs_l2.measure import (
    FEATURES,
    INFORMATIVE,
    N_TEST,
    N_TRAIN,
    N_VAL,
    NOISE_STD,
    run,
)

NAME = "l1-vs-l2"
TITLE = "L1 against L2 regularization: sparse weights against small, smooth ones"
COURSE = "000/001 A2.5; 003 §4.5 exercise 3"
QUESTION_ZH = """A2.5 (5 points) 分析为什么L1正则化倾向于得到稀疏解、为什么L2正则化倾向于得到平滑的解。

4.5 练习 3. 如果我们使用 ∑ᵢ|wᵢ| 作为我们选择的惩罚（L1 正则化），那么更新方程会是什么样子？"""
QUESTION_EN = """A2.5: Analyse why L1 regularization tends to give sparse solutions and why L2 regularization tends
to give smooth solutions.

§4.5 exercise 3: If we use ∑ᵢ|wᵢ| as the penalty (L1 regularization), what does the update equation look like?"""
SEE_ALSO = ("weight-decay", "overfitting")

SIZES = {
    "steps": (2000, 600),  # full-batch gradient-descent steps per λ (lr = 1/L)
    "lambdas": (16, 8),  # points of each λ grid
}
NOISE = FEATURES - INFORMATIVE


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        f"Data (a fresh draw per seed): y = Σ w*ᵢ xᵢ + ε with {FEATURES} standard-normal features, of which the "
        f"first {INFORMATIVE} are informative (|w*ᵢ| between 0.5 and 2, random signs) and the rest pure noise; "
        f"ε ~ N(0, {NOISE_STD:g}²), so the noise floor of the test MSE is {NOISE_STD**2:g}; {N_TRAIN} training, "
        f"{N_VAL} validation and {N_TEST} test samples. Objective: ½·mean squared error + λ‖w‖₁ or (λ/2)‖w‖₂² on "
        f"the weights (not the bias). Full-batch gradient descent from w = 0, {s['steps']} steps with lr = 1/L "
        "(L the largest eigenvalue of XᵀX/n): a fixed budget, checked against the exact optima (Lasso optimality "
        "conditions, closed-form ridge). L1 two ways: the subgradient λ·sign(w) added to the gradient (the seed's "
        "update, what autograd gives for λ·l1_penalty) and the proximal step w ← sign(w)·max(|w| − lr·λ, 0). "
        f"Each method's λ is chosen on the validation split from {s['lambdas']} log-spaced values (L1: up to the "
        "λ that zeroes every weight; L2: up to 1000). Also: one weight, min_w ½(w − a)² + penalty, solved by grid "
        "search for 301 values of a; 5 near-copies of one feature (x_j = z + 0.2·e_j, y = 3z + ε) at λ = 1; one "
        "SGD step with λ·l1_penalty against the seed's update equation."
    )


def _share(r: dict, method: str) -> float:
    return r["correlated"][method]["max_share"]


CLAIMS = [
    Claim(
        id="l1-exact-zeros",
        question="000/001 A2.5",
        statement="At its validation-chosen λ, L1 (proximal step) sets a larger fraction of the 90 noise weights "
        "exactly to 0 than L2 does",
        course_says="000 A2.5: L1正则化……鼓励模型在某个方向上取零值; 001 A2.5: 某些参数可能会被推到零，从而使得模型变得稀疏",
        course_agrees=True,
        metric="fraction of noise weights exactly 0: L1 proximal − L2",
        measure=lambda r: (
            (r["chosen"]["l1-proximal"]["exact_zeros_noise"] - r["chosen"]["l2"]["exact_zeros_noise"]) / NOISE
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="l2-no-exact-zeros",
        question="000/001 A2.5",
        statement="At its validation-chosen λ, L2 leaves every one of the 100 weights non-zero",
        course_says="001 A2.5: L2……会使得所有参数都变得较小，但通常不会等于零",
        course_agrees=True,
        metric="weights exactly 0 under L2 (of 100)",
        measure=lambda r: (
            r["chosen"]["l2"]["exact_zeros_informative"] + r["chosen"]["l2"]["exact_zeros_noise"]
        ),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="l2-smaller-noise-weights",
        question="000/001 A2.5",
        statement="L2 makes the weights smaller: the largest noise weight shrinks against the unpenalized fit",
        course_says="000 A2.5: L2正则化……鼓励模型参数尽可能小（但是不为0），从而得到平滑的解",
        course_agrees=True,
        metric="log10(max |noise w| without penalty / with L2)",
        measure=lambda r: math.log10(
            r["chosen"]["none"]["max_abs_noise"] / r["chosen"]["l2"]["max_abs_noise"]
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="l2-spreads-correlated",
        question="000/001 A2.5",
        statement="'Smooth' as evenness: over 5 near-copies of one feature, L2 spreads the weight more evenly "
        "than L1 (its largest copy carries a smaller share of the total)",
        metric="largest copy's share of Σ|w|: L1 − L2",
        measure=lambda r: _share(r, "l1-proximal") - _share(r, "l2"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="one-weight-dead-zone",
        question="000/001 A2.5",
        statement="For one weight, min ½(w − a)² + λ|w| is exactly 0 on a whole band of a (|a| ≤ λ), while the "
        "L2 minimizer a/(1 + λ) is 0 only at a = 0",
        course_says="000 A2.5: 当模型参数的值变化时，L1正则化对损失函数的增加是常数的",
        course_agrees=True,
        metric="fraction of a ∈ [−3, 3] with minimizer exactly 0: L1 − L2 (λ = 1)",
        measure=lambda r: r["one_dimensional"]["zero_fraction_l1"] - r["one_dimensional"]["zero_fraction_l2"],
        rule=">",
        threshold=0.0,
        note="The seed's reason is the gradient: |∂(λ|w|)/∂w| stays λ however close w is to 0, while "
        "∂((λ/2)w²)/∂w = λw vanishes; the results record both pulls at w = 1, 0.1, 0.01.",
    ),
    Claim(
        id="l1-update-equation",
        question="003 4.5 ex.3",
        statement="One SGD step on ½·MSE + λ·l1_penalty is w − η∂L/∂w − ηλ·sign(w), with sign(0) = 0",
        course_says="003 4.5 练习3: w_j ← w_j − η ∂Loss/∂w_j − ηλ·sign(w_j)",
        course_agrees=True,
        metric="max |autograd step − the seed's update| (float32)",
        measure=lambda r: r["update_rule"]["max_abs_diff"],
        rule="<",
        threshold=1e-6,
    ),
    Claim(
        id="subgradient-sparse",
        question="003 4.5 ex.3",
        statement="Gradient descent with the seed's subgradient update sets at least half of the noise weights "
        "exactly to 0",
        course_says="003 4.5 练习3: L1 正则化的一大特点是能产生稀疏解（许多权重恰好为0）",
        course_agrees=True,
        metric="fraction of noise weights exactly 0, subgradient L1 at its validation-chosen λ",
        measure=lambda r: r["chosen"]["l1-subgradient"]["exact_zeros_noise"] / NOISE,
        rule=">",
        threshold=0.5,
        note="The step −ηλ·sign(w) jumps across 0 instead of landing on it, so the weights oscillate around 0; "
        "exact zeros need the proximal (soft-threshold) step, which the seed's update is not.",
        expected="contradicts",
    ),
    Claim(
        id="l1-better-on-sparse-truth",
        question="000/001 A2.5",
        statement="On this sparse truth (10 of 100 features matter), L1 at its validation-chosen λ has a lower "
        "test MSE than L2 at its own",
        metric="log10(test MSE of L2 / test MSE of L1 proximal)",
        measure=lambda r: math.log10(r["chosen"]["l2"]["test_mse"] / r["chosen"]["l1-proximal"]["test_mse"]),
        rule=">",
        threshold=0.0,
    ),
]

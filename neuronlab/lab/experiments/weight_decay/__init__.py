"""weight-decay: d2l's high-dimensional linear regression (200 inputs, 20 training samples)
under weight decay — the λ sweep with λ chosen on validation data, against the trivial
baseline and the noise floor, L1, the Frobenius norm and other remedies (003 §4.5)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.weight_decay.figures import figures, table
from neuronlab.lab.experiments.weight_decay.measure import (
    BATCH,
    LR,
    N_TEST,
    N_TRAIN,
    N_VAL,
    NOISE_GRID,
    NUM_INPUTS,
    SGD_LAMBDAS,
    run,
)

NAME = "weight-decay"
TITLE = "Weight decay on d2l's high-dimensional linear regression"
COURSE = "003 §4.5 (exercises 1–5)"
QUESTION_ZH = """1. 在本节的估计问题中使用λ的值进行实验。绘制训练和测试精度关于λ的函数。观察到了什么？
2. 使用验证集来找到最佳值λ。它真的是最优值吗？这有关系吗？
3. 如果我们使用 ∑ᵢ|wᵢ| 作为我们选择的惩罚（L1 正则化），那么更新方程会是什么样子？
4. 我们知道‖w‖² = wᵀw。能找到类似的矩阵方程吗（Hint: Frobenius范数）？
5. 回顾训练误差和泛化误差之间的关系。除了权重衰减、增加训练数据、使用适当复杂度的模型之外，还能想出其他什么方法来处理过拟合"""
QUESTION_EN = """1. Experiment with the value of λ in this section's estimation problem. Plot training and test accuracy
as a function of λ. What do you observe?
2. Use a validation set to find the best λ. Is it really the optimal value? Does it matter?
3. What would the update equations look like if we used ∑ᵢ|wᵢ| as the penalty (L1 regularization)?
4. We know that ‖w‖² = wᵀw. Can you find a similar equation for matrices (hint: the Frobenius norm)?
5. Recall the relation between training error and generalization error. Besides weight decay, more training
data and a model of suitable complexity, what other ways of dealing with overfitting can you think of?"""
SEE_ALSO = ("l1-vs-l2", "overfitting", "polynomial")

SIZES = {
    "epochs": (100, 100),  # d2l's SGD loop (batch 5, lr 0.003): a fixed budget, d2l's own
    "l1_lambdas": (12, 6),  # points of the L1 λ grid
    "l1_steps": (3000, 600),  # proximal gradient steps per L1 fit (lr = 1/L)
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        f"d2l §4.5's problem: y = 0.05 + Σᵢ 0.01·xᵢ + ε, x ∈ R^{NUM_INPUTS} standard normal, ε ~ N(0, 0.01²); per "
        f"seed a fresh draw of {N_TRAIN} training, {N_VAL} validation and {N_TEST} test samples (d2l tests on 100; "
        "1000 make the test loss precise). Every loss is the data loss ½·mean((ŷ − y)²), never the penalty. "
        f"d2l's loop: Linear({NUM_INPUTS}, 1) from w ~ N(0, 1), b = 0, minibatch SGD (batch {BATCH}, lr {LR}), "
        f"{s['epochs']} epochs — a fixed budget, as in d2l — with weight decay λ ∈ {SGD_LAMBDAS} on w only "
        "(every λ from the same init and batch order, trained at once as columns of one Linear). Converged "
        "answers: the exact minimizer of ½·MSE + (λ/2)‖w‖² (ridge, closed form) on 33 values of λ from 1e-4 to "
        f"1e4 and λ = 0 (minimum norm), and ½·MSE + λ‖w‖₁ by proximal gradient descent ({s['l1_steps']} steps, "
        f"{s['l1_lambdas']} values of λ up to the one that zeroes every weight). Each λ is chosen on the "
        "validation part. Beside them: the trivial baseline (w = 0, predict the training mean ȳ) and the noise "
        f"floor σ²/2 = 5e-5. Exercise 5: Gaussian input noise in d2l's loop at λ = 0, its σ chosen on the validation "
        f"part from {NOISE_GRID} (each σ a column of one run, as for λ)."
    )


def _log_ratio(a: float, b: float) -> float:
    return math.log10(a / b)


CLAIMS = [
    Claim(
        id="sgd-decay-lowers-test-loss",
        question="003 4.5 ex.1",
        statement="In d2l's SGD loop, weight decay at the validation-chosen λ lowers the test loss against λ = 0",
        course_says="003 §4.5: 观察到训练误差增大，但是测试误差减小，说明模型的泛化能力更强",
        course_agrees=True,
        metric="log10(test loss at λ = 0 / test loss at the chosen λ), d2l's SGD",
        measure=lambda r: _log_ratio(r["sgd"]["test"][0], r["sgd_choice"]["test"]),
        rule=">",
        threshold=0.0,
        note="At λ = 0 the N(0, 1) initialization survives in the 180 directions the 20 samples never touch; "
        "weight decay is what shrinks it (compare the exact minimum-norm fit in the table).",
    ),
    Claim(
        id="sgd-best-beats-mean",
        question="003 4.5 ex.1",
        statement="d2l's SGD loop at its validation-chosen λ predicts better than the trivial baseline "
        "(w = 0, predict the training mean)",
        metric="log10(baseline test loss / d2l SGD test loss at the chosen λ)",
        measure=lambda r: _log_ratio(r["baseline"]["test"], r["sgd_choice"]["test"]),
        rule=">",
        threshold=0.0,
        note="Validation picks the largest stable λ (lr·λ < 2), which all but zeroes w: the best d2l's loop "
        "achieves is to forget the initialization and predict about the mean.",
        expected="inconclusive",
    ),
    Claim(
        id="exact-beats-mean",
        question="003 4.5 ex.1",
        statement="The exact ridge fit at the validation-chosen λ predicts better than the trivial baseline "
        "(w = 0, predict the training mean)",
        metric="log10(baseline test loss / ridge test loss at the chosen λ)",
        measure=lambda r: _log_ratio(r["baseline"]["test"], r["exact_choice"]["test"]),
        rule=">",
        threshold=0.0,
        note="20 samples cannot estimate 200 weights: at best ridge removes a fraction ≈ n/d of the signal's "
        "variance, so the gain over predicting the mean is small.",
    ),
    Claim(
        id="far-above-noise-floor",
        question="003 4.5 ex.1",
        statement="No λ comes near the noise floor: the test loss at the validation-chosen λ is more than 10× σ²/2",
        metric="log10(ridge test loss at the chosen λ / (σ²/2))",
        measure=lambda r: _log_ratio(r["exact_choice"]["test"], r["noise_floor"]),
        rule=">",
        threshold=1.0,
    ),
    Claim(
        id="large-lambda-underfits",
        question="003 4.5 ex.1",
        statement="Too large a λ underfits: at λ = 1e4 the exact fit's training loss is higher than at the "
        "validation-chosen λ",
        course_says="003 4.5 练习1: λ 过小则正则化作用不明显，过大则会导致模型欠拟合",
        course_agrees=True,
        metric="training loss (½·MSE) at λ = 1e4 − at the chosen λ, exact ridge",
        measure=lambda r: r["exact"]["train"][-1] - r["exact_choice"]["train"],
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="validation-lambda-not-optimal",
        question="003 4.5 ex.2",
        statement="The λ chosen on validation data is not the test-optimal one: its test loss is above the best "
        "on the grid",
        course_says="003 4.5 练习2: 它真的是最优值吗？不完全是，但没啥关系",
        course_agrees=True,
        metric="log10(ridge test loss at the validation λ / the lowest test loss over the 34 λ)",
        measure=lambda r: _log_ratio(r["exact_choice"]["test"], r["exact_choice"]["best_test"]),
        rule=">",
        threshold=0.0,
        note="Whether it matters is the size of this gap next to exact-beats-mean's gain over the baseline.",
        expected="inconclusive",
    ),
    Claim(
        id="l1-update-equation",
        question="003 4.5 ex.3",
        statement="One SGD step on ½·MSE + λ‖w‖₁ is w − η∂L/∂w − ηλ·sign(w)",
        course_says="003 4.5 练习3: w_j ← w_j − η ∂Loss/∂w_j − ηλ·sign(w_j)",
        course_agrees=True,
        metric="max |autograd step − the seed's update| (float32 weights of size ~1)",
        measure=lambda r: r["l1_step_max_abs_diff"],
        rule="<",
        threshold=1e-5,
    ),
    Claim(
        id="l2-beats-l1-dense-truth",
        question="003 4.5 ex.3",
        statement="On d2l's dense truth (all 200 weights 0.01) L2 at its validation-chosen λ tests better than L1 "
        "at its own (data loss only)",
        metric="log10(L1 test loss / L2 test loss), each at its validation-chosen λ",
        measure=lambda r: _log_ratio(r["l1_choice"]["test"], r["exact_choice"]["test"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="frobenius",
        question="003 4.5 ex.4",
        statement="‖W‖_F² = Σᵢⱼ wᵢⱼ² = tr(WᵀW) = l2_penalty(W), and ∂((λ/2)‖W‖_F²)/∂W = λW",
        course_says="003 4.5 练习4: ‖W‖_F² = Σᵢ Σⱼ |w_ij|² = tr(WᵀW)",
        course_agrees=True,
        metric="max of the three identities' absolute differences (float32)",
        measure=lambda r: max(r["frobenius"]["max_abs_diff"], r["frobenius"]["grad_max_abs_diff"]),
        rule="<",
        threshold=1e-5,
    ),
    Claim(
        id="input-noise-remedy",
        question="003 4.5 ex.5",
        statement="Gaussian input noise (σ chosen on validation) in d2l's loop lowers the test loss against no remedy",
        course_says="003 4.5 练习5: 添加噪音：在输入数据或网络的隐藏层激活值上添加微小的随机噪音，同样可以迫使模型变得更强健",
        course_agrees=True,
        metric="log10(test loss at λ = 0 / with input noise), d2l's SGD",
        measure=lambda r: _log_ratio(r["sgd"]["test"][0], r["input_noise"]["test"]),
        rule=">",
        threshold=0.0,
        note="Input noise of variance σ² acts, in expectation, as weight decay with λ = σ² (Bishop 1995).",
    ),
]

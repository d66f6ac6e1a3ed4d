"""losses: each common loss with its gradient, and where each one fits — robust regression with
outliers, what the hinge loss really penalizes, cross-entropy against MSE for probabilities, focal
loss against cross-entropy on imbalanced classes (each tuned), KL against cross-entropy
(004 question (11), 002 question 4)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.losses.figures import figures, table
from neuronlab.lab.experiments.losses.fits import LR_GRID, OUTLIER_FRACTION
from neuronlab.lab.experiments.losses.measure import EASY, FAR, run

NAME = "losses"
TITLE = "Loss functions: values, gradients, and where each one fits"
COURSE = "004 question (11); 002 question 4"
QUESTION_ZH = """004 (11) （有监督情况下）对于回归问题、二分类问题、多分类问题通常使用的损失函数有哪些?

002 4. 损失函数的理解与应用：损失函数的作用是什么？请解释均方误差（MSE）和交叉熵损失的计算公式及其适用场景"""
QUESTION_EN = """004 (11) (Supervised learning) Which loss functions are usually used for regression, binary classification and
multi-class classification?

002 4. Understanding and using loss functions: what is a loss function for? Explain the formulas of the mean
squared error (MSE) and of the cross-entropy loss, and where each applies."""
SEE_ALSO = ("mle", "metrics", "perceptron")

SIZES = {
    "line_steps": (400, 200),  # full-batch Adam steps of each line fit (lr 0.1, cosine-annealed)
    "hinge_steps": (300, 150),  # full-batch Adam steps of the hinge classifier (lr 0.05)
    "majority": (1500, 900),  # majority-class points of the imbalanced moons (5% minority)
    "epochs": (20, 10),  # epochs per learning rate tried on the imbalanced moons: a fixed budget
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        "Every loss computed by the library (reduction='none') along the residual r ∈ [−3, 3] (MSE, MAE, Huber "
        "δ = 1) or the margin m = y·z ∈ [−4, 4] (logistic/BCE with logits, hinge, sigmoid focal γ = 2, MSE on "
        "σ(z)), gradients by autograd, values against the closed forms. The seed's MSE, BCE and cross-entropy "
        "formulas against the library on 64 random samples; KL against cross-entropy and the multinomial "
        f"NLL on 64 random soft targets over 5 classes. Outliers: y = 2x + 1 + N(0, 0.2²), 200 points drawn by "
        f"the seed, {OUTLIER_FRACTION:.0%} of them (among x > 0.5) moved down by 8; a line fitted under each "
        f"regression loss ({s['line_steps']} full-batch Adam steps, lr 0.1, cosine-annealed). Hinge: a linear "
        f"classifier on the course's shifted double moon (400 points, noise 0.1, drawn by the seed), "
        f"{s['hinge_steps']} Adam steps (lr 0.05). Imbalance: two moons (noise 0.3), the second class cut to 5%, "
        f"{s['majority']} majority points, stratified 60/20/20 train/validation/test; a 2-16-16-2 ReLU network, "
        f"Adam, batch 128, a fixed budget of {s['epochs']} epochs, with cross-entropy and with focal loss (γ = 2), "
        f"each at its own learning rate chosen from {LR_GRID} (widened at an edge) by the minority-class F1 on "
        "the validation split."
    )


def _ratio(r: dict, a: str, b: str) -> float:
    return math.log10(r["gradients"][a] / r["gradients"][b])


CLAIMS = [
    Claim(
        id="seed-formulas",
        question="002 4",
        statement="The library's MSE, binary cross-entropy and cross-entropy are the seed's formulas",
        course_says="002 4: MSE = (1/n)Σ(yᵢ − ŷᵢ)²; L = −[y log ŷ + (1 − y) log(1 − ŷ)]; L = −Σ yᵢ log ŷᵢ",
        course_agrees=True,
        metric="max relative |library − formula| over MSE, BCE, CE (batch means, float64)",
        measure=lambda r: max(r["formulas"].values()),
        rule="<",
        threshold=1e-12,
    ),
    Claim(
        id="outliers-mse",
        question="004 (11)",
        statement=f"With {OUTLIER_FRACTION:.0%} outliers, MAE and Huber recover the slope better than MSE",
        course_says="004 (11): Huber Loss：是一种可以平衡 MSE 和 MAE 的损失函数。它在误差较小的时候采用 MSE，误差较大的时候采用 MAE",
        course_agrees=True,
        metric="log10(|slope − 2| under MSE / the larger of MAE's and Huber's)",
        measure=lambda r: math.log10(
            r["robust"]["slope_error"]["mse"]
            / max(r["robust"]["slope_error"]["mae"], r["robust"]["slope_error"]["huber"])
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="ce-vs-mse-for-probabilities",
        question="002 4",
        statement="For a confidently wrong prediction (margin −4), cross-entropy gives a larger gradient than MSE "
        "on the predicted probability",
        course_says="002 4: 交叉熵损失常用于分类任务 ... 在分类问题中能使模型的训练更加稳定和高效",
        course_agrees=True,
        metric=f"log10(|∂BCE/∂z| / |∂MSE(σ(z))/∂z|) at margin {FAR:g}",
        measure=lambda r: _ratio(r, "bce_far", "mse_on_probability_far"),
        rule=">",
        threshold=0.0,
        note="σ saturates: MSE on σ(z) has gradient 2(σ − y)σ(1 − σ), which vanishes when the model is "
        "confidently wrong; cross-entropy's σ − y does not.",
    ),
    Claim(
        id="hinge-beyond-mistakes",
        question="004 (11)",
        statement="After training, the hinge loss still gives a gradient to correctly classified points "
        "(those with margin in (0, 1)), not only to misclassified ones",
        course_says="004 (11): Hinge Loss：适用于支持向量机和感知机等算法，通过最小化错误分类的样本到分类超平面的距离来学习分类器",
        course_agrees=False,
        metric="fraction of the points with a non-zero hinge gradient that are correctly classified",
        measure=lambda r: r["hinge"]["correct_among_active"],
        rule=">",
        threshold=0.0,
        note="max(0, 1 − m) penalizes every point with margin m < 1; the seed's description (distance of the "
        "misclassified points to the hyperplane) is the perceptron criterion max(0, −m). The hinge loss "
        "is what an SVM minimizes; the perceptron does not use it.",
    ),
    Claim(
        id="focal-downweights-easy",
        question="004 (11)",
        statement="Focal loss (γ = 2) gives an easy, well-classified example a much smaller gradient than "
        "cross-entropy",
        course_says="004 (11): Focal Loss：弱化易分类的样本的权重，增强难分类的样本的权重",
        course_agrees=True,
        metric=f"log10(|∂BCE/∂z| / |∂focal/∂z|) at margin {EASY:g}",
        measure=lambda r: _ratio(r, "bce_easy", "focal_easy"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="focal-vs-ce-imbalanced",
        question="002 4",
        statement="On 95/5 imbalanced moons focal loss gives a higher minority-class F1 than cross-entropy, "
        "each at its own tuned learning rate",
        course_says="004 (11): Focal Loss：解决类别不平衡问题的一个损失函数",
        course_agrees=True,
        metric="focal − cross-entropy minority F1 on the test split",
        measure=lambda r: r["imbalance"]["focal"]["f1"] - r["imbalance"]["cross_entropy"]["f1"],
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
    Claim(
        id="kl-equals-ce-gradient",
        question="004 (11)",
        statement="KL divergence and cross-entropy differ by the target's entropy, a constant, so their "
        "gradients are equal",
        course_says="004 (11): Kullback-Leibler 散度损失 ... 用于多分类问题中的类别分布预测和真实类别分布之间的匹配程度",
        metric="max(|∇CE − ∇KL|, relative |CE − KL − H(p)|) over 64 soft targets",
        measure=lambda r: max(r["kl"]["max_gradient_difference"], r["kl"]["ce_minus_kl_minus_entropy"]),
        rule="<",
        threshold=1e-12,
    ),
    Claim(
        id="multinomial-is-ce",
        question="004 (11)",
        statement="The multinomial (categorical) negative log-likelihood −ln q_y is the cross-entropy itself",
        course_says="004 (11): 多项式分布损失（Multinomial Distribution Loss）：同样针对多分类问题",
        metric="relative |NLL of log-softmax − cross-entropy| over 64 samples",
        measure=lambda r: r["kl"]["multinomial_nll_vs_ce"],
        rule="<",
        threshold=1e-12,
        note="The seed lists them as two losses; for one-hot labels they are one.",
    ),
]

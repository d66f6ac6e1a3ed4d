"""metrics: which evaluation metric fits which task — accuracy against precision, recall and F1
on imbalanced classes, against a majority-class baseline, averaged F1 scores, the decision
threshold, and MSE against MAE for regression (002 question 12)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.metrics.figures import figures, table
from neuronlab.lab.experiments.metrics.measure import THRESHOLD_SHARE, at_share, run

NAME = "metrics"
TITLE = "Evaluation metrics: accuracy vs precision/recall/F1 on imbalanced data, MSE vs MAE"
COURSE = "002 question 12"
QUESTION_ZH = """12. 模型评估指标：你了解哪些常用的模型评估指标? 它们分别适用于什么任务?
（准确率：当样本数据存在不均衡情况时，准确率可能无法准确反映模型的性能。例如，在一个二分类任务中，
99%的样本属于类别 A，1%的样本属于类别 B，如果模型将所有样本都预测为类别 A，虽然准确率很高，
但实际上模型并没有很好地学习到类别 B 的特征。MSE 对较大的误差给予更大的惩罚；MAE 对每个误差的权重相同。）"""
QUESTION_EN = """12. Model evaluation metrics: which common evaluation metrics do you know, and which task does each suit?
(The seed's answer: accuracy can mislead on imbalanced data — with 99% of samples in class A and 1% in
class B, predicting A for everything scores a high accuracy without learning class B. MSE penalizes
large errors more; MAE weighs every error the same.)"""
SEE_ALSO = ("losses",)

SIZES = {
    "shares": ((0.5, 0.2, 0.1, 0.05, 0.01), (0.5, 0.05, 0.01)),  # minority shares of the moons
    "n_points": (3000, 1000),  # moons points per share (before the 60/20/20 split)
    "epochs": (300, 150),  # full-batch Adam steps of the 2-16-2 network
    "digits_epochs": (20, 6),  # epochs of the 64-32-10 network on the imbalanced digits
    "reference_epochs": (100, 20),  # the digits reference recipe (REFERENCES.md: 100 epochs)
}

SEED_EXAMPLE_SHARE = 0.01  # the seed's 99/1 example


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        f"Two moons (noise 0.3), {s['n_points']} points per data set with the second class cut to a share of "
        f"{list(s['shares'])} (the seed's example is 1%), stratified 60/20/20 train/validation/test split per seed. "
        "Baseline: always the training set's majority class. Trained classifier: a 2-16-2 ReLU network, "
        f"cross-entropy, full-batch Adam lr 1e-2, {s['epochs']} steps, class 1 when P(class 1) ≥ 0.5; at a "
        f"{THRESHOLD_SHARE:.0%} share also at the threshold with the best minority F1 on the validation part "
        "(49 thresholds from 0.02 to 0.98), scored once on the test part. Multi-class: the 8×8 digits with class k "
        "cut to 1 − 0.105k of its samples (digit 9: 5.5%), stratified 70/30 split, a 64-32-10 network "
        f"({s['digits_epochs']} epochs "
        "of Adam lr 1e-2, batch 64); macro, micro and weighted F1. Regression: 1000 targets y = 3 sin x + x and two "
        "predictors with the same MAE — N(0, 1) errors everywhere, or exact on 90% and far off on 10%. Every score "
        "by neuronlab.metrics, compared with scikit-learn's on the same predictions. Beside the digits, the "
        "reference recipe on the whole, balanced digits (64-64-10 MLP, Adam 1e-3, batch 64, "
        f"{s['reference_epochs']} epochs, 80/20 split)."
    )


def _seed_example(r: dict) -> dict:
    return at_share(r, SEED_EXAMPLE_SHARE)


def _gain_gap(r: dict) -> float:
    m = at_share(r, THRESHOLD_SHARE)
    f1_gain = m["trained"]["f1"] - m["trivial"]["f1"]
    accuracy_gain = m["trained"]["accuracy"] - m["trivial"]["accuracy"]
    return 100 * (f1_gain - accuracy_gain)


def _micro_gap(r: dict) -> float:
    pairs = [r["digits"]["trained"], r["digits"]["trivial"]] + [m["trained"] for m in r["moons"]]
    return max(abs(s["f1_micro"] - s["accuracy"]) for s in pairs)


def _sklearn_gap(r: dict) -> float:
    gaps = [m["sklearn_gap"] for m in r["moons"]] + [r["digits"]["sklearn_gap"]]
    return max(gaps + [v["sklearn_gap"] for v in r["regression"].values()])


def _mse_ratio(r: dict) -> float:
    a, b = r["regression"]["gaussian_errors"], r["regression"]["rare_large_errors"]
    return math.log10(b["mse"] / a["mse"])


ACCURACY_QUOTE = (
    "002 12: 在一个二分类任务中，99%的样本属于类别 A，1%的样本属于类别 B，如果模型将所有样本都预测为类别 A，"
    "虽然准确率很高，但实际上模型并没有很好地学习到类别 B 的特征"
)

CLAIMS = [
    Claim(
        id="baseline-misses-minority",
        question="002 12",
        statement="On 99/1 data the majority-class baseline finds none of the minority class (minority recall 0)",
        course_says=ACCURACY_QUOTE,
        course_agrees=True,
        metric="minority recall of the majority-class baseline at a 1% share",
        measure=lambda r: _seed_example(r)["trivial"]["recall"],
        rule="<",
        threshold=0.01,
    ),
    Claim(
        id="accuracy-hides-difference",
        question="002 12",
        statement="On 99/1 data accuracy cannot tell a trained network from the majority-class baseline: "
        "their test accuracies differ by less than 1 percentage point",
        course_says="002 12: 当样本数据存在不均衡情况时，准确率可能无法准确反映模型的性能",
        course_agrees=True,
        metric="|trained − baseline| test accuracy at a 1% share (percentage points)",
        measure=lambda r: (
            100 * abs(_seed_example(r)["trained"]["accuracy"] - _seed_example(r)["trivial"]["accuracy"])
        ),
        rule="<",
        threshold=1.0,
    ),
    Claim(
        id="f1-separates",
        question="002 12",
        statement="Minority-class F1 separates the trained network from the baseline far more than accuracy "
        "does: its F1 gain exceeds its accuracy gain",
        metric="(F1 gain − accuracy gain) of the trained network over the baseline at a 5% share (points)",
        measure=_gain_gap,
        rule=">",
        threshold=0.0,
        note="The seed names only accuracy for classification; precision, recall and F1 are the metrics "
        "that expose the baseline.",
    ),
    Claim(
        id="macro-below-weighted",
        question="002 12",
        statement="On imbalanced digits macro F1 (every class counted equally) is below weighted F1 "
        "(classes counted by support): the rare classes are recognized less well",
        metric="weighted − macro F1 of the trained network (points)",
        measure=lambda r: 100 * (r["digits"]["trained"]["f1_weighted"] - r["digits"]["trained"]["f1_macro"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="micro-f1-is-accuracy",
        question="002 12",
        statement="For single-label classification micro-averaged F1 equals accuracy",
        metric="max |micro F1 − accuracy| over the classifiers scored",
        measure=_micro_gap,
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="threshold-on-validation",
        question="002 12",
        statement="Moving the decision threshold to the value with the best minority F1 on validation data "
        "raises the test minority F1 above the default threshold 0.5",
        metric="test minority F1 at the validation-chosen threshold − at 0.5, 5% share (points)",
        measure=lambda r: (
            100
            * (
                at_share(r, THRESHOLD_SHARE)["trained_tuned"]["f1"]
                - at_share(r, THRESHOLD_SHARE)["trained"]["f1"]
            )
        ),
        rule=">",
        threshold=0.0,
        note="With about 30 minority points in the validation part, the chosen threshold is itself noisy.",
        expected="inconclusive",
    ),
    Claim(
        id="mse-penalizes-large-errors",
        question="002 12",
        statement="Of two predictors with the same MAE, the one with rare large errors has the larger MSE",
        course_says="002 12: MSE 对较大的误差给予更大的惩罚……MAE 对每个误差的权重相同",
        course_agrees=True,
        metric="log10(MSE of rare large errors / MSE of N(0, 1) errors), equal MAE",
        measure=_mse_ratio,
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="equals-scikit-learn",
        question="002 12",
        statement="neuronlab.metrics gives scikit-learn's accuracy, precision, recall, F1 (binary, macro, micro, "
        "weighted), MSE, MAE and R² on every prediction scored",
        metric="max |neuronlab − scikit-learn| over all scores",
        measure=_sklearn_gap,
        rule="<",
        threshold=1e-9,
    ),
]

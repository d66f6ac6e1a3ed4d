"""overfitting: reading over- and under-fitting off learning curves, and the remedies of
002 question 7 measured side by side, each with its strength chosen on validation data."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.overfitting.figures import figures, table
from neuronlab.lab.experiments.overfitting.measure import (
    GRIDS,
    LR,
    MODELS,
    N_TEST,
    N_TRAIN,
    N_VAL,
    NOISE,
    SKEW,
    SMALL_LR,
    run,
)

NAME = "overfitting"
TITLE = "Over- and under-fitting: diagnosis from learning curves and remedies compared"
COURSE = "002 question 7"
QUESTION_ZH = """7. 过拟合与欠拟合
- 定义与判断：判断方法：一种常用的判断方式是观察模型在训练集和验证集上的损失值以及评估指标。如果模型在训练集上损失很低，但在验证集上损失却很高，这很可能是过拟合的表现。反之，如果训练集和验证集的损失都很高，则可能出现了欠拟合。
- 解决方法：解决过拟合：增加数据量；采用正则化方法（L1 和 L2）；使用 Dropout 技术；提前停止训练；采用集成学习方法。
解决欠拟合：增加模型的复杂度；调整模型的超参数（适当增大学习率）；对数据进行预处理（归一化、标准化）；尝试使用更复杂的模型结构或算法。"""
QUESTION_EN = """7. Overfitting and underfitting. Diagnosis: watch the loss (and metrics) on the training and validation
sets. A low training loss with a high validation loss suggests overfitting; high losses on both suggest
underfitting.
Remedies for overfitting: more data, regularization (L1/L2), dropout, early stopping, ensembles.
Remedies for underfitting: a more complex model, tuned hyperparameters (a larger learning rate),
preprocessing (normalization, standardization), a stronger model class."""
SEE_ALSO = ("weight-decay", "dropout", "batchnorm")

SIZES = {
    "epochs": (75, 75),  # full-batch Adam steps per network (a fixed budget)
    "patience": (15, 15),  # early stopping on the validation loss
    "ensemble_size": (4, 3),  # networks averaged
    "more_data": (800, 800),  # training points of the more-data remedy (10× the 80)
}


def _arch(hidden: list[int]) -> str:
    return "-".join(map(str, [2, *hidden, 2]))


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        f"Two moons with noise {NOISE}: {N_TRAIN} training points, {N_VAL} validation and {N_TEST} test points, "
        f"independent draws per seed. Diagnosis: a logistic regression (too small), a {_arch(MODELS['right'])} MLP "
        f"(right) and a {_arch(MODELS['too large'])} MLP (too large), each {s['epochs']} steps of full-batch Adam "
        f"(lr {LR:g}) on cross-entropy — a fixed budget. Remedies on the too-large network, each strength chosen on "
        f"the validation loss from a grid widened by one point when the best is on an edge (the table marks a choice "
        f"still on the edge): L2 weight decay λ ∈ {GRIDS['weight decay']}, "
        f"L1 λ ∈ {GRIDS['L1']}, dropout p ∈ {GRIDS['dropout']}, BatchNorm1d with Adam's lr ∈ {GRIDS['batch norm']}; "
        f"early stopping (patience {s['patience']}, best weights restored); an ensemble averaging the probabilities of "
        f"{s['ensemble_size']} networks from different initializations; {s['more_data']} training points instead of "
        f"{N_TRAIN}. Underfitting remedies on the right-sized network: from Adam lr {SMALL_LR:g} to the lr chosen on "
        f"validation from {GRIDS['larger lr']}; inputs whose second feature is multiplied by {SKEW:g}, raw against "
        "standardized with the training statistics. Every loss is the data loss (no penalty)."
    )


def _gap(m: dict) -> float:
    return math.log10(m["val_loss"] / m["train_loss"])


def _remedy(name: str, course: str, expected: str = "supports") -> Claim:
    return Claim(
        id=f"remedy-{name.replace(' ', '-').lower()}",
        question="002 7",
        statement=f"{name[0].upper() + name[1:]} lowers the too-large network's test loss",
        course_says=f"002 7 解决过拟合: {course}",
        course_agrees=True,
        metric=f"log10(test loss without / with {name})",
        measure=lambda r: math.log10(
            r["models"]["too large"]["test_loss"] / r["remedies"][name]["test_loss"]
        ),
        rule=">",
        threshold=0.0,
        expected=expected,
    )


CLAIMS = [
    Claim(
        id="diagnose-overfitting",
        question="002 7",
        statement="The too-large network shows the overfitting signature: its validation/training loss ratio is "
        "larger than the right-sized network's",
        course_says="002 7: 如果模型在训练集上损失很低，但在验证集上损失却很高，这很可能是过拟合的表现",
        course_agrees=True,
        metric="log10(val/train loss), too large − right",
        measure=lambda r: _gap(r["models"]["too large"]) - _gap(r["models"]["right"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="diagnose-underfitting",
        question="002 7",
        statement="The too-small model shows the underfitting signature: its training loss is higher than the "
        "right-sized network's",
        course_says="002 7: 如果训练集和验证集的损失都很高，则可能出现了欠拟合",
        course_agrees=True,
        metric="log10(training loss, too small / right)",
        measure=lambda r: math.log10(
            r["models"]["too small"]["train_loss"] / r["models"]["right"]["train_loss"]
        ),
        rule=">",
        threshold=0.0,
    ),
    _remedy("more data", "增加数据量"),
    _remedy("weight decay", "采用正则化方法：如 L1 和 L2 正则化"),
    _remedy("L1", "采用正则化方法：如 L1 和 L2 正则化"),
    _remedy("dropout", "使用 Dropout 技术", expected="inconclusive"),
    _remedy("early stopping", "提前停止训练"),
    _remedy("ensemble", "采用集成学习方法"),
    _remedy("batch norm", "(002 5) 批归一化……起到了一定的正则化作用"),
    Claim(
        id="larger-lr-fixes-underfitting",
        question="002 7",
        statement=f"For the right-sized network under-trained at Adam lr {SMALL_LR:g}, the learning rate chosen on "
        "validation lowers the test loss",
        course_says="002 7 解决欠拟合: 调整模型的超参数：适当增大学习率",
        course_agrees=True,
        metric=f"log10(test loss at lr {SMALL_LR:g} / at the chosen lr)",
        measure=lambda r: math.log10(
            r["underfitting"]["small lr"]["test_loss"] / r["underfitting"]["larger lr"]["test_loss"]
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="standardizing-fixes-skewed-inputs",
        question="002 7",
        statement=f"With one input feature scaled ×{SKEW:g}, standardizing the inputs lowers the test loss",
        course_says="002 7 解决欠拟合: 对数据进行预处理：如归一化、标准化等操作",
        course_agrees=True,
        metric="log10(test loss raw / standardized inputs)",
        measure=lambda r: math.log10(
            r["underfitting"]["skewed inputs"]["test_loss"]
            / r["underfitting"]["standardized inputs"]["test_loss"]
        ),
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
]

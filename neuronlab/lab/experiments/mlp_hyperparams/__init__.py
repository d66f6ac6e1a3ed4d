"""mlp-hyperparams: how hidden units, depth and learning rate change an MLP on the digits, and
a joint search by grid, random, Bayesian (TPE), genetic-algorithm and simulated-annealing
strategies under one trial budget (003 4.2 exercises 1–6, 4.3 exercise 1)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.mlp_hyperparams.figures import figures, table
from neuronlab.lab.experiments.mlp_hyperparams.measure import BASE, BATCH_SIZE, LR_GRID, run

NAME = "mlp-hyperparams"
TITLE = "MLP hyperparameters: hidden units, depth, learning rate, and joint search"
COURSE = "003 4.2 exercises 1–6 and 4.3 exercise 1"
QUESTION_ZH = """4.2 1. 在所有其他参数保持不变的情况下，更改超参数num_hiddens的值，并查看此超参数的变化对结果有何影响。确定此超参数的最佳值
2. 尝试添加更多的隐藏层，并查看它对结果有何影响
3. 改变学习速率会如何影响结果？保持模型架构和其他超参数（包括轮数）不变，学习率设置为多少会带来最好的结果？
4. 通过对所有超参数（学习率、轮数、隐藏层数、每层的隐藏单元数）进行联合优化，可以得到的最佳结果是什么？
5. 描述为什么涉及多个超参数更具挑战性
6. 如果想要构建多个超参数的搜索方法，请想出一个聪明的策略

4.3 1. 尝试添加不同数量的隐藏层（也可以修改学习率），怎么样设置效果最好？"""
QUESTION_EN = """4.2 (1) Keeping everything else fixed, vary num_hiddens: how does it change the result, and what is its best value?
(2) Add more hidden layers: what happens?
(3) How does the learning rate change the result with the architecture and the number of epochs fixed; which learning rate is best?
(4) What is the best result from optimizing all hyperparameters (learning rate, epochs, hidden layers, units per layer) jointly?
(5) Why is tuning several hyperparameters harder?
(6) Devise a clever strategy to search over several hyperparameters.

4.3 (1) Try different numbers of hidden layers (and learning rates): which setting works best?"""
SEE_ALSO = ("optimizers", "overfitting")

SIZES = {
    "n_train": (None, 500),  # training images (None: the whole 60% part, 1077)
    "epochs": (20, 10),  # the fixed budget of every sweep run
    "widths": ((8, 64, 256), (8, 64, 256)),
    "depths": ((1, 2, 4), (1, 4)),
    "lrs": ((0.01, 0.1, 1.0, 2.0, 3.0), (0.01, 0.1, 1.0, 2.0)),  # the learning-rate sweep (ex. 3)
    "budget": (12, 8),  # trials per search strategy
    "space": (
        {
            "lr": (0.01, 3.0, "log"),
            "width": (16, 256, "logint"),
            "depth": (1, 3, "int"),
            "epochs": (4, 20, "int"),
        },
        {
            "lr": (0.01, 3.0, "log"),
            "width": (16, 256, "logint"),
            "depth": (1, 3, "int"),
            "epochs": (3, 10, "int"),
        },
    ),
    "reference_epochs": (100, 20),  # the digits reference recipe (REFERENCES.md: 100 epochs)
}
SLOW_LR, SEED_LR, FAST_LR = 0.01, 0.1, 2.0


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    n_train = (
        "the whole 60% training part" if s["n_train"] is None else f"the first {s['n_train']} training images"
    )
    space = ", ".join(
        f"{k} ∈ [{lo}, {hi}]{' (log)' if 'log' in kind else ''}" for k, (lo, hi, kind) in s["space"].items()
    )
    return (
        f"The 8×8 digits, stratified 60/20/20 train/validation/test split per seed ({n_train}). An MLP with ReLU "
        f"hidden layers trained by mini-batch SGD (batch {BATCH_SIZE}) on cross-entropy. The sweeps are "
        f"FIXED-BUDGET, not trained to convergence: {s['epochs']} epochs each. Width {list(s['widths'])} at "
        f"{BASE['depth']} hidden layer and depth {list(s['depths'])} at {BASE['width']} units, each architecture "
        f"at its own learning rate chosen on validation accuracy from {[round(x, 4) for x in LR_GRID]} (widened "
        f"when the best is on an edge); the learning-rate sweep {list(s['lrs'])} at {BASE['width']}×{BASE['depth']}. "
        f"Joint search over {space} with neuronlab.tune (Optuna): grid, random, TPE, a genetic algorithm (NSGA-II "
        f"on one objective) and simulated annealing (neuronlab.tune's sampler), {s['budget']} trials each (the grid "
        "takes the largest grid that fits), scored on validation accuracy. The samplers share the seed, so random, "
        "TPE's start-up trials, the genetic algorithm's first population and annealing's first 3 trials are the "
        "same draws: the strategies differ only in how they go on from there. The configuration with the best validation accuracy over "
        "all strategies is scored once on the test part. Beside it, the digits reference recipe (64-64-10 MLP, "
        f"Adam 1e-3, batch 64, {s['reference_epochs']} epochs, 80/20 split)."
    )


def _tuned(r: dict, key: str, value: int) -> dict:
    return next(t for t in r["sweeps"][key] if t[key] == value)


def _lr_run(r: dict, lr: float) -> dict:
    return next(t for t in r["sweeps"]["lr"] if math.isclose(t["lr"], lr))


def _loss_ratio(r: dict) -> float:
    slow, base = _lr_run(r, SLOW_LR)["train_loss"][-1], _lr_run(r, SEED_LR)["train_loss"][-1]
    return math.log10(slow / base)


def _search_gap(a: str, b: str):
    return lambda r: 100 * (r["search"]["strategies"][a]["best"] - r["search"]["strategies"][b]["best"])


STRATEGY_QUOTE = "003 4.2 ex.6: 随机搜索、遗传算法、模拟退火算法、贝叶斯优化算法等"
STRATEGY_NOTE = ("The seed lists these strategies without comparing them; at this budget the best validation "
                 "score of one search is a noisy draw.")  # fmt: skip

CLAIMS = [
    Claim(
        id="width-256-vs-8",
        question="003 4.2 ex.1",
        statement="256 hidden units reach a higher validation accuracy than 8 (each at its own tuned learning "
        "rate, same fixed budget)",
        metric="validation accuracy, 256 units − 8 units (points)",
        measure=lambda r: (
            100 * (_tuned(r, "width", 256)["val_accuracy"] - _tuned(r, "width", 8)["val_accuracy"])
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="depth-4-vs-1",
        question="003 4.2 ex.2",
        statement="Four hidden layers reach a higher validation accuracy than one (each at its own tuned "
        "learning rate, same fixed budget)",
        course_says="003 4.3 ex.1: 隐藏层数量：通常1-2层即可，层数过多可能不会带来明显提升",
        course_agrees=False,
        note="A fixed budget of SGD epochs: a deeper plain MLP learns more slowly in the same number of steps, "
        "so this says nothing about what it would reach trained to convergence.",
        metric="validation accuracy, 4 hidden layers − 1 (points)",
        measure=lambda r: (
            100 * (_tuned(r, "depth", 4)["val_accuracy"] - _tuned(r, "depth", 1)["val_accuracy"])
        ),
        rule=">",
        threshold=0.0,
        expected="contradicts",
    ),
    Claim(
        id="small-lr-too-slow",
        question="003 4.2 ex.3",
        statement=f"With the epochs fixed, lr = {SLOW_LR} (< 0.1) ends with a higher training loss than "
        f"lr = {SEED_LR}",
        course_says="003 4.2 ex.3: 过低的学习率导致模型收敛过慢……lr < 0.1 时存在收敛过慢的问题",
        course_agrees=True,
        metric=f"log10(final training loss at lr {SLOW_LR} / at lr {SEED_LR})",
        measure=_loss_ratio,
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="large-lr-fails",
        question="003 4.2 ex.3",
        statement=f"With lr = {FAST_LR} (> 1) SGD does not converge: validation accuracy stays below 50%",
        course_says="003 4.2 ex.3: 过高的学习率导致模型无法收敛……lr > 1时存在无法收敛的问题",
        course_agrees=True,
        metric=f"validation accuracy at lr {FAST_LR} (%)",
        measure=lambda r: 100 * _lr_run(r, FAST_LR)["val_accuracy"],
        rule="<",
        threshold=50.0,
    ),
    Claim(
        id="tuned-lr-in-seed-range",
        question="003 4.3 ex.1",
        statement=f"The SGD learning rate chosen on validation data for the {BASE['width']}-unit, "
        f"{BASE['depth']}-layer MLP is at most 0.1, in the seed's usual range 0.01–0.1",
        course_says="003 4.3 ex.1: 学习率：对于SGD，学习率在0.01到0.1之间比较常见",
        course_agrees=True,
        metric="log10(chosen lr); the grid's points are half a decade apart, so ≤ 0.1 means < −0.75",
        measure=lambda r: math.log10(_tuned(r, "width", BASE["width"])["lr"]),
        rule="<",
        threshold=-0.75,
        note="The best rate depends on the input scale, the batch size and the epoch budget; the seed's range "
        "comes from d2l's Fashion-MNIST setting, not from this one.",
        expected="contradicts",
    ),
    Claim(
        id="joint-search-vs-reference",
        question="003 4.2 ex.4",
        statement="The configuration chosen by the joint search (best validation accuracy over all strategies) is "
        "at least as accurate on its test part as the digits reference recipe",
        metric="test accuracy, chosen configuration − reference recipe (points)",
        measure=lambda r: 100 * (r["search"]["chosen"]["test_accuracy"] - r["reference"]["test_accuracy"]),
        rule=">",
        threshold=0.0,
        note="The search trains plain SGD for at most the search space's epochs on the 60% training part; the "
        "recipe trains Adam for longer on 80%. Both test parts are 20% of the digits, drawn by the same seed.",
        expected="inconclusive",
    ),
    Claim(
        id="random-vs-grid",
        question="003 4.2 ex.5",
        statement="Under the same trial budget random search finds a better configuration (validation accuracy) "
        "than grid search, which can try only a few values of each of the 4 hyperparameters",
        course_says="003 4.2 ex.5: 超参数的组合数随超参数的个数上升呈指数级增长，因此需要有更完善的搜索策略",
        course_agrees=True,
        metric="best validation accuracy, random − grid (points)",
        measure=_search_gap("random", "grid"),
        rule=">",
        threshold=0.0,
        expected="inconclusive",
    ),
    *[
        Claim(
            id=f"{claim_id}-vs-random",  # ids kept from before the strategies took neuronlab.tune's names
            question="003 4.2 ex.6",
            statement=f"{label} finds a better configuration (validation accuracy) than random search under the "
            "same trial budget",
            course_says=STRATEGY_QUOTE,
            metric=f"best validation accuracy, {strategy} − random (points)",
            measure=_search_gap(strategy, "random"),
            rule=">",
            threshold=0.0,
            note=STRATEGY_NOTE,
            expected="inconclusive",
        )
        for claim_id, strategy, label in (
            ("tpe", "tpe", "TPE (Bayesian optimization)"),
            ("ga", "ga", "A genetic algorithm (NSGA-II)"),
            ("sa", "anneal", "Simulated annealing"),
        )
    ],
]

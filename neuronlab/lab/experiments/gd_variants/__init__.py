"""gd-variants: full-batch gradient descent, stochastic gradient descent (one sample per update)
and mini-batch gradient descent are one training loop with a different batch size (004 question
(14)). Each gets its own learning rate, tuned on validation data; they are compared at the same
number of epochs and at the same number of updates, and their cost per update and per epoch is
timed alternately in the same run."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.gd_variants.figures import figures, table
from neuronlab.lab.experiments.gd_variants.measure import HIDDEN, MINI_BATCH, TIMED_UPDATES, run
from neuronlab.lab.experiments.gd_variants.training import LR_GRID

NAME = "gd-variants"
TITLE = "Full-batch GD, SGD and mini-batch GD: one loop, three batch sizes"
COURSE = "004 question (14)"
QUESTION_ZH = "(14)梯度下降、随机梯度下降与小批量梯度下降都分别是怎样设计的?"
QUESTION_EN = "(14) How are gradient descent, stochastic gradient descent and mini-batch gradient descent each designed?"
SEE_ALSO = ("batch-size", "optimizers")

SIZES = {
    "n_train": (400, 200),  # training images (of the 1077 of the training part)
    "epochs": (3, 4),  # the equal-epochs budget (the same number of per-sample gradients)
    "updates": (100, 60),  # the equal-updates budget
    "window": (30, 20),  # the last updates, each followed by a whole-set loss
    "noise_samples": (200, 150),  # per-sample gradients for the noise of a batch gradient
    "noise_draws": (200, 100),  # random batches per batch size
    "reference_epochs": (100, 10),  # the digits reference recipe (REFERENCES.md: 100 epochs)
    "timing_repeats": (5, 5),  # alternate timings of the variants' updates; the minimum is kept
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        f"Scikit-learn's 8×8 digits, stratified 60/20/20 train/validation/test split per seed (the first "
        f"{s['n_train']} training images), an MLP 64-{HIDDEN}-10 with ReLU and cross-entropy, plain SGD "
        "updates w ← w − η∇L, the same "
        f"initial weights and batch order per seed for every variant: Trainer.fit with batch_size=None "
        f"(full-batch GD), 1 (SGD) and {MINI_BATCH} (mini-batch). Two fixed budgets: {s['epochs']} epochs (the "
        f"same number of per-sample gradients: {s['epochs']} updates of GD, {s['epochs']}·N of SGD) and "
        f"{s['updates']} updates. For each variant and budget the learning rate is chosen on the validation loss "
        f"from {LR_GRID}, widened while the best is on an edge. The whole-set training loss follows each of the "
        f"last {s['window']} of the {s['updates']} updates. Cost: {TIMED_UPDATES} updates of each variant (GD on "
        f"the whole training part), the three timed alternately {s['timing_repeats']} times in the same process "
        "(minimum kept); an epoch costs ceil(N/b) updates. Noise: at the initial weights, E‖g_B − g‖² over "
        f"{s['noise_draws']} "
        f"random batches per size from {s['noise_samples']} per-sample gradients, beside σ²/b·(N−b)/(N−1). "
        f"Beside the accuracies, the digits reference recipe (64-64-10 MLP, Adam 1e-3, batch 64, 80/20 split) run "
        f"for {s['reference_epochs']} epochs."
    )


def _log_ratio(r: dict, budget: str, worse: str, better: str) -> float:
    a, b = r[budget][worse]["train_loss"], r[budget][better]["train_loss"]
    return math.log10(a / b) if a is not None and b is not None else math.nan


def _count_errors(r: dict) -> float:
    n = r["n_train"]
    formula = {"gd": 1, "sgd": n, "minibatch": math.ceil(n / MINI_BATCH)}
    errors = sum(abs(r["iterations_per_epoch"][k] - formula[k]) for k in formula)
    for k in formula:  # the Trainer's own count after the epoch budget
        errors += abs(r["at_epochs"][k]["updates"] - r["epochs"] * formula[k])
        errors += abs(r["at_epochs"][k]["samples"] - r["epochs"] * n)
    return errors


COURSE_GD = "004 (14): 梯度下降……在每次迭代中，计算所有训练样本的损失函数对于模型参数的梯度……每次迭代需要处理大量数据，所以计算效率低下。"
COURSE_SGD = "004 (14): SGD 每次只用一个样本计算梯度，所以速度更快。但由于随机性，SGD 更新方向不一定很好地表示了整个训练集的整体趋势"
COURSE_MB = "004 (14): MBGD 每次使用多个样本计算梯度，得到的更新方向更有代表性，同时运算速度也比 GD 更快。"

CLAIMS = [
    Claim(
        id="one-loop-three-batch-sizes",
        question="004 (14)",
        statement="GD, SGD and mini-batch GD are one loop: an epoch makes 1, N and ceil(N/b) updates and every "
        "variant sees N samples per epoch",
        course_says="004 (14): GD 每次迭代使用所有训练样本；SGD 每次随机选择一个训练样本；MBGD 每次随机选择一个大小为 b 的小批量",
        course_agrees=True,
        metric="total |Trainer's count − formula| (updates per epoch, updates and samples after the epoch budget)",
        measure=_count_errors,
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="sgd-update-cheaper",
        question="004 (14)",
        statement="One SGD update (one sample) costs less time than one full-batch GD update",
        course_says=COURSE_SGD,
        course_agrees=True,
        metric="log10(GD seconds per update / SGD seconds per update), alternate timings",
        measure=lambda r: math.log10(r["timings"]["gd_update_seconds"] / r["timings"]["sgd_update_seconds"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="sgd-epoch-slower",
        question="004 (14)",
        statement="One pass over the data takes longer with SGD than with mini-batches of 32",
        metric="log10(SGD seconds per epoch / mini-batch seconds per epoch), alternate timings",
        measure=lambda r: math.log10(
            r["timings"]["sgd_epoch_seconds"] / r["timings"]["minibatch_epoch_seconds"]
        ),
        rule=">",
        threshold=0.0,
        note="The seed's 'SGD 速度更快' compares one update (the claim above); this claim compares one pass over the "
        "data, ceil(N/b) updates.",
    ),
    Claim(
        id="gd-behind-per-epoch",
        question="004 (14)",
        statement="With the same number of epochs, full-batch GD ends at a higher training loss than mini-batch "
        "GD (one update per epoch against ceil(N/b)), each at its own tuned lr",
        course_says=COURSE_GD,
        course_agrees=True,
        metric="log10(GD training loss / mini-batch training loss) after the epoch budget",
        measure=lambda r: _log_ratio(r, "at_epochs", "gd", "minibatch"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="sgd-updates-raise-loss",
        question="004 (14)",
        statement="SGD's updates raise the whole-training-set loss more often than full-batch GD's",
        course_says=COURSE_SGD,
        course_agrees=True,
        metric="fraction of the last updates that raised the whole-set loss: SGD − GD",
        measure=lambda r: (
            r["at_updates"]["sgd"]["fraction_updates_raising_loss"]
            - r["at_updates"]["gd"]["fraction_updates_raising_loss"]
        ),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="minibatch-beats-sgd-per-update",
        question="004 (14)",
        statement="With the same number of updates, mini-batch GD reaches a lower training loss than SGD, each at "
        "its own tuned lr",
        course_says=COURSE_MB,
        course_agrees=True,
        metric="log10(SGD training loss / mini-batch training loss) after the updates budget",
        measure=lambda r: _log_ratio(r, "at_updates", "sgd", "minibatch"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="gd-beats-minibatch-per-update",
        question="004 (14)",
        statement="With the same number of updates, full-batch GD reaches a lower training loss than mini-batch "
        "GD (its exact gradient against a 32-sample estimate), each at its own tuned lr",
        course_says="004 (14): 梯度下降方法可以保证在所有训练样本上最小化损失函数",
        course_agrees=True,
        metric="log10(mini-batch training loss / GD training loss) after the updates budget",
        measure=lambda r: _log_ratio(r, "at_updates", "minibatch", "gd"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="minibatch-more-accurate-per-epoch",
        question="004 (14)",
        statement="With the same number of epochs, mini-batch GD gives a higher test accuracy than full-batch GD",
        metric="mini-batch − GD test accuracy after the epoch budget (percentage points)",
        measure=lambda r: (
            100 * (r["at_epochs"]["minibatch"]["test_accuracy"] - r["at_epochs"]["gd"]["test_accuracy"])
        ),
        rule=">",
        threshold=0.0,
    ),
]

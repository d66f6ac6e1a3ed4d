"""batch-size: epoch, iteration and batch defined and counted, and what the batch size changes —
speed, gradient noise, the loss per epoch and per update, accuracy, the learning rate it needs,
linear warm-up (000/001 A2.1, 002 question 6). The seeds contradict each other about convergence
speed; the claims below separate the two axes on which each of them is right."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.batch_size.counting import COUNT_BATCHES, COUNT_N
from neuronlab.lab.experiments.batch_size.figures import figures, table
from neuronlab.lab.experiments.batch_size.measure import (
    HIDDEN,
    LARGE,
    MODERATE,
    SMALL,
    TIMED_UPDATES,
    WARMUP_FACTOR,
    run,
)
from neuronlab.lab.experiments.gd_variants.training import LR_GRID

NAME = "batch-size"
TITLE = "Epoch, iteration and batch; what the batch size changes"
COURSE = "000/001 A2.1; 002 question 6"
QUESTION_ZH = (
    "A2.1 (5 points) 尝试解释Epoch、Iteration、Batch几个概念及其不同，尝试说明batch_size的选择依据和影响\n\n"
    "6. 神经网络训练中的超参数：batch size：该超参数对模型的训练效率和稳定性有着显著影响。"
)
QUESTION_EN = (
    "A2.1 Explain the concepts epoch, iteration and batch and how they differ; explain how to choose\n"
    "batch_size and what it affects.\n\n"
    "6. Hyperparameters of training: the batch size has a marked effect on training efficiency and stability."
)
SEE_ALSO = ("gd-variants", "optimizers")

SIZES = {
    "n_train": (None, 300),  # training images (None: the whole training part, 1077)
    "epochs": (5, 3),  # the equal-epochs budget
    "updates": (150, 60),  # the equal-updates budget
    "warmup_updates": (10, 5),  # linear warm-up length at the large batch
    "noise_samples": (400, 200),  # per-sample gradients for the cosine of a batch gradient
    "noise_draws": (100, 50),  # random batches per size
    "reference_epochs": (100, 10),  # the digits reference recipe (REFERENCES.md: 100 epochs)
    "timing_repeats": (7, 5),  # alternate timings of each batch size; the minimum is kept
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    n = "all 1077" if s["n_train"] is None else f"the first {s['n_train']}"
    return (
        "A2.1's original answer trains on MNIST-sized images; here scikit-learn's 8×8 digits stand in (stratified "
        f"60/20/20 train/validation/test split per seed, {n} training images). Counting: Trainer.fit on {COUNT_N} "
        f"samples for 2 epochs at b ∈ {list(COUNT_BATCHES)}, with and without drop_last, against ceil(N/b) "
        f"(floor(N/b) with drop_last). Training: an MLP 64-{HIDDEN}-10 (ReLU), plain SGD, the same initial weights "
        f"and batch order per seed, at b = {SMALL}, {MODERATE} (equal epochs only) and {LARGE}, each with its own "
        "learning rate chosen on the "
        f"validation loss from {LR_GRID} (widened while the best is on an edge), under two fixed budgets: "
        f"{s['epochs']} epochs and {s['updates']} updates. Linear warm-up: b = {LARGE} for {s['epochs']} epochs at "
        f"{WARMUP_FACTOR:g}× its tuned lr, with the lr rising linearly over the first {s['warmup_updates']} updates "
        f"and without. Memory: the activation bytes one training step keeps for backward (analysis.measure_memory) at "
        f"b = {SMALL} and {LARGE}. Speed: {TIMED_UPDATES} updates at each batch size timed alternately {s['timing_repeats']} "
        f"times in the same process (minimum kept), as samples per second. Noise: at the initial weights, the "
        f"cosine between a batch gradient and the full gradient of {s['noise_samples']} samples, over "
        f"{s['noise_draws']} random batches per size. Beside the accuracies, the digits reference recipe (64-64-10 "
        f"MLP, Adam 1e-3, batch 64, 80/20 split) run for {s['reference_epochs']} epochs."
    )


def _loss(r: dict, budget: str, b: int) -> float:
    loss = r[budget][str(b)]["train_loss"]
    return math.nan if loss is None else loss


def _cosine(r: dict, b: int) -> float:
    return dict(zip(r["noise"]["batch_sizes"], r["noise"]["mean_cosine"]))[b]


def _memory_log_ratio(r: dict) -> float:
    large, small = r["memory"][str(LARGE)], r["memory"][str(SMALL)]
    if large["parameters"] != small["parameters"]:
        return math.nan  # the statement also says the parameters' memory stays the same
    return math.log2(large["activations"] / small["activations"])


def _count_errors(r: dict) -> float:
    return sum(not c["matches"] for c in r["counting"])


def _warmup_gain(r: dict) -> float:
    w = r["warmup"]
    if w["with"] is None or w["without"] is None:
        return math.nan
    return math.log10(w["without"] / w["with"])


A21_001 = ("001 A2.1: 小的batch_size可能会导致训练过程不稳定，但梯度更新更快，更容易得到更好的模型效果。大的batch_size"
           "可以提高内存利用率，训练效果比较稳定，但模型收敛速度较慢，过大的batch_size得到的模型效果普遍较差。")  # fmt: skip
Q6_002 = (
    "002 6: 较大的 batch size ……梯度更新更加稳定……较小的 batch size ……可能导致训练过程不稳定，收敛速度变慢。"
)
A21_000_SPEED = (
    "000 A2.1: 大batch_size可以更好地利用现代硬件的并行计算能力……使用更大的batch_size通常可以提高训练速度"
)
A21_000_LR = "000 A2.1: 当使用较大的batch_size时，通常需要较大的学习率来保证模型的收敛速度和效果"
SEEDS_DISAGREE = (
    "The seeds contradict each other on convergence speed: 001 A2.1 says a large batch converges more slowly, "
    "002 6 and 000 A2.1 say a small one does. The two claims measure the two axes on which the statements can "
    "be read: per epoch (per sample seen) and per update."
)

CLAIMS = [
    Claim(
        id="counts",
        question="000/001 A2.1",
        statement="An epoch is ceil(N/b) iterations (floor(N/b) with drop_last), one update per batch of b samples",
        course_says="000 A2.1: 所谓iterations，就是完成一次epoch所需的batch个数",
        course_agrees=True,
        metric="(N, b, drop_last) cases where Trainer's counters differ from the formula",
        measure=_count_errors,
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="small-batch-ahead-per-epoch",
        question="000/001 A2.1; 002 6",
        statement=f"With the same number of epochs, b = {SMALL} reaches a lower training loss than b = {LARGE} "
        "(each at its own tuned lr): per sample seen, the large batch converges more slowly",
        course_says=A21_001,
        course_agrees=True,
        metric=f"log10(training loss at b = {LARGE} / at b = {SMALL}) after the epoch budget",
        measure=lambda r: math.log10(_loss(r, "at_epochs", LARGE) / _loss(r, "at_epochs", SMALL)),
        rule=">",
        threshold=0.0,
        note=SEEDS_DISAGREE,
    ),
    Claim(
        id="small-batch-behind-per-update",
        question="000/001 A2.1; 002 6",
        statement=f"With the same number of updates, b = {SMALL} ends at a higher training loss than b = {LARGE} "
        "(each at its own tuned lr): per update, the small batch converges more slowly",
        course_says=Q6_002,
        course_agrees=True,
        metric=f"log10(training loss at b = {SMALL} / at b = {LARGE}) after the updates budget",
        measure=lambda r: math.log10(_loss(r, "at_updates", SMALL) / _loss(r, "at_updates", LARGE)),
        rule=">",
        threshold=0.0,
        note=SEEDS_DISAGREE,
    ),
    Claim(
        id="large-batch-throughput",
        question="000 A2.1",
        statement=f"A batch of {LARGE} processes more samples per second than a batch of {SMALL} (timed alternately "
        "in the same run)",
        course_says=A21_000_SPEED,
        course_agrees=True,
        metric=f"log10(samples/s at b = {LARGE} / at b = {SMALL})",
        measure=lambda r: math.log10(
            r["timings"][f"samples_per_second_{LARGE}"] / r["timings"][f"samples_per_second_{SMALL}"]
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="large-batch-less-noisy",
        question="002 6",
        statement=f"A batch of 128 points closer to the full gradient than a batch of {SMALL}",
        course_says="002 6: 较大的 batch size 在计算梯度时，由于包含了更多的数据样本，使得梯度更新更加稳定",
        course_agrees=True,
        metric=f"mean cos(g_B, g) at b = 128 − at b = {SMALL} (initial weights)",
        measure=lambda r: _cosine(r, 128) - _cosine(r, SMALL),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="large-batch-less-accurate",
        question="000/001 A2.1; 002 6",
        statement=f"With the same number of epochs, b = {LARGE} gives a lower test accuracy than b = {SMALL}, each "
        "at its own tuned lr",
        course_says=A21_001,
        course_agrees=True,
        metric=f"test accuracy at b = {SMALL} − at b = {LARGE} after the epoch budget (percentage points)",
        measure=lambda r: (
            100 * (r["at_epochs"][str(SMALL)]["test_accuracy"] - r["at_epochs"][str(LARGE)]["test_accuracy"])
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="moderate-batch-generalizes-best",
        question="000 A2.1",
        statement=f"A moderate batch (b = {MODERATE}) reaches a higher test accuracy than both b = {SMALL} and "
        f"b = {LARGE} with the same number of epochs, each at its own tuned lr",
        course_says="000 A2.1: 研究表明，适度的batch_size可以帮助模型更好地泛化。",
        course_agrees=True,
        metric=f"test accuracy at b = {MODERATE} − the better of b = {SMALL} and b = {LARGE} (percentage points)",
        measure=lambda r: (
            100
            * (
                r["at_epochs"][str(MODERATE)]["test_accuracy"]
                - max(r["at_epochs"][str(b)]["test_accuracy"] for b in (SMALL, LARGE))
            )
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
        note="One test image of 360 is 0.28 percentage points.",
        expected="inconclusive",
    ),
    Claim(
        id="memory-grows-with-batch",
        question="000 A2.1",
        statement=f"The activations a training step keeps for backward take more memory at b = {LARGE} than at "
        f"b = {SMALL}, while the parameters take the same",
        course_says="000 A2.1: 由于计算机的内存限制，batch_size不能设置过大，否则会导致内存不够用，产生溢出。",
        course_agrees=True,
        metric=f"log2(activation bytes at b = {LARGE} / at b = {SMALL}) (analysis.measure_memory)",
        measure=_memory_log_ratio,
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="large-batch-larger-lr",
        question="000 A2.1; 002 6",
        statement=f"The learning rate tuned for b = {LARGE} is larger than the one tuned for b = {SMALL} (same "
        "epoch budget)",
        course_says=A21_000_LR,
        course_agrees=True,
        metric=f"log2(tuned lr at b = {LARGE} / at b = {SMALL})",
        measure=lambda r: math.log2(r["at_epochs"][str(LARGE)]["lr"] / r["at_epochs"][str(SMALL)]["lr"]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="linear-scaling-rule",
        question="000 A2.1; 002 6",
        statement=f"The linear scaling rule holds: the lr tuned for b = {LARGE} is at least {LARGE // SMALL}× the "
        f"one tuned for b = {SMALL}",
        metric=f"log2(tuned lr ratio) − log2({LARGE // SMALL})",
        measure=lambda r: (
            math.log2(r["at_epochs"][str(LARGE)]["lr"] / r["at_epochs"][str(SMALL)]["lr"])
            - math.log2(LARGE / SMALL)
        ),
        rule=">",
        threshold=0.0,
        note="Goyal et al. (2017) scale the lr in proportion to the batch (with warm-up) for ResNets on ImageNet; "
        "here the rule is put to plain SGD on a small ReLU MLP.",
        expected="contradicts",
    ),
    Claim(
        id="warmup-helps-large-lr",
        question="002 6",
        statement=f"At b = {LARGE} and {WARMUP_FACTOR:g}× its tuned lr, a linear warm-up over the first updates "
        "ends at a lower training loss than starting at the full lr",
        metric="log10(training loss without warm-up / with warm-up)",
        measure=_warmup_gain,
        rule=">",
        threshold=0.0,
        note="Linear warm-up (Goyal et al., 2017) is meant to make a large, linearly scaled lr usable in the first "
        "updates; the rate tried here is twice the one tuned for this batch size.",
        expected="inconclusive",
    ),
]

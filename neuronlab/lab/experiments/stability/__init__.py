"""stability: vanishing and exploding gradients with depth, whether a small learning rate has
anything to do with them, the singular-value bounds of products of matrices behind them, and
recovering from a diverging run by clipping, a lower learning rate or a rollback (003 §4.8)."""

from __future__ import annotations

import math

import numpy as np

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.stability.figures import figures, table
from neuronlab.lab.experiments.stability.gradients import LR_GRID, TOO_SMALL
from neuronlab.lab.experiments.stability.measure import (
    BATCH,
    BIG_LR,
    CLIP,
    GAINS,
    SMALL_LR,
    TIGHT_FACTOR,
    run,
)

NAME = "stability"
TITLE = "Numerical stability: vanishing and exploding gradients, and recovering from divergence"
COURSE = "003 §4.8 (4.8.1, exercises 3 and 4)"
QUESTION_ZH = """4.8.1 梯度消失是指在深层网络中，随着网络层数加深，梯度逐渐变小或消失的现象
常见的诱因包括：
- 学习率设置过小，导致更新步长过小
- 激活函数的选择不恰当，如 ReLU
- 网络层数过多
梯度爆炸是指在深层网络中，随着网络层数加深，梯度逐渐增大或爆炸的现象

3. 在相关资料中查找两个矩阵乘积特征值的解析界。这对确保梯度条件合适有什么启示？
4. 如果我们知道某些项是发散的，我们能在事后修正吗？"""
QUESTION_EN = """4.8.1 Vanishing gradients: in deep networks the gradient shrinks or vanishes as layers are added.
Common causes:
- a too-small learning rate, so the update steps are too small
- an unsuitable activation, such as ReLU
- too many layers
Exploding gradients: the gradient grows or explodes as layers are added.

3. Look up analytic bounds on the eigenvalues of a product of two matrices. What do they imply for keeping
gradients well conditioned?
4. If we know that some terms diverge, can we fix this after the fact?"""
SEE_ALSO = ("initialization", "batchnorm", "residual")

SIZES = {
    "depth": (30, 16),  # hidden layers of the nets whose gradients are measured at initialization
    "width": (128, 64),
    "probe_batch": (256, 128),  # digits in the one batch of that measurement
    "lr_depth": (6, 4),  # hidden layers of the tanh net trained at two learning rates
    "lr_epochs": (8, 3),
    "n": (64, 32),  # size of the random matrices whose products are followed
    "k_max": (50, 20),
    "growth_n": (8, 8),  # the growth-rate estimate: products of k random n×n matrices, averaged
    "growth_k": (100, 60),
    "growth_trials": (20, 10),
    "trials": (200, 50),  # random 16×16 pairs for the eigenvalue bound
    "steps": (400, 160),  # SGD steps of the diverging regression run
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        f"Gradients at initialization: {s['depth']}-layer nets of width {s['width']} on {s['probe_batch']} digits "
        "(64 → hidden → 10, cross-entropy), one backward pass, ‖∂L/∂W_l‖ of every Linear layer, for sigmoid/tanh/"
        "ReLU with PyTorch's default init U(±1/√fan_in), Xavier (with the activation's gain), Kaiming and N(0, 1), "
        "plus BatchNorm before each sigmoid and tanh residual blocks h ← h + tanh(Wh + b). Learning rate and "
        f"gradients: a tanh net with {s['lr_depth']} hidden layers of 64 on the digits (stratified 60/20/20 split "
        f"per seed), SGD batch 64 for {s['lr_epochs']} epochs (fixed budget) at its rate tuned on the validation "
        f"part from {LR_GRID} (widened when the best is on an edge) and at that rate / {TOO_SMALL}, same init and "
        "batch order; the first hidden layer's ‖∂L/∂W‖ at every step. Products: k ≤ "
        f"{s['k_max']} random {s['n']}×{s['n']} matrices with N(0, g²/n) entries, g ∈ {list(GAINS)}, σ_max and "
        f"σ_min of the product against ∏σ_max and ∏σ_min; the growth rate of σ_max over {s['growth_k']} factors of "
        f"size {s['growth_n']} (g = 1), averaged over {s['growth_trials']} products; spectral radii of {s['trials']} "
        f"random 16×16 pairs. Divergence: a tanh MLP 10-64-64-1 on a synthetic regression (512 samples, MSE), SGD "
        f"batch {BATCH} for {s['steps']} steps at lr {BIG_LR}, then the same start and batches with "
        f"clip_grad_norm_(max_norm={CLIP}), with lr {SMALL_LR}, with DivergenceGuard (roll back, lr × 0.1; "
        f"explode_factor 1e3 and {TIGHT_FACTOR:g}) and with Adam at lr {BIG_LR}. A remedy 'recovers' when the "
        "baseline diverged and the remedy ends finite and below the starting loss."
    )


def _ratio(r: dict, name: str) -> float:
    return next(g["log10_first_over_last"] for g in r["gradients"] if g["name"] == name)


def _recovers(r: dict, key: str) -> float:
    """1 when the lr-0.5 baseline diverged and ``key`` ended finite below the starting loss, else 0."""
    div = r["divergence"]
    final = div[key]["final_loss"]
    return float(div["baseline"]["final_loss"] is None and final is not None and final < div["initial_loss"])


def _drift(grads: list[float]) -> float:
    """log10 of the gradient norm late in training over its value in the first steps."""
    return math.log10(np.mean(grads[-max(len(grads) // 3, 1) :]) / np.mean(grads[:5]))


SEED_481 = "003 4.8.1: 梯度消失……常见的诱因包括：学习率设置过小，导致更新步长过小"
SEED_EX3 = "003 4.8 ex.3: 如果每一层的 σ_max > 1，那么多层连乘后，最大奇异值会指数级增长 ((σ_max)^L)，导致梯度变得巨大"
SEED_EX4 = "003 4.8 ex.4: 可以，有一系列成熟的“事后修正”技术"

CLAIMS = [
    Claim(
        id="lr-absent-at-init",
        question="003 4.8.1",
        statement="At initialization the gradient does not depend on the learning rate: the first step's "
        f"first-layer gradient is the same at the tuned rate and at that rate / {TOO_SMALL}",
        course_says=SEED_481,
        course_agrees=False,
        metric="|log10(first-layer ‖∂L/∂W‖ at step 1, too-small lr / tuned lr)|",
        measure=lambda r: abs(
            math.log10(
                r["learning_rate"]["too_small"]["first_layer_grad"][0]
                / r["learning_rate"]["tuned"]["first_layer_grad"][0]
            )
        ),
        rule="<",
        threshold=1e-6,
        note="The learning rate scales the step, not the gradient: the forward and backward passes do not read it. "
        "A too-small rate makes training slow, which the seed conflates with a vanishing gradient.",
    ),
    Claim(
        id="small-lr-vanishing",
        question="003 4.8.1",
        statement=f"With a too-small learning rate (the tuned rate / {TOO_SMALL}) the first layer's gradient "
        "vanishes during training: it falls more than tenfold from its initial size",
        course_says=SEED_481,
        course_agrees=True,
        metric="log10(first-layer ‖∂L/∂W‖, mean over the last third of training / over the first 5 steps), "
        "too-small lr",
        measure=lambda r: _drift(r["learning_rate"]["too_small"]["first_layer_grad"]),
        rule="<",
        threshold=-1.0,
        expected="contradicts",
        note="With a tiny rate the weights barely move, so the gradient stays within a few percent of its value "
        "at initialization (up or down, by seed); a vanishing gradient is orders of magnitude. At the tuned rate the gradient changes much "
        "more (see the figure): the rate sets how fast the weights move, not whether gradients vanish.",
    ),
    Claim(
        id="relu-vs-sigmoid",
        question="003 4.8.1",
        statement="Through a deep stack the gradient vanishes more with ReLU (Kaiming init) than with sigmoid "
        "(Xavier init)",
        course_says="003 4.8.1: 梯度消失……常见的诱因包括：激活函数的选择不恰当，如 ReLU",
        course_agrees=True,
        metric="log10(‖∂L/∂W_1‖/‖∂L/∂W_last‖) for ReLU-Kaiming − the same for sigmoid-Xavier (decades)",
        measure=lambda r: _ratio(r, "ReLU, Kaiming") - _ratio(r, "sigmoid, Xavier"),
        rule="<",
        threshold=0.0,
        expected="contradicts",
        note="ReLU's slope is 1 where it is active, sigmoid's at most 1/4: it is sigmoid that shrinks the gradient "
        "layer after layer (the seed's own exercise 3 answer says so).",
    ),
    Claim(
        id="too-many-layers",
        question="003 4.8.1",
        statement="With PyTorch's default init, the gradient of a deep sigmoid net vanishes toward the input",
        course_says="003 4.8.1: 梯度消失……常见的诱因包括：网络层数过多",
        course_agrees=True,
        metric="log10(‖∂L/∂W_1‖/‖∂L/∂W_last hidden‖), sigmoid, default init (decades)",
        measure=lambda r: _ratio(r, "sigmoid, default init"),
        rule="<",
        threshold=0.0,
    ),
    Claim(
        id="singular-value-bounds",
        question="003 4.8 ex.3",
        statement="σ_min(A)σ_min(B) ≤ σ_i(AB) ≤ σ_max(A)σ_max(B) holds along every product of random matrices tried",
        course_says="003 4.8 ex.3: σ_min(A)σ_min(B) ≤ σ_i(AB) ≤ σ_max(A)σ_max(B)",
        course_agrees=True,
        metric="largest log10 excess of σ(product) over its bound, all gains and lengths",
        measure=lambda r: max(p["worst_bound_excess"] for p in r["products"]),
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="sigma-max-above-one-grows",
        question="003 4.8 ex.3",
        statement="When every factor has σ_max > 1, σ_max of the product grows exponentially with the number "
        "of factors",
        course_says=SEED_EX3,
        course_agrees=True,
        metric="log10 growth of σ_max(A_k⋯A_1) per factor, N(0, 1/n) factors (every σ_max > 1)",
        measure=lambda r: r["growth"]["log10_growth_per_factor"],
        rule=">",
        threshold=0.0,
        expected="contradicts",
        note="∏σ_max is only an upper bound. A random N(0, 1/n) matrix has σ_max ≈ 2 but stretches a typical "
        "direction by about 1, so the product's norm changes by a factor slightly below 1 per layer "
        "(the top Lyapunov exponent ½(ψ(n/2) + ln(2/n)) < 0 for N(0, 1/n) entries): it shrinks.",
    ),
    Claim(
        id="eigenvalue-bound-fails",
        question="003 4.8 ex.3",
        statement="Eigenvalues obey no such bound: ρ(AB) > ρ(A)ρ(B) for some random pairs",
        course_says="003 4.8 ex.3: 对于两个矩阵 A 和 B 的乘积，其特征值没有像奇异值那样直接而简洁的界",
        course_agrees=True,
        metric="fraction of random 16×16 pairs with ρ(AB) > ρ(A)ρ(B)",
        measure=lambda r: r["eigen"]["eigen_bound_broken"] / r["eigen"]["trials"],
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="clipping-recovers",
        question="003 4.8 ex.4",
        statement=f"Gradient clipping (max_norm {CLIP}) rescues the run that diverges at lr {BIG_LR}",
        course_says=SEED_EX4 + "：1. 梯度裁剪",
        course_agrees=True,
        metric="rate of seeds where the baseline diverged and the clipped run ended below its starting loss",
        measure=lambda r: _recovers(r, "clipped"),
        rule=">",
        threshold=0.5,
    ),
    Claim(
        id="lower-lr-recovers",
        question="003 4.8 ex.4",
        statement=f"Lowering the rate to {SMALL_LR} rescues the run that diverges at lr {BIG_LR}",
        course_says=SEED_EX4 + "：2. 降低学习率",
        course_agrees=True,
        metric="rate of seeds where the baseline diverged and the lr-0.05 run ended below its starting loss",
        measure=lambda r: _recovers(r, "lower_lr"),
        rule=">",
        threshold=0.5,
    ),
    Claim(
        id="rollback-recovers",
        question="003 4.8 ex.4",
        statement="Rolling back to the last good state with a lower rate (DivergenceGuard) rescues the run",
        course_says=SEED_EX4 + "：3. 回滚到检查点",
        course_agrees=True,
        metric="rate of seeds where the baseline diverged and the guarded run ended below its starting loss",
        measure=lambda r: _recovers(r, "guard"),
        rule=">",
        threshold=0.5,
    ),
]

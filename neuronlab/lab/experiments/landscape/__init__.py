"""landscape: the loss of the seed's 1-1-1 network over pairs of its parameters, for MSE and
cross-entropy, with a quantitative convexity probe (logistic regression as the convex control),
and the vectorized grid timed against one forward pass per point (000/001 A2.2)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.landscape.figures import figures, table
from neuronlab.lab.experiments.landscape.measure import CENTER, RANGE, run

NAME = "landscape"
TITLE = "Loss landscapes of the 1-1-1 network: MSE and cross-entropy are not convex"
COURSE = "000/001 A2.2"
QUESTION_ZH = (
    "A2.2 (5 points) 以一个简单的1-1-1结构的两层神经网络为例，分别采用均方误差损失函数和交叉熵损失函数，"
    "说明这两种函数关于参数的非凸性（可作图示意和说明）。"
)
QUESTION_EN = (
    "A2.2 (5 points) Take a simple two-layer network of structure 1-1-1 and show, for the mean squared\n"
    "error loss and for the cross-entropy loss, that each is non-convex in the parameters (a figure may\n"
    "illustrate it)."
)
SEE_ALSO = ("second-order", "losses")

SIZES = {
    "resolution": (
        61,
        61,
    ),  # grid points per axis of each slice over [−10, 10]² (41 gives the finite-difference
    # Hessian test false alarms on the convex control: its error estimate is too small there)
    "exact_points": (32, 8),  # random points of the box with an exact (double-backward) Hessian
    "keras_draws": (8, 4),  # Keras initializations of w2 in the seed's own setting
    "seed_grid": (40, 20),  # the seed's grid over (w1, b1) on [−2, 2]²
    "speed_grid": (20, 12),  # the timed grid (the seed's is 40×40: the loop over it would take ~0.5 s a time)
    "speed_repeats": (5, 3),  # alternate timings of each evaluation; the minimum is kept
}

COURSE_A22 = "000 A2.2: 由图像可以直观地看出，均方误差损失函数和交叉熵损失函数关于模型参数都是非凸的。"


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        "The seed's network: x → Dense(1, sigmoid) → Dense(1), data x = [0.5, 1, 1.5, 2], y = [0, 1, 1, 0]. "
        "MSE on the linear output; cross-entropy as the seed's binary case, sigmoid on the output and BCE "
        "(computed on the logit). Slices over (w1, b1) — the seed's pair —, (w1, w2) and (w2, b2) on "
        f"[{RANGE[0]:g}, {RANGE[1]:g}]² with a {s['resolution']}×{s['resolution']} grid, the other parameters "
        f"held at w1 = {CENTER['w1']:g}, b1 = {CENTER['b1']:g}, w2 = {CENTER['w2']:g}, b2 = {CENTER['b2']:g}; "
        "float64. Convexity probe (`analysis.convexity_report`): the midpoint test f((a+b)/2) ≤ (f(a)+f(b))/2 on "
        "all row, column and diagonal pairs of the grid plus 20,000 random pairs, and the finite-difference "
        "Hessian's smallest eigenvalue at every inner grid point (counted only beyond its estimated error); then "
        f"exact Hessians (double backward) at {s['exact_points']} random points of the box, for each pair and "
        "for all four parameters together. Control: logistic regression σ(wx + b) with cross-entropy. The "
        f"seed's own setting: (w1, b1) on [−2, 2]², {s['seed_grid']}×{s['seed_grid']}, for {s['keras_draws']} "
        "draws of w2 from Keras's glorot-uniform initializer (b2 = 0). Speed: the seed's grid "
        f"({s['speed_grid']}×{s['speed_grid']}, float32, MSE) evaluated vectorized (all points in one batched "
        "forward pass) and with one forward pass per point as the seed's Keras loop does, timed alternately "
        f"{s['speed_repeats']} times each in the same process, the minimum of each kept. Each seed draws the "
        "probe's random pairs and points and the Keras initializations."
    )


def _violating_pairs_pct(r: dict, loss: str, pair: str) -> float:
    g = r["slices"][loss][pair]["grid"]
    return 100 * g["midpoint_violations"] / g["midpoint_pairs"]


def _negative_points_pct(report: dict) -> float:
    return 100 * report["negative_curvature_points"] / report["hessian_points"]


def _output_layer_flags(r: dict) -> float:
    flags = 0
    for loss in ("mse", "cross_entropy"):
        out = r["slices"][loss]["w2_b2"]
        flags += out["grid"]["midpoint_violations"] + out["grid"]["negative_curvature_points"]
        flags += out["exact"]["midpoint_violations"] + out["exact"]["negative_curvature_points"]
    return flags


def _control_flags(r: dict) -> float:
    g, e = r["logistic"]["grid"], r["logistic"]["exact"]
    return g["midpoint_violations"] + g["negative_curvature_points"] + e["midpoint_violations"] + \
        e["negative_curvature_points"]  # fmt: skip


def _keras_non_convex(r: dict) -> float:
    si = r["seed_init"]
    return min(si[loss]["non_convex"] for loss in ("mse", "cross_entropy")) / len(si["w2"])


CLAIMS = [
    Claim(
        id="mse-not-convex",
        question="000 A2.2",
        statement="MSE of the 1-1-1 network is not convex in (w1, b1): midpoint pairs of the slice violate "
        "f((a+b)/2) ≤ (f(a)+f(b))/2",
        course_says=COURSE_A22,
        course_agrees=True,
        metric="% of midpoint pairs of the (w1, b1) MSE slice that violate convexity",
        measure=lambda r: _violating_pairs_pct(r, "mse", "w1_b1"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="ce-not-convex",
        question="000 A2.2",
        statement="Cross-entropy of the 1-1-1 network is not convex in (w1, b1): midpoint pairs of the slice "
        "violate f((a+b)/2) ≤ (f(a)+f(b))/2",
        course_says=COURSE_A22,
        course_agrees=True,
        metric="% of midpoint pairs of the (w1, b1) cross-entropy slice that violate convexity",
        measure=lambda r: _violating_pairs_pct(r, "cross_entropy", "w1_b1"),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="negative-curvature-all-parameters",
        question="000 A2.2",
        statement="Over all four parameters, both losses have a Hessian with a negative eigenvalue at some "
        "random points of the box (exact second derivatives, not a picture)",
        course_says=COURSE_A22,
        course_agrees=True,
        metric="min over MSE and CE of the % of random points where the exact 4×4 Hessian has λ_min < 0",
        measure=lambda r: min(_negative_points_pct(r["joint"][loss]) for loss in ("mse", "cross_entropy")),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="output-layer-convex",
        question="000 A2.2",
        statement="Over the output layer's (w2, b2) alone both losses are convex: the probe finds no violation",
        metric="midpoint violations + negative-curvature points over (w2, b2), both losses, grid and exact",
        measure=_output_layer_flags,
        rule="<",
        threshold=0.5,
        note="With the hidden layer fixed, MSE is least squares and cross-entropy is logistic regression on the "
        "hidden feature σ(w1 x + b1), both convex in (w2, b2): the non-convexity comes from the hidden "
        "layer's parameters and from products of weights across layers.",
    ),
    Claim(
        id="probe-control",
        question="000 A2.2",
        statement="The probe does not flag a convex loss: logistic regression passes both tests",
        metric="midpoint violations + negative-curvature points of logistic regression (grid and exact)",
        measure=_control_flags,
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="seed-setting-not-convex",
        question="000 A2.2",
        statement="In the seed's own setting ((w1, b1) on [−2, 2]², w2 drawn by Keras's initializer, b2 = 0) "
        "most draws give a non-convex slice for both losses",
        course_says=COURSE_A22,
        course_agrees=True,
        metric="fraction of Keras draws of w2 whose slice is non-convex (the smaller of MSE and CE)",
        measure=_keras_non_convex,
        rule=">",
        threshold=0.5,
    ),
    Claim(
        id="vectorized-equals-loop",
        question="000 A2.2",
        statement="The vectorized grid gives the same losses as one forward pass per point",
        metric="max |vectorized − per-point loop| over the timed grid",
        measure=lambda r: r["speed"]["max_abs_difference"],
        rule="<",
        threshold=1e-6,
    ),
    Claim(
        id="vectorized-faster",
        question="000 A2.2",
        statement="Evaluating the grid in one batched forward pass is faster than the seed's one forward pass "
        "per point (timed alternately in the same run)",
        metric="log10(loop seconds / vectorized seconds), minimum of the alternate timings",
        measure=lambda r: math.log10(r["timings"]["loop_seconds"] / r["timings"]["vectorized_seconds"]),
        rule=">",
        threshold=0.0,
        note="The seed's code calls model.evaluate once per grid point (a Python loop over 40×40 points); "
        "REFERENCES.md times that loop in Keras at 81 s per grid. Timings vary 5–10× between runs on a "
        "shared machine, so only the ratio of alternate timings is a claim.",
    ),
]

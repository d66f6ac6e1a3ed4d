"""second-order: what happens to the computational graph when second derivatives are asked for,
what they cost (a Hessian-vector product and the full Hessian against a gradient, timed
alternately), and whether the HVP agrees with the full Hessian (003 4.7 exercise 5)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.second_order.figures import figures, table
from neuronlab.lab.experiments.second_order.measure import FD_EPS, run

NAME = "second-order"
TITLE = "Second derivatives: Hessian-vector products against the full Hessian"
COURSE = "003 4.7 exercise 5"
QUESTION_ZH = """5. 假设想计算二阶导数。计算图发生了什么？预计计算需要多长时间？"""
QUESTION_EN = """5. Suppose we want to compute second derivatives. What happens to the computational graph?
How long do you expect the calculation to take?"""
SEE_ALSO = ("memory", "landscape")

SIZES = {
    "widths": ((4, 16, 64), (4, 16)),  # 1-h-1 tanh networks, n = 3h + 1 parameters
    "n_data": (100, 50),
    "repeats": (7, 5),  # alternate timings: min of this many calls of each
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    widths = list(s["widths"])
    return (
        f"Regression y = sin(x) + N(0, 0.1²) on {s['n_data']} points of [-3, 3] (noise drawn per seed) with a 1-h-1 "
        f"tanh network in float64 (initialization per seed), MSE loss, h ∈ {widths} (n = 3h + 1 parameters). For "
        "each size: the graph recorded for the loss and for its gradient with create_graph=True (ops and bytes), "
        "one Hessian-vector product (Pearlmutter: the gradient recorded, differentiated once more along a random v) "
        "against the full Hessian (one backward pass per column) times v and against central differences of the "
        f"gradient (ε = {FD_EPS:g}), and the largest-magnitude eigenvalue by eigvalsh against power iteration on "
        f"HVPs. At h = {widths[-1]}: a gradient, an HVP and the full Hessian timed ALTERNATELY in the same process, "
        f"min of {s['repeats']} calls each (wall-clock, kept apart from the results). A linear least-squares "
        "quadratic (200×10) checks the autograd Hessian against its closed form (2/N)AᵀA."
    )


def _largest(r: dict) -> dict:
    return r["sizes"][-1]


def _timing_ratio(r: dict, top: str, per_n: bool = False) -> float:
    t = r["timings"]
    n = t["n"] if per_n else 1
    return math.log10(t[f"{top}_min_seconds"] / (n * t["gradient_min_seconds"]))


COST_QUOTE = "003 4.7 ex.5: 可能比一阶导数慢 P 倍或更多"

CLAIMS = [
    Claim(
        id="graph-grows",
        question="003 4.7 ex.5",
        statement="Asking for the gradient with create_graph=True records the backward pass as new ops: the "
        "gradient's graph has more ops than the loss's",
        course_says="003 4.7 ex.5: 在现有计算图（用于一阶导数）的基础上，需要构建二阶计算图……计算图大小会显著增加",
        course_agrees=True,
        metric="log2(ops in the gradient's graph / ops in the loss's graph), largest model",
        measure=lambda r: math.log2(_largest(r)["gradient_graph"][0] / _largest(r)["loss_graph"][0]),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="hvp-order-of-magnitude",
        question="003 4.7 ex.5",
        statement="A Hessian-vector product costs more than ten gradients",
        course_says="003 4.7 ex.5: 使用近似方法（如 Hessian-vector products），但即使这样，计算时间也可能增加一个数量级以上",
        course_agrees=True,
        metric="log10(HVP time / gradient time), min of N each, timed alternately",
        measure=lambda r: _timing_ratio(r, "hvp"),
        rule=">",
        threshold=1.0,
        note="An HVP is one forward and two backward passes (the second through the recorded gradient), so "
        "its cost is a small multiple of a gradient's, whatever the number of parameters.",
        expected="contradicts",
    ),
    Claim(
        id="hessian-p-gradients",
        question="003 4.7 ex.5",
        statement="The full Hessian costs at least P gradients (P parameters)",
        course_says=COST_QUOTE,
        course_agrees=True,
        metric="log10(full Hessian time / (P × gradient time)), timed alternately",
        measure=lambda r: _timing_ratio(r, "hessian", per_n=True),
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="hessian-backward-passes",
        question="003 4.7 ex.5",
        statement="The full Hessian needs P + 1 backward passes where one HVP needs 2",
        course_says="003 4.7 ex.5: 如果参数数量为 P，Hessian 矩阵大小为 P×P，计算和存储成本为 O(P²)",
        course_agrees=True,
        metric="max over sizes of |backward passes of the Hessian − (P + 1)|",
        measure=lambda r: max(abs(s["hessian_backward_passes"] - (s["n"] + 1)) for s in r["sizes"]),
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="hvp-equals-hessian",
        question="003 4.7 ex.5",
        statement="The Hessian-vector product equals the full Hessian times v",
        metric="max over sizes of ‖HVP − H·v‖ / ‖H·v‖ (float64)",
        measure=lambda r: max(s["hvp_vs_hessian"] for s in r["sizes"]),
        rule="<",
        threshold=1e-10,
    ),
    Claim(
        id="hvp-equals-finite-differences",
        question="003 4.7 ex.5",
        statement="The Hessian-vector product equals central differences of the gradient",
        metric=f"max over sizes of ‖finite differences − HVP‖ / ‖HVP‖ (ε = {FD_EPS:g})",
        measure=lambda r: max(s["hvp_vs_finite_differences"] for s in r["sizes"]),
        rule="<",
        threshold=1e-6,
    ),
    Claim(
        id="hessian-closed-form",
        question="003 4.7 ex.5",
        statement="On linear least squares the autograd Hessian equals the closed form (2/N)AᵀA",
        metric="max |autograd − closed form| / max |closed form|",
        measure=lambda r: r["quadratic"]["hessian_max_relative_error"],
        rule="<",
        threshold=1e-10,
    ),
    Claim(
        id="power-iteration",
        question="003 4.7 ex.5",
        statement="Power iteration on HVPs finds the Hessian's largest-magnitude eigenvalue without forming "
        "the Hessian",
        metric="max over sizes of |power iteration − eigvalsh| / |eigvalsh|",
        measure=lambda r: max(s["power_vs_eigvalsh"] for s in r["sizes"]),
        rule="<",
        threshold=1e-6,
    ),
]

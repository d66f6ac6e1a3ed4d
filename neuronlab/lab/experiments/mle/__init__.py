"""mle: minimizing MSE is maximum likelihood under Gaussian noise, minimizing cross-entropy is
maximum likelihood of a Bernoulli or categorical model — shown with numbers on data drawn by each
seed (000/001 A2.3 and A2.4)."""

from __future__ import annotations

import math

from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.mle.figures import figures, table
from neuronlab.lab.experiments.mle.measure import SIGMA, SIGMAS, run

NAME = "mle"
TITLE = "Losses as maximum likelihood: MSE ↔ Gaussian, cross-entropy ↔ Bernoulli/categorical"
COURSE = "000/001 A2.3 and A2.4"
QUESTION_ZH = """A2.3 尝试推导：在回归问题中，假设输出中包含高斯噪音，则最小化均方误差等价于极大似然。

A2.4 尝试推导：在分类问题中，最小化交叉熵损失等价于极大化似然。"""
QUESTION_EN = """A2.3 Derive that in regression, if the output contains Gaussian noise, minimizing the mean squared error is
equivalent to maximum likelihood.

A2.4 Derive that in classification, minimizing the cross-entropy loss is equivalent to maximizing the likelihood."""
SEE_ALSO = ("losses", "landscape")

SIZES = {
    "steps": (600, 300),  # full-batch Adam steps of every fit (lr 0.1, cosine-annealed)
    "underflow_samples": (3000, 3000),  # samples whose likelihood is computed as a plain product
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        "Regression (A2.3), data drawn by the seed: 200 points x ∈ U(−1, 1), y = 0.5 − x + 2x² + x³ + "
        f"N(0, {SIGMA}²), a cubic model f(x; θ) = [1, x, x², x³]·θ. The Gaussian negative log-likelihood "
        "−Σ ln N(yᵢ; f(xᵢ; θ), σ²) by the library's gaussian_nll_loss (full form) against N/(2σ²)·MSE + "
        "(N/2)·ln(2πσ²) at 200 random θ; θ fitted by minimizing the NLL for σ ∈ "
        f"{{{', '.join(f'{v:g}' for v in SIGMAS)}}} (full-batch Adam, {s['steps']} steps, lr 0.1 cosine-annealed) "
        "against the closed-form least-squares solution, and θ with ln σ² jointly. Classification (A2.4): 300 "
        "points from 2 or 3 unit-variance Gaussian classes drawn by the seed; the likelihood Πᵢ P(yᵢ | xᵢ) "
        "computed as a product in NumPy (mantissas and exponents kept apart) against N × the library's "
        "BCE-with-logits / cross-entropy at 100 random parameters; the loss minimized by Adam "
        f"({s['steps']} steps) against the likelihood maximized by Newton–Raphson (IRLS); the seed 001's "
        "Π p = (1/N) Σ log p evaluated at the maximum; a categorical distribution fitted to 500 labels by "
        f"cross-entropy; the plain float64 product over {s['underflow_samples']} samples at 20 random parameters."
    )


def _max_minimizer_gap(r: dict) -> float:
    return math.log10(
        max(r["minimizers"]["max_nll_vs_mse"], r["minimizers"]["max_mse_vs_least_squares"]) + 1e-300
    )


CLAIMS = [
    Claim(
        id="nll-affine-in-mse",
        question="000 A2.3",
        statement="Under Gaussian noise of fixed σ the negative log-likelihood is N/(2σ²)·MSE + (N/2)·ln(2πσ²), "
        "an increasing affine function of the MSE",
        course_says="000 A2.3: log L(θ) = Σᵢ [−½ log(2πσ²) − (yᵢ − f(xᵢ;θ))²/(2σ²)]",
        course_agrees=True,
        metric="max relative |library Gaussian NLL − N/(2σ²)·MSE − (N/2)·ln(2πσ²)| over 200 random θ",
        measure=lambda r: r["affine"]["max_relative_gap"],
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="minimizer-independent-of-sigma",
        question="000 A2.3",
        statement="Minimizing the Gaussian NLL gives the least-squares θ whatever the fixed σ (0.1, 1 or 3)",
        course_says="000 A2.3: 由于 log(2πσ²) 是常数项，在最大化似然的过程中可以忽略 ... 移除分母上的常数项",
        course_agrees=True,
        metric="log10(max |θ(min NLL or MSE, Adam) − θ(closed-form least squares)|)",
        measure=_max_minimizer_gap,
        rule="<",
        threshold=-3.0,
        note="The threshold is the fitting tolerance (Adam stops near, not at, the minimum); the least-squares "
        "solution is computed in closed form, independently of the losses.",
    ),
    Claim(
        id="sigma-mle",
        question="000 A2.3",
        statement="When σ is estimated too, its maximum-likelihood value σ̂² is the mean squared residual",
        metric="|ln(σ̂² / mean squared residual)|",
        measure=lambda r: abs(math.log(r["variance"]["sigma2_hat"] / r["variance"]["mean_residual2"])),
        rule="<",
        threshold=1e-3,
        note="The seeds treat σ as a known constant; with σ free the likelihood still picks the least-squares θ, "
        "and σ̂² = MSE(θ̂).",
    ),
    Claim(
        id="bernoulli-likelihood",
        question="000 A2.4",
        statement="−ln Πᵢ pᵢ^yᵢ (1 − pᵢ)^(1−yᵢ) equals N × binary cross-entropy",
        course_says="000 A2.4: L(θ) = Πᵢ pᵢ^yᵢ (1−pᵢ)^(1−yᵢ) ... 𝓛 = −Σᵢ [yᵢ log(pᵢ) + (1−yᵢ) log(1−pᵢ)]",
        course_agrees=True,
        metric="max relative |−ln(likelihood product) − N·BCE| over 100 random parameters",
        measure=lambda r: r["bernoulli"]["max_relative_likelihood_vs_loss"],
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="categorical-likelihood",
        question="000 A2.4",
        statement="For 3 classes, −ln Πᵢ P(yᵢ | xᵢ) equals N × cross-entropy",
        metric="max relative |−ln(likelihood product) − N·CE| over 100 random parameters",
        measure=lambda r: r["categorical"]["max_relative_likelihood_vs_loss"],
        rule="<",
        threshold=1e-9,
    ),
    Claim(
        id="ce-minimizer-is-mle",
        question="000 A2.4",
        statement="Minimizing cross-entropy lands on the maximum-likelihood parameters found by Newton's method",
        course_says="000 A2.4: 在分类问题中，最小化交叉熵损失等价于极大化似然",
        course_agrees=True,
        metric="log10(max |W(min loss, Adam) − W(Newton MLE)|), Bernoulli and categorical",
        measure=lambda r: math.log10(
            max(r["bernoulli"]["max_parameter_gap"], r["categorical"]["max_parameter_gap"]) + 1e-300
        ),  # fmt: skip
        rule="<",
        threshold=-3.0,
        note="The threshold is the fitting tolerance of Adam.",
    ),
    Claim(
        id="seed-001-product-equals-mean-log",
        question="001 A2.4",
        statement="The likelihood Πᵢ p(xᵢ | θ) equals (1/N) Σᵢ log p(xᵢ | θ)",
        course_says="001 A2.4: p(X | θ) = Πᵢ p(x⁽ⁱ⁾ | θ) = (1/N) Σᵢ log p(x⁽ⁱ⁾ | θ)",
        course_agrees=True,
        metric="|Πᵢ pᵢ − (1/N) Σᵢ log pᵢ| at the maximum-likelihood parameters (Bernoulli blobs)",
        measure=lambda r: abs(r["bernoulli"]["product_at_mle"] - r["bernoulli"]["mean_log_at_mle"]),
        rule="<",
        threshold=1e-6,
        note="A product of probabilities lies in (0, 1]; a mean of their logarithms is negative. The two share "
        "their maximizer (log is increasing and 1/N a positive constant), which is all the derivation "
        "needs; they are not equal. Its next line, argmax (1/N) Π p, has the same slip.",
        expected="contradicts",
    ),
    Claim(
        id="product-underflows",
        question="000 A2.4",
        statement="Computed as a plain float64 product, the likelihood of 3000 samples underflows to 0, while "
        "its logarithm, a sum, stays finite",
        metric="fraction of 20 random parameters at which the float64 product is exactly 0",
        measure=lambda r: r["underflow"]["product_zero_fraction"] * r["underflow"]["log_finite_fraction"],
        rule=">",
        threshold=0.5,
        note="Why the derivations take logarithms before anything else.",
    ),
    Claim(
        id="categorical-frequencies",
        question="000 A2.4",
        statement="A categorical distribution fitted by cross-entropy reproduces the label frequencies, and its "
        "minimal loss is their entropy",
        course_says="001 A2.4: = argmin ∫ −p_data(x) log p(x | θ) dx，即为交叉熵损失",
        course_agrees=True,
        metric="log10(max(|q̂ − frequency|, |min CE − entropy|))",
        measure=lambda r: math.log10(
            max(r["frequencies"]["max_gap"], abs(r["frequencies"]["min_loss"] - r["frequencies"]["entropy"]))
            + 1e-300
        ),  # fmt: skip
        rule="<",
        threshold=-3.0,
    ),
]

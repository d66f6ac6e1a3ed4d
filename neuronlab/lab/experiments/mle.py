"""mle: minimizing MSE is maximum likelihood under Gaussian noise, minimizing cross-entropy is
maximum likelihood of a Bernoulli or categorical model — shown with numbers, not algebra
(000/001 A2.3 and A2.4)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _mle_helpers as H
from neuronlab.lab.plots import new_figure

NAME = "mle"
TITLE = "Losses as maximum likelihood: MSE ↔ Gaussian, cross-entropy ↔ Bernoulli/categorical"
SEEDS = "000/001 A2.3 and A2.4"
QUESTION_ZH = (
    "A2.3 尝试推导：在回归问题中，假设输出中包含高斯噪音，则最小化均方误差等价于极大似然。\n\n"
    "A2.4 尝试推导：在分类问题中，最小化交叉熵损失等价于极大化似然。"
)
QUESTION_EN = (
    "A2.3 Derive that in regression, if the output contains Gaussian noise, minimizing the mean "
    "squared error is equivalent to maximum likelihood.\n\n"
    "A2.4 Derive that in classification, minimizing the cross-entropy loss is equivalent to "
    "maximizing the likelihood."
)

SIGMA = 0.3  # the noise level of the regression data, and the σ of the fixed-σ likelihood
SIGMAS = [0.1, 1.0, 3.0]  # other fixed σ whose likelihoods are maximized too


def setup(config: LabConfig) -> str:
    steps = config.pick(600, 300)
    return (
        "Regression: 200 points x ∈ U(−1, 1), y = 0.5 − x + 2x² + x³ + N(0, 0.3²), a cubic model "
        "f(x; θ) = [1, x, x², x³]·θ. The Gaussian negative log-likelihood −Σ ln N(y_i; f(x_i; θ), σ²) "
        "is computed by the library's gaussian_nll_loss (full form), the MSE by mse_loss, both at 200 "
        "random θ; θ is fitted by minimizing MSE and by minimizing the NLL for σ ∈ {0.1, 1, 3} "
        f"(full-batch Adam, {steps} steps, lr 0.1 cosine-annealed; Adam ignores a constant factor, so "
        "the closed-form least-squares solution is the independent check), and θ with ln σ² jointly. "
        "Classification: 300 points from 2 or 3 unit-variance Gaussian classes; the likelihood "
        "Π_i P(y_i | x_i) computed as a product in NumPy against N × the library's BCE-with-logits / "
        f"cross-entropy at 100 random parameters; the loss minimized by Adam ({steps} steps) against the "
        "likelihood maximized by Newton–Raphson (IRLS). A categorical distribution fitted to 500 labels."
    )


def run(config: LabConfig) -> dict:
    """Gaussian likelihood vs MSE, Bernoulli/categorical likelihood vs cross-entropy, and their minimizers."""
    steps = config.pick(600, 300)
    rng = np.random.default_rng(config.seed)
    phi, y, theta_true = H.regression_data(config.seed, sigma=SIGMA)
    minimizers = H.gaussian_minimizers(phi, y, SIGMAS, steps)
    theta_hat = np.asarray(minimizers["least_squares"])
    direction = rng.standard_normal(len(theta_hat))
    ts = np.linspace(-1.0, 1.0, 81)
    mse_line, nll_line = H.along_line(
        [lambda th: H.mse(phi, y, th), lambda th: H.gaussian_nll(phi, y, th, SIGMA**2)],
        theta_hat, direction / np.linalg.norm(direction), ts,
    )  # fmt: skip
    return {
        "n": len(y),
        "sigma": SIGMA,
        "theta_true": theta_true.tolist(),
        "affine": H.affine_relation(phi, y, theta_hat, SIGMA, rng),
        "minimizers": minimizers,
        "variance": H.variance_mle(phi, y, steps),
        "line": {"t": ts.tolist(), "mse": mse_line, "nll": nll_line},
        "bernoulli": H.classification_mle(config.seed, 2, steps),
        "categorical": H.classification_mle(config.seed, 3, steps),
        "frequencies": H.class_frequencies(config.seed, steps),
    }


def _gaussian_figure(results: dict):
    fig, (ax_scatter, ax_line) = new_figure(1, 2)
    affine = results["affine"]
    m = np.asarray(affine["mse"])
    ax_scatter.scatter(m, affine["nll"], s=8, label="random θ")
    grid = np.linspace(m.min(), m.max(), 2)
    ax_scatter.plot(grid, affine["slope_theory"] * grid + affine["intercept_theory"], "k--", lw=1,
                    label="N/(2σ²)·MSE + (N/2)·ln(2πσ²)")  # fmt: skip
    ax_scatter.set(
        xlabel="MSE(θ)", ylabel="Gaussian NLL(θ), σ = 0.3", title="NLL is an affine function of MSE"
    )
    ax_scatter.legend(fontsize=7)
    line = results["line"]
    ax_line.plot(line["t"], line["mse"], color="tab:blue", label="MSE")
    ax_nll = ax_line.twinx()
    ax_nll.plot(line["t"], line["nll"], color="tab:orange", linestyle="--", label="Gaussian NLL")
    ax_line.axvline(line["t"][int(np.argmin(line["mse"]))], color="grey", linestyle=":", label="both minima")
    ax_line.set(
        xlabel="t along θ̂ + t·d (d a random unit direction)", ylabel="MSE", title="Along a parameter line"
    )
    ax_nll.set_ylabel("NLL")
    ax_line.legend(loc="upper left", fontsize=7)
    ax_nll.legend(loc="upper right", fontsize=7)
    return fig


def _variance_figure(results: dict):
    fig, ax = new_figure()
    variance = results["variance"]
    ax.plot(variance["grid"], variance["profile"], label="NLL(θ̂, σ²)")
    ax.axvline(variance["mean_residual2"], color="tab:red", linestyle="--",
               label=f"mean residual² = {variance['mean_residual2']:.4f}")  # fmt: skip
    ax.axvline(
        results["sigma"] ** 2, color="grey", linestyle=":", label=f"true σ² = {results['sigma'] ** 2:.2f}"
    )
    ax.set(xlabel="σ²", ylabel="Gaussian NLL at θ̂", title="The MLE of σ² is the mean squared residual")
    ax.legend(fontsize=7)
    return fig


def _classification_figure(results: dict):
    fig, axes = new_figure(1, 2)
    for ax, key, loss in ((axes[0], "bernoulli", "N × BCE"), (axes[1], "categorical", "N × cross-entropy")):
        fit = results[key]
        ax.plot(fit["t"], fit["line_likelihood"], lw=3, alpha=0.5, label="−ln Π P(y_i | x_i)")
        ax.plot(fit["t"], fit["line_loss"], "k--", lw=1, label=loss)
        ax.set(xlabel="t along Ŵ + t·D", ylabel="negative log-likelihood",
               title=f"{key.capitalize()} ({fit['n_classes']} classes)")  # fmt: skip
        ax.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"gaussian": _gaussian_figure(results), "sigma_mle": _variance_figure(results),
            "classification": _classification_figure(results)}  # fmt: skip


def _rows(results: dict) -> list[tuple[str, float, float]]:
    """(claim, measured, what the theory says) for every check."""
    affine, fits, var = results["affine"], results["minimizers"], results["variance"]
    rows = [
        ("slope of NLL against MSE", affine["slope"], affine["slope_theory"]),
        ("intercept of NLL against MSE", affine["intercept"], affine["intercept_theory"]),
        ("largest distance of an (MSE, NLL) pair from that line", affine["max_residual"], 0.0),
        ("max |θ(min MSE) − θ(least squares)|", fits["max_mse_vs_least_squares"], 0.0),
        ("max |θ(min NLL, σ = 0.1, 1, 3) − θ(min MSE)|", fits["max_nll_vs_mse"], 0.0),
        ("σ̂² (NLL minimized over θ and σ) vs mean residual²", var["sigma2_hat"], var["mean_residual2"]),
        ("σ̂² vs the true noise variance", var["sigma2_hat"], results["sigma"] ** 2),
    ]
    for key, loss in (("bernoulli", "BCE"), ("categorical", "cross-entropy")):
        fit = results[key]
        rows.append(
            (f"{key.capitalize()}: max |−ln Π P(y|x) − N·{loss}|", fit["max_likelihood_vs_loss"], 0.0)
        )
        rows.append(
            (f"{key.capitalize()}: max |W(min {loss}) − W(Newton MLE)|", fit["max_parameter_gap"], 0.0)
        )
    freq = results["frequencies"]
    rows.append(("categorical distribution: max |q̂ − label frequency|", freq["max_gap"], 0.0))
    rows.append(("minimal cross-entropy vs entropy of the frequencies", freq["min_loss"], freq["entropy"]))
    return rows


def table(results: dict) -> Table:
    rows = [[claim, measured, theory, abs(measured - theory)] for claim, measured, theory in _rows(results)]
    return Table(["claim", "measured", "theory", "|difference|"], rows)


def _gaussian(results: dict) -> str:
    affine, fits, var = results["affine"], results["minimizers"], results["variance"]
    affine_ok = affine["max_residual"] < 1e-6 * abs(affine["intercept"]) + 1e-6
    same = max(fits["max_nll_vs_mse"], fits["max_mse_vs_least_squares"]) < 1e-3
    return (
        f"A2.3: over 200 random θ the Gaussian NLL (σ = {results['sigma']}) equals {affine['slope']:.4f}·MSE "
        f"{'+' if affine['intercept'] >= 0 else '−'} {abs(affine['intercept']):.4f}; the theory gives N/(2σ²) = {affine['slope_theory']:.4f} and (N/2)·ln(2πσ²) = "
        f"{affine['intercept_theory']:.4f}, and no point is farther than {affine['max_residual']:.1e} from the line"
        + (
            " — NLL is an exactly affine, increasing function of MSE. "
            if affine_ok
            else " — NOT an affine relation, against the derivation. "
        )  # fmt: skip
        + f"Minimizing MSE and minimizing the NLL with σ = {', '.join(f'{s:g}' for s in SIGMAS)} gave parameters within "
        f"{fits['max_nll_vs_mse']:.1e} of each other (Adam ignores the constant factor 1/(2σ²)) and {fits['max_mse_vs_least_squares']:.1e} of the closed-form "
        f"least-squares θ = ({', '.join(f'{v:.3f}' for v in fits['least_squares'])})"
        + (", so the minimizers coincide whatever σ is. " if same else ": the minimizers do NOT coincide. ")
        + f"Letting σ vary too, the MLE σ̂² = {var['sigma2_hat']:.6f} equals the mean squared residual "
        f"{var['mean_residual2']:.6f} (difference {abs(var['sigma2_hat'] - var['mean_residual2']):.1e}; a grid over σ² puts "
        f"the minimum at {var['profile_argmin']:.3f}); the true σ² is {results['sigma'] ** 2:.2f}."
    )


def _classification(results: dict) -> str:
    parts = []
    for key, loss in (("bernoulli", "binary cross-entropy"), ("categorical", "cross-entropy")):
        fit = results[key]
        agree = fit["max_parameter_gap"] < 1e-3
        parts.append(
            f"for the {key.capitalize()} model ({fit['n_classes']} classes) −ln of the likelihood product differs from N × {loss} by "
            f"at most {fit['max_likelihood_vs_loss']:.1e}, and Adam on the loss lands within {fit['max_parameter_gap']:.1e} "
            f"of the Newton maximum-likelihood estimate ({fit['newton_iterations']} Newton steps)"
            + ("" if agree else " — the minimizers do NOT coincide")
        )
    freq = results["frequencies"]
    return (
        "A2.4: "
        + "; ".join(parts)
        + ". A categorical distribution fitted by cross-entropy reproduces the label "
        f"frequencies to {freq['max_gap']:.1e} (the textbook MLE), and its minimal loss {freq['min_loss']:.6f} is the "
        f"entropy of those frequencies ({freq['entropy']:.6f}): cross-entropy minus that entropy is the KL divergence "
        "from the data distribution, the view of the second seed answer."
    )


def conclusion(results: dict) -> str:
    return _gaussian(results) + " " + _classification(results)

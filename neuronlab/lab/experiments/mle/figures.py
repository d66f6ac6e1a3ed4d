"""mle's figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import new_figure


def _gaussian(runs: list[dict]):
    fig, (ax_scatter, ax_var) = new_figure(1, 2)
    for k, r in enumerate(runs):
        affine = r["affine"]
        ax_scatter.scatter(affine["mse"], affine["nll"], s=4, color=f"C{k}", label=f"seed {k + 1}: random θ")
    first = runs[0]["affine"]
    grid = np.linspace(
        min(min(r["affine"]["mse"]) for r in runs), max(max(r["affine"]["mse"]) for r in runs), 2
    )
    ax_scatter.plot(grid, first["slope_theory"] * grid + first["intercept_theory"], "k--", lw=1,
                    label="N/(2σ²)·MSE + (N/2)·ln(2πσ²)")  # fmt: skip
    ax_scatter.set(
        xlabel="MSE(θ)", ylabel="Gaussian NLL(θ), σ = 0.3", title="NLL is an affine function of MSE"
    )
    ax_scatter.legend(fontsize=6)
    profiles = np.array([r["variance"]["profile"] for r in runs])
    grid = np.asarray(runs[0]["variance"]["grid"])
    ax_var.plot(grid, profiles.mean(0), color="C0", label="NLL(θ̂, σ²), mean over seeds")
    ax_var.fill_between(
        grid, profiles.min(0), profiles.max(0), color="C0", alpha=0.2, label="range over seeds"
    )
    sigma2 = [r["variance"]["sigma2_hat"] for r in runs]
    ax_var.axvspan(min(sigma2), max(sigma2), color="C3", alpha=0.3, label="σ̂² = mean residual² (range)")
    ax_var.set(xlabel="σ²", ylabel="Gaussian NLL at θ̂", title="The MLE of σ²")
    ax_var.legend(fontsize=6)
    return fig


def _classification(runs: list[dict]):
    fig, axes = new_figure(1, 2)
    for ax, key, loss in ((axes[0], "bernoulli", "N × BCE"), (axes[1], "categorical", "N × cross-entropy")):
        likelihood = np.array([r[key]["line_likelihood"] for r in runs])
        library = np.array([r[key]["line_loss"] for r in runs])
        t = runs[0][key]["t"]
        ax.plot(t, likelihood.mean(0), lw=3, alpha=0.5, label="−ln Π P(yᵢ | xᵢ), mean over seeds")
        ax.fill_between(t, likelihood.min(0), likelihood.max(0), alpha=0.2, label="range over seeds")
        ax.plot(t, library.mean(0), "k--", lw=1, label=loss)
        ax.set(xlabel="t along Ŵ + t·D (D random)", ylabel="negative log-likelihood",
               title=f"{key.capitalize()} ({runs[0][key]['n_classes']} classes)")  # fmt: skip
        ax.legend(fontsize=6)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"gaussian": _gaussian(runs), "classification": _classification(runs)}


def _range(values) -> str:
    return f"{min(values):.4g} – {max(values):.4g}"


def table(runs: list[dict]) -> Table:
    rows = [
        ["fitted slope of NLL against MSE", _range([r["affine"]["slope"] for r in runs]), runs[0]["affine"]["slope_theory"]],
        ["fitted intercept", _range([r["affine"]["intercept"] for r in runs]), runs[0]["affine"]["intercept_theory"]],
        ["σ̂² (joint fit)", _range([r["variance"]["sigma2_hat"] for r in runs]), f"{0.3**2:g} (true σ²)"],
        ["Bernoulli: Π pᵢ at the MLE", _range([r["bernoulli"]["product_at_mle"] for r in runs]), "—"],
        ["Bernoulli: (1/N) Σ log pᵢ at the MLE", _range([r["bernoulli"]["mean_log_at_mle"] for r in runs]), "—"],
        ["Newton iterations (Bernoulli / categorical)",
         f"{_range([r['bernoulli']['newton_iterations'] for r in runs])} / {_range([r['categorical']['newton_iterations'] for r in runs])}", "—"],
        ["categorical fit: max |q̂ − frequency|", _range([r["frequencies"]["max_gap"] for r in runs]), 0.0],
    ]  # fmt: skip
    return Table([f"quantity (range over {len(runs)} seeds)", "measured", "theory"], rows)

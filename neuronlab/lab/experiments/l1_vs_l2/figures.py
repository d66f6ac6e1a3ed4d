"""l1-vs-l2's figures and table, drawn from every seed's results (mean and spread over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.l1_vs_l2.measure import INFORMATIVE
from neuronlab.lab.plots import mean_band, new_figure

METHODS = ("none", "l1-subgradient", "l1-proximal", "l2")
LABELS = {"none": "no penalty", "l1-subgradient": "L1, subgradient", "l1-proximal": "L1, proximal (ISTA)",
          "l2": "L2"}  # fmt: skip


def _zeros_figure(runs: list[dict]):
    fig, (ax_hist, ax_bar) = new_figure(1, 2)
    bins = np.linspace(-0.3, 0.3, 61)
    for method in METHODS:
        noise_w = np.concatenate([np.asarray(r["chosen"][method]["weights"])[INFORMATIVE:] for r in runs])
        ax_hist.hist(noise_w, bins=bins, histtype="step", linewidth=1.5, label=LABELS[method])
    ax_hist.set_xlabel("weight of a noise feature")
    ax_hist.set_ylabel(f"count (90 per seed, {len(runs)} seeds)")
    ax_hist.set_title("Noise-feature weights at the validation-chosen λ")
    ax_hist.legend(fontsize=7)
    x = np.arange(len(METHODS))
    for offset, key, label in (
        (-0.2, "exact_zeros_noise", "exactly 0"),
        (0.2, "near_zeros_noise", "|w| < 1e-3"),
    ):
        values = np.array([[r["chosen"][m][key] for m in METHODS] for r in runs], dtype=float)
        ax_bar.bar(x + offset, values.mean(0), 0.4, yerr=values.std(0, ddof=1) if len(runs) > 1 else None,
                   capsize=3, label=label)  # fmt: skip
    ax_bar.set_xticks(x, [LABELS[m] for m in METHODS], rotation=15, fontsize=7)
    ax_bar.set_ylabel("noise weights (of 90): mean ± sd over seeds")
    ax_bar.set_title("Zeros among the noise weights")
    ax_bar.legend()
    return fig


def _paths_figure(runs: list[dict]):
    fig, axes = new_figure(1, 2)
    first = runs[0]
    for ax, (method, grid) in zip(axes, (("l1-proximal", "l1"), ("l2", "l2"))):
        lambdas = first["lambdas"][grid]
        weights = np.asarray(first["paths"][method]["weights"])
        for j in range(weights.shape[1]):
            informative = j < INFORMATIVE
            ax.plot(lambdas, weights[:, j], color="C3" if informative else "0.6", linewidth=1.2 if informative else 0.6,
                    label=("informative" if informative else "noise") if j in (0, INFORMATIVE) else None)  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("λ")
        ax.set_ylabel("weight")
        ax.set_title(f"Path over λ, {LABELS[method]} (first seed)")
        ax.legend()
    return fig


def _error_figure(runs: list[dict]):
    fig, (ax_err, ax_nz) = new_figure(1, 2)
    for method, grid in (("l1-proximal", "l1"), ("l1-subgradient", "l1"), ("l2", "l2")):
        # the L1 grid ends at λ_max (every weight 0), which differs per seed: plot against λ/λ_max
        x = np.asarray(runs[0]["lambdas"][grid]) / (runs[0]["lambdas"][grid][-1] if grid == "l1" else 1.0)
        mean_band(
            ax_err, x, [r["paths"][method]["test_mse"] for r in runs], f"{LABELS[method]}, test", marker="."
        )
        mean_band(ax_nz, x, [r["paths"][method]["exact_zeros"] for r in runs], LABELS[method], marker=".")
    none = [r["paths"]["none"]["test_mse"][0] for r in runs]
    ax_err.axhline(np.mean(none), color="k", linestyle=":", label="no penalty")
    ax_err.axhline(np.mean([r["baseline_test_mse"] for r in runs]), color="C7", linestyle="--",
                   label="predict the training mean")  # fmt: skip
    ax_err.axhline(runs[0]["noise_floor"], color="C2", linestyle="-.", label="noise floor σ²")
    ax_err.set_xscale("log")
    ax_err.set_yscale("log")
    ax_err.set_xlabel("λ (L1: λ/λ_max)")
    ax_err.set_ylabel("test mean squared error")
    ax_err.set_title(f"Test error against λ: mean and range over {len(runs)} seeds")
    ax_err.legend(fontsize=7)
    ax_nz.set_xscale("log")
    ax_nz.set_xlabel("λ (L1: λ/λ_max)")
    ax_nz.set_ylabel("weights exactly 0 (of 100)")
    ax_nz.set_title("Exact zeros against λ")
    ax_nz.legend(fontsize=7)
    return fig


def _one_dimensional_figure(runs: list[dict]):
    fig, ax = new_figure()
    one = runs[0]["one_dimensional"]
    ax.plot(one["a"], one["argmin_l1"], label=f"L1: argmin ½(w−a)² + λ|w|, λ = {one['lambda']}")
    ax.plot(one["a"], one["argmin_l2"], label=f"L2: argmin ½(w−a)² + (λ/2)w², λ = {one['lambda']}")
    ax.plot(one["a"], one["a"], color="0.6", linestyle=":", label="no penalty (w = a)")
    ax.set_xlabel("a (the unpenalized optimum)")
    ax.set_ylabel("minimizer w (grid search)")
    ax.set_title("One weight: the minimizer under each penalty (deterministic)")
    ax.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"weights": _zeros_figure(runs), "paths": _paths_figure(runs), "error_vs_lambda": _error_figure(runs),
            "one_dimensional": _one_dimensional_figure(runs)}  # fmt: skip


def table(runs: list[dict]) -> Table:
    headers = ["method", "λ chosen (per seed)", "interior", "test MSE (mean)", "exact 0 noise (mean of 90)",
               "|w|<1e-3 noise (mean)", "‖w‖₂ (mean)", "max violation of the exact optimum"]  # fmt: skip
    rows = []
    for method in METHODS:
        c = [r["chosen"][method] for r in runs]
        gap = {"l1-proximal": "lasso_kkt", "l2": "ridge"}.get(method)
        rows.append([LABELS[method], ", ".join(f"{x['lambda']:.3g}" for x in c),
                     ", ".join(str(x.get("interior", "—")) for x in c), float(np.mean([x["test_mse"] for x in c])),
                     float(np.mean([x["exact_zeros_noise"] for x in c])),
                     float(np.mean([x["near_zeros_noise"] for x in c])), float(np.mean([x["norm2"] for x in c])),
                     max(r["optimality"][gap] for r in runs) if gap else "—"])  # fmt: skip
    rows.append(["predict the training mean (trivial baseline)", "—", "—",
                 float(np.mean([r["baseline_test_mse"] for r in runs])), "—", "—", 0.0, "—"])  # fmt: skip
    rows.append(["noise floor σ² (the true w)", "—", "—", runs[0]["noise_floor"], "—", "—", "—", "—"])
    return Table(headers, rows)

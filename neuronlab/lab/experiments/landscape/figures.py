"""landscape's figures and table, drawn from every seed's results (the slices themselves do not
depend on the seed; the probe's random pairs and points, and the Keras draws, do)."""

from __future__ import annotations

import numpy as np

from neuronlab.analysis import Landscape
from neuronlab.analysis.plotting import plot_contour, plot_surface
from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.landscape.measure import PAIRS
from neuronlab.lab.plots import new_figure

LOSS_LABELS = {"mse": "MSE", "cross_entropy": "cross-entropy"}


def _landscape(s: dict, loss: str) -> Landscape:
    axes = tuple(np.asarray(a) for a in s["axes"])
    return Landscape(axes, np.asarray(s["values"]), tuple(s["labels"]), {"loss": LOSS_LABELS[loss]})


def figures(runs: list[dict]) -> dict:
    return {
        "surfaces": _fig_surfaces(runs[0]),
        "contours": _fig_contours(runs[0]),
        "convexity": _fig_convexity(runs),
    }


def _fig_surfaces(results: dict):
    fig, axes = new_figure(2, 2, width=5.0, height=4.2, subplot_kw={"projection": "3d"})
    for row, loss in enumerate(LOSS_LABELS):
        for col, pair in enumerate(PAIRS[:2]):
            s = results["slices"][loss]["_".join(pair)]
            plot_surface(_landscape(s, loss), axes[row, col])
            axes[row, col].tick_params(labelsize="x-small")
            axes[row, col].set_title(f"{LOSS_LABELS[loss]} over ({', '.join(pair)})")
    return fig


def _fig_contours(results: dict):
    fig, axes = new_figure(2, 3, width=4.4, height=3.6)
    for row, loss in enumerate(LOSS_LABELS):
        for col, pair in enumerate(PAIRS):
            s, ax = results["slices"][loss]["_".join(pair)], axes[row, col]
            plot_contour(_landscape(s, loss), ax, levels=25)
            g = s["grid"]
            if g["midpoint_violations"]:  # the worst chord: its midpoint lies above the chord's mean
                (a0, a1), (b0, b1) = g["worst_a"], g["worst_b"]
                ax.plot([a0, b0], [a1, b1], "w-o", markersize=3, linewidth=1.2)
            share = 100 * g["midpoint_violations"] / max(1, g["midpoint_pairs"])
            ax.set_title(f"{LOSS_LABELS[loss]} ({', '.join(pair)}): {share:.0f}% midpoint violations",
                         fontsize="small")  # fmt: skip
    return fig


def _cases(results: dict) -> list[tuple[str, dict, dict]]:
    cases = [(f"{LOSS_LABELS[loss]}\n({', '.join(pair)})", results["slices"][loss]["_".join(pair)]["grid"],
              results["slices"][loss]["_".join(pair)]["exact"]) for loss in LOSS_LABELS for pair in PAIRS]  # fmt: skip
    cases.append(("logistic\nregression (w, b)", results["logistic"]["grid"], results["logistic"]["exact"]))
    return cases


def _pct(count: int, total: int) -> float:
    return 100 * count / max(1, total)


def _fig_convexity(runs: list[dict]):
    fig, ax = new_figure(width=9, height=3.8)
    labels = [c[0] for c in _cases(runs[0])]
    x = np.arange(len(labels))
    series = {
        "midpoint pairs violating convexity": lambda g, e: _pct(g["midpoint_violations"], g["midpoint_pairs"]),
        "grid points with λ_min < 0": lambda g, e: _pct(g["negative_curvature_points"], g["hessian_points"]),
        "random points with exact λ_min < 0": lambda g, e: _pct(e["negative_curvature_points"], e["hessian_points"]),
    }  # fmt: skip
    for k, (label, fn) in enumerate(series.items()):
        values = np.array([[fn(g, e) for _, g, e in _cases(r)] for r in runs])  # seeds × cases
        spread = np.maximum(0, [values.mean(0) - values.min(0), values.max(0) - values.mean(0)])
        ax.bar(x + (k - 1) * 0.27, values.mean(0), width=0.27, label=label, yerr=spread, capsize=2)
    ax.set_xticks(x, labels, fontsize="x-small")
    ax.set_xlabel("loss and parameter pair")
    ax.set_ylabel("% of pairs / points")
    ax.set_title(f"Convexity probe, mean and range over {len(runs)} seeds: any violation means not convex")
    ax.legend(fontsize="small")
    return fig


def table(runs: list[dict]) -> Table:
    rows = []
    per_run = [_cases(r) for r in runs]
    for i, (label, g, _) in enumerate(per_run[0]):
        exact = [c[i][2] for c in per_run]
        neg = sum(e["negative_curvature_points"] for e in exact)
        total = sum(e["hessian_points"] for e in exact)
        most = min((e["most_negative_eigenvalue"] for e in exact if e["most_negative_eigenvalue"] is not None),
                   default=None)  # fmt: skip
        rows.append([label.replace("\n", " "), f"{g['midpoint_violations']} / {g['midpoint_pairs']}",
                     f"{g['negative_curvature_points']} / {g['hessian_points']}", g["most_negative_eigenvalue"],
                     f"{neg} / {total}", most])  # fmt: skip
    for loss, label in LOSS_LABELS.items():
        joint = [r["joint"][loss] for r in runs]
        negative = sum(j["negative_curvature_points"] for j in joint)
        points = sum(j["hessian_points"] for j in joint)
        rows.append([f"{label}, all four parameters", "", "", None, f"{negative} / {points}",
                     min(j["most_negative_eigenvalue"] for j in joint)])  # fmt: skip
    headers = ["loss (parameters)", "midpoint violations (grid, seed 1)", "λ_min < 0 (grid)", "most negative λ (grid)",
               f"λ_min < 0 (exact, all {len(runs)} seeds)", "most negative λ (exact)"]  # fmt: skip
    return Table(headers, rows)

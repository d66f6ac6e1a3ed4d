"""losses' figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.losses.fits import IMBALANCE_LOSSES
from neuronlab.lab.plots import new_figure

NAMES = {"mse": "MSE", "mae": "MAE (L1)", "huber": "Huber (δ = 1)", "bce": "logistic / BCE", "hinge": "hinge",
         "focal": "focal (γ = 2)", "mse_on_probability": "MSE on σ(z)", "cross_entropy": "cross-entropy"}  # fmt: skip
REGRESSION, BINARY = ("mse", "mae", "huber"), ("bce", "hinge", "focal", "mse_on_probability")


def _curves(runs: list[dict], names, x_key: str, xlabel: str, title: str):
    first = runs[0]  # the curves are the same on every seed
    fig, (ax_value, ax_grad) = new_figure(1, 2)
    for name in names:
        ax_value.plot(first[x_key], first["curves"][name]["value"], label=NAMES[name])
        ax_grad.plot(first[x_key], first["curves"][name]["gradient"], label=NAMES[name])
    ax_value.set(xlabel=xlabel, ylabel="loss", title=title)
    ax_grad.set(xlabel=xlabel, ylabel="d loss / d prediction (autograd)", title="Gradient")
    ax_value.legend(fontsize=7)
    ax_grad.legend(fontsize=7)
    return fig


def _bars(ax, names, values: np.ndarray, ylabel: str, title: str):
    mean = values.mean(0)
    ax.bar(
        range(len(names)),
        mean,
        yerr=np.maximum(0, np.vstack([mean - values.min(0), values.max(0) - mean])),
        capsize=3,
    )
    ax.set_xticks(range(len(names)), [NAMES[n] for n in names])
    ax.set(ylabel=ylabel, title=title)


def _fits(runs: list[dict]):
    fig, (ax_line, ax_f1) = new_figure(1, 2)
    errors = np.array([[r["robust"]["slope_error"][n] for n in REGRESSION] for r in runs])
    _bars(
        ax_line,
        REGRESSION,
        errors,
        "|slope − 2|",
        f"Line fits with 20% outliers (mean, range; {len(runs)} seeds)",
    )
    names = tuple(IMBALANCE_LOSSES)
    f1 = np.array([[r["imbalance"][n]["f1"] for n in names] for r in runs])
    _bars(ax_f1, names, f1, "minority-class F1 (test)", "95/5 moons, each loss at its tuned lr")
    return fig


def figures(runs: list[dict]) -> dict:
    return {
        "regression_losses": _curves(runs, REGRESSION, "residual", "residual r = prediction − target", "Regression losses"),
        "classification_losses": _curves(runs, BINARY, "margin", "margin m = y·z (z: logit)", "Binary losses"),
        "fits": _fits(runs),
    }  # fmt: skip


def table(runs: list[dict]) -> Table:
    rows = []
    for name in IMBALANCE_LOSSES:
        lrs = [r["imbalance"][name]["lr"] for r in runs]
        interior = all(r["imbalance"][name]["lr_interior"] for r in runs)
        acc = [r["imbalance"][name]["accuracy"] for r in runs]
        rec = [r["imbalance"][name]["recall"] for r in runs]
        f1 = [r["imbalance"][name]["f1"] for r in runs]
        rows.append([f"{NAMES[name]} on 95/5 moons", ", ".join(f"{x:g}" for x in lrs), "yes" if interior else "NO",
                     f"accuracy {np.mean(acc):.1%}, minority recall {np.mean(rec):.3f}, F1 {np.mean(f1):.3f}"])  # fmt: skip
    hinge = [r["hinge"] for r in runs]
    rows.append(["hinge, linear classifier on the shifted moons", "0.05 (fixed)", "",
                 f"accuracy {np.mean([h['accuracy'] for h in hinge]):.1%}; points with a gradient "
                 f"{np.mean([h['active_share'] for h in hinge]):.1%}"])  # fmt: skip
    gap = [r["robust"]["mse_vs_least_squares"] for r in runs]
    rows.append(
        ["MSE line fit vs closed-form least squares", "0.1 (fixed)", "", f"max slope gap {max(gap):.1e}"]
    )
    return Table(["setting", "lr per seed", "interior", "measured (mean over seeds)"], rows)

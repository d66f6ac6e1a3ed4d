"""metrics' figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure

SCORES = ("accuracy", "precision", "recall", "f1", "f1_macro", "f1_micro", "f1_weighted")


def _sweep_figure(runs: list[dict]):
    shares = [m["share"] for m in runs[0]["moons"]]
    fig, ax = new_figure(width=6.0)
    for who, style in (("trivial", "--"), ("trained", "-")):
        for score, marker, color in (("accuracy", "o", "tab:blue"), ("f1", "s", "tab:red")):
            values = np.array([[m[who][score] for m in r["moons"]] for r in runs])
            name = "majority baseline" if who == "trivial" else "trained network"
            mean_band(ax, shares, values, f"{name}: {'accuracy' if score == 'accuracy' else 'minority F1'}",
                  linestyle=style, marker=marker, color=color, alpha=0.15)  # fmt: skip
    ax.set(xscale="log", xlabel="minority share of the data", ylabel="test score",
           title=f"Accuracy and minority F1 by minority share ({len(runs)} seeds)")  # fmt: skip
    ax.legend(fontsize=7)
    return fig


def _threshold_figure(runs: list[dict]):
    from neuronlab.lab.experiments.metrics.measure import THRESHOLD_SHARE, at_share

    fig, (ax_curve, ax_test) = new_figure(1, 2)
    moons = [at_share(r, THRESHOLD_SHARE) for r in runs]
    mean_band(
        ax_curve,
        moons[0]["thresholds"],
        np.array([m["val_f1_curve"] for m in moons]),
        "validation minority F1",
    )
    for m in moons:
        ax_curve.axvline(m["threshold"], color="black", alpha=0.3, linewidth=0.8)
    ax_curve.axvline(0.5, color="tab:red", linestyle=":", label="0.5")
    ax_curve.set(
        xlabel="threshold on P(minority)", ylabel="F1", title="Chosen thresholds (black, one per seed)"
    )
    ax_curve.legend(fontsize=7)
    at_half = [m["trained"]["f1"] for m in moons]
    tuned = [m["trained_tuned"]["f1"] for m in moons]
    for a, b in zip(at_half, tuned):
        ax_test.plot([0, 1], [a, b], color="gray", marker="o", alpha=0.6)
    ax_test.set_xticks([0, 1], ["threshold 0.5", "validation-chosen"])
    ax_test.set(ylabel="test minority F1", title=f"{THRESHOLD_SHARE:.0%} share: test F1 per seed")
    return fig


def _averages_figure(runs: list[dict]):
    fig, (ax_f1, ax_reg) = new_figure(1, 2)
    per_class = np.array([r["digits"]["per_class_f1"] for r in runs])
    ax_f1.bar(
        range(10), per_class.mean(0), yerr=per_class.std(0), color="tab:gray", label="per-class F1 (± sd)"
    )
    for avg, color, style in (("macro", "tab:red", "--"), ("weighted", "tab:green", "-.")):
        mean = np.mean([r["digits"]["trained"][f"f1_{avg}"] for r in runs])
        ax_f1.axhline(mean, color=color, linestyle=style, lw=2, label=f"{avg} F1, mean {mean:.3f}")
    support = runs[0]["digits"]["support"]
    ax_f1.set_xticks(range(10), [f"{k}\n(n={s})" for k, s in enumerate(support)], fontsize=7)
    ax_f1.set(xlabel="digit (test support, first seed)", ylabel="F1", ylim=(min(0.7, per_class.min() - 0.05), 1.01),
              title="Imbalanced digits")  # fmt: skip
    ax_f1.legend(fontsize=7, loc="lower left")
    for key, label in (
        ("gaussian_errors", "A: N(0, 1) errors"),
        ("rare_large_errors", "B: rare large errors"),
    ):
        errors = np.concatenate([r["regression"][key]["errors"] for r in runs])
        mse = np.mean([r["regression"][key]["mse"] for r in runs])
        mae = np.mean([r["regression"][key]["mae"] for r in runs])
        ax_reg.hist(errors, bins=60, alpha=0.6, label=f"{label}: MAE {mae:.2f}, MSE {mse:.2f}")
    ax_reg.set(
        yscale="log",
        xlabel="prediction − target",
        ylabel="count (all seeds)",
        title="Two predictors with equal MAE: their errors",
    )
    ax_reg.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"accuracy_vs_f1": _sweep_figure(runs), "threshold": _threshold_figure(runs),
            "averages_and_regression": _averages_figure(runs)}  # fmt: skip


def _mean_row(name: str, data: str, parts: list[dict]) -> list:
    return [name, data, *(float(np.mean([p[k] for p in parts])) for k in SCORES)]


def table(runs: list[dict]) -> Table:
    rows = []
    for i, m in enumerate(runs[0]["moons"]):
        data = f"moons, {m['share']:.0%} minority (~{m['test_minority']} in test)"
        rows.append(_mean_row("majority baseline", data, [r["moons"][i]["trivial"] for r in runs]))
        rows.append(_mean_row("trained, threshold 0.5", data, [r["moons"][i]["trained"] for r in runs]))
    for key, name in (("trivial", "majority baseline"), ("trained", "trained 64-32-10")):
        rows.append(_mean_row(name, "imbalanced digits (minority: 9)", [r["digits"][key] for r in runs]))
    ref = runs[0]["reference"]
    rows.append([f"digits reference recipe, {ref['epochs']} epochs (published accuracy {ref['published']:.1%})",
                 "whole balanced digits, 80/20", float(np.mean([r["reference"]["test_accuracy"] for r in runs])),
                 *[""] * 6])  # fmt: skip
    headers = ["classifier", f"data (mean of {len(runs)} seeds)", "accuracy", "minority precision",
               "minority recall", "minority F1", "macro F1", "micro F1", "weighted F1"]  # fmt: skip
    return Table(headers, rows)

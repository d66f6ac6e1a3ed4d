"""polynomial's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.polynomial.measure import NOISE_VARIANCE
from neuronlab.lab.plots import mean_band, new_figure


def _floor(ax, runs):
    ax.axhline(NOISE_VARIANCE, color="gray", linestyle=":", label="noise floor σ² = 0.01")
    ax.axhline(np.mean([r["baseline_test"] for r in runs]), color="k", linestyle="--",
               label="predict the training mean (test)")  # fmt: skip


def _degree_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.0)
    degrees = runs[0]["degrees"]
    for key, style, label in (
        ("sgd", "-", f"SGD, {runs[0]['epochs']} epochs"),
        ("exact", "--", "least squares"),
    ):
        mean_band(
            ax, degrees, [r[key]["train"] for r in runs], f"train, {label}", linestyle=style, marker="o"
        )
        mean_band(ax, degrees, [r[key]["test"] for r in runs], f"test, {label}", linestyle=style, marker="s")
    _floor(ax, runs)
    ax.set_yscale("log")
    ax.set_xlabel("polynomial degree d (features x⁰ … xᵈ)")
    ax.set_ylabel("mean squared error")
    ax.set_title(f"Loss against the degree: mean and range over {len(runs)} seeds")
    ax.legend(fontsize=7)
    return fig


def _size_figure(runs: list[dict]):
    size = runs[0]["data_size"]
    fig, axes = new_figure(1, 2, width=5.0)
    for ax, key in zip(axes, ("exact", "sgd")):
        for j, degree in enumerate(size["degrees"]):
            for part, style in (("train", "--"), ("test", "-")):
                curves = [[row[j] for row in r["data_size"][f"{key}_{part}"]] for r in runs]
                mean_band(ax, size["sizes"], curves, f"degree {degree}, {part}", linestyle=style, color=f"C{j}",
                      marker="o")  # fmt: skip
        _floor(ax, runs)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of training points n")
        ax.set_ylabel("mean squared error")
        ax.set_title(f"Train and test loss against n ({'least squares' if key == 'exact' else 'SGD'})")
        ax.legend(fontsize=6)
    return fig


def _scaling_figure(runs: list[dict]):
    degrees = runs[0]["degrees"]
    fig, (left, right) = new_figure(1, 2, width=5.0)
    for key, label in (("scaled", "xⁱ/i! (d2l)"), ("raw", "raw xⁱ"), ("standardized", "standardized xⁱ")):
        mean_band(left, degrees, [r["scaling"][f"lambda_max_{key}"] for r in runs], label, marker="o")
    left.axhline(
        2 / runs[0]["lr"],
        color="gray",
        linestyle=":",
        label=f"2/lr: SGD at lr {runs[0]['lr']} diverges above",
    )
    left.set_yscale("log")
    left.set_xlabel("degree d")
    left.set_ylabel("largest Hessian eigenvalue λ_max")
    left.set_title("Curvature of the MSE loss")
    left.legend(fontsize=7)
    for key, label in (("raw_test", "raw, SGD lr 0.01"), ("standardized_test", "standardized, SGD"),
                       ("raw_small_lr_test", "raw, SGD at the stable lr"), ("adam_test", "raw, Adam lr 0.01")):  # fmt: skip
        mean_band(right, degrees, [r["scaling"][key] for r in runs], label, marker="o")
    mean_band(
        right, degrees, [r["sgd"]["test"] for r in runs], "xⁱ/i!, SGD (reference)", color="k", linestyle="--"
    )
    right.set_yscale("log")
    right.set_xlabel("degree d")
    right.set_ylabel("test MSE (diverged runs left out)")
    right.set_title("Without 1/i!: what diverges and what fixes it")
    right.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {
        "degree_sweep": _degree_figure(runs),
        "data_size": _size_figure(runs),
        "scaling": _scaling_figure(runs),
    }


def _mean(values) -> float | str:
    finite = [v for v in values if v is not None]
    return float(np.mean(finite)) if len(finite) == len(values) else f"{len(values) - len(finite)} diverged"


def table(runs: list[dict]) -> Table:
    headers = ["degree", "SGD train", "SGD test", "exact train", "exact test", "normal eq. train", "cond(XᵀX) xⁱ/i!",
               "raw SGD test", "standardized test", "Adam raw test"]  # fmt: skip
    rows = []
    for k, d in enumerate(runs[0]["degrees"]):
        col = lambda get, k=k: _mean([get(r)[k] for r in runs])  # noqa: E731
        rows.append([d, col(lambda r: r["sgd"]["train"]), col(lambda r: r["sgd"]["test"]),
                     col(lambda r: r["exact"]["train"]), col(lambda r: r["exact"]["test"]),
                     col(lambda r: r["exact"]["normal_eq_train"]), col(lambda r: r["scaling"]["cond_scaled"]),
                     col(lambda r: r["scaling"]["raw_test"]), col(lambda r: r["scaling"]["standardized_test"]),
                     col(lambda r: r["scaling"]["adam_test"])])  # fmt: skip
    noise = [r["noise"] for r in runs]
    rows.append(["true polynomial (noise floor)", "", _mean([n["true_function_test"] for n in noise]), "", "", "", "",
                 "", "", ""])  # fmt: skip
    rows.append([f"degree {noise[0]['interpolation_points'] - 1} through {noise[0]['interpolation_points']} points", "",
                 "", _mean([n["interpolation_train"] for n in noise]), _mean([n["interpolation_test"] for n in noise]),
                 "", "", "", "", ""])  # fmt: skip
    rows.append(["predict the training mean (trivial baseline)", "", _mean([r["baseline_test"] for r in runs]), "", "",
                 "", "", "", "", ""])  # fmt: skip
    return Table(headers, rows)

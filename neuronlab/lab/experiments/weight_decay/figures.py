"""weight-decay's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure


def _references(ax, runs):
    ax.axhline(np.mean([r["baseline"]["test"] for r in runs]), color="k", linestyle="--",
               label="predict the training mean (test)")  # fmt: skip
    ax.axhline(runs[0]["noise_floor"], color="C2", linestyle="-.", label="noise floor σ²/2")


def _sweep_figure(runs: list[dict]):
    fig, (ax_exact, ax_sgd) = new_figure(1, 2)
    lams = np.asarray(runs[0]["exact"]["lambdas"][1:])
    for part in ("train", "test"):
        mean_band(ax_exact, lams, [r["exact"][part][1:] for r in runs], f"{part} (exact ridge)")
    l1 = [r["l1"] for r in runs]
    ax_exact.plot([np.mean([p["lambdas"][i] for p in l1]) for i in range(len(l1[0]["lambdas"]))],
                  np.mean([p["test"] for p in l1], axis=0), "^:", label="test (L1, proximal; mean λ)")  # fmt: skip
    lam_sgd = np.asarray(runs[0]["sgd"]["lambdas"][1:])
    for part in ("train", "test"):
        mean_band(ax_sgd, lam_sgd, [r["sgd"][part][1:] for r in runs], f"{part} (d2l's SGD)", marker="o")
    for ax, title in ((ax_exact, "Exact minimizers"), (ax_sgd, f"d2l's SGD, {runs[0]['epochs']} epochs")):
        _references(ax, runs)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("λ")
        ax.set_ylabel("½·MSE (data loss only)")
        ax.set_title(f"{title}: mean and range over {len(runs)} seeds", fontsize=9)
        ax.legend(fontsize=7)
    return fig


def _curves_figure(runs: list[dict]):
    fig, ax = new_figure()
    lambdas = runs[0]["sgd"]["lambdas"]
    for k in (0, lambdas.index(3.0), lambdas.index(runs[0]["sgd_choice"]["lambda"])):
        curves = [[epoch[k] for epoch in r["sgd"]["test_per_epoch"]] for r in runs]
        mean_band(ax, np.arange(1, len(curves[0]) + 1), curves, f"test, λ = {lambdas[k]:g}")
    _references(ax, runs)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("½·MSE")
    ax.set_title("d2l's test curves with and without weight decay")
    ax.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"lambda_sweep": _sweep_figure(runs), "d2l_curves": _curves_figure(runs)}


def _mean(runs, get) -> float:
    return float(np.mean([get(r) for r in runs]))


def table(runs: list[dict]) -> Table:
    rows = []
    for key, label in (
        ("sgd_choice", "d2l's SGD"),
        ("exact_choice", "exact ridge"),
        ("l1_choice", "L1 (proximal)"),
    ):
        c = [r[key] for r in runs]
        rows.append([f"{label} at the validation-chosen λ", ", ".join(f"{x['lambda']:.3g}" for x in c),
                     ", ".join(str(x["interior"]) for x in c), _mean(c, lambda x: x["train"]),
                     _mean(c, lambda x: x["test"])])  # fmt: skip
    rows.append(["d2l's SGD, λ = 0", "0", "—", _mean(runs, lambda r: r["sgd"]["train"][0]),
                 _mean(runs, lambda r: r["sgd"]["test"][0])])  # fmt: skip
    rows.append(["exact minimum-norm fit, λ = 0", "0", "—", _mean(runs, lambda r: r["exact"]["train"][0]),
                 _mean(runs, lambda r: r["exact"]["test"][0])])  # fmt: skip
    noise = [r["input_noise"] for r in runs]
    rows.append(["d2l's SGD with Gaussian input noise (σ chosen on validation)",
                 "σ = " + ", ".join(f"{x['sigma']:g}" for x in noise), ", ".join(str(x["interior"]) for x in noise),
                 _mean(noise, lambda x: x["train"]), _mean(noise, lambda x: x["test"])])  # fmt: skip
    rows.append(["trivial baseline: w = 0, predict the training mean", "—", "—", "—",
                 _mean(runs, lambda r: r["baseline"]["test"])])  # fmt: skip
    rows.append(["noise floor σ²/2", "—", "—", "—", runs[0]["noise_floor"]])
    return Table(
        ["setting", "λ chosen (per seed)", "interior", "train loss (mean)", "test loss (mean)"], rows
    )

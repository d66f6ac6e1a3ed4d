"""mlp-hyperparams' figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.mlp_hyperparams.search import STRATEGIES
from neuronlab.lab.plots import mean_band, new_figure


def _sweeps_figure(runs: list[dict]):
    fig, axes = new_figure(1, 3, width=4.2)
    for ax, key, xlabel in (
        (axes[0], "width", "hidden units (1 layer)"),
        (axes[1], "depth", "hidden layers (64 units)"),
    ):
        x = [t[key] for t in runs[0]["sweeps"][key]]
        mean_band(
            ax,
            x,
            [[t["val_accuracy"] for t in r["sweeps"][key]] for r in runs],
            "at its tuned lr",
            marker="o",
        )
        ax.set(xlabel=xlabel, ylabel="validation accuracy", title=f"Varying the {key}")
        if key == "width":
            ax.set_xscale("log", base=2)
        ax.legend(fontsize=7)
    lrs = [t["lr"] for t in runs[0]["sweeps"]["lr"]]
    mean_band(
        axes[2], lrs, [[t["val_accuracy"] for t in r["sweeps"]["lr"]] for r in runs], "64×1, SGD", marker="o"
    )
    axes[2].axvspan(0.1, 1.0, color="green", alpha=0.08, label="seed: converges for 0.1 ≤ lr ≤ 1")
    axes[2].set(
        xscale="log", xlabel="learning rate", ylabel="validation accuracy", title="Varying the learning rate"
    )
    axes[2].legend(fontsize=7)
    fig.suptitle(f"Fixed budget of {len(runs[0]['sweeps']['width'][0]['train_loss'])} epochs; mean and range over "
                 f"{len(runs)} seeds", fontsize=9)  # fmt: skip
    return fig


def _search_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.0)
    for i, name in enumerate(STRATEGIES):
        curves = [r["search"]["strategies"][name]["best_so_far"] for r in runs]
        n = min(len(c) for c in curves)
        mean_band(ax, np.arange(1, n + 1), [c[:n] for c in curves], name, color=f"C{i}", marker="o")
    ax.set(xlabel="trial", ylabel="best validation accuracy so far",
           title=f"Joint search, {runs[0]['search']['budget']} trials each ({len(runs)} seeds)")  # fmt: skip
    ax.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"sweeps": _sweeps_figure(runs), "search": _search_figure(runs)}


def _mean(values) -> float:
    return float(np.mean(values))


def _lrs(values) -> str:
    return ", ".join(f"{x:.3g}" for x in values)


def table(runs: list[dict]) -> Table:
    rows = []
    for key in ("width", "depth"):
        for i, t in enumerate(runs[0]["sweeps"][key]):
            tuned = [r["sweeps"][key][i] for r in runs]
            interior = all(t["lr_interior"] for t in tuned)
            rows.append([f"sweep: {key} = {t[key]}", f"lr chosen per seed: {_lrs(t['lr'] for t in tuned)}"
                         + ("" if interior else " (on the grid's edge in some seed)"),
                         _mean([t["val_accuracy"] for t in tuned]), ""])  # fmt: skip
    for i, t in enumerate(runs[0]["sweeps"]["lr"]):
        rows.append([f"sweep: lr = {t['lr']:g}", "64 units, 1 layer",
                     _mean([r["sweeps"]["lr"][i]["val_accuracy"] for r in runs]), ""])  # fmt: skip
    for name in STRATEGIES:
        best = [r["search"]["strategies"][name]["best"] for r in runs]
        trials = len(runs[0]["search"]["strategies"][name]["trials"])
        rows.append([f"search: {name}", f"best of {trials} trials", _mean(best), ""])
    chosen = [r["search"]["chosen"] for r in runs]
    settings = "; ".join(f"{c['strategy']}: lr {c['hp']['lr']:.3g}, {c['hp']['width']}×{c['hp']['depth']}, "
                         f"{c['hp']['epochs']} ep." for c in chosen)  # fmt: skip
    rows.append(["chosen configuration (best validation over all strategies)", settings,
                 _mean([c["val_accuracy"] for c in chosen]), _mean([c["test_accuracy"] for c in chosen])])  # fmt: skip
    ref = runs[0]["reference"]
    rows.append([f"digits reference recipe (published {ref['published']:.1%})", f"{ref['epochs']} epochs of Adam, "
                 "80/20 split", "", _mean([r["reference"]["test_accuracy"] for r in runs])])  # fmt: skip
    return Table(
        ["run", "setting", f"validation accuracy (mean of {len(runs)} seeds)", "test accuracy"], rows
    )

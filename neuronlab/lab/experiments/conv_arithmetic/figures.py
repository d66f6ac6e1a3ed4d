"""conv-arithmetic's figure and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure


def figures(runs: list[dict]) -> dict:
    fig, ax = new_figure()
    for key, label in (("cnn", "CNN"), ("mlp", "MLP")):
        curves = np.array([r[key]["val_accuracy_per_epoch"] for r in runs])
        epochs = np.arange(1, curves.shape[1] + 1)
        mean_band(ax, epochs, curves, f"{label} ({runs[0][key]['parameters']} parameters)", marker=".")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.set_title(f"8×8 digits at each model's tuned lr: mean and range over {len(runs)} seeds")
    ax.legend()
    return {"cnn_vs_mlp": fig}


def table(runs: list[dict]) -> Table:
    first = runs[0]
    rows = [[r["layer"], "×".join(map(str, r["input"])), r["formula_params"], r["counted_params"], r["formula_size"],
             r["seed_formula_size"], "×".join(map(str, r["output"]))] for r in first["layers"]]  # fmt: skip
    for key, label in (("cnn", "CNN"), ("mlp", "MLP")):
        acc = [r[key]["test_accuracy"] for r in runs]
        lrs = sorted({r[key]["lr"] for r in runs})
        rows.append([f"{label} on digits: test accuracy (mean of {len(runs)} seeds)", "", "", "", "", "",
                     f"{np.mean(acc):.1%} (lr chosen: {', '.join(f'{x:g}' for x in lrs)})"])  # fmt: skip
    ref = [r["reference"]["test_accuracy"] for r in runs]
    rows.append([f"digits reference recipe, {first['reference']['epochs']} epochs (published "
                 f"{first['reference']['published']:.1%})", "", "", "", "", "", f"{np.mean(ref):.1%}"])  # fmt: skip
    return Table(["layer / model", "input", "params (formula)", "params (counted)", "size (floor formula)",
                  "size (seed's formula)", "output (forward pass)"], rows)  # fmt: skip

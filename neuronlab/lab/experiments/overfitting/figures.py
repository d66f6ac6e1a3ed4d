"""overfitting's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure


def _curves_figure(runs: list[dict]):
    fig, axes = new_figure(1, 3, width=4.2)
    for ax, name in zip(axes, runs[0]["models"]):
        for key, label in (("train_curve", "training loss"), ("val_curve", "validation loss")):
            curves = np.array([r["models"][name][key] for r in runs])
            epochs = np.arange(1, curves.shape[1] + 1)
            mean_band(ax, epochs, curves, label)
        ax.set_yscale("log")
        ax.set_xlabel("step (full batch)")
        ax.set_ylabel("cross-entropy")
        ax.set_title(f"{name}: mean and range over {len(runs)} seeds", fontsize=9)
        ax.legend(fontsize=7)
    return fig


def _remedies_figure(runs: list[dict]):
    names = ["none (too large)", *runs[0]["remedies"], *runs[0]["underfitting"]]

    def test_loss(r, name):
        if name == "none (too large)":
            return r["models"]["too large"]["test_loss"]
        return (r["remedies"].get(name) or r["underfitting"][name])["test_loss"]

    values = np.array([[test_loss(r, n) for n in names] for r in runs])
    fig, ax = new_figure(width=7.0)
    ax.bar(range(len(names)), values.mean(0), yerr=values.std(0, ddof=1) if len(runs) > 1 else None, capsize=3,
           color=["gray"] + ["C0"] * len(runs[0]["remedies"]) + ["C1"] * len(runs[0]["underfitting"]))  # fmt: skip
    ax.axhline(np.mean([r["models"]["right"]["test_loss"] for r in runs]), color="C2", linestyle="--",
               label="right-sized network")  # fmt: skip
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("test cross-entropy (mean ± sd over seeds)")
    ax.set_title("Remedies: overfitting (blue, on the too-large net) and underfitting (orange)")
    ax.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"learning_curves": _curves_figure(runs), "remedies": _remedies_figure(runs)}


def table(runs: list[dict]) -> Table:
    rows = []
    for name in runs[0]["models"]:
        m = [r["models"][name] for r in runs]
        rows.append([f"model: {name}", "", *(float(np.mean([x[k] for x in m])) for k in ("train_loss", "val_loss",
                     "test_loss", "test_accuracy"))])  # fmt: skip
    for group in ("remedies", "underfitting"):
        for name in runs[0][group]:
            m = [r[group][name] for r in runs]
            chosen = (
                ", ".join(f"{x['chosen']:.3g}{'' if x['interior'] else ' (edge)'}" for x in m)
                if "chosen" in m[0]
                else ""
            )
            rows.append([f"{group[:-1] if group == 'remedies' else 'underfitting'}: {name}", chosen,
                         *(float(np.mean([x[k] for x in m])) if k in m[0] else "—" for k in ("train_loss", "val_loss",
                           "test_loss", "test_accuracy"))])  # fmt: skip
    return Table(["run", "chosen on validation (per seed)", "train loss", "val. loss", "test loss", "test accuracy"],
                 rows)  # fmt: skip

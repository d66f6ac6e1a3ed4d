"""gd-variants' figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import new_figure

LABELS = {"gd": "full-batch GD", "sgd": "SGD (batch 1)", "minibatch": "mini-batch (32)"}


def _band(ax, runs: list[dict], budget: str, key: str, label: str) -> None:
    """Mean and min–max band over seeds of the whole-set training loss against updates."""
    curves = [
        dict((int(it), np.nan if loss is None else loss) for it, loss in r[budget][key]["curve"])
        for r in runs
    ]
    its = sorted(set.intersection(*(set(c) for c in curves)))
    values = np.array([[c[i] for i in its] for c in curves])
    line = ax.plot(its, values.mean(0), marker=".", markersize=3, label=label)[0]
    ax.fill_between(its, values.min(0), values.max(0), color=line.get_color(), alpha=0.2)


def figures(runs: list[dict]) -> dict:
    fig, axes = new_figure(1, 2, width=5.0)
    first = runs[0]
    for key, label in LABELS.items():
        lr = ", ".join(f"{x:g}" for x in sorted({r["at_updates"][key]["lr"] for r in runs}))
        _band(axes[0], runs, "at_updates", key, f"{label}, lr {lr}")
    axes[0].set_xscale("symlog", linthresh=1)
    axes[0].set_yscale("log")
    axes[0].set_xlabel("update (iteration)")
    axes[0].set_ylabel("training loss (whole set)")
    axes[0].set_title(f"{first['updates']} updates at each variant's tuned lr ({len(runs)} seeds)")
    axes[0].legend(fontsize=7)
    noise = np.array([r["noise"]["measured"] for r in runs])
    predicted = np.array([r["noise"]["predicted"] for r in runs])
    b = first["noise"]["batch_sizes"]
    axes[1].errorbar(b, noise.mean(0), yerr=np.maximum(0, [noise.mean(0) - noise.min(0), noise.max(0) - noise.mean(0)]), fmt="o",
                     capsize=2, label="measured E‖g_B − g‖² (mean, range)")  # fmt: skip
    axes[1].plot(b, predicted.mean(0), "-", label="σ²/b · (N−b)/(N−1)")
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("batch size b")
    axes[1].set_ylabel("squared distance from the full gradient")
    axes[1].set_title("noise of a batch gradient (initial weights)")
    axes[1].legend(fontsize=7)
    return {"variants": fig}


def table(runs: list[dict]) -> Table:
    rows = []
    first = runs[0]
    for key, label in LABELS.items():
        for budget, name in (
            ("at_epochs", f"{first['epochs']} epochs"),
            ("at_updates", f"{first['updates']} updates"),
        ):
            per = [r[budget][key] for r in runs]
            losses = [p["train_loss"] for p in per if p["train_loss"] is not None]
            raising = [
                p["fraction_updates_raising_loss"]
                for p in per
                if p["fraction_updates_raising_loss"] is not None
            ]
            rows.append([label, name, first["iterations_per_epoch"][key], per[0]["updates"],
                         ", ".join(f"{p['lr']:g}" for p in per), all(p["lr_interior"] for p in per),
                         float(np.mean(losses)) if losses else None, float(np.mean([p["test_accuracy"] for p in per])),
                         float(np.mean(raising)) if raising else None])  # fmt: skip
    ref = [r["reference"] for r in runs]
    rows.append([f"digits reference recipe (Adam 1e-3, batch 64, {ref[0]['epochs']} epochs, 80/20 split; published "
                 f"{ref[0]['published']:.1%})", "", "", "", "0.001", None, None,
                 float(np.mean([x["test_accuracy"] for x in ref])), None])  # fmt: skip
    headers = ["variant", "budget", "iterations/epoch", "updates", "tuned lr per seed", "every lr interior",
               "training loss (mean)", "test accuracy (mean)", "updates raising the loss (last window)"]  # fmt: skip
    return Table(headers, rows)

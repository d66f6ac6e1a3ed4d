"""batch-size's figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure


def figures(runs: list[dict]) -> dict:
    first = runs[0]
    small, large = str(first["small"]), str(first["large"])
    fig, axes = new_figure(1, 3, width=4.4)
    for budget, ax, unit in (("at_epochs", axes[0], "epoch"), ("at_updates", axes[1], "update")):
        for b in (small, large):
            curves = [
                dict((int(i), np.nan if v is None else v) for i, v in r[budget][b]["curve"]) for r in runs
            ]
            its = sorted(set.intersection(*(set(c) for c in curves)))
            updates_per_epoch = first[budget][b]["updates"] / first["epochs"]
            per_unit = updates_per_epoch if unit == "epoch" else 1
            lrs = ", ".join(f"{x:g}" for x in sorted({r[budget][b]["lr"] for r in runs}))
            mean_band(ax, np.array(its) / per_unit, np.array([[c[i] for i in its] for c in curves]),
                       f"b = {b} (lr {lrs})", marker="o", markersize=3)  # fmt: skip
        ax.set_yscale("log")
        ax.set_xlabel(unit)
        ax.set_ylabel("training loss (whole set)")
        budget_text = f"{first['epochs']} epochs" if unit == "epoch" else f"{first['updates']} updates"
        ax.set_title(f"equal budget: {budget_text}, {len(runs)} seeds")
        ax.legend(fontsize=7)
    cos = np.array([r["noise"]["mean_cosine"] for r in runs])
    mean_band(axes[2], first["noise"]["batch_sizes"], cos, "mean cos(g_B, g)", marker="o", markersize=3)
    axes[2].set_xscale("log")
    axes[2].set_xlabel("batch size")
    axes[2].set_ylabel("cosine with the full gradient")
    axes[2].set_title("batch gradient vs full gradient")
    axes[2].legend(fontsize=7)
    return {"batch_size": fig}


def table(runs: list[dict]) -> Table:
    first = runs[0]
    rows = []
    for budget, name in (
        ("at_epochs", f"{first['epochs']} epochs"),
        ("at_updates", f"{first['updates']} updates"),
    ):
        for b in sorted(first[budget], key=int):
            per = [r[budget][b] for r in runs]
            losses = [p["train_loss"] for p in per if p["train_loss"] is not None]
            rows.append([b, name, per[0]["updates"], ", ".join(f"{p['lr']:g}" for p in per),
                         all(p["lr_interior"] for p in per), float(np.mean(losses)) if losses else None,
                         float(np.mean([p["test_accuracy"] for p in per]))])  # fmt: skip
    w = [r["warmup"] for r in runs]
    for key, label in (
        ("without", "no warm-up"),
        ("with", f"linear warm-up over {w[0]['warmup_updates']} updates"),
    ):
        losses = [x[key] for x in w if x[key] is not None]
        mean = float(np.mean(losses)) if losses else None
        rows.append([first["large"], f"{first['epochs']} epochs, {label}", w[0]["updates"],
                     ", ".join(f"{x['lr']:g}" for x in w), None, mean, None])  # fmt: skip
    ref = [r["reference"] for r in runs]
    rows.append([64, f"reference recipe (Adam 1e-3, {ref[0]['epochs']} epochs, 80/20 split; published "
                 f"{ref[0]['published']:.1%})", None, "0.001", None, None,
                 float(np.mean([x["test_accuracy"] for x in ref]))])  # fmt: skip
    headers = ["batch", "budget", "updates", "lr per seed", "every tuned lr interior", "training loss (mean)",
               "test accuracy (mean)"]  # fmt: skip
    return Table(headers, rows)

"""memory's figure and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import new_figure

MIB = 2**20


def _spread(values: np.ndarray) -> list[np.ndarray]:
    """Error bars from the mean down to the min and up to the max; clipped at 0 because the mean of
    equal values can exceed their min by a rounding error, which matplotlib refuses."""
    mean = values.mean(0)
    return [np.maximum(mean - values.min(0), 0.0), np.maximum(values.max(0) - mean, 0.0)]


def figures(runs: list[dict]) -> dict:
    labels = [c["label"] for c in runs[0]["configurations"]]
    fig, (ax, bx) = new_figure(1, 2, width=6.0)
    x = np.arange(len(labels))
    for offset, mode, name in ((-0.2, "train", "training step"), (0.2, "predict", "prediction")):
        peaks = np.array([[c[mode]["peak"] / MIB for c in r["configurations"]] for r in runs])
        ax.bar(x + offset, peaks.mean(0), width=0.4, yerr=peaks.std(0), label=f"{name}, traced peak")
        ratios = np.array(
            [[c[mode]["predicted"] / c[mode]["peak"] for c in r["configurations"]] for r in runs]
        )
        bx.errorbar(x + offset, ratios.mean(0), yerr=_spread(ratios),
                    fmt="o", label=name)  # fmt: skip
    ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=7)
    ax.set(ylabel="MiB", title="Training against prediction (tracemalloc)")
    ax.legend(fontsize=7)
    bx.axhspan(1 / 1.25, 1.25, color="green", alpha=0.12, label="tolerance ×1.25")
    bx.axhline(1.0, color="gray", linewidth=0.8)
    bx.set_xticks(x, labels, rotation=30, ha="right", fontsize=7)
    bx.set(ylabel="estimate_memory / traced peak", title=f"Estimate against measurement ({len(runs)} seeds)")
    bx.legend(fontsize=7)
    return {"training_vs_prediction": fig}


def table(runs: list[dict]) -> Table:
    first = runs[0]
    f, e3, e4 = first["formula"], first["exercise_3"], first["exercise_4"]
    rows = [
        ["ex. 3: parameters", f"4P = {f['parameters'] / MIB:.3f}", e3["plain"]["built"] / MIB, ""],
        ["ex. 3: forward-pass activations", f"4b(2h + 2c) = {f['activations'] / MIB:.3f}", e3["plain"]["kept"] / MIB,
         "input batch X not counted"],
        ["ex. 3: training step, SGD", "", e3["plain"]["peak"] / MIB, ""],
        ["ex. 3: training step, SGD + weight_decay", "", e3["weight_decay"]["peak"] / MIB, ""],
        ["ex. 3: prediction", "", e3["predict"]["peak"] / MIB, ""],
        ["ex. 4: training, penalty in the loss graph", "", e4["penalty_in_graph"]["peak"] / MIB, ""],
        ["ex. 4: training, weight_decay in the optimizer", "", e4["weight_decay"]["peak"] / MIB, ""],
        ["ex. 4: prediction", "", e4["predict"]["peak"] / MIB, ""],
    ]  # fmt: skip
    for i, c in enumerate(first["configurations"]):
        for mode in ("train", "predict"):
            ratios = [
                r["configurations"][i][mode]["predicted"] / r["configurations"][i][mode]["peak"] for r in runs
            ]
            rows.append([f"{c['label']}, batch {c['batch']}: {'training' if mode == 'train' else 'prediction'}",
                         f"estimate_memory {c[mode]['predicted'] / MIB:.3f}", c[mode]["peak"] / MIB,
                         f"ratio {min(ratios):.3f}–{max(ratios):.3f} over {len(runs)} seeds"])  # fmt: skip
    return Table(["what", "formula / estimate (MiB)", "traced (MiB, first seed)", "note"], rows)

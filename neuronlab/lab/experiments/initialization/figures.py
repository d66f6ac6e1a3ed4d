"""initialization's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.initialization.measure import TRAINED
from neuronlab.lab.experiments.initialization.probes import SCALES
from neuronlab.lab.plots import new_figure


def _profile(runs: list[dict], key: str, field: str) -> np.ndarray:
    return np.array(
        [[np.nan if v is None else max(v, 1e-45) for v in r["propagation"][key][field]] for r in runs]
    )


def _propagation_figure(runs: list[dict]):
    fig, axes = new_figure(2, 2, width=4.6)
    for row, activation in enumerate(("tanh", "relu")):
        for col, field in enumerate(("activation_variance", "gradient_variance")):
            ax = axes[row, col]
            for j, scheme in enumerate(SCALES):
                values = _profile(runs, f"{activation}/{scheme}", field)
                layers = np.arange(1, values.shape[1] + 1)
                ax.plot(
                    layers, np.exp(np.nanmean(np.log(values), 0)), marker=".", color=f"C{j}", label=scheme
                )
                ax.fill_between(layers, np.nanmin(values, 0), np.nanmax(values, 0), color=f"C{j}", alpha=0.2)
            ax.set_yscale("log")
            ax.set_xlabel("layer")
            ax.set_ylabel(field.replace("_", " "))
            ax.set_title(
                f"{runs[0]['sizes']['depth']} {activation} layers ({len(runs)} seeds: geometric mean, range)"
            )
            ax.legend(fontsize=7)
    return fig


def _training_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.5)
    for j, (activation, scheme) in enumerate(TRAINED):
        acc = np.array([r["training"][f"{activation}/{scheme}"]["test_accuracy"] for r in runs])
        ax.errorbar([j], [acc.mean()], yerr=np.maximum(0, [[acc.mean() - acc.min()], [acc.max() - acc.mean()]]), marker="o",
                    capsize=4, color=f"C{j}")  # fmt: skip
        ax.scatter(np.full(len(acc), j + 0.12), acc, s=10, color=f"C{j}", alpha=0.6)
    ax.set_xticks(range(len(TRAINED)), [f"{a}\n{s}" for a, s in TRAINED])
    ax.set_ylabel("test accuracy")
    ax.set_title(
        f"{runs[0]['sizes']['train_depth']} hidden layers, each at its tuned SGD rate: mean, range, seeds"
    )
    return fig


def _symmetry_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.0)
    cases = {f"MLP from {k}": ("symmetry", k, 32) for k in runs[0]["symmetry"]}
    cases |= {f"softmax from {k}": ("softmax", k, 10) for k in runs[0]["softmax"]}
    cases |= {f"CNN, {k.replace('_', ' ')}": ("cnn", k, 4) for k in runs[0]["cnn"]}
    values = np.array([[r[p][k]["after"]["distinct_units"] / n for r in runs] for p, k, n in cases.values()])
    ax.barh(
        list(cases), values.mean(1), xerr=[values.mean(1) - values.min(1), values.max(1) - values.mean(1)]
    )
    ax.set_xlabel(f"distinct units after training (fraction; mean and range over {len(runs)} seeds)")
    ax.set_title("Is the symmetry broken?")
    return fig


def figures(runs: list[dict]) -> dict:
    return {"propagation": _propagation_figure(runs), "training": _training_figure(runs),
            "symmetry": _symmetry_figure(runs)}  # fmt: skip


def _mean(values) -> float:
    return float(np.mean(values))


def table(runs: list[dict]) -> Table:
    rows = []
    for activation in ("tanh", "relu"):
        for scheme in SCALES:
            key = f"{activation}/{scheme}"
            p = [r["propagation"][key] for r in runs]
            share = [(x["saturated_fraction"] or x["dead_fraction"])[-1] for x in p]
            t = [r["training"].get(key) for r in runs]
            rows.append([activation, scheme, _mean([np.log10(x["activation_variance"][-1] / x["activation_variance"][0]) for x in p]),
                         _mean([np.log10(x["gradient_variance"][0] / x["gradient_variance"][-1]) for x in p]), _mean(share),
                         ", ".join(f"{x['lr']:g}" for x in t) if t[0] else "", _mean([x["test_accuracy"] for x in t]) if t[0] else ""])  # fmt: skip
    ref = runs[0]["reference"]
    rows.append(["digits reference recipe", f"{ref['epochs']} epochs (published {ref['published']:.1%})", "", "", "", "",
                 _mean([r["reference"]["test_accuracy"] for r in runs])])  # fmt: skip
    rows.append(["CNN, identical kernels", "largest difference between channels at init", "", "", "", "",
                 max(r["cnn"]["random_head"]["max_channel_difference"] for r in runs)])  # fmt: skip
    rows.append(["MLP from all weights 0.1", "distinct hidden units after training", "", "", "", "",
                 _mean([r["symmetry"]["constant"]["after"]["distinct_units"] for r in runs])])  # fmt: skip
    headers = ["activation", "init", "log10 activation variance, last/first layer", "log10 gradient variance, layer 1/last",
               "saturated (tanh) / zero (ReLU) share, last layer", "tuned SGD lr per seed", "test accuracy (mean)"]  # fmt: skip
    return Table(headers, rows)

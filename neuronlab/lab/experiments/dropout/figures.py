"""dropout's figures and table, drawn from every seed's results (mean and spread over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure

LABELS = {
    "none": "no regularization",
    "dropout": "dropout (0.2, 0.5)",
    "swapped": "dropout swapped (0.5, 0.2)",
    "dropconnect": "DropConnect (0.2, 0.5)",
    "weight_decay": "weight decay",
    "both": "dropout + weight decay",
    "noise": "additive Gaussian noise",
}


def _long_training_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.0)
    for i, key in enumerate(("none", "dropout")):
        for curve, style, part in (
            ("train_loss_curve", "--", "training"),
            ("val_loss_curve", "-", "validation"),
        ):
            c = np.array([r["variants"][key][curve] for r in runs])
            mean_band(
                ax,
                np.arange(1, c.shape[1] + 1),
                c,
                f"{LABELS[key]}, {part}",
                color=f"C{i}",
                linestyle=style,
                alpha=0.15,
            )
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy")
    ax.set_title(f"Long training, each at its tuned lr (mean and range over {len(runs)} seeds)", fontsize=9)
    ax.legend(fontsize=7)
    return fig


def _variance_figure(runs: list[dict]):
    fig, axes = new_figure(1, 2, width=4.5)
    for layer, ax in enumerate(axes):
        for i, key in enumerate(("none", "dropout")):
            v = np.array([np.asarray(r["variants"][key]["variance"])[:, layer] for r in runs])
            mean_band(ax, np.arange(v.shape[1]), v, LABELS[key], color=f"C{i}", alpha=0.15)
        ax.set_yscale("log")
        ax.set_xlabel("epoch (0: at initialization)")
        ax.set_ylabel("variance of the activations (eval mode)")
        ax.set_title(f"hidden layer {layer + 1}", fontsize=9)
        ax.legend(fontsize=7)
    return fig


def _variants_figure(runs: list[dict]):
    keys = list(LABELS)
    fig, (ax_loss, ax_acc) = new_figure(1, 2, width=5.0)
    x = np.arange(len(keys))
    for ax, field in ((ax_loss, "test_loss"), (ax_acc, "test_accuracy")):
        values = np.array([[r["variants"][k][field] for k in keys] for r in runs])
        ax.bar(x, values.mean(0), yerr=values.std(0, ddof=1) if len(runs) > 1 else None, capsize=3,
               color=["0.5"] + ["C0"] * (len(keys) - 1))  # fmt: skip
        ax.set_xticks(x, [LABELS[k] for k in keys], rotation=30, ha="right", fontsize=7)
    ax_loss.set_ylabel("test cross-entropy (mean ± sd over seeds)")
    reference = [r["reference"] for r in runs]
    ax_acc.axhline(np.mean([ref["test_accuracy"] for ref in reference]), color="C1", linestyle="--",
                   label=f"MNIST-1D MLP recipe run here ({reference[0]['steps']} steps, 4000 signals)")  # fmt: skip
    ax_acc.axhline(reference[0]["published"], color="C2", linestyle=":", label="published MLP figure")
    ax_acc.set_ylabel("test accuracy (mean ± sd over seeds)")
    ax_acc.legend(fontsize=7)
    fig.suptitle("Every variant, each at its own setting chosen on validation", fontsize=10)
    return fig


def _test_time_figure(runs: list[dict]):
    names = {"eval_accuracy": "eval mode (dropout off)", "single_pass_accuracy": "one stochastic pass",
             "mc_accuracy": "average of the stochastic passes", "scaled_accuracy": "eval × (1 − p), the seed's rule"}  # fmt: skip
    values = np.array([[r["test_time"][k] for k in names] for r in runs])
    fig, ax = new_figure(width=6.0)
    ax.bar(
        range(len(names)), values.mean(0), yerr=values.std(0, ddof=1) if len(runs) > 1 else None, capsize=3
    )
    ax.set_xticks(range(len(names)), list(names.values()), rotation=15, ha="right", fontsize=8)
    ax.set_ylabel("test accuracy (mean ± sd over seeds)")
    ax.set_title(
        f"The dropout net at test time ({runs[0]['test_time']['passes']} stochastic passes)", fontsize=9
    )
    return fig


def figures(runs: list[dict]) -> dict:
    return {"long_training": _long_training_figure(runs), "activation_variance": _variance_figure(runs),
            "variants": _variants_figure(runs), "test_time": _test_time_figure(runs)}  # fmt: skip


def table(runs: list[dict]) -> Table:
    rows = []
    for key, label in LABELS.items():
        v = [r["variants"][key] for r in runs]
        if "chosen" in v[0]:
            chosen = f"{v[0]['tuned']}: " + ", ".join(
                f"{x['chosen']:.3g}{'' if x['interior'] else ' (edge)'}" for x in v
            )
        else:
            chosen = "the tuned lr of dropout and λ of weight decay"
        rows.append([label, chosen, *(float(np.mean([x[k] for x in v])) for k in ("train_accuracy", "test_accuracy",
                     "test_loss", "late_swing"))])  # fmt: skip
    same_lr = [r["swapped_at_dropout_lr"] for r in runs]
    rows.append(["dropout swapped (0.5, 0.2) at dropout's lr", "dropout's lr", *(float(np.mean([x[k] for x in same_lr]))
                 for k in ("train_accuracy", "test_accuracy", "test_loss", "late_swing"))])  # fmt: skip
    ref = [r["reference"] for r in runs]
    rows.append([f"MNIST-1D MLP recipe (40-100-100-10, Adam 1e-2, {ref[0]['steps']} steps; published "
                 f"{ref[0]['published']:.1%} after 6000)", "", "—", float(np.mean([x["test_accuracy"] for x in ref])),
                 "—", "—"])  # fmt: skip
    families = [r["families"] for r in runs]
    steps = families[0]["steps"]
    rows.append([f"MNIST-1D GRU recipe (bidirectional GRU, hidden 6, Adam 1e-2, {steps} steps; published "
                 f"{families[0]['gru']['published']:.1%} after 6000)", "", "—",
                 float(np.mean([f["gru"]["test_accuracy"] for f in families])), "—", "—"])  # fmt: skip
    rows.append([f"MNIST-1D MLP recipe at the GRU's budget ({steps} steps)", "", "—",
                 float(np.mean([f["mlp"]["test_accuracy"] for f in families])), "—", "—"])  # fmt: skip
    return Table(["variant", "setting chosen on validation (per seed)", "train accuracy", "test accuracy",
                  "test loss", "late swing of the validation loss (mean |change| per epoch, second half)"], rows)  # fmt: skip

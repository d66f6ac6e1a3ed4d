"""residual's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.residual.networks import VARIANTS, first_over_last
from neuronlab.lab.plots import mean_band, new_figure

LABELS = {
    "plain": "plain (default init)",
    "plain_he": "plain (He init)",
    "residual": "residual (default init)",
}


def _values(runs: list[dict], key, field: str) -> np.ndarray:
    return np.array(
        [np.nan if r["runs"][key][field] is None else r["runs"][key][field] for r in runs], dtype=float
    )


def _curves(runs: list[dict], key: str, field: str) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in r["runs"][key][field]] for r in runs], dtype=float)


def _depth_figure(runs: list[dict]):
    depths = runs[0]["depths"]
    fig, (loss_ax, acc_ax) = new_figure(1, 2, width=5.0)
    for i, variant in enumerate(VARIANTS):
        for ax, field in ((loss_ax, "train_loss"), (acc_ax, "test_accuracy")):
            values = np.array([_values(runs, f"{variant}/{d}", field) for d in depths])
            ax.errorbar(depths, values.mean(1), yerr=np.maximum(0, [values.mean(1) - values.min(1), values.max(1) - values.mean(1)]),
                        marker="o", capsize=3, color=f"C{i}", label=LABELS[variant])  # fmt: skip
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("training loss after the budget")
    acc_ax.set_ylabel("test accuracy")
    for ax in (loss_ax, acc_ax):
        ax.set_xlabel("hidden blocks D")
        ax.legend(fontsize=7)
    loss_ax.set_title(f"Each at its tuned Adam rate: mean and range over {len(runs)} seeds")
    return fig


def _gradient_figure(runs: list[dict]):
    deep = runs[0]["depths"][1]
    fig, (ax, bx) = new_figure(1, 2, width=5.5)
    for i, variant in enumerate(VARIANTS):
        key = f"{variant}/{deep}"
        norms = np.array([r["runs"][key]["init_grad_norms"] for r in runs])
        layers = np.arange(1, norms.shape[1] + 1)
        mean_band(ax, layers, norms, LABELS[variant], center="geometric", marker=".", color=f"C{i}")
        trained = np.array(
            [np.array(r["runs"][key]["grad_norms_first_last_block"], dtype=float)[:, 0] for r in runs]
        )
        epochs = np.arange(1, trained.shape[1] + 1)
        mean_band(bx, epochs, trained, f"{LABELS[variant]}: first block", center="geometric", color=f"C{i}")
    for axis in (ax, bx):
        axis.set_yscale("log")
        axis.legend(fontsize=7)
    ax.set_xlabel("Linear layer (1 = input layer, last = output layer)")
    ax.set_ylabel("‖∂L/∂W‖ at initialization")
    ax.set_title(f"D = {deep}: gradient per layer at init (geometric mean, range)")
    bx.set_xlabel("epoch")
    bx.set_ylabel("mean ‖∂L/∂W‖ of the first block over the epoch")
    bx.set_title(f"D = {deep}: first block's gradient during training")
    return fig


def _curve_figure(runs: list[dict]):
    fig, axes = new_figure(1, 3, width=4.0, sharey=True)
    for ax, variant in zip(axes, VARIANTS):
        for j, depth in enumerate(runs[0]["depths"]):
            curves = _curves(runs, f"{variant}/{depth}", "loss_curve")
            epochs = np.arange(1, curves.shape[1] + 1)
            mean_band(ax, epochs, curves, f"D = {depth}", color=f"C{j}")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss (epoch mean)")
        ax.set_title(LABELS[variant], fontsize=10)
        ax.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"degradation": _depth_figure(runs), "gradients": _gradient_figure(runs),
            "training_curves": _curve_figure(runs)}  # fmt: skip


def table(runs: list[dict]) -> Table:
    rows = []
    for variant in VARIANTS:
        for depth in runs[0]["depths"]:
            key = f"{variant}/{depth}"
            lrs = [r["runs"][key]["lr"] for r in runs]
            interior = all(r["runs"][key]["lr_interior"] for r in runs)
            rows.append([LABELS[variant], depth, ", ".join(f"{x:g}" for x in lrs), interior,
                         float(np.mean(_values(runs, key, "train_loss"))),
                         float(np.mean(_values(runs, key, "test_accuracy"))),
                         float(np.mean([first_over_last(r["runs"][key]["init_grad_norms"]) for r in runs]))])  # fmt: skip
    ref = runs[0]["reference"]
    rows.append([f"digits reference recipe, {ref['epochs']} epochs (published {ref['published']:.1%})", 1, "1e-3",
                 "", "", float(np.mean([r["reference"]["test_accuracy"] for r in runs])), ""])  # fmt: skip
    headers = ["network", "D", "tuned Adam lr per seed", "all interior", "train loss (mean)", "test accuracy (mean)",
               "log10 first/last block gradient at init (mean)"]  # fmt: skip
    return Table(headers, rows)

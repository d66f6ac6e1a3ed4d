"""batchnorm's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.batchnorm.measure import CHANCE, GRAD_STDS, INIT_STDS, KEYS
from neuronlab.lab.plots import mean_band, new_figure

LABELS = {"plain": "without BN", "bn": "with BN"}


def _nan(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _convergence_figure(runs: list[dict]):
    fig, (ax, bx) = new_figure(1, 2)
    for i, key in enumerate(KEYS):
        curves = np.array([_nan(r["nets"][key]["chosen"]["train_loss_per_epoch"]) for r in runs])
        lrs = ", ".join(sorted({f"{r['nets'][key]['chosen']['lr']:g}" for r in runs}))
        mean_band(
            ax,
            np.arange(1, curves.shape[1] + 1),
            curves,
            f"{LABELS[key]} (lr {lrs})",
            color=f"C{i}",
            marker=".",
        )
        grid = sorted({x["lr"] for r in runs for x in r["nets"][key]["sweep"]})
        losses = np.array([[next((x["final_loss"] for x in r["nets"][key]["sweep"] if x["lr"] == lr), None)
                            for lr in grid] for r in runs], dtype=float)  # fmt: skip
        losses = np.where(np.isfinite(losses), np.minimum(losses, 3 * CHANCE), 3 * CHANCE)
        mean_band(bx, grid, losses, LABELS[key], color=f"C{i}", marker="o")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (epoch mean)")
    ax.set_title(f"Each net at its tuned rate: mean and range over {len(runs)} seeds")
    bx.axhline(0.5 * CHANCE, color="0.5", linestyle=":", label="½·ln 10: 'trains' below")
    bx.set_xscale("log")
    bx.set_xlabel("learning rate")
    bx.set_ylabel("final training loss (diverged: 3·ln 10)")
    bx.set_title("Learning-rate sweep")
    for axis in (ax, bx):
        axis.legend(fontsize=7)
    return fig


def _init_figure(runs: list[dict]):
    fig, (ax, bx) = new_figure(1, 2)
    for i, key in enumerate(KEYS):
        losses = np.array([[x["final_loss"] for x in r["init_sweep"][key]] for r in runs], dtype=float)
        losses = np.where(np.isfinite(losses), np.minimum(losses, 3 * CHANCE), 3 * CHANCE)
        mean_band(ax, INIT_STDS, losses, LABELS[key], color=f"C{i}", marker="o")
        for j, std in enumerate(GRAD_STDS):
            norms = np.array([r["gradients"][f"{key}_{std:g}"] for r in runs])
            layers = np.arange(1, norms.shape[1] + 1)
            bx.plot(layers, np.exp(np.log(norms).mean(0)), linestyle="-" if key == "bn" else "--", color=f"C{j + 2}",
                    marker=".", label=f"std {std:g}, {LABELS[key]}")  # fmt: skip
    ax.axhline(0.5 * CHANCE, color="0.5", linestyle=":")
    ax.set_xscale("log")
    ax.set_xlabel("initial weight std")
    ax.set_ylabel("final training loss (diverged: 3·ln 10)")
    ax.set_title(f"Initialization sweep ({len(runs)} seeds)")
    ax.legend(fontsize=7)
    bx.set_yscale("log")
    bx.set_xlabel("Linear layer (1 = input side)")
    bx.set_ylabel("‖∂L/∂W‖ at initialization (geometric mean over seeds)")
    bx.set_title("Gradient per layer against the weights' scale")
    bx.legend(fontsize=6)
    return fig


def _gamma_figure(runs: list[dict]):
    fig, ax = new_figure(width=5.0)
    gamma = np.concatenate([np.abs(layer["gamma"]) for r in runs for layer in r["bn_outputs"]])
    var = np.concatenate([np.square(layer["std"]) for r in runs for layer in r["bn_outputs"]])
    ax.scatter(gamma, var, s=6, alpha=0.5, label="BN units (all seeds)")
    g = np.linspace(gamma.min(), gamma.max(), 50)
    ax.plot(g, g**2, color="C1", label="variance = γ²")
    ax.plot(g, g, color="C3", linestyle="--", label="variance = γ (001 A2.6)")
    ax.set_xlabel("|γ| after training")
    ax.set_ylabel("variance of the BN output over a batch")
    ax.set_title("What γ sets")
    ax.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"convergence_and_rates": _convergence_figure(runs), "initialization": _init_figure(runs),
            "gamma": _gamma_figure(runs)}  # fmt: skip


def table(runs: list[dict]) -> Table:
    rows = []
    for key in KEYS:
        chosen = [r["nets"][key]["chosen"] for r in runs]
        rows.append([LABELS[key], ", ".join(f"{c['lr']:g}" for c in chosen),
                     all(r["nets"][key]["tuning"]["interior"] for r in runs),
                     float(np.mean([c["final_loss"] for c in chosen])), float(np.mean([c["test_accuracy"] for c in chosen])),
                     float(np.mean([sum(x["trains"] for x in r["nets"][key]["sweep"]) for r in runs])),
                     float(np.mean([sum(x["trains"] for x in r["init_sweep"][key]) for r in runs])),
                     float(np.mean([c["drift"] for c in chosen]))])  # fmt: skip
    ref = runs[0]["reference"]
    rows.append([f"digits reference recipe, {ref['epochs']} epochs (published {ref['published']:.1%})", "1e-3 (Adam)",
                 "", "", float(np.mean([r["reference"]["test_accuracy"] for r in runs])), "", "", ""])  # fmt: skip
    headers = ["model", "tuned SGD lr per seed", "all interior", "final training loss (mean)", "test accuracy (mean)",
               "rates that train (mean count)", "init stds that train (of 5)", "hidden drift / epoch"]  # fmt: skip
    return Table(headers, rows)

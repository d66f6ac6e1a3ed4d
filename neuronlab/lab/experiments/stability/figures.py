"""stability's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure

RUNS = ("baseline", "clipped", "lower_lr", "guard", "guard_tight", "adam")


def _array(rows: list[list]) -> np.ndarray:
    """Rows of possibly unequal length, with None for missing values, as a NaN-padded float array."""
    width = max(len(r) for r in rows)
    out = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        out[i, : len(row)] = [np.nan if v is None else v for v in row]
    return out


def _gradient_figure(runs: list[dict]):
    fig, ax = new_figure(width=7.0, height=4.2)
    for i, first in enumerate(runs[0]["gradients"]):
        norms = np.array([np.maximum(r["gradients"][i]["norms"][:-1], 1e-45) for r in runs])
        mean_band(ax, np.arange(1, norms.shape[1] + 1), norms, first["name"], center="median", marker=".")
        ax.set_yscale("log")
    ax.set_xlabel("hidden layer (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂W_l‖ at initialization")
    ax.set_title(
        f"Gradient norms through {runs[0]['sizes']['depth']} layers: median and range over {len(runs)} seeds"
    )
    ax.legend(fontsize="x-small", ncol=2)
    return fig


def _learning_rate_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.0)
    for key in ("tuned", "too_small"):
        grads = _array([r["learning_rate"][key]["first_layer_grad"] for r in runs])
        lrs = ", ".join(sorted({f"{r['learning_rate'][key]['lr']:g}" for r in runs}))
        mean_band(
            ax,
            np.arange(1, grads.shape[1] + 1),
            grads,
            f"{key.replace('_', ' ')} lr ({lrs})",
            center="median",
        )
        ax.set_yscale("log")
    ax.set_xlabel("SGD step")
    ax.set_ylabel("first hidden layer ‖∂L/∂W‖")
    ax.set_title(f"The learning rate and the gradient: median and range over {len(runs)} seeds")
    ax.legend(fontsize="small")
    return fig


def _product_figure(runs: list[dict]):
    fig, (ax, bx) = new_figure(1, 2)
    for j, first in enumerate(runs[0]["products"]):
        k = np.arange(1, len(first["log10_sigma_max"]) + 1)
        for axis, key, bound in (
            (ax, "log10_sigma_max", "log10_bound_max"),
            (bx, "log10_sigma_min", "log10_bound_min"),
        ):
            values = _array([r["products"][j][key] for r in runs])
            bounds = _array([r["products"][j][bound] for r in runs])
            mean_band(axis, k, values, f"g = {first['gain']}", color=f"C{j}")
            axis.plot(k, bounds.mean(0), linestyle="--", color=f"C{j}", label=f"bound, g = {first['gain']}")
    for axis, title in ((ax, "σ_max of A_k⋯A_1 and ∏σ_max"), (bx, "σ_min of A_k⋯A_1 and ∏σ_min")):
        axis.set_xlabel("number of factors k")
        axis.set_ylabel("log10")
        axis.set_title(title)
        axis.legend(fontsize="x-small")
    return fig


def _divergence_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.5)
    for key in RUNS:
        losses = _array([r["divergence"][key]["losses"] for r in runs])
        mean_band(
            ax, np.arange(1, losses.shape[1] + 1), losses, key.replace("_", " "), center="median", linewidth=1
        )
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("mini-batch loss (MSE)")
    ax.set_title(
        f"A diverging run and its remedies: median and range over {len(runs)} seeds (gaps: diverged)"
    )
    ax.legend(fontsize="x-small")
    return fig


def figures(runs: list[dict]) -> dict:
    return {"gradients_by_layer": _gradient_figure(runs), "learning_rate": _learning_rate_figure(runs),
            "matrix_products": _product_figure(runs), "divergence": _divergence_figure(runs)}  # fmt: skip


def _mean(values) -> float:
    return float(np.mean(values))


def table(runs: list[dict]) -> Table:
    n = len(runs)
    rows = [["gradients at init", g["name"], "log10 ‖∂L/∂W_1‖/‖∂L/∂W_last‖",
             _mean([r["gradients"][i]["log10_first_over_last"] for r in runs])]
            for i, g in enumerate(runs[0]["gradients"])]  # fmt: skip
    lrs = [r["learning_rate"] for r in runs]
    rows.append(["learning rate", "tuned SGD rate per seed (interior?)",
                 "lr", ", ".join(f"{x['tuning']['best']:g} ({x['tuning']['interior']})" for x in lrs)])  # fmt: skip
    for key in ("tuned", "too_small"):
        rows.append(["learning rate", key.replace("_", " "), "final training loss",
                     _mean([x[key]["train_loss"] for x in lrs])])  # fmt: skip
    rows.append(["matrix products", f"n = {runs[0]['growth']['n']}, g = 1", "smallest σ_max of any factor",
                 min(r["growth"]["min_factor_sigma_max"] for r in runs)])  # fmt: skip
    for key in RUNS:
        finals = [r["divergence"][key]["final_loss"] for r in runs]
        done = [f for f in finals if f is not None]
        rows.append(["divergence", key.replace("_", " "), f"final loss (seeds that stayed finite of {n})",
                     f"{np.mean(done):.3g} ({len(done)})" if done else "diverged (0)"])  # fmt: skip
    rows.append(
        [
            "divergence",
            "guard",
            "rollbacks (mean)",
            _mean([r["divergence"]["guard"]["rollbacks"] for r in runs]),
        ]
    )
    return Table(["part", "setting", f"quantity (mean of {n} seeds)", "value"], rows)

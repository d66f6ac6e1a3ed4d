"""backprop's figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.backprop.mlp import GRADIENTS
from neuronlab.lab.experiments.backprop.network9 import PARAMS
from neuronlab.lab.plots import new_figure

FLOOR = 1e-18  # a difference of exactly 0 is drawn here on the log axis


def _nine(runs: list[dict]):
    fig, ax = new_figure(width=7, height=3.8)
    first = runs[0]["nine"]
    x = np.arange(len(PARAMS))
    ax.bar(
        x - 0.2,
        [first["hand"]["grads"][p] for p in PARAMS],
        width=0.4,
        label="hand (plain Python chain rule)",
    )
    ax.bar(
        x + 0.2, [first["code"]["grads"][p] for p in PARAMS], width=0.4, label="seed's code, loss.backward()"
    )
    ax.axhline(0, color="k", linewidth=0.8)
    ax.set_xticks(x, PARAMS)
    ax.set(xlabel="parameter", ylabel="∂L/∂parameter",
           title=f"004 (13): the nine gradients at y = {first['hand']['y']:g}, Y = 2")  # fmt: skip
    ax.legend(fontsize="small")
    return fig


def _differences(runs: list[dict]):
    fig, ax = new_figure(width=7, height=3.8)
    x = np.arange(len(GRADIENTS))
    series = [
        (f"{act}: NumPy equations", [r["mlp"][act]["relative_difference"] for r in runs])
        for act in ("relu", "tanh")
    ]
    for k, (label, per_seed) in enumerate(series):
        values = np.array([[max(d[g], FLOOR) for g in GRADIENTS] for d in per_seed])
        mean = values.mean(0)
        ax.bar(x + (k - 0.5) * 0.4, mean, width=0.4, label=label,
               yerr=np.maximum(0, np.vstack([mean - values.min(0), values.max(0) - mean])), capsize=2)  # fmt: skip
    literal = np.array([r["mlp"]["relu"]["literal_relative_difference"] for r in runs])
    ax.axhline(literal.mean(), color="C3", linestyle="--", label="seed's ∂L/∂O = Ŷ − Y (relative error)")
    ax.set_yscale("log")
    ax.set_ylim(FLOOR / 10, 1e4)
    ax.set_xticks(x, [f"∂J/∂{g}" for g in GRADIENTS])
    ax.set(xlabel="gradient", ylabel=f"max relative |hand − autograd| (0 drawn at {FLOOR:g})",
           title=f"003 §4.7: backward equations vs autograd, mean and range over {len(runs)} seeds")  # fmt: skip
    ax.legend(fontsize="small", loc="upper left")
    return fig


def figures(runs: list[dict]) -> dict:
    return {"nine_gradients": _nine(runs), "mlp_equations": _differences(runs)}


def table(runs: list[dict]) -> Table:
    first = runs[0]
    nine = first["nine"]
    rows = [
        [f"∂L/∂{p} at the seed's point", "scalar", nine["hand"]["grads"][p], nine["code"]["grads"][p]]
        for p in PARAMS
    ]
    rows.append(
        [
            "w11 after one step, lr 0.01",
            "scalar",
            1.0 - 0.01 * nine["hand"]["grads"]["w11"],
            nine["code"]["w11_after"],
        ]
    )
    rows.append(["seed's check w11_grad == w11.grad", "", "", str(nine["code"]["seed_check_w11"])])
    for act in ("relu", "tanh"):
        m = first["mlp"][act]
        for g in GRADIENTS:
            rows.append(
                [
                    f"‖∂J/∂{g}‖ ({act})",
                    "×".join(map(str, m["shapes"][g])),
                    m["hand_norms"][g],
                    m["autograd_norms"][g],
                ]
            )
    ratio = [r["mlp"]["relu"]["literal_ratio"] for r in runs]
    rows.append([f"‖Ŷ − Y‖ / ‖autograd ∂J/∂O‖ (batch {first['batch']})", "", f"{np.mean(ratio):.4g}", ""])
    return Table(["quantity (first seed)", "shape", "hand (plain Python / NumPy)", "autograd"], rows)

"""activations' figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.activations.networks import COMPARED
from neuronlab.lab.plots import new_figure

LABELS = {"identity": "no activation", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
          "leaky_relu": "LeakyReLU (0.01)", "prelu": "PReLU (a = 0.25)", "elu": "ELU", "gelu": "GELU"}  # fmt: skip


def _curves(runs: list[dict]):
    fig, (ax_value, ax_grad) = new_figure(1, 2)
    first = runs[0]  # the curves are the same on every seed
    for name, curve in first["curves"].items():
        ax_value.plot(first["x"], curve["value"], label=LABELS[name])
        ax_grad.plot(first["x"], curve["derivative"], label=LABELS[name])
    ax_grad.axhline(0.25, color="grey", linestyle=":", label="σ' maximum 1/4")
    ax_value.set(xlabel="x", ylabel="f(x)", title="Activations", ylim=(-1.5, 3))
    ax_grad.set(xlabel="x", ylabel="f'(x) (autograd)", title="Their derivatives")
    ax_value.legend(fontsize=7)
    ax_grad.legend(fontsize=7)
    return fig


def _comparison(runs: list[dict]):
    fig, (ax_acc, ax_grad) = new_figure(1, 2)
    acc = np.array([[100 * r["training"][n]["test_accuracy"] for n in COMPARED] for r in runs])
    mean = acc.mean(0)
    ax_acc.bar(
        range(len(COMPARED)),
        mean,
        yerr=np.maximum(0, np.vstack([mean - acc.min(0), acc.max(0) - mean])),
        capsize=3,
    )
    ax_acc.set_xticks(range(len(COMPARED)), [LABELS[n] for n in COMPARED])
    ax_acc.set(
        ylabel="test accuracy (%)", title=f"2-32-32-3 on spirals, tuned lr (mean, range; {len(runs)} seeds)"
    )
    names = ("sigmoid", "tanh", "relu")
    norms = np.array([[r["first_layer_gradient"][n] for n in names] for r in runs])
    gmean = np.exp(np.log(norms).mean(0))
    ax_grad.bar(range(3), gmean, yerr=np.maximum(0, np.vstack([gmean - norms.min(0), norms.max(0) - gmean])), capsize=3,
                color="tab:purple")  # fmt: skip
    ax_grad.set_xticks(range(3), [LABELS[n] for n in names])
    ax_grad.set(
        yscale="log", ylabel="‖∂L/∂W₁‖ at initialization", title="10-layer network: first-layer gradient"
    )
    return fig


def _piecewise(runs: list[dict]):
    fig, (ax_relu, ax_tanh) = new_figure(1, 2)
    for ax, name in ((ax_relu, "relu"), (ax_tanh, "tanh")):
        for k, r in enumerate(runs):
            line = r["lines"][name]
            ax.plot(line["t"], line["f"], lw=0.8, color=f"C{k}",
                    label=f"seed {k + 1}: {line['linear_share']:.0%} of steps exactly linear")  # fmt: skip
        ax.set(
            xlabel="t along (−1, −1)→(1, 1)",
            ylabel="first logit",
            title=f"{LABELS[name]} network along a line",
        )
        ax.legend(fontsize=6)
    return fig


def figures(runs: list[dict]) -> dict:
    return {"curves": _curves(runs), "comparison": _comparison(runs), "piecewise_linear": _piecewise(runs)}


def table(runs: list[dict]) -> Table:
    rows = []
    for name in COMPARED:
        lrs = [r["training"][name]["lr"] for r in runs]
        interior = all(r["training"][name]["lr_interior"] for r in runs)
        acc = [r["training"][name]["test_accuracy"] for r in runs]
        rows.append([LABELS[name], ", ".join(f"{x:g}" for x in lrs), "yes" if interior else "NO (edge of the grid)",
                     f"{np.mean(acc):.1%} ({min(acc):.1%} – {max(acc):.1%})"])  # fmt: skip
    reg = {k: np.mean([r["regression"][k] for r in runs]) for k in ("identity", "sigmoid", "mean_baseline")}
    rows.append(["regression y = 4x + noise: test MSE identity / sigmoid output / predict the mean", "", "",
                 f"{reg['identity']:.3g} / {reg['sigmoid']:.3g} / {reg['mean_baseline']:.3g} (noise floor 0.09)"])  # fmt: skip
    at_zero = sorted({v for r in runs for v in r["prelu"]["derivative_at_zero_over_a"]})
    rows.append(
        ["pReLU: autograd's d/dx at x = 0, in units of a", "", "", ", ".join(f"{v:g}" for v in at_zero)]
    )
    return Table(["network", "chosen lr per seed", "interior", "test accuracy, mean (range)"], rows)

"""perceptron's figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import mean_band, new_figure


def _padded(curves: list[list[float]]) -> np.ndarray:
    """Curves of different lengths (runs that stopped early) padded with their last value."""
    n = max(len(c) for c in curves)
    return np.array([list(c) + [c[-1]] * (n - len(c)) for c in curves], dtype=float)


def _band(ax, curves: list[list[float]], label: str, color: str) -> None:
    data = _padded(curves)
    mean_band(ax, np.arange(1, data.shape[1] + 1), data, label, marker="o", ms=3, color=color)


def _convergence(runs: list[dict]):
    fig, (left, right) = new_figure(1, 2)
    series = (("shifted (separable)", lambda r: r["moons"]["shifted"]), ("unshifted", lambda r: r["moons"]["unshifted"]),
              ("XOR (4 points)", lambda r: r["xor"]["perceptron"]))  # fmt: skip
    for k, (label, get) in enumerate(series):
        _band(left, [get(r)["mistakes_per_epoch"] for r in runs], label, f"C{k}")
        _band(right, [get(r)["mse_per_epoch"] for r in runs], label, f"C{k}")
    left.set_yscale("symlog", linthresh=1)
    left.set(
        xlabel="epoch", ylabel="mistakes in the epoch", title="Mistakes per epoch (mean, range over seeds)"
    )
    right.set(xlabel="epoch", ylabel="MSE = 4 × error rate", title="MSE of the ±1 outputs after each epoch")
    left.legend(fontsize="small")
    right.legend(fontsize="small")
    return fig


def _bound(runs: list[dict]):
    fig, ax = new_figure()
    mistakes = [r["moons"]["shifted"]["mistakes"] for r in runs]
    bound = runs[0]["moons"]["proof"]["bound"]
    ax.scatter(range(1, len(runs) + 1), mistakes, color="C0", label="observed total mistakes, one per seed")
    ax.axhline(bound, color="C3", label=f"Novikoff bound (R/γ)² = {bound:.0f}")
    ax.set_yscale("log")
    ax.set(
        xlabel="seed (index)",
        ylabel="mistakes until convergence",
        title="Convergence theorem: bound vs observed",
    )
    ax.legend(fontsize="small")
    return fig


def _xor(runs: list[dict]):
    fig, ax = new_figure()
    bars = {
        "perceptron\n(last epoch)": [r["xor"]["perceptron"]["accuracy"] for r in runs],
        "best single\nM-P neuron": [r["xor"]["single_neuron"]["best_accuracy"] for r in runs],
        "2-8-1, no act.\n(noisy XOR)": [r["xor"]["trained_linear"]["accuracy"] for r in runs],
        "2-8-1, tanh\n(noisy XOR)": [r["xor"]["trained_tanh"]["accuracy"] for r in runs],
        "M-P network\nθ = 0.5": [1 - r["xor"]["network"]["errors"] / 4 for r in runs],
        "M-P network as\nthe seed's (9) lines": [
            1 - r["xor"]["network"]["as_written_errors"] / 4 for r in runs
        ],
    }
    values = np.array(list(bars.values()))
    mean = values.mean(1)
    err = np.maximum(0, np.vstack([mean - values.min(1), values.max(1) - mean]))
    ax.bar(range(len(bars)), mean, yerr=err, capsize=3, color=["C3", "C3", "C3", "C2", "C2", "C7"])
    ax.set_xticks(range(len(bars)), list(bars), fontsize="x-small")
    ax.set(ylabel="accuracy on XOR", ylim=(0, 1.05),
           title=f"XOR: one line cannot, a hidden layer can (mean, range over {len(runs)} seeds)")  # fmt: skip
    return fig


def figures(runs: list[dict]) -> dict:
    return {"convergence": _convergence(runs), "novikoff": _bound(runs), "xor": _xor(runs)}


def _span(values) -> str:
    lo, hi = f"{min(values):.4g}", f"{max(values):.4g}"
    return lo if lo == hi else f"{lo} – {hi}"


def table(runs: list[dict]) -> Table:
    m = [r["moons"] for r in runs]
    first = runs[0]["xor"]["network"]
    rows = [
        ["(2)", "fraction of neurons changed: pairs permuted / inputs rewired",
         f"{_span([r['order']['changed_pairs_permuted'] for r in runs])} / {_span([r['order']['changed_inputs_rewired'] for r in runs])}"],
        ["(5)", "np.sign / M-P sgn at −5, −1, 0, 1, 5", f"{runs[0]['activations']['np_sign']} / {runs[0]['activations']['mp_sgn']}"],
        ["(6)", "weight ratio η = 1 over η = 0.1", _span([x["eta_coef_ratio"] for x in m])],
        ["(6)", "smallest rise of w̃·u per update, in units of ηγ", _span([x["proof"]["min_rise_over_eta_gamma"] for x in m])],
        ["(7)", "R; γ; bound (R/γ)²", f"{m[0]['proof']['radius']:.4g}; {m[0]['proof']['gamma']:.4g}; {m[0]['proof']['bound']:.0f}"],
        ["(7)", "shifted moons: epochs / total mistakes", f"{_span([x['shifted']['epochs'] for x in m])} / {_span([x['shifted']['mistakes'] for x in m])}"],
        ["(7)", "80/20 split: train MSE / test MSE / test accuracy",
         f"{_span([x['split']['train_mse'] for x in m])} / {_span([x['split']['test_mse'] for x in m])} / {_span([x['split']['test_accuracy'] for x in m])}"],
        ["(7)", "seed's code as written: errors per epoch", ", ".join(map(str, m[0]["seed_code_errors"]))],
        ["(7)", "seed's code with labels mapped to ±1: errors per epoch", ", ".join(map(str, m[0]["seed_code_fixed_errors"]))],
        ["(7)", "unshifted moons: fewest mistakes in an epoch / final accuracy",
         f"{_span([min(x['unshifted']['mistakes_per_epoch']) for x in m])} / {_span([x['unshifted']['accuracy'] for x in m])}"],
        ["(9)", "M-P network θ = 0.5: rows x1, x2, h1, h2, y", "; ".join(map(str, first["table"]))],
        ["(9)", "as the seed's lines write it: rows x1, x2, h1, h2, y", "; ".join(map(str, first["as_written_table"]))],
    ]  # fmt: skip
    return Table(["question", f"measured quantity (range over {len(runs)} seeds)", "value"], rows)

"""activations: why a network needs a non-linearity, how the usual activations compare, the
identity tanh(x) + 1 = 2σ(2x), and why ReLU networks are piecewise linear (002 question 1,
003 §4.1 exercises 1–4, 003 §4.3 exercise 2)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _activations_helpers as H
from neuronlab.lab.plots import new_figure

NAME = "activations"
TITLE = "Activation functions: why non-linearity, which one, and what ReLU networks compute"
SEEDS = "002 question 1; 003 §4.1 exercises 1–4; 003 §4.3 exercise 2"
QUESTION_ZH = (
    "002 1. 激活函数的作用与选择：为什么神经网络中必须使用激活函数？输出层的激活函数怎么选择？\n\n"
    "003 4.1 1. 计算pReLU激活函数的导数\n"
    "2. 证明一个仅使用ReLU（或pReLU）的多层感知机构造了一个连续的分段线性函数\n"
    "3. 证明tanh(x) + 1 = 2 sigmoid(2x)\n"
    "4. 假设我们有一个非线性单元，将它一次应用于一个小批量的数据。这会导致什么样的问题\n\n"
    "003 4.3 2. 尝试不同的激活函数，哪个效果最好？"
)
QUESTION_EN = (
    "002 1. What do activation functions do and how are they chosen: why must a neural network "
    "use activation functions, and which activation should the output layer use?\n\n"
    "003 4.1 1. Compute the derivative of the pReLU activation.\n"
    "2. Show that an MLP using only ReLU (or pReLU) computes a continuous piecewise-linear function.\n"
    "3. Show that tanh(x) + 1 = 2 sigmoid(2x).\n"
    "4. Suppose a non-linearity is applied to a whole minibatch at once. What problems does that cause?\n\n"
    "003 4.3 2. Try different activation functions. Which works best?"
)

LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU (0.01)",
          "prelu": "PReLU", "elu": "ELU", "gelu": "GELU"}  # fmt: skip
LINE = ((-1.0, -1.0), (1.0, 1.0))  # the segment along which the networks are probed


def setup(config: LabConfig) -> str:
    n, epochs = config.pick(450, 300), config.pick(30, 8)
    steps, points = config.pick(300, 40), config.pick(2001, 1001)
    return (
        "Curves and derivatives of sigmoid, tanh, ReLU, LeakyReLU, PReLU, ELU and GELU by autograd "
        "on [−5, 5]. The identity tanh(x) + 1 = 2σ(2x) checked on [−20, 20] in float64 and float32; "
        "pReLU's derivatives by autograd against the formula. Collapse: a 4-layer linear network "
        f"(2-16-16-16-k), one linear layer and a ReLU network (2-32-32-k), {steps} full-batch Adam "
        "steps (lr 0.03) on noisy XOR and on three spirals; the product of the linear layers is "
        f"compared with the trained network. Comparison: a 2-32-32-3 network per activation on {n} "
        f"spiral points (70/30 split), Adam lr 1e-2, batch 32, {epochs} epochs; the gradient of the "
        "first layer of a 10-layer network at initialization. Piecewise linearity: each trained "
        f"network's first logit along the segment (−1, −1)→(1, 1) at {points} points in float64 (second "
        "differences, activation-pattern changes). A batch-wise non-linearity (standardize over the "
        "batch, then ReLU) against an elementwise ReLU. Output layers: identity vs sigmoid output for "
        "regression, softmax vs one sigmoid per class for three classes."
    )


def run(config: LabConfig) -> dict:
    """All measurements: curves, identity, collapse, comparison, piecewise linearity, batch, output layers."""
    grid = np.linspace(-5.0, 5.0, 401)
    epochs, steps = config.pick(30, 8), config.pick(300, 40)
    training, models = H.compare_training(config.seed, config.pick(450, 300), epochs)
    points = config.pick(2001, 1001)
    lines = {name: H.along_line(model, *LINE, n=points) for name, model in models.items()}
    prelu_slopes = training["prelu"]["learned_slopes"]
    return {
        "x": grid.tolist(),
        "curves": H.curves(grid),
        "tanh_identity_max_error": H.tanh_identity(),
        "prelu_derivative": H.prelu_derivative([0.25, *prelu_slopes]),
        "collapse": {task: H.linear_vs_relu(task, config.seed, steps) for task in ("xor", "spirals")},
        "training": training,
        "deep_gradients": H.deep_gradients(config.seed, depth=10),
        "lines": lines,
        "batch": H.batch_dependence(config.seed),
        "output_layers": H.output_layers(config.seed, steps),
        "epochs": epochs,
        "steps": steps,
    }


def _curves_figure(results: dict):
    fig, (ax_value, ax_grad) = new_figure(1, 2)
    for name, curve in results["curves"].items():
        label = "PReLU (a = 0.25)" if name == "prelu" else LABELS[name]
        ax_value.plot(results["x"], curve["value"], label=label)
        ax_grad.plot(results["x"], curve["derivative"], label=label)
    ax_grad.axhline(0.25, color="grey", linestyle=":", label="σ' maximum 1/4")
    ax_value.set(xlabel="x", ylabel="f(x)", title="Activations", ylim=(-1.5, 3))
    ax_grad.set(xlabel="x", ylabel="f'(x) (autograd)", title="Their derivatives")
    ax_value.legend(fontsize=7)
    ax_grad.legend(fontsize=7)
    return fig


def _training_figure(results: dict):
    fig, (ax_acc, ax_grad) = new_figure(1, 2)
    for name, run in results["training"].items():
        ax_acc.plot(range(1, len(run["test_accuracy"]) + 1), run["test_accuracy"], label=LABELS[name])
    ax_acc.set(xlabel="epoch", ylabel="test accuracy", title="2-32-32-3 network on three spirals")
    ax_acc.legend(fontsize=7)
    names = list(results["deep_gradients"])
    norms = [results["deep_gradients"][n]["first_layer"] for n in names]
    ax_grad.bar(range(len(names)), norms, color="tab:purple", label="‖∂L/∂W₁‖ at initialization")
    ax_grad.set_xticks(range(len(names)), [LABELS[n].split(" ")[0] for n in names], rotation=45)
    ax_grad.set(yscale="log", ylabel="first-layer gradient norm", title="10-layer network, first layer")
    ax_grad.legend(fontsize=7)
    return fig


def _collapse_figure(results: dict):
    grid = results["collapse"]["spirals"]["grid"]
    fig, axes = new_figure(1, 2)
    extent = (grid["lo"][0], grid["hi"][0], grid["lo"][1], grid["hi"][1])
    X, y = np.asarray(grid["X_test"]), np.asarray(grid["y_test"])
    for ax, key, title in (
        (axes[0], "deep_linear", "4 linear layers (no activation)"),
        (axes[1], "relu", "ReLU network"),
    ):
        acc = results["collapse"]["spirals"][f"{key}_test_accuracy"]
        ax.imshow(np.asarray(grid[key]), origin="lower", extent=extent, cmap="Pastel1", aspect="auto", vmax=8)
        for c in np.unique(y):
            ax.scatter(X[y == c, 0], X[y == c, 1], s=8, label=f"class {c}")
        ax.set(xlabel="x₁", ylabel="x₂", title=f"{title}: test accuracy {acc:.0%}")
        ax.legend(fontsize=7)
    return fig


def _piecewise_figure(results: dict):
    fig, (ax_f, ax_d2) = new_figure(1, 2)
    for name, color in (("relu", "tab:blue"), ("tanh", "tab:orange")):
        line = results["lines"][name]
        ax_f.plot(line["t"], line["f"], color=color, label=f"{LABELS[name]} network")
        ax_d2.plot(line["t"][1:-1], np.maximum(line["abs_second_difference"], 1e-18), color=color, lw=0.8,
                   label=f"{LABELS[name]}: {line['zero_second_difference_share']:.0%} exactly linear")  # fmt: skip
    for t in results["lines"]["relu"]["change_t"]:
        ax_f.axvline(t, color="tab:blue", alpha=0.15, lw=0.6)
    ax_f.set(
        xlabel="t along (−1, −1)→(1, 1)",
        ylabel="first logit",
        title="Output along a line (ReLU kinks shaded)",
    )
    ax_d2.set(
        xlabel="t", ylabel="|second difference| (float64)", yscale="log", title="Curvature along the line"
    )
    ax_f.legend(fontsize=7)
    ax_d2.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"curves": _curves_figure(results), "training": _training_figure(results),
            "collapse": _collapse_figure(results), "piecewise_linear": _piecewise_figure(results)}  # fmt: skip


def table(results: dict) -> Table:
    rows = []
    for name in results["curves"]:
        curve, run, line = results["curves"][name], results["training"][name], results["lines"][name]
        rows.append([LABELS[name], curve["max_derivative"], curve["argmax"], run["final_test_accuracy"],
                     run["final_train_loss"], results["deep_gradients"][name]["first_layer"],
                     line["zero_second_difference_share"], line["kinks"]])  # fmt: skip
    headers = ["activation", "max f'", "at x", "test accuracy (spirals)", "final train loss",
               "‖∂L/∂W₁‖, 10 layers", "share of exactly linear steps", "kinks along line"]  # fmt: skip
    return Table(headers, rows)


def _why_nonlinear(results: dict) -> str:
    xor, spirals = results["collapse"]["xor"], results["collapse"]["spirals"]
    error = max(xor["collapse_max_error"], spirals["collapse_max_error"])
    fails = all(c["relu_test_accuracy"] - c["deep_linear_test_accuracy"] > 0.2 for c in (xor, spirals))
    verdict = ("fails where the ReLU network succeeds, as the seed argues" if fails
               else "does NOT fall clearly behind the ReLU network here, against the seed's argument")  # fmt: skip
    return (
        f"Without activations depth buys nothing: the product W₄W₃W₂W₁ (with b' = W₄(W₃(W₂b₁ + b₂) + b₃) + b₄) "
        f"reproduces the trained 4-layer linear network's outputs to {error:.1e}, so it is one affine map. "
        f"It reaches {xor['deep_linear_test_accuracy']:.1%} test accuracy on XOR and "
        f"{spirals['deep_linear_test_accuracy']:.1%} on the spirals (one linear layer: "
        f"{xor['one_linear_test_accuracy']:.1%} and {spirals['one_linear_test_accuracy']:.1%}; ReLU network: "
        f"{xor['relu_test_accuracy']:.1%} and {spirals['relu_test_accuracy']:.1%}), so the deep linear network {verdict}."
    )


def _output_layer(results: dict) -> str:
    out = results["output_layers"]
    identity_wins = out["regression_identity_mse"] < out["regression_sigmoid_mse"]
    return (
        f"Output layer: for targets y = 4x + noise (outside [0, 1]) an identity output reaches test MSE "
        f"{out['regression_identity_mse']:.3f} and a sigmoid output {out['regression_sigmoid_mse']:.3f}"
        f"{' (it cannot leave (0, 1))' if identity_wins else ''}; with the targets rescaled into [0, 1] the sigmoid "
        f"output reaches {out['regression_sigmoid_scaled_mse']:.3f}, so sigmoid suits bounded targets as the seed "
        f"says. For three classes softmax probabilities sum to 1 within {out['softmax']['max_sum_error']:.1e}, "
        f"one sigmoid per class misses 1 by up to {out['sigmoids']['max_sum_error']:.2f} (test accuracy "
        f"{out['softmax']['test_accuracy']:.1%} vs {out['sigmoids']['test_accuracy']:.1%})."
    )


def _derivatives(results: dict) -> str:
    curves, prelu = results["curves"], results["prelu_derivative"]
    sigmoid_max = curves["sigmoid"]["max_derivative"]
    bound = "≤ 1/4 as derived" if sigmoid_max <= 0.25 + 1e-12 else "ABOVE the bound 1/4"
    above_one = [LABELS[n] for n, c in curves.items() if c["max_derivative"] > 1 + 1e-9]
    return (
        f"Derivatives: max σ' = {sigmoid_max:.4f} at x = {curves['sigmoid']['argmax']:.2f} ({bound}), max tanh' = "
        f"{curves['tanh']['max_derivative']:.4f}; "
        + (
            f"{', '.join(above_one)} exceeds 1 (GELU peaks at {curves['gelu']['max_derivative']:.3f}). "
            if above_one
            else "no activation's slope exceeds 1. "
        )
        + f"pReLU: autograd's d/dx equals 1 (x > 0) or a (x < 0) to {prelu['max_error_dx']:.1e} and d/da equals "
        f"Σ min(0, x) to {prelu['max_error_da']:.1e} for a ∈ {{{', '.join(f'{a:.3g}' for a in prelu['slopes'])}}}; "
        f"at x = 0 it returns {prelu['derivative_at_zero'][0]:.3g} = a (PyTorch's convention), where the seed writes 1. "
        f"tanh(x) + 1 − 2σ(2x) is at most {results['tanh_identity_max_error']['float64']:.1e} in float64 "
        f"({results['tanh_identity_max_error']['float32']:.1e} in float32): the identity holds to rounding."
    )


def _comparison(results: dict) -> str:
    runs, grads = results["training"], results["deep_gradients"]
    ranked = sorted(runs, key=lambda n: (-runs[n]["final_test_accuracy"], runs[n]["final_train_loss"]))
    best, worst = ranked[0], ranked[-1]
    tied = sum(runs[n]["final_test_accuracy"] == runs[best]["final_test_accuracy"] for n in runs)
    tie_note = f", the lowest train loss of the {tied} tied at that accuracy" if tied > 1 else ""
    slopes = runs["prelu"]["learned_slopes"]
    seed_agrees = worst == "sigmoid"
    relu_note = "" if best == "relu" else f" (ReLU {runs['relu']['final_test_accuracy']:.1%})"
    return (
        f"Comparison on the spirals after {results['epochs']} epochs: {LABELS[best]} is best "
        f"({runs[best]['final_test_accuracy']:.1%} test accuracy, train loss {runs[best]['final_train_loss']:.3f}"
        f"{tie_note}){relu_note}, "
        f"{LABELS[worst]} worst ({runs[worst]['final_test_accuracy']:.1%})"
        + (
            ", as the seed expects of sigmoid in hidden layers. "
            if seed_agrees
            else f"; sigmoid reached {runs['sigmoid']['final_test_accuracy']:.1%}. "
        )
        + f"PReLU learned slopes {', '.join(f'{a:.3f}' for a in slopes)} from 0.25. In a 10-layer network at "
        f"initialization the first layer's gradient norm is {grads['sigmoid']['first_layer']:.1e} with sigmoid "
        f"against {grads['relu']['first_layer']:.1e} with ReLU and {grads['tanh']['first_layer']:.1e} with tanh: "
        f"σ' ≤ 1/4 per layer shrinks the signal geometrically."
    )


def _piecewise(results: dict) -> str:
    lines = results["lines"]
    relu = lines["relu"]
    linear_share = min(lines[n]["zero_second_difference_share"] for n in H.PIECEWISE_LINEAR)
    smooth_share = max(lines[n]["zero_second_difference_share"] for n in ("sigmoid", "tanh", "elu", "gelu"))
    continuous = relu["max_step_half_grid"] < 0.75 * relu["max_step"]
    return (
        f"Piecewise linearity: along the segment the ReLU network's second difference is exactly zero (below "
        f"1e-9) at {relu['zero_second_difference_share']:.1%} of {len(relu['t'])} points; its {relu['kinks']} kinks match the "
        f"{relu['pattern_changes']} changes of the activation pattern (neighbouring changes merge). ReLU, LeakyReLU "
        f"and PReLU networks are linear at ≥ {linear_share:.1%} of the points, sigmoid, tanh, ELU and GELU networks at "
        f"≤ {smooth_share:.1%}. Halving the grid step takes the largest jump between neighbours from "
        f"{relu['max_step']:.3g} to {relu['max_step_half_grid']:.3g}, "
        + (
            "so the function is continuous (no jump survives refinement)."
            if continuous
            else "which does NOT halve: a discontinuity is suspected."
        )
    )


def _batchwise(results: dict) -> str:
    batch = results["batch"]
    return (
        f"A non-linearity applied across the minibatch (standardize each feature over the batch, then ReLU) makes a "
        f"sample's output depend on its batch partners: swapping the other 7 changed sample 0's output by up to "
        f"{batch['batchwise_change']:.3f}, an elementwise ReLU by {batch['elementwise_change']:.1g}. With two samples "
        f"every standardized feature is ±1 (off by at most {batch['pair_max_distance_from_pm1']:.1e}) whatever the "
        f"input, and a single sample "
        + ("is refused (zero variance)" if batch["single_sample_fails"] else "is accepted")
        + ". The seed's answer names vanishing/exploding gradients; what is measured here is this dependence on the "
        "batch, which also makes predictions for one sample ill-defined."
    )


def conclusion(results: dict) -> str:
    parts = (_why_nonlinear, _output_layer, _derivatives, _comparison, _piecewise, _batchwise)
    return " ".join(part(results) for part in parts)

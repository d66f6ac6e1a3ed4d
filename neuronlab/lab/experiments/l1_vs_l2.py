"""l1-vs-l2: why an L1 penalty gives sparse weights and an L2 penalty small, smooth ones
(000/001 A2.5), and what the L1 update equation is (003 §4.5 exercise 3).

A linear regression with 100 features of which 10 are informative is fitted by gradient
descent with three penalties, each over a grid of λ (all λ of one grid are trained at once as
the independent columns of one ``Linear(100, K)``): L1 by its subgradient λ·sign(w), L1 by a
proximal step (soft-thresholding, ISTA) and L2. The helpers live in ``_l1_vs_l2_helpers``.
"""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _l1_vs_l2_helpers as h
from neuronlab.lab.plots import new_figure

NAME = "l1-vs-l2"
TITLE = "L1 against L2 regularization: sparse weights against small, smooth ones"
SEEDS = "000/001 A2.5; 003 §4.5 exercise 3"
QUESTION_ZH = (
    "A2.5 (5 points) 分析为什么L1正则化倾向于得到稀疏解、为什么L2正则化倾向于得到平滑的解。\n\n"
    "4.5 练习 3. 如果我们使用 ∑ᵢ|wᵢ| 作为我们选择的惩罚（L1 正则化），那么更新方程会是什么样子？"
)
QUESTION_EN = (
    "A2.5: Analyse why L1 regularization tends to give sparse solutions and why L2 regularization "
    "tends to give smooth solutions.\n\n"
    "§4.5 exercise 3: If we use ∑ᵢ|wᵢ| as the penalty (L1 regularization), what does the update "
    "equation look like?"
)

METHODS = ("none", "l1-subgradient", "l1-proximal", "l2")
LABELS = {"none": "no penalty", "l1-subgradient": "L1, subgradient", "l1-proximal": "L1, proximal (ISTA)",
          "l2": "L2"}  # fmt: skip


def setup(config: LabConfig) -> str:
    steps = config.pick(h.STEPS_FULL, h.STEPS_QUICK)
    return (
        f"Data: y = Σ w*ᵢ xᵢ + ε with {h.FEATURES} standard-normal features, of which the first "
        f"{h.INFORMATIVE} are informative (|w*ᵢ| between 0.5 and 2, random signs) and the rest pure "
        f"noise; ε ~ N(0, {h.NOISE_STD:g}²); {h.N_TRAIN} training, {h.N_VAL} validation and {h.N_TEST} test samples. "
        "Objective: ½·mean squared error + penalty, with penalty λ‖w‖₁ or (λ/2)‖w‖₂² on the "
        f"weights (not the bias). Full-batch gradient descent from w = 0, {steps} steps with "
        "lr = 1/L (L the largest eigenvalue of XᵀX/n). L1 two ways: the subgradient λ·sign(w) added "
        "to the gradient (what autograd gives for λ·l1_penalty), and the proximal step "
        "w ← sign(w)·max(|w| − lr·λ, 0) after each gradient step. λ is chosen per method on the "
        "validation set; the proximal solutions are checked against the Lasso optimality conditions and "
        "the L2 ones against the closed-form ridge solution. A 1-D problem, min_w ½(w − a)² + penalty, is solved by grid search for many a to show "
        "where exact zeros come from, and 5 almost identical copies of one feature show what "
        "'smooth' means."
    )


def run(config: LabConfig) -> dict:
    data = h.make_data(config.seed)
    steps = config.pick(h.STEPS_FULL, h.STEPS_QUICK)
    grids = {
        "l1": h.lambda_grid(data, "l1", config.pick(16, 8)),
        "l2": h.lambda_grid(data, "l2", config.pick(16, 8)),
    }
    paths = {
        "none": h.fit_path(data, [0.0], "l2", steps),
        "l1-subgradient": h.fit_path(data, grids["l1"], "l1-subgradient", steps),
        "l1-proximal": h.fit_path(data, grids["l1"], "l1-proximal", steps),
        "l2": h.fit_path(data, grids["l2"], "l2", steps),
    }
    chosen = {method: h.summarize(path, data) for method, path in paths.items()}
    return {
        "lambdas": grids,
        "true_w": data["true_w"].tolist(),
        "paths": paths,
        "chosen": chosen,
        "optimality": h.optimality_gaps(data, paths),
        "one_dimensional": h.one_dimensional(),
        "penalty_pull": h.penalty_pull(),
        "update_rule": h.l1_update_check(config.seed),
        "correlated": h.correlated_copies(config.seed, steps),
        "steps": steps,
    }


def _weights_figure(results: dict):
    fig, (ax_hist, ax_bar) = new_figure(1, 2)
    chosen = results["chosen"]
    bins = np.linspace(-0.3, 0.3, 61)
    for method in METHODS:
        noise_w = np.asarray(chosen[method]["weights"])[h.INFORMATIVE :]
        ax_hist.hist(noise_w, bins=bins, histtype="step", linewidth=1.5, label=LABELS[method])
    ax_hist.set_xlabel("weight of a noise feature")
    ax_hist.set_ylabel("count (of 90)")
    ax_hist.set_title("Noise-feature weights at the validation-chosen λ")
    ax_hist.legend(fontsize=7)
    x = np.arange(len(METHODS))
    exact = [chosen[m]["exact_zeros_noise"] for m in METHODS]
    near = [chosen[m]["near_zeros_noise"] for m in METHODS]
    ax_bar.bar(x - 0.2, exact, 0.4, label="exactly 0")
    ax_bar.bar(x + 0.2, near, 0.4, label="|w| < 1e-3")
    ax_bar.set_xticks(x, [LABELS[m] for m in METHODS], rotation=15, fontsize=7)
    ax_bar.set_ylabel("noise weights (of 90)")
    ax_bar.set_title("Zeros among the noise weights")
    ax_bar.legend()
    return fig


def _paths_figure(results: dict):
    fig, axes = new_figure(1, 2)
    for ax, (method, grid) in zip(axes, (("l1-proximal", "l1"), ("l2", "l2"))):
        lambdas = results["lambdas"][grid]
        weights = np.asarray(results["paths"][method]["weights"])
        for j in range(weights.shape[1]):
            informative = j < h.INFORMATIVE
            ax.plot(lambdas, weights[:, j], color="C3" if informative else "0.6", linewidth=1.2 if informative else 0.6,
                    label=("informative" if informative else "noise") if j in (0, h.INFORMATIVE) else None)  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("λ")
        ax.set_ylabel("weight")
        ax.set_title(f"Regularization path, {LABELS[method]}")
        ax.legend()
    return fig


def _error_figure(results: dict):
    fig, (ax_err, ax_nz) = new_figure(1, 2)
    for method, grid in (("l1-proximal", "l1"), ("l1-subgradient", "l1"), ("l2", "l2")):
        lambdas, path = results["lambdas"][grid], results["paths"][method]
        ax_err.plot(lambdas, path["test_mse"], marker=".", label=f"{LABELS[method]}, test")
        ax_nz.plot(lambdas, path["exact_zeros"], marker=".", label=LABELS[method])
    ax_err.axhline(results["paths"]["none"]["test_mse"][0], color="k", linestyle=":", label="no penalty")
    ax_err.set_xscale("log")
    ax_err.set_xlabel("λ")
    ax_err.set_ylabel("test mean squared error")
    ax_err.set_title("Test error against λ")
    ax_err.legend(fontsize=7)
    ax_nz.set_xscale("log")
    ax_nz.set_xlabel("λ")
    ax_nz.set_ylabel("weights exactly 0 (of 100)")
    ax_nz.set_title("Exact zeros against λ")
    ax_nz.legend(fontsize=7)
    return fig


def _one_dimensional_figure(results: dict):
    fig, ax = new_figure()
    one = results["one_dimensional"]
    ax.plot(one["a"], one["argmin_l1"], label=f"L1: argmin ½(w−a)² + λ|w|, λ = {one['lambda']}")
    ax.plot(one["a"], one["argmin_l2"], label=f"L2: argmin ½(w−a)² + (λ/2)w², λ = {one['lambda']}")
    ax.plot(one["a"], one["a"], color="0.6", linestyle=":", label="no penalty (w = a)")
    ax.set_xlabel("a (the unpenalized optimum)")
    ax.set_ylabel("minimizer w (grid search)")
    ax.set_title("One weight: L1 snaps to 0, L2 only shrinks")
    ax.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {
        "weights": _weights_figure(results),
        "paths": _paths_figure(results),
        "error_vs_lambda": _error_figure(results),
        "one_dimensional": _one_dimensional_figure(results),
    }


def table(results: dict) -> Table:
    headers = ["method", "λ (validation)", "test MSE", "exact 0 (informative/noise)", "|w|<1e-3 (informative/noise)",
               "‖w‖₂", "max |noise w|"]  # fmt: skip
    rows = []
    for method in METHODS:
        c = results["chosen"][method]
        rows.append([LABELS[method], c["lambda"], c["test_mse"],
                     f"{c['exact_zeros_informative']}/{c['exact_zeros_noise']}",
                     f"{c['near_zeros_informative']}/{c['near_zeros_noise']}", c["norm2"], c["max_abs_noise"]])  # fmt: skip
    return Table(headers, rows)


def _sparsity_sentence(chosen: dict) -> str:
    prox, sub, l2 = chosen["l1-proximal"], chosen["l1-subgradient"], chosen["l2"]
    noise = h.FEATURES - h.INFORMATIVE
    text = (
        f"At the λ chosen on validation data, L1 with a proximal step set {prox['exact_zeros_noise']} of {noise} "
        f"noise weights exactly to 0 (and {prox['exact_zeros_informative']} of {h.INFORMATIVE} informative ones), "
        f"L2 set {l2['exact_zeros_noise']}. L1 by plain subgradient descent gave {sub['exact_zeros_noise']} exact "
        f"zeros and {sub['near_zeros_noise']} noise weight{'s' if sub['near_zeros_noise'] != 1 else ''} below 1e-3: the step −lr·λ·sign(w) jumps across 0 "
        "instead of landing on it, so sparsity needs the proximal (soft-threshold) step or a threshold. "
    )
    if prox["exact_zeros_noise"] <= l2["exact_zeros_noise"]:
        text += "Contrary to the textbook, L1 was not sparser than L2 here. "
    return text


def _smooth_sentence(results: dict) -> str:
    chosen, corr = results["chosen"], results["correlated"]
    l2, none = chosen["l2"], chosen["none"]
    c_none, c_l1, c_l2 = corr["none"], corr["l1-proximal"], corr["l2"]
    smaller = l2["max_abs_noise"] < none["max_abs_noise"]
    even = c_l2["std"] < min(c_none["std"], c_l1["std"])
    return (
        f"L2 kept all weights non-zero but {'smaller' if smaller else 'NOT smaller'}: the largest noise weight fell "
        f"from {none['max_abs_noise']:.3f} (no penalty) to {l2['max_abs_noise']:.3f}, ‖w‖₂ from {none['norm2']:.3f} "
        f"to {l2['norm2']:.3f}. With 5 near-copies of one feature (true total weight 3, λ = {corr['lambda']:g}), "
        f"L2 spread the weight {'most evenly' if even else 'NOT most evenly'}: spread (std of the 5 weights) "
        f"{c_l2['std']:.3f}, largest copy {c_l2['max_share']:.0%} of the total, against L1 {c_l1['std']:.3f} "
        f"({c_l1['max_share']:.0%} on one copy, {c_l1['zeros']} of 5 exactly 0) and no penalty {c_none['std']:.3f} "
        f"(weights from {c_none['min']:.2f} to {c_none['max']:.2f}); that evenness is the 'smooth' solution. "
    )


def _why_sentence(results: dict) -> str:
    one, pull = results["one_dimensional"], results["penalty_pull"]
    l2_zeros = round(one["zero_fraction_l2"] * len(one["a"]))
    return (
        f"Why: for one weight, min ½(w − a)² + λ|w| (λ = {one['lambda']:g}) is exactly 0 for "
        f"{one['zero_fraction_l1']:.0%} of the a in [−3, 3], every a with |a| ≤ {one['l1_zero_max_abs_a']:g}, while the "
        f"L2 minimizer a/(1 + λ) is 0 for {one['zero_fraction_l2']:.1%} of them ({l2_zeros} value{'s' if l2_zeros != 1 else ''} "
        f"of a). The pull towards 0 of λ|w| stays λ = {pull['l1'][-1]:.3g} at w = {pull['w'][-1]}, that of (λ/2)w² "
        f"falls to λw = {pull['l2'][-1]:.3g}: near 0 only L1 keeps pushing. "
    )


def conclusion(results: dict) -> str:
    chosen, rule, opt = results["chosen"], results["update_rule"], results["optimality"]
    best = min(("l1-proximal", "l2"), key=lambda m: chosen[m]["test_mse"])
    return (
        _sparsity_sentence(chosen)
        + _smooth_sentence(results)
        + _why_sentence(results)
        + f"Update equation (§4.5 ex. 3): one SGD step on loss + λ·l1_penalty equals w − η∂L/∂w − ηλ·sign(w) "
        f"to {rule['max_abs_diff']:.1e}. Test MSE: L1 {chosen['l1-proximal']['test_mse']:.3f}, "
        f"L2 {chosen['l2']['test_mse']:.3f}, no penalty {chosen['none']['test_mse']:.3f}; {LABELS[best]} is best on "
        f"this sparse truth. Gradient descent reached the exact optima: the L1 solutions violate the Lasso "
        f"optimality conditions by at most {opt['lasso_kkt']:.1e}, the L2 ones differ from the closed-form ridge "
        f"solution by at most {opt['ridge']:.1e}."
    )

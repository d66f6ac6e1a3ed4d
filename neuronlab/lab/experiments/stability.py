"""stability: vanishing and exploding gradients with depth, the singular-value bounds of
products of matrices behind them, symmetry, and recovering from a diverging run by clipping,
a lower learning rate or a rollback (003 §4.8)."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _stability_helpers as h
from neuronlab.lab.plots import new_figure

NAME = "stability"
TITLE = "Numerical stability: vanishing and exploding gradients, and recovering from divergence"
SEEDS = "003 §4.8 (4.8.1 and exercises 1–4)"
QUESTION_ZH = (
    "4.8.1 梯度消失是指在深层网络中，随着网络层数加深，梯度逐渐变小或消失的现象。常见的诱因包括：学习率设置过小，"
    "导致更新步长过小；激活函数的选择不恰当，如 ReLU；网络层数过多。梯度爆炸是指在深层网络中，随着网络层数加深，"
    "梯度逐渐增大或爆炸的现象。\n"
    "1. 除了多层感知机的排列对称性之外，还能设计出其他神经网络可能会表现出对称性且需要被打破的情况吗？\n"
    "2. 我们是否可以将线性回归或softmax回归中的所有权重参数初始化为相同的值？\n"
    "3. 在相关资料中查找两个矩阵乘积特征值的解析界。这对确保梯度条件合适有什么启示？\n"
    "4. 如果我们知道某些项是发散的，我们能在事后修正吗？"
)
QUESTION_EN = (
    "4.8.1 Vanishing gradients: in deep networks the gradient shrinks or vanishes as layers are added; "
    "common causes are a too-small learning rate, an unsuitable activation 'such as ReLU', and too many "
    "layers. Exploding gradients: the gradient grows or explodes with depth.\n"
    "1. Besides the permutation symmetry of an MLP, can you design other cases where a network shows a "
    "symmetry that must be broken?\n"
    "2. Can all weights of linear or softmax regression be initialized to the same value?\n"
    "3. Look up analytic bounds on the eigenvalues of a product of two matrices. What do they imply for "
    "keeping gradients well conditioned?\n"
    "4. If we know that some terms diverge, can we fix this after the fact?"
)

GAINS = (0.5, 1.0, 2.0)
BIG_LR, SMALL_LR, CLIP, BATCH = 0.5, 0.05, 1.0, 32
TIGHT_FACTOR = 30.0  # DivergenceGuard's explode_factor in the second guarded run (the default is 1e3)


def _sizes(config: LabConfig) -> dict:
    return {
        "depth": config.pick(30, 12), "width": config.pick(128, 64), "probe_batch": config.pick(256, 64),
        "n": config.pick(64, 32), "k_max": config.pick(50, 20), "trials": config.pick(200, 50),
        "steps": config.pick(400, 160), "epochs": config.pick(10, 3),
    }  # fmt: skip


def setup(config: LabConfig) -> str:
    s = _sizes(config)
    return (
        f"Gradients at initialization: {s['depth']}-layer nets of width {s['width']} on {s['probe_batch']} digits "
        "(64 → hidden → 10, cross-entropy), one backward pass, ‖∂L/∂W_l‖ of every Linear layer recorded by "
        "LayerStats, for sigmoid/tanh/ReLU with PyTorch's default init U(±1/√fan_in), Xavier (with the "
        "activation's gain), Kaiming and N(0, 1), plus BatchNorm before each sigmoid and tanh residual blocks "
        f"h ← h + tanh(Wh + b). Products of k ≤ {s['k_max']} random {s['n']}×{s['n']} matrices with N(0, g²/n) "
        f"entries, g ∈ {list(GAINS)}: σ_max and σ_min of the product against ∏σ_max and ∏σ_min; spectral radii "
        f"of {s['trials']} random 16×16 pairs. Divergence: a tanh MLP 10-64-64-1 on a synthetic regression "
        f"(512 samples, MSE), SGD batch {BATCH} for {s['steps']} steps at lr {BIG_LR} (diverges), then the same "
        f"with clip_grad_norm_(max_norm={CLIP}), with lr {SMALL_LR}, with DivergenceGuard (explode_factor 1e3, "
        f"then {TIGHT_FACTOR:g}; lr × 0.1 per rollback) and with Adam at lr {BIG_LR}. Symmetry: a tanh MLP "
        f"64-16-10 from equal weights and softmax regression from zeros, SGD lr 0.1, {s['epochs']} epochs."
    )


def _gradients(config: LabConfig, s: dict) -> list[dict]:
    X_tr, y_tr, _, _ = h.digits(config.seed)
    X = Tensor._wrap(X_tr[: s["probe_batch"]].astype(np.float32))
    y = Tensor._wrap(y_tr[: s["probe_batch"]])
    return [h.gradient_norms(c, X, y, s["depth"], s["width"], config.seed) for c in h.GRADIENT_CONFIGS]


def _divergence(config: LabConfig, steps: int) -> dict:
    data = h.regression_data(config.seed)
    seed = config.seed
    return {
        "baseline": h.loop_run(data, seed, steps, BATCH, BIG_LR),
        "clipped": h.loop_run(data, seed, steps, BATCH, BIG_LR, clip=CLIP),
        "lower_lr": h.loop_run(data, seed, steps, BATCH, SMALL_LR),
        "guard": h.guard_run(data, seed, steps, BATCH, BIG_LR),
        "guard_tight": h.guard_run(data, seed, steps, BATCH, BIG_LR, explode_factor=TIGHT_FACTOR),
        "adam": h.loop_run(data, seed, steps, BATCH, BIG_LR, adam=True),
        "initial_loss": h.full_loss(h.regression_net(seed), *data),
    }


def run(config: LabConfig) -> dict:
    s = _sizes(config)
    return {
        "gradients": _gradients(config, s),
        "products": [h.product_singular_values(s["n"], s["k_max"], g, config.seed) for g in GAINS],
        "eigen": h.eigenvalue_products(16, s["trials"], config.seed),
        "symmetry": h.symmetry(h.digits(config.seed), s["epochs"], config.seed),
        "divergence": _divergence(config, s["steps"]),
        "depth": s["depth"], "n": s["n"], "k_max": s["k_max"], "steps": s["steps"],
    }  # fmt: skip


def figures(results: dict) -> dict:
    return {"gradients_by_layer": _gradient_figure(results), "matrix_products": _product_figure(results),
            "divergence": _divergence_figure(results)}  # fmt: skip


def _gradient_figure(results: dict):
    fig, ax = new_figure(width=7.0, height=4.2)
    for run in results["gradients"]:
        norms = run["norms"][:-1]
        ax.semilogy(range(1, len(norms) + 1), [max(v, 1e-45) for v in norms], marker=".", label=run["name"])
    ax.set_xlabel("hidden layer (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂W_l‖ at initialization")
    ax.set_title(f"Gradient norms through a {results['depth']}-layer net")
    ax.legend(fontsize="x-small", ncol=2)
    return fig


def _product_figure(results: dict):
    fig, (ax, bx) = new_figure(1, 2)
    for run in results["products"]:
        k = range(1, len(run["log10_sigma_max"]) + 1)
        line = ax.plot(k, run["log10_sigma_max"], label=f"σ_max(product), g = {run['gain']}")[0]
        ax.plot(
            k,
            run["log10_bound_max"],
            linestyle="--",
            color=line.get_color(),
            label=f"∏σ_max(A_i), g = {run['gain']}",
        )
        low = [(i, v) for i, v in zip(k, run["log10_sigma_min"]) if v is not None]
        line = bx.plot(*zip(*low), label=f"σ_min(product), g = {run['gain']}")[0]
        bx.plot(
            k,
            run["log10_bound_min"],
            linestyle="--",
            color=line.get_color(),
            label=f"∏σ_min(A_i), g = {run['gain']}",
        )
    for axis, title in ((ax, "Largest singular value"), (bx, "Smallest singular value")):
        axis.set_xlabel("number of factors k")
        axis.set_ylabel("log10")
        axis.set_title(f"{title} of A_k⋯A_1 ({results['n']}×{results['n']})")
        axis.legend(fontsize="x-small")
    return fig


RUN_LABELS = {
    "baseline": f"SGD lr {BIG_LR}", "clipped": f"lr {BIG_LR} + clip_grad_norm_({CLIP})",
    "lower_lr": f"SGD lr {SMALL_LR}", "guard": f"lr {BIG_LR} + DivergenceGuard",
    "guard_tight": f"lr {BIG_LR} + DivergenceGuard(explode_factor={TIGHT_FACTOR:g})", "adam": f"Adam lr {BIG_LR}",
}  # fmt: skip


def _divergence_figure(results: dict):
    div = results["divergence"]
    fig, (ax, bx) = new_figure(1, 2, width=6.0)
    for key, label in RUN_LABELS.items():
        losses = div[key]["losses"]
        steps = [i + 1 for i, v in enumerate(losses) if v is not None]
        ax.semilogy(steps, [v for v in losses if v is not None], label=label, linewidth=1)
    ax.set_xlabel("iteration")
    ax.set_ylabel("mini-batch loss (MSE)")
    ax.set_title("A diverging run and its remedies")
    ax.legend(fontsize="x-small")
    for key in ("baseline", "clipped", "lower_lr"):
        norms = div[key]["grad_norms"]
        bx.semilogy(range(1, len(norms) + 1), norms, label=RUN_LABELS[key], linewidth=1)
    bx.axhline(CLIP, color="gray", linestyle="--", label=f"max_norm = {CLIP}")
    bx.set_xlabel("iteration")
    bx.set_ylabel("‖gradient‖ before clipping")
    bx.set_title("Gradient norm")
    bx.legend(fontsize="x-small")
    return fig


def table(results: dict) -> Table:
    rows = [["gradients at init", g["name"], "‖∂L/∂W_1‖ / ‖∂L/∂W_last hidden‖", g["first_over_last"]]
            for g in results["gradients"]]  # fmt: skip
    rows += [
        ["gradients at init", g["name"], "factor per layer", g["per_layer_factor"]]
        for g in results["gradients"]
    ]
    for p in results["products"]:
        rows.append(
            [
                "matrix products",
                f"g = {p['gain']}",
                "growth of σ_max(product) per factor",
                p["growth_per_matrix"],
            ]
        )
        rows.append(["matrix products", f"g = {p['gain']}", f"log10 ∏σ_max − log10 σ_max(product), k = "
                     f"{results['k_max']}", p["log10_bound_max"][-1] - p["log10_sigma_max"][-1]])  # fmt: skip
    div = results["divergence"]
    for key, label in RUN_LABELS.items():
        run = div[key]
        rows.append(
            [
                "divergence",
                label,
                "final loss (all data)",
                run["final_loss"] if run["final_loss"] is not None else "diverged",
            ]
        )
    rows.append(["divergence", RUN_LABELS["guard"], "rollbacks", div["guard"]["rollbacks"]])
    rows.append(["divergence", RUN_LABELS["guard_tight"], "rollbacks", div["guard_tight"]["rollbacks"]])
    for key, value in results["symmetry"].items():
        rows.append(["symmetry", key.replace("_", ", "), "test accuracy", value["accuracy"]])
    return Table(["part", "setting", "quantity", "value"], rows)


def conclusion(results: dict) -> str:
    return " ".join([_gradient_text(results), _product_text(results), _divergence_text(results),
                     _symmetry_text(results)])  # fmt: skip


def _ratio(results: dict, name: str) -> float:
    return next(g["first_over_last"] for g in results["gradients"] if g["name"] == name)


def _state(ratio: float) -> str:
    return "vanishes" if ratio < 1e-2 else "explodes" if ratio > 1e2 else "stays within two decades"


def _gradient_text(results: dict) -> str:
    r = {g["name"]: g["first_over_last"] for g in results["gradients"]}
    listing = "; ".join(f"{name} {value:.1e} ({_state(value)})" for name, value in r.items())
    relu, sigmoid, relu_default = r["ReLU, Kaiming"], r["sigmoid, Xavier"], r["ReLU, default init"]
    if _state(relu) != "vanishes" and _state(sigmoid) == "vanishes":
        verdict = (f"So the seed's example of an unsuitable activation, ReLU, is contradicted: with Kaiming init ReLU "
                   f"keeps {relu:.2f} of the gradient across the stack while sigmoid loses all but {sigmoid:.0e} even "
                   "with Xavier init (σ' ≤ 1/4 per layer)")  # fmt: skip
        if _state(relu_default) == "vanishes":
            verdict += (f"; ReLU vanishes ({relu_default:.0e}) only under PyTorch's default init, whose weight "
                        "variance 1/(3·fan_in) is a sixth of Kaiming's 2/fan_in")  # fmt: skip
        verdict += "."
    else:
        verdict = f"ReLU with Kaiming init gives {relu:.1e}, sigmoid with Xavier {sigmoid:.1e}."
    return (
        f"Vanishing/exploding gradients: ‖∂L/∂W_1‖ / ‖∂L/∂W_last‖ through {results['depth']} layers at "
        f"initialization — {listing}. {verdict} {_remedy_text(results)}"
    )


def _remedy_text(results: dict) -> str:
    bn, res = (
        _ratio(results, "sigmoid + BatchNorm, default init"),
        _ratio(results, "tanh residual, default init"),
    )
    bn_plain, res_plain = _ratio(results, "sigmoid, default init"), _ratio(results, "tanh, default init")
    both = _state(bn) == _state(res) == "stays within two decades"
    return (
        f"With the same default init, BatchNorm before each sigmoid turns {bn_plain:.0e} into {bn:.2f} and residual "
        f"connections turn tanh's {res_plain:.0e} into {res:.2f}: "
        + (
            "both remedies keep the gradient at the input side as large as at the output side."
            if both
            else "at least one remedy did NOT keep the gradient within two decades."
        )
        + " (The `initialization`, `batchnorm` and `residual` experiments train such nets.)"
    )


def _product_text(results: dict) -> str:
    products, eig = results["products"], results["eigen"]
    k = results["k_max"]
    holds = all(p["bounds_hold"] for p in products)
    growth = ", ".join(f"g = {p['gain']}: ×{p['growth_per_matrix']:.3f}" for p in products)
    unit = next(p for p in products if p["gain"] == 1.0)
    nil = eig["nilpotent"]
    return (
        f"Products of matrices (exercise 3): σ_min(A)σ_min(B) ≤ σ_i(AB) ≤ σ_max(A)σ_max(B) "
        f"{'held' if holds else 'FAILED'} for every product of up to {k} factors (σ_min where float64 resolves it). The norm of the product changes by "
        f"a constant factor per matrix — {growth} — i.e. exponentially in depth at rate g, not at the rate of "
        f"σ_max(A_i) ≈ 2g: with g = 1, σ_max of the {k}-fold product is 10^{unit['log10_sigma_max'][-1]:.1f} while "
        f"the bound ∏σ_max is 10^{unit['log10_bound_max'][-1]:.1f}. Eigenvalues obey no such bound: "
        f"A = [[0, 1], [0, 0]] and B = [[0, 0], [1, 0]] have ρ(A) = {nil['rho_A']:g}, ρ(B) = {nil['rho_B']:g} but "
        f"ρ(AB) = {nil['rho_AB']:g}, and ρ(AB) > ρ(A)ρ(B) in {eig['eigen_bound_broken']} of {eig['trials']} random "
        f"pairs (the singular-value bound failed in {eig['singular_bound_broken']}). Conditioning gradients therefore "
        "means keeping each layer's gain (its singular values) near 1 — what Xavier and Kaiming init do."
    )


def _run_text(run: dict) -> str:
    return "diverged" if run["final_loss"] is None else f"loss {run['final_loss']:.3g}"


def _divergence_text(results: dict) -> str:
    div = results["divergence"]
    base, clip, low, guard, tight, adam = (div[k] for k in ("baseline", "clipped", "lower_lr", "guard",
                                                            "guard_tight", "adam"))  # fmt: skip
    start = div["initial_loss"]
    first = (
        f"at iteration {base['diverged_at']}"
        if base["diverged_at"]
        else "NOT at all (no divergence to repair)"
    )
    restored = [
        guard["losses"][e["iteration"]] for e in guard["events"] if e["iteration"] < len(guard["losses"])
    ]
    damaged = f" — it restored states whose next loss was {max(restored):.3g}" if restored else ""
    best = min((r["final_loss"], name) for name, r in (("clipping", clip), ("the lower lr", low), ("the tight guard", tight))
               if r["final_loss"] is not None)  # fmt: skip
    return (
        f"Divergence (exercise 4; loss {start:.3g} at the start): SGD at lr {BIG_LR} blew up {first}, its gradient "
        f"norm reaching {max(base['grad_norms']):.1e}. Fixes after the fact, same start and batches: gradient "
        f"clipping {_run_text(clip)} ({clip['clipped_steps']} of {len(clip['grad_norms'])} steps clipped); lr "
        f"{SMALL_LR} {_run_text(low)}; DivergenceGuard {_run_text(guard)} after {guard['rollbacks']} rollbacks ending "
        f"at lr {guard['final_lr']:.3g}{damaged}, as a loss up to 1000× the best still counts as healthy; with "
        f"explode_factor {TIGHT_FACTOR:g}, {tight['rollbacks']} rollback(s), lr {tight['final_lr']:.3g}, "
        f"{_run_text(tight)}; switching to Adam at the same lr {_run_text(adam)} (its steps are bounded by lr, so it "
        f"{'did not blow up' if adam['final_loss'] is not None else 'blew up too'}). Best: {best[1]} ({best[0]:.3g})."
    )


def _symmetry_text(results: dict) -> str:
    s = results["symmetry"]
    mlp, mlp_ref, soft, soft_ref = s["mlp_equal"], s["mlp_default"], s["softmax_equal"], s["softmax_default"]
    stuck = mlp["spread"] == 0.0
    learns = soft["accuracy"] > 0.9 * soft_ref["accuracy"]
    return (
        f"Symmetry (exercises 1–2): the tanh MLP started from equal weights "
        f"{'kept all 16 hidden units identical' if stuck else 'broke its symmetry'} (largest difference between "
        f"units {mlp['spread']:.2g}) and reached {mlp['accuracy']:.1%} test accuracy against {mlp_ref['accuracy']:.1%} "
        f"from random weights. Softmax regression from all-zero weights reached {soft['accuracy']:.1%} against "
        f"{soft_ref['accuracy']:.1%} (its rows ended {soft['spread']:.2g} apart): "
        + (
            "contrary to the seed's 'no', equal weights are harmless in softmax regression — each output has its own "
            "target, so the rows' gradients differ from the first step; only hidden units need their symmetry broken "
            "(the `initialization` experiment also starts linear regression and CNN kernels from equal values)."
            if learns
            else "as the seed says, equal weights hurt even without a hidden layer."
        )
    )

"""landscape: the loss of the seed's 1-1-1 network over pairs of its parameters, for MSE
and cross-entropy, with a quantitative convexity probe (logistic regression as the convex
control) and the speed of a vectorized grid against one forward pass per point (000/001 A2.2)."""

from __future__ import annotations

import numpy as np

from neuronlab.analysis import Landscape
from neuronlab.analysis.plotting import plot_contour, plot_surface
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _landscape_helpers as H
from neuronlab.lab.plots import new_figure

NAME = "landscape"
TITLE = "Loss landscapes of the 1-1-1 network: MSE and cross-entropy are not convex"
SEEDS = "000/001 A2.2"
QUESTION_ZH = (
    "A2.2 (5 points) 以一个简单的1-1-1结构的两层神经网络为例，分别采用均方误差损失函数和交叉熵损失函数，"
    "说明这两种函数关于参数的非凸性（可作图示意和说明）。"
)
QUESTION_EN = (
    "A2.2 (5 points) Take a simple two-layer network of structure 1-1-1 and show, for the mean squared "
    "error loss and for the cross-entropy loss, that each is non-convex in the parameters (a figure may "
    "illustrate it)."
)

PAIRS = (("w1", "b1"), ("w1", "w2"), ("w2", "b2"))
RANGE = (-10.0, 10.0)
LOSS_LABELS = {"mse": "MSE", "cross_entropy": "cross-entropy"}
# REFERENCES.md, "40×40 loss landscape of the 1-1-1 network" (seconds for the 1600 points)
REFERENCE_SECONDS = {"Keras evaluate per point": 81.0, "Keras model() per point": 1.5,
                     "PyTorch loop": 0.039, "vectorized NumPy": 0.06e-3}  # fmt: skip


def setup(config: LabConfig) -> str:
    """The settings of this run, in words."""
    res, grid, draws = config.pick(61, 51), config.pick(40, 20), config.pick(8, 3)
    return (
        "The seed's network: x → Dense(1, sigmoid) → Dense(1), data x = [0.5, 1, 1.5, 2], y = [0, 1, 1, 0]. "
        "MSE on the linear output; cross-entropy as the seed's binary case, sigmoid on the output and BCE "
        "(computed on the logit). Slices over (w1, b1) — the seed's pair —, (w1, w2) and (w2, b2) on "
        f"[{RANGE[0]:g}, {RANGE[1]:g}]² with a {res}×{res} grid, the other parameters held at w1 = "
        f"{H.CENTER['w1']:g}, b1 = {H.CENTER['b1']:g}, w2 = {H.CENTER['w2']:g}, b2 = {H.CENTER['b2']:g}; "
        "float64. Convexity probe (`analysis.convexity_report`): the midpoint test f((a+b)/2) ≤ (f(a)+f(b))/2 "
        "on all row, column and diagonal pairs of the grid plus 20,000 random pairs, and the finite-difference "
        "Hessian's smallest eigenvalue at every inner grid point (counted only beyond its estimated error); "
        f"then exact Hessians (double backward) at {config.pick(32, 12)} random points of the box. Control: "
        f"logistic regression σ(wx + b) with cross-entropy. The seed's own setting: (w1, b1) on [−2, 2]², "
        f"{grid}×{grid}, for {draws} draws of w2 from Keras's glorot-uniform initializer (b2 = 0). Speed: "
        f"the {grid}×{grid} grid of the seed's code (float32) evaluated vectorized (all points in one batched "
        "forward pass) and one forward pass per point as the seed's Keras loop does, timed and compared."
    )


def run(config: LabConfig) -> dict:
    """Slices, grid and exact probes per loss and pair; the convex control; the seed's init; speed."""
    rng = np.random.default_rng(config.seed)
    resolution, n_exact = config.pick(61, 51), config.pick(32, 12)
    slices = {}
    for name, (loss, loss_fn) in H.LOSSES.items():
        slices[name] = {}
        for pair in PAIRS:
            model = H.one_one_one(H.CENTER)
            s = H.slice_and_probe(model, pair, loss, RANGE, resolution, config.seed)
            s["exact"] = H.exact_probe(model, pair, loss_fn, RANGE, n_exact, config.seed)
            slices[name]["_".join(pair)] = s
    grid = config.pick(40, 20)
    return {
        "slices": slices,
        "logistic": H.logistic_regression(RANGE, resolution, n_exact, config.seed),
        "seed_init": H.seed_initializations(config.pick(8, 3), rng, grid, config.seed),
        "speed": {name: H.speed(loss, grid) for name, (loss, _) in H.LOSSES.items()},
        "center": H.CENTER,
        "range": list(RANGE),
        "resolution": resolution,
        "references_seconds": REFERENCE_SECONDS,
    }


# -- figures ------------------------------------------------------------------------------------
def _landscape(s: dict, loss: str) -> Landscape:
    axes = tuple(np.asarray(a) for a in s["axes"])
    return Landscape(axes, np.asarray(s["values"]), tuple(s["labels"]), {"loss": LOSS_LABELS[loss]})


def figures(results: dict) -> dict:
    """The figures, drawn from ``results`` only."""
    return {"surfaces": _fig_surfaces(results), "contours": _fig_contours(results),
            "convexity": _fig_convexity(results), "speed": _fig_speed(results)}  # fmt: skip


def _fig_surfaces(results: dict):
    fig, axes = new_figure(2, 2, width=5.0, height=4.2, subplot_kw={"projection": "3d"})
    for row, loss in enumerate(LOSS_LABELS):
        for col, pair in enumerate(PAIRS[:2]):
            s = results["slices"][loss]["_".join(pair)]
            plot_surface(_landscape(s, loss), axes[row, col])
            axes[row, col].tick_params(labelsize="x-small")
            axes[row, col].set_title(f"{LOSS_LABELS[loss]} over ({', '.join(pair)})")
    return fig


def _fig_contours(results: dict):
    fig, axes = new_figure(2, 3, width=4.4, height=3.6)
    for row, loss in enumerate(LOSS_LABELS):
        for col, pair in enumerate(PAIRS):
            s, ax = results["slices"][loss]["_".join(pair)], axes[row, col]
            plot_contour(_landscape(s, loss), ax, levels=25)
            g = s["grid"]
            if g["midpoint_violations"]:  # the worst chord: its midpoint lies above the chord's mean
                (a0, a1), (b0, b1) = g["worst_a"], g["worst_b"]
                ax.plot([a0, b0], [a1, b1], "w-o", markersize=3, linewidth=1.2)
            ax.set_title(
                f"{LOSS_LABELS[loss]} ({', '.join(pair)}): {_pct(g)} midpoint violations", fontsize="small"
            )
    return fig


def _pct(g: dict) -> str:
    return f"{100 * g['midpoint_violations'] / max(1, g['midpoint_pairs']):.0f}%"


def _cases(results: dict) -> list[tuple[str, dict, dict]]:
    cases = [(f"{LOSS_LABELS[loss]}\n({', '.join(pair)})", results["slices"][loss]["_".join(pair)]["grid"],
              results["slices"][loss]["_".join(pair)]["exact"]) for loss in LOSS_LABELS for pair in PAIRS]  # fmt: skip
    cases.append(("logistic\nregression (w, b)", results["logistic"]["grid"], results["logistic"]["exact"]))
    return cases


def _fig_convexity(results: dict):
    fig, ax = new_figure(width=9, height=3.8)
    cases = _cases(results)
    x = np.arange(len(cases))
    mid = [100 * g["midpoint_violations"] / max(1, g["midpoint_pairs"]) for _, g, _ in cases]
    neg = [100 * g["negative_curvature_points"] / max(1, g["hessian_points"]) for _, g, _ in cases]
    exact = [100 * e["negative_curvature_points"] / max(1, e["hessian_points"]) for _, _, e in cases]
    for k, (values, label) in enumerate(((mid, "midpoint pairs violating convexity"), (neg, "grid points with λ_min < 0"),
                                         (exact, "random points with exact λ_min < 0"))):  # fmt: skip
        ax.bar(x + (k - 1) * 0.27, values, width=0.27, label=label)
    ax.set_xticks(x, [c[0] for c in cases], fontsize="x-small")
    ax.set_xlabel("loss and parameter pair")
    ax.set_ylabel("% of pairs / points")
    ax.set_title("Convexity probe: any violation means not convex")
    ax.legend(fontsize="small")
    return fig


def _fig_speed(results: dict):
    sp = results["speed"]["mse"]
    per_grid = 1600 / sp["points"]  # the references time a 40×40 grid
    bars = {"neuronlab,\none forward per point": sp["loop_seconds"] * per_grid,
            "neuronlab,\nvectorized": sp["vectorized_seconds"] * per_grid}  # fmt: skip
    bars.update(
        {name.replace(" per", "\nper").replace(" loop", "\nloop"): s for name, s in REFERENCE_SECONDS.items()}
    )
    fig, ax = new_figure(width=8, height=3.8)
    colors = ["C0", "C0"] + ["C7"] * len(REFERENCE_SECONDS)
    ax.bar(range(len(bars)), list(bars.values()), color=colors)
    ax.set_yscale("log")
    ax.set_xticks(range(len(bars)), list(bars), fontsize="x-small")
    ax.set_xlabel("implementation (grey: REFERENCES.md)")
    ax.set_ylabel("seconds for a 40×40 grid")
    ax.set_title("MSE landscape of the 1-1-1 network: time per grid")
    return fig


# -- table and conclusion -----------------------------------------------------------------------
def table(results: dict) -> Table:
    """The measured numbers, one row per quantity."""
    rows = []
    for label, g, e in _cases(results):
        rows.append([label.replace("\n", " "), f"{g['midpoint_violations']} / {g['midpoint_pairs']}",
                     f"{g['negative_curvature_points']} / {g['hessian_points']}", g["most_negative_eigenvalue"],
                     f"{e['negative_curvature_points']} / {e['hessian_points']}", e["most_negative_eigenvalue"],
                     "yes" if g["is_convex"] and e["is_convex"] else "no"])  # fmt: skip
    headers = ["loss (pair)", "midpoint violations", "λ_min < 0 (grid)", "most negative λ (grid)",
               "λ_min < 0 (exact)", "most negative λ (exact)", "consistent with convexity"]  # fmt: skip
    return Table(headers, rows)


def conclusion(results: dict) -> str:
    """The answer, computed from the measured numbers."""
    parts = [_loss_text(results, loss) for loss in LOSS_LABELS]
    parts += [_output_layer_text(results), _control_text(results), _seed_text(results), _speed_text(results)]
    return " ".join(parts)


def _loss_text(results: dict, loss: str) -> str:
    s = results["slices"][loss]
    texts = []
    for pair in PAIRS[:2]:
        g, e = s["_".join(pair)]["grid"], s["_".join(pair)]["exact"]
        verdict = (
            "not convex" if not (g["is_convex"] and e["is_convex"]) else "found NO violation of convexity"
        )
        texts.append(
            f"over ({', '.join(pair)}) {verdict}: {g['midpoint_violations']} of {g['midpoint_pairs']} midpoint pairs "
            f"violate the inequality (worst by {g['worst_gap']:.3g}), {g['negative_curvature_points']} of "
            f"{g['hessian_points']} grid points have negative curvature (most negative λ = "
            f"{g['most_negative_eigenvalue']:.3g}), and exact Hessians find λ_min < 0 at "
            f"{e['negative_curvature_points']} of {e['hessian_points']} random points"
        )
    label = LOSS_LABELS[loss]
    return f"{label[0].upper()}{label[1:]} " + "; ".join(texts) + "."


def _output_layer_text(results: dict) -> str:
    out = {loss: results["slices"][loss]["w2_b2"] for loss in LOSS_LABELS}
    convex = {loss: o["grid"]["is_convex"] and o["exact"]["is_convex"] for loss, o in out.items()}
    counts = ", ".join(
        f"{LOSS_LABELS[loss]} {o['grid']['midpoint_violations']} midpoint violations and "
        f"{o['exact']['negative_curvature_points']} negative exact eigenvalues"
        for loss, o in out.items()
    )
    if all(convex.values()):
        return (
            f"Over the output layer's (w2, b2) both slices are consistent with convexity ({counts}): there the "
            "loss is least squares, resp. logistic regression, on the fixed hidden feature — the non-convexity "
            "comes from the hidden layer's parameters and from products of weights across layers."
        )
    return f"Over (w2, b2) the probe found violations ({counts}), CONTRARY to the least-squares expectation."


def _control_text(results: dict) -> str:
    g, e = results["logistic"]["grid"], results["logistic"]["exact"]
    if g["is_convex"] and e["is_convex"]:
        return (
            f"The control, logistic regression, passes both tests (0 of {g['midpoint_pairs']} midpoint pairs, 0 of "
            f"{g['hessian_points']} grid points; exact λ_min ≥ {e['most_negative_eigenvalue']:.2g}), so the probe "
            "does not flag a convex loss."
        )
    return (
        f"The control, logistic regression, was FLAGGED ({g['midpoint_violations']} midpoint violations, "
        f"{g['negative_curvature_points']} + {e['negative_curvature_points']} negative-curvature points): the probe's "
        "tolerances are too tight here."
    )


def _seed_text(results: dict) -> str:
    si = results["seed_init"]
    n = len(si["w2"])
    return (
        f"In the seed's own setting ((w1, b1) on [−2, 2]², w2 drawn as Keras initializes it, b2 = 0) MSE was "
        f"non-convex for {si['mse']['non_convex']} of {n} draws and cross-entropy for "
        f"{si['cross_entropy']['non_convex']} of {n}."
    )


def _speed_text(results: dict) -> str:
    sp = results["speed"]
    mse = sp["mse"]
    agree = max(v["max_abs_difference"] for v in sp.values())
    per_grid = 1600 / mse["points"]
    ref = REFERENCE_SECONDS
    return (
        f"Speed ({mse['points']} points): the vectorized grid took {1e3 * mse['vectorized_seconds']:.2f} ms, one "
        f"forward pass per point {mse['loop_seconds']:.3f} s — {mse['speedup']:.0f}× faster, values "
        f"{'identical' if agree == 0 else f'within {agree:.1e}'} for both losses. Per 40×40 grid that is "
        f"{1e3 * mse['vectorized_seconds'] * per_grid:.2f} ms vectorized and {mse['loop_seconds'] * per_grid:.2f} s "
        f"looped, against REFERENCES.md's Keras evaluate per point {ref['Keras evaluate per point']:g} s, Keras "
        f"model() per point {ref['Keras model() per point']:g} s, PyTorch loop {1e3 * ref['PyTorch loop']:g} ms "
        f"and vectorized NumPy {1e3 * ref['vectorized NumPy']:g} ms: neuronlab's loop takes "
        f"{mse['loop_seconds'] * per_grid / ref['PyTorch loop']:.1f}× the PyTorch loop's time and its vectorized "
        f"grid {mse['vectorized_seconds'] * per_grid / ref['vectorized NumPy']:.1f}× plain vectorized NumPy's, "
        f"{ref['Keras model() per point'] / (mse['vectorized_seconds'] * per_grid):.0f}× less than Keras's fastest "
        "per-point loop (times from different runs of a shared machine)."
    )

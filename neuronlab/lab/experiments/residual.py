"""residual: deep plain networks against their residual twins — trainability, the degradation
problem and per-layer gradient norms at initialization and during training (002 question 11)."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import load_digits, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments._residual_helpers import VARIANTS, build, init_grad_norms, train
from neuronlab.lab.plots import new_figure

NAME = "residual"
TITLE = "Deep plain networks against residual networks: trainability and gradient flow"
SEEDS = "002 question 11"
QUESTION_ZH = (
    "11. 网络深度与 ResNet 的理解\n"
    "- ResNet 是如何解决深层网络性能下降问题的?\n"
    "在传统的深层神经网络中，随着网络层数的不断增加，会出现梯度消失或梯度退化问题。梯度消失会导致在反向传播过程中，"
    "梯度在传播到较早的层时变得非常小，使得这些层的参数难以更新，模型无法有效学习；而梯度退化则表现为随着层数增加，"
    "模型的训练误差和测试误差不降反升，模型性能反而变差。"
)
QUESTION_EN = (
    "11. Network depth and ResNet. How does ResNet solve the performance drop of deep networks? In "
    "a plain deep network, adding layers brings vanishing gradients — the gradient becomes tiny by the "
    "time it reaches the early layers, which then hardly update — and degradation: with more layers "
    "the training and test error go up instead of down."
)

WIDTH = 64
LABELS = {
    "plain": "plain (default init)",
    "plain_he": "plain (He init)",
    "residual": "residual (default init)",
}
INIT_BATCH = 256


def _settings(config: LabConfig) -> dict:
    return {"depths": config.pick([3, 6, 12, 24], [3, 16]), "epochs": config.pick(20, 3)}


def setup(config: LabConfig) -> str:
    s = _settings(config)
    return (
        "Data: the 8×8 digits, stratified 80/20 train/test split. Networks: Linear(64, 64) + ReLU, then "
        f"D hidden blocks of {WIDTH} units, then Linear(64, 10), for D = {', '.join(map(str, s['depths']))}. "
        "Three twins per depth: plain blocks Linear + ReLU with PyTorch's default initialization; the same "
        "with He (Kaiming normal) weights; and residual blocks x + ReLU(Linear(x)) with the default "
        "initialization (the same parameters as the plain twin plus identity shortcuts). Each is trained "
        f"{s['epochs']} epochs with Adam (lr 1e-3, batch 128, the same mini-batch order). Gradient norms: "
        f"‖∂L/∂W‖ of every Linear layer on the first {INIT_BATCH} training samples at initialization, and "
        "averaged over each epoch's iterations during training."
    )


def _data(seed: int) -> dict:
    X, y = load_digits()
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X, y, val_size=0, test_size=0.2, random_state=seed)
    return {"train": (X_tr, y_tr), "test": (X_te, y_te)}


def _one(depth: int, variant: str, data: dict, epochs: int, seed: int) -> dict:
    manual_seed(seed)
    model = build(depth, variant, width=WIDTH)
    X, y = data["train"]
    at_init = init_grad_norms(model, X[:INIT_BATCH], y[:INIT_BATCH])
    return {
        "depth": depth,
        "variant": variant,
        "init_grad_norms": at_init,
        **train(model, data, epochs, seed),
    }


def run(config: LabConfig) -> dict:
    settings = _settings(config)
    data = _data(config.seed)
    runs = [_one(d, v, data, settings["epochs"], config.seed) for v in VARIANTS for d in settings["depths"]]
    return {"settings": settings, "runs": runs}


def _by(results: dict, variant: str) -> list[dict]:
    """The runs of one variant, in order of depth."""
    return [r for r in results["runs"] if r["variant"] == variant]


def _nan(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _degradation_figure(results: dict):
    fig, (loss_ax, acc_ax) = new_figure(1, 2, width=5.0)
    for i, variant in enumerate(VARIANTS):
        runs = _by(results, variant)
        depths = [r["depth"] for r in runs]
        loss_ax.semilogy(
            depths, _nan([r["train_loss"] for r in runs]), marker="o", color=f"C{i}", label=LABELS[variant]
        )
        acc_ax.plot(
            depths, [r["test_accuracy"] for r in runs], marker="o", color=f"C{i}", label=LABELS[variant]
        )
    loss_ax.axhline(np.log(10), color="gray", linestyle=":", label="ln 10: chance (nothing learned)")
    loss_ax.set_ylabel(f"training loss after {results['settings']['epochs']} epochs")
    acc_ax.set_ylabel("test accuracy")
    for ax in (loss_ax, acc_ax):
        ax.set_xlabel("hidden blocks D")
        ax.legend(fontsize=7)
    loss_ax.set_title("Degradation: deeper plain nets train worse")
    acc_ax.set_title("Test accuracy against depth")
    return fig


def _curves_figure(results: dict):
    fig, axes = new_figure(1, 3, width=4.0, sharey=True)
    for ax, variant in zip(axes, VARIANTS):
        for j, r in enumerate(_by(results, variant)):
            curve = _nan(r["loss_curve"])
            ax.semilogy(np.arange(1, len(curve) + 1), curve, color=f"C{j}", label=f"D = {r['depth']}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss")
        ax.set_title(LABELS[variant], fontsize=10)
        ax.legend(fontsize=7)
    return fig


def _init_grad_figure(results: dict):
    deepest = max(results["settings"]["depths"])
    fig, ax = new_figure(width=6.0)
    for i, variant in enumerate(VARIANTS):
        run = next(r for r in _by(results, variant) if r["depth"] == deepest)
        norms = run["init_grad_norms"]
        ax.semilogy(range(1, len(norms) + 1), norms, marker="o", color=f"C{i}", label=LABELS[variant])
    ax.set_xlabel("Linear layer (1 = input layer, last = output layer)")
    ax.set_ylabel("‖∂L/∂W‖ at initialization")
    ax.set_title(f"Per-layer gradient norms at initialization, D = {deepest}")
    ax.legend(fontsize=7)
    return fig


def _train_grad_figure(results: dict):
    deepest = max(results["settings"]["depths"])
    fig, ax = new_figure(width=6.0)
    for i, variant in enumerate(VARIANTS):
        run = next(r for r in _by(results, variant) if r["depth"] == deepest)
        norms = np.array([_nan(row) for row in run["grad_norms"]])
        epochs = np.arange(1, len(norms) + 1)
        ax.semilogy(epochs, norms[:, 1], color=f"C{i}", label=f"{LABELS[variant]}: first block")
        ax.semilogy(epochs, norms[:, -2], "--", color=f"C{i}", label=f"{LABELS[variant]}: last block")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean ‖∂L/∂W‖ over the epoch")
    ax.set_title(f"Gradient norms during training, D = {deepest}")
    ax.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"degradation": _degradation_figure(results), "training_curves": _curves_figure(results),
            "gradients_at_init": _init_grad_figure(results), "gradients_in_training": _train_grad_figure(results)}  # fmt: skip


def _ratio(norms: list[float]) -> float:
    """The first hidden block's weight-gradient norm over the last block's."""
    return norms[1] / norms[-2] if norms[-2] else float("inf")


def table(results: dict) -> Table:
    headers = ["network", "D", "train loss", "train acc.", "test acc.", "‖∂L/∂W‖ first block, init", "‖∂L/∂W‖ last block, init",
               "first/last ratio"]  # fmt: skip
    rows = [[LABELS[r["variant"]], r["depth"], r["train_loss"], r["train_accuracy"], r["test_accuracy"],
             r["init_grad_norms"][1], r["init_grad_norms"][-2], _ratio(r["init_grad_norms"])]
            for r in results["runs"]]  # fmt: skip
    return Table(headers, rows)


LN10 = float(np.log(10))  # the loss of a network that predicts 1/10 for every class


def _deepest(results: dict, variant: str) -> dict:
    return _by(results, variant)[-1]


def _gradient_sentence(results: dict) -> str:
    plain, he, res = (_deepest(results, v) for v in VARIANTS)
    depth = plain["depth"]
    r_plain, r_he, r_res = (_ratio(r["init_grad_norms"]) for r in (plain, he, res))
    per_layer = r_plain ** (1 / (depth - 1)) if r_plain > 0 and depth > 1 else 0.0
    text = (f"Gradients at initialization (D = {depth}): in the plain network the first block's weight gradient "
            f"is {plain['init_grad_norms'][1]:.1e} against {plain['init_grad_norms'][-2]:.1e} at the last block — "
            f"{r_plain:.1e} times as large, a factor {per_layer:.2f} per layer: ")  # fmt: skip
    text += "the gradient vanishes on its way back. " if r_plain < 1e-3 else "NOT a vanishing gradient. "
    text += (f"With He initialization the ratio is {r_he:.2g}, and with residual shortcuts {r_res:.2g} "
             "(∂(x + F(x))/∂x = I + ∂F/∂x passes the gradient back unchanged plus F's part). ")  # fmt: skip
    if min(res["init_grad_norms"]) > 10 * max(he["init_grad_norms"]):
        text += (f"The residual gradients are larger everywhere ({min(res['init_grad_norms']):.2g} to "
                 f"{max(res['init_grad_norms']):.3g}), since every x + ReLU(Wx + b) block adds to the signal's "
                 f"variance, yet the network still trained (final training loss {res['train_loss']:.3f}). ")  # fmt: skip
    late_plain = [row[1] for row in plain["grad_norms"] if row[1] is not None]
    late_res = [row[1] for row in res["grad_norms"] if row[1] is not None]
    if late_plain and late_res:
        text += (f"During training the plain net's first-block gradient never exceeded {max(late_plain):.1e} "
                 f"(epoch mean), the residual twin's stayed between {min(late_res):.1e} and {max(late_res):.1e}. ")  # fmt: skip
    return text


def _losses(runs: list[dict]) -> str:
    return ", ".join(f"{r['train_loss']:.3f}" if r["train_loss"] is not None else "diverged" for r in runs)


def _degradation_sentence(results: dict) -> str:
    depths = results["settings"]["depths"]
    plain, he, res = (_by(results, v) for v in VARIANTS)
    loss = {v: _nan([r["train_loss"] for r in _by(results, v)]) for v in VARIANTS}
    rising = all(b > a for a, b in zip(loss["plain"], loss["plain"][1:]))
    text = (f"Training loss after {results['settings']['epochs']} epochs for D = {', '.join(map(str, depths))}: plain "
            f"{_losses(plain)}; plain with He init {_losses(he)}; residual {_losses(res)}. ")  # fmt: skip
    text += (
        "The plain network degrades: its training loss rises with every added block"
        if rising
        else "The plain network's training loss does NOT rise monotonically with depth"
    )
    if loss["plain"][-1] > 0.95 * LN10:
        text += f", and at D = {depths[-1]} it stays at ln 10 = {LN10:.3f}: it learned nothing"
    text += f"; test accuracy goes from {plain[0]['test_accuracy']:.1%} to {plain[-1]['test_accuracy']:.1%}"
    if rising and plain[-1]["test_accuracy"] < plain[0]["test_accuracy"]:
        text += ", so training and test error both rise with depth, as the seed says"
    text += ". "
    worse = loss["plain"][-1] > loss["residual"][-1]
    text += (f"The residual twin at D = {depths[-1]} reaches {loss['residual'][-1]:.3f} "
             f"({'below' if worse else 'NOT below'} the plain {loss['plain'][-1]:.3f}; test accuracy "
             f"{res[-1]['test_accuracy']:.1%}), and its worst loss over all depths is {np.nanmax(loss['residual']):.3f}. ")  # fmt: skip
    best_he = int(np.nanargmin(loss["plain_he"]))
    if loss["plain_he"][-1] > 2 * loss["plain_he"][best_he]:
        text += (f"He initialization removes the vanishing gradient but not the degradation: the He-initialized plain "
                 f"net is best at D = {depths[best_he]} ({loss['plain_he'][best_he]:.3f}) and {loss['plain_he'][-1]:.3f} at "
                 f"D = {depths[-1]}, where the residual net has {loss['residual'][-1]:.3f}.")  # fmt: skip
    else:
        text += (f"With He initialization the plain net does not degrade here (best {loss['plain_he'][best_he]:.3f} at "
                 f"D = {depths[best_he]}, {loss['plain_he'][-1]:.3f} at D = {depths[-1]}).")  # fmt: skip
    return text


def conclusion(results: dict) -> str:
    return f"{_gradient_sentence(results)}{_degradation_sentence(results)}"

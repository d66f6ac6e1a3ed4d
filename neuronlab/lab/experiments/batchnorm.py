"""batchnorm: what batch normalization does to optimization, measured (000/001 A2.6, 002
question 5): the formula, convergence at one learning rate, the range of usable learning
rates, sensitivity to the initialization scale, gradients per layer, the drift of a hidden
layer's distribution, train against eval mode. Computations live in ``_batchnorm_helpers``."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import load_mnist1d
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _batchnorm_helpers as h
from neuronlab.lab.plots import new_figure

NAME = "batchnorm"
TITLE = "Batch normalization: convergence, usable learning rates, initialization, train vs eval"
SEEDS = "000/001 A2.6; 002 question 5"
QUESTION_ZH = (
    "A2.6 (5 points) 分析Batch normalization对参数优化起到什么作用、如何起到这种作用。\n\n"
    "5. 批归一化（Batch Normalization）的作用与原理：批归一化的具体计算过程是怎样的？"
    "为什么神经网络中需要批归一化？"
)
QUESTION_EN = (
    "A2.6: Analyse what batch normalization does for parameter optimization, and how it does it.\n\n"
    "002 question 5. The role and principle of batch normalization: how exactly is it computed? "
    "Why do neural networks need it?"
)

LR = 0.1  # the common learning rate of the convergence comparison
GRAD_STDS = (0.05, 0.177, 0.5)  # too small, Kaiming's sqrt(2/64), too large
KEYS = {"plain": "without BN", "bn": "with BN"}


def setup(config: LabConfig) -> str:
    return (
        f"Data: MNIST-1D ({config.pick(4000, 2000)} training signals of length 40, 1000 test; generated, no "
        f"download). Model: 40 → [Linear(64) → ReLU] × {h.DEPTH} → Linear(10), the same net with BatchNorm1d "
        "before every ReLU; PyTorch's default initialization; plain SGD on cross-entropy, batch 128. "
        f"Convergence: lr = {LR}, {config.pick(20, 5)} epochs, same seed. Learning-rate sweep and "
        f"initialization sweep (weights ~ N(0, std²), lr = {LR}): {config.pick(4, 2)} epochs each; a run "
        f"'trains' when its final loss is below 0.85·ln 10 = {h.TRAINS_BELOW:.2f} and 'diverges' when it is "
        "NaN/inf or above 1.5·ln 10. Gradients: ‖∂L/∂W‖ per layer at initialization of a "
        f"{config.pick(10, 6)}-layer net for weight std {', '.join(map(str, GRAD_STDS))}. The formula is "
        "checked against a NumPy transcription of the seed's equations."
    )


def _convergence(data, config: LabConfig) -> tuple[dict, object]:
    out, bn_model = {}, None
    for key in KEYS:
        drift = h.HiddenDrift(data[0][:512])
        model = h.make_mlp(key == "bn", config.seed)
        run = h.train(model, data, LR, config.pick(20, 5), drift)
        run["drift"] = drift.drift()
        run["hidden_std_per_epoch"] = [float(s.mean()) for s in drift.stds]
        out[key] = run
        bn_model = model if key == "bn" else bn_model
    threshold = out["plain"]["final_loss"]
    for run in out.values():
        run["epochs_to_plain_final"] = h.epochs_to(run["train_loss_per_epoch"], threshold)
    return out, bn_model


def _sweep(data, config: LabConfig, values, kind: str) -> dict:
    out = {}
    for key in KEYS:
        runs = []
        for value in values:
            model = h.make_mlp(key == "bn", config.seed, std=value if kind == "std" else None)
            run = h.train(model, data, value if kind == "lr" else LR, config.pick(4, 2))
            runs.append({kind: value, **run})
        out[key] = runs
    return out


def run(config: LabConfig) -> dict:
    X_tr, y_tr, X_te, y_te = load_mnist1d()
    n = config.pick(4000, 2000)
    data = (X_tr[:n], y_tr[:n], X_te, y_te)
    convergence, bn_model = _convergence(data, config)
    lrs = config.pick([0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0], [0.03, 0.3, 3.0, 30.0])
    stds = config.pick([0.01, 0.03, 0.1, 0.3, 1.0], [0.01, 0.1, 1.0])
    return {
        "formula": h.formula_check(config.seed),
        "convergence": convergence,
        "lr_sweep": _sweep(data, config, lrs, "lr"),
        "init_sweep": _sweep(data, config, stds, "std"),
        "gradients": h.gradient_norms(data, config.seed, config.pick(10, 6), GRAD_STDS),
        "modes": h.train_vs_eval(bn_model, data),
    }


def _convergence_figure(results: dict):
    fig, (ax_loss, ax_acc) = new_figure(1, 2)
    for key, label in KEYS.items():
        run = results["convergence"][key]
        epochs = np.arange(1, len(run["train_loss_per_epoch"]) + 1)
        ax_loss.plot(epochs, run["train_loss_per_epoch"], marker=".", label=label)
        ax_acc.plot(epochs, run["test_accuracy_per_epoch"], marker=".", label=label)
    ax_loss.set_ylabel("training loss (cross-entropy)")
    ax_acc.set_ylabel("test accuracy")
    for ax, title in ((ax_loss, f"Same net, same lr = {LR}"), (ax_acc, "Test accuracy (eval mode)")):
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.legend()
    return fig


def _sweeps_figure(results: dict):
    fig, axes = new_figure(1, 2)
    for ax, (sweep, kind, xlabel) in zip(axes, (("lr_sweep", "lr", "learning rate"),
                                                ("init_sweep", "std", "initial weight std"))):  # fmt: skip
        for key, label in KEYS.items():
            runs = results[sweep][key]
            xs = [r[kind] for r in runs]
            ys = [
                r["final_loss"] if r["final_loss"] is not None and not r["diverged"] else np.nan for r in runs
            ]
            ax.plot(xs, ys, marker="o", label=label)
            bad = [r[kind] for r in runs if r["diverged"]]
            ax.plot(bad, [3.5] * len(bad), "x", markersize=9, color=ax.lines[-1].get_color(),
                    label=f"{label}: diverged" if bad else None)  # fmt: skip
        ax.axhline(h.CHANCE_LOSS, color="0.5", linestyle=":", label="chance (ln 10)")
        ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("final training loss")
        ax.set_title(f"Final loss against {xlabel}")
        ax.legend(fontsize=7)
    return fig


def _gradients_figure(results: dict):
    fig, ax = new_figure()
    for i, std in enumerate(GRAD_STDS):
        for key, style in (("plain", "--"), ("bn", "-")):
            norms = results["gradients"][f"{key}_{std:g}"]
            ax.plot(range(1, len(norms) + 1), norms, linestyle=style, color=f"C{i}", marker=".",
                    label=f"std {std:g}, {KEYS[key]}")  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = input side)")
    ax.set_ylabel("‖∂L/∂W‖ at initialization")
    ax.set_title(f"Gradient norm per layer ({len(norms)} Linear layers)")
    ax.legend(fontsize=7)
    return fig


def _modes_figure(results: dict):
    fig, (ax_drift, ax_modes) = new_figure(1, 2)
    for key, label in KEYS.items():
        stds = results["convergence"][key]["hidden_std_per_epoch"]
        ax_drift.plot(range(1, len(stds) + 1), stds, marker=".", label=label)
    ax_drift.set_xlabel("epoch")
    ax_drift.set_ylabel("mean std of the last hidden layer")
    ax_drift.set_title("Last hidden layer's spread over training")
    ax_drift.legend()
    modes = results["modes"]
    names = ["eval mode\n(running stats)", "train mode\nbatch = 1000", "train mode\nbatch = 4"]
    values = [
        modes["eval_accuracy"],
        modes["train_mode_full_batch_accuracy"],
        modes["train_mode_batch4_accuracy"],
    ]
    ax_modes.bar(names, values, color=["C0", "C1", "C3"])
    ax_modes.set_ylabel("test accuracy")
    ax_modes.set_title("Trained BN net: eval vs train mode")
    return fig


def figures(results: dict) -> dict:
    return {"convergence": _convergence_figure(results), "sweeps": _sweeps_figure(results),
            "gradients": _gradients_figure(results), "drift_and_modes": _modes_figure(results)}  # fmt: skip


def _count(runs: list, field: str) -> int:
    return sum(1 for r in runs if r[field])


def table(results: dict) -> Table:
    conv, lr, init = results["convergence"], results["lr_sweep"], results["init_sweep"]
    rows = []
    for key, label in KEYS.items():
        c = conv[key]
        usable = [r["lr"] for r in lr[key] if r["trains"]]
        rows.append([label, c["final_loss"], c["test_accuracy"], c["epochs_to_plain_final"],
                     f"{len(usable)}/{len(lr[key])}", max(usable) if usable else None, _count(lr[key], "diverged"),
                     f"{_count(init[key], 'trains')}/{len(init[key])}", c["drift"], c["loss_increases"],
                     c["accuracy_swing"]])  # fmt: skip
    headers = ["model", f"final loss (lr {LR})", "test accuracy", "epochs to plain's final loss", "lrs that train",
               "largest lr that trains", "lrs diverged", "init stds that train", "hidden drift / epoch",
               "epochs with rising loss", "mean |Δ test acc| / epoch"]  # fmt: skip
    return Table(headers, rows)


def _grad_spread(grads: dict, key: str) -> tuple[float, float, float]:
    """Geometric-mean gradient norm over layers for the smallest and largest std, and their ratio."""
    gm = [float(np.exp(np.mean(np.log(np.maximum(grads[f"{key}_{s:g}"], 1e-30))))) for s in GRAD_STDS]
    return gm[0], gm[-1], max(gm) / min(gm)


def _optimization_sentences(results: dict) -> str:
    conv, lr, init = results["convergence"], results["lr_sweep"], results["init_sweep"]
    plain, bn = conv["plain"], conv["bn"]
    epochs = len(plain["train_loss_per_epoch"])
    reached = bn["epochs_to_plain_final"]
    speed = (f"BN reached the plain net's final loss ({plain['final_loss']:.3f} after {epochs} epochs) in {reached} "
             f"epoch{'s' if reached != 1 else ''}" if reached else "BN did NOT reach the plain net's final loss")  # fmt: skip
    use = {k: [r["lr"] for r in lr[k] if r["trains"]] for k in KEYS}
    wider = len(use["bn"]) > len(use["plain"])
    return (
        f"Convergence at lr = {LR}: {speed}; final losses {plain['final_loss']:.3f} without and {bn['final_loss']:.3f} "
        f"with BN, test accuracy {plain['test_accuracy']:.1%} and {bn['test_accuracy']:.1%} (MNIST-1D reference "
        f"for a tuned MLP: 64–68%). Learning rates: {len(use['bn'])} of {len(lr['bn'])} trained with BN "
        f"({_range(use['bn'])}), {len(use['plain'])} without ({_range(use['plain'])}); {_count(lr['plain'], 'diverged')} "
        f"plain and {_count(lr['bn'], 'diverged')} BN runs diverged — BN {'does' if wider else 'does NOT'} widen the "
        f"usable range. Initialization: {_count(init['bn'], 'trains')} of {len(init['bn'])} weight stds trained with "
        f"BN, {_count(init['plain'], 'trains')} without, so BN "
        f"{'reduces' if _count(init['bn'], 'trains') > _count(init['plain'], 'trains') else 'does NOT reduce'} the "
        "dependence on initialization. "
    )


def _range(values: list) -> str:
    return f"lr {min(values):g} to {max(values):g}" if values else "none"


def _mechanism_sentences(results: dict) -> str:
    conv, grads, f = results["convergence"], results["gradients"], results["formula"]
    p_small, p_large, p_spread = _grad_spread(grads, "plain")
    b_small, b_large, b_spread = _grad_spread(grads, "bn")
    calmer = conv["bn"]["drift"] < conv["plain"]["drift"]
    return (
        f"Computation: BatchNorm1d equals γ(x − μ)/√(σ² + ε) + β with the batch mean and biased variance to "
        f"{f['train_max_abs_diff']:.1e}; the running statistics follow 0.9·old + 0.1·batch (unbiased variance) to "
        f"{max(f['running_mean_max_abs_diff'], f['running_var_max_abs_diff']):.1e} and eval mode uses them to "
        f"{f['eval_max_abs_diff']:.1e}. Gradients at initialization (geometric mean of ‖∂L/∂W‖ over the layers): "
        f"without BN {p_small:.2g} for weight std {GRAD_STDS[0]} and {p_large:.2g} for std {GRAD_STDS[-1]}, a factor "
        f"{p_spread:.2g} apart (vanishing/exploding); with BN {b_small:.2g} and {b_large:.2g}, a factor {b_spread:.2g}, "
        f"so BN {'does' if b_spread < p_spread else 'does NOT'} take the initialization's scale out of the gradients. The last hidden layer's distribution moved {conv['plain']['drift']:.3f} "
        f"(without) and {conv['bn']['drift']:.3f} (with BN) of its spread per epoch: "
        f"{'less' if calmer else 'MORE'} drift with BN"
        + (
            ""
            if calmer
            else ", contrary to the 'internal covariate shift' story (as Santurkar et al. 2018 also found)"
        )
        + ". "
    )


def _mode_sentences(results: dict) -> str:
    conv, m = results["convergence"], results["modes"]
    plain, bn = conv["plain"], conv["bn"]
    gap = {k: conv[k]["train_accuracy"] - conv[k]["test_accuracy"] for k in KEYS}
    underfit = plain["train_accuracy"] < bn["train_accuracy"] - 0.1
    steadier = bn["accuracy_swing"] < plain["accuracy_swing"]
    return (
        f"Train vs eval mode: the trained BN net scored {m['eval_accuracy']:.1%} in eval mode (running statistics), "
        f"{m['train_mode_full_batch_accuracy']:.1%} in train mode on the whole test set as one batch and "
        f"{m['train_mode_batch4_accuracy']:.1%} in train mode with batches of 4, where a sample's output depends on "
        f"its batch-mates (changed by up to {m['train_same_sample_diff']:.3g} against {m['eval_same_sample_diff']:.1g} "
        f"in eval mode). The first BN layer's running mean is {m['running_mean_error_in_stds']:.3f} standard deviations "
        f"from the training set's mean and its running variance {m['running_var_rel_error']:.1%} from its variance; "
        f"γ moved {m['gamma_mean_abs_dev']:.3f} from 1 and β {m['beta_mean_abs']:.3f} from 0 on average (they are "
        f"learned). Smoothness: the epoch loss rose {plain['loss_increases']} times without and {bn['loss_increases']} "
        f"with BN; test accuracy swung {plain['accuracy_swing']:.3f} and {bn['accuracy_swing']:.3f} per epoch — "
        f"{'steadier with BN' if steadier else 'NOT steadier with BN (contrary to the seed)'}. Regularization: the train−test accuracy gap was "
        f"{gap['plain']:.1%} without and {gap['bn']:.1%} with BN" + _regularization_verdict(gap, underfit)
    )


def _regularization_verdict(gap: dict, underfit: bool) -> str:
    if gap["bn"] < gap["plain"]:
        return ": the smaller gap with BN is the regularizing effect the seed describes."
    if underfit:
        return " (the plain net still underfits, so this comparison cannot show a regularizing effect)."
    return ": no regularizing effect of BN here, contrary to the seed."


def conclusion(results: dict) -> str:
    return _optimization_sentences(results) + _mechanism_sentences(results) + _mode_sentences(results)

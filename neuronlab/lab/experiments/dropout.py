"""dropout: the seven exercises of d2l §4.6 (course seed 003), each answered by a measurement
on MNIST-1D — swapping the two layers' rates, long training with and without dropout, the
activation variance per hidden layer over time, why dropout is off at test time, dropout
against weight decay, DropConnect, and Gaussian noise injection. Computations live in
``_dropout_helpers``."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import load_mnist1d
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _dropout_helpers as h
from neuronlab.lab.plots import new_figure

NAME = "dropout"
TITLE = "Dropout: layer rates, long training, activation variance, test time, DropConnect, noise"
SEEDS = "003 §4.6 exercises 1–7"
QUESTION_ZH = (
    "1. 如果更改第一层和第二层的暂退法概率，会发生什么情况？具体地说，如果交换这两个层，会发生什么情况？"
    "设计一个实验来回答这些问题，定量描述该结果，并总结定性的结论\n"
    "2. 增加训练轮数，并将使用暂退法和不使用暂退法时获得的结果进行比较\n"
    "3. 当应用或不应用暂退法时，每个隐藏层中激活值的方差是多少？绘制一个曲线图，以显示这两个模型的每个隐藏层中"
    "激活值的方差是如何随时间变化的\n"
    "4. 为什么在测试时通常不使用暂退法？\n"
    "5. 以本节中的模型为例，比较使用暂退法和权重衰减的效果。如果同时使用暂退法和权重衰减，会发生什么情况？"
    "结果是累加的吗？收益是否减少（或者说更糟）？它们互相抵消了吗？\n"
    "6. 如果我们将暂退法应用到权重矩阵的各个权重，而不是激活值，会发生什么？\n"
    "7. 发明另一种用于在每一层注入随机噪声的技术，该技术不同于标准的暂退法技术。"
    "尝试开发一种在Fashion‐MNIST数据集（对于固定架构）上性能优于暂退法的方法"
)
QUESTION_EN = (
    "1. What happens if you change the dropout probabilities of the first and second layers, in particular "
    "if you swap them? Design an experiment, describe the results quantitatively and summarize the "
    "qualitative takeaways.\n"
    "2. Increase the number of epochs and compare the results with and without dropout.\n"
    "3. What is the variance of the activations in each hidden layer with and without dropout? Plot how it "
    "evolves over time for both models.\n"
    "4. Why is dropout typically not used at test time?\n"
    "5. Using this section's model, compare dropout with weight decay. What happens when both are used? "
    "Are the results additive, are there diminishing returns (or worse), do they cancel each other out?\n"
    "6. What happens if we apply dropout to the individual weights of the weight matrix rather than to the "
    "activations?\n"
    "7. Invent another technique for injecting random noise at each layer, different from standard dropout. "
    "Can you develop a method that outperforms dropout on Fashion-MNIST (for a fixed architecture)?"
)

VARIANTS = {
    "none": "no regularization",
    "dropout": "dropout (0.2, 0.5)",
    "swapped": "dropout swapped (0.5, 0.2)",
    "weight_decay": f"weight decay {h.WEIGHT_DECAY:g}",
    "both": "dropout + weight decay",
    "dropconnect": "DropConnect (0.2, 0.5)",
    "additive_noise": f"additive noise σ = {h.NOISE_STD:g}",
    "gaussian_dropout": "Gaussian dropout (multiplicative)",
}
N_TRAIN = 1000


def setup(config: LabConfig) -> str:
    hidden, epochs = config.pick(128, 64), config.pick(100, 15)
    return (
        f"Data: MNIST-1D, the first {N_TRAIN} of its 4000 training signals and its 1000 test signals. Fashion-MNIST "
        "needs a download; MNIST-1D is generated offline, has 10 classes and, like Fashion-MNIST, is hard for an "
        "MLP (reference: MLP 68%, CNN 94%), so an MLP trained on 1000 signals overfits and regularization has "
        "something to fix (scikit-learn's digits are too easy: an MLP reaches 97%). "
        f"Model (d2l §4.6): 40 → {hidden} → {hidden} → 10, ReLU, dropout {h.RATES[0]} after the first and "
        f"{h.RATES[1]} after the second hidden layer; SGD lr {h.LR}, momentum {h.MOMENTUM}, batch {h.BATCH}, "
        f"{epochs} epochs, cross-entropy. Variants: {', '.join(VARIANTS.values())}. Weight decay is SGD's "
        "coupled weight_decay (the L2 penalty). DropConnect drops, at the same rates, the weights reading each "
        "hidden layer; additive noise adds N(0, σ²) to each hidden activation; Gaussian dropout multiplies it by "
        "1 + N(0, p/(1 − p)). Every variant starts from the same seed; the dropout model is also trained with a "
        "second seed to measure seed-to-seed noise. Test time: eval mode against single stochastic passes and "
        "Monte-Carlo averages of up to 50 passes."
    )


def run(config: LabConfig) -> dict:
    X_tr, y_tr, X_te, y_te = load_mnist1d()
    data = (X_tr[:N_TRAIN], y_tr[:N_TRAIN], X_te, y_te)
    hidden, epochs = config.pick(128, 64), config.pick(100, 15)
    runs, dropout_model = {}, None
    for variant in VARIANTS:
        probe = None
        if variant in ("none", "dropout"):
            probe = h.EpochProbe(data[:2], X_tr[:256], h.RATES if variant == "dropout" else (0.0, 0.0))
        result, model = h.train_variant(variant, data, config.seed, hidden, epochs, probe)
        if probe is not None:
            result.update(train_accuracy_per_epoch=probe.train_accuracy, train_loss_per_epoch=probe.train_loss,
                          var_eval=probe.var_eval, var_train=probe.var_train)  # fmt: skip
        runs[variant] = result
        dropout_model = model if variant == "dropout" else dropout_model
    second = h.train_variant("dropout", data, config.seed + 1, hidden, epochs)[0]
    test_time = h.test_time(dropout_model, X_te, y_te)
    test_time["mean_activation_ratio"] = h.mean_activation_ratio(dropout_model, X_te)
    return {"runs": runs, "seed_noise": abs(second["test_accuracy"] - runs["dropout"]["test_accuracy"]),
            "test_time": test_time, "epochs": epochs, "hidden": hidden}  # fmt: skip


def _curves_figure(results: dict):
    fig, (ax_acc, ax_loss) = new_figure(1, 2)
    for i, key in enumerate(("none", "dropout")):
        r = results["runs"][key]
        epochs = np.arange(1, len(r["test_accuracy_per_epoch"]) + 1)
        ax_acc.plot(
            epochs,
            r["train_accuracy_per_epoch"],
            color=f"C{i}",
            linestyle="--",
            label=f"{VARIANTS[key]}, train",
        )
        ax_acc.plot(epochs, r["test_accuracy_per_epoch"], color=f"C{i}", label=f"{VARIANTS[key]}, test")
        ax_loss.plot(
            epochs, r["train_loss_per_epoch"], color=f"C{i}", linestyle="--", label=f"{VARIANTS[key]}, train"
        )
        ax_loss.plot(epochs, r["test_loss_per_epoch"], color=f"C{i}", label=f"{VARIANTS[key]}, test")
    ax_acc.set_ylabel("accuracy (eval mode)")
    ax_loss.set_ylabel("cross-entropy (eval mode)")
    ax_loss.set_yscale("log")
    for ax, title in ((ax_acc, "Long training: accuracy"), (ax_loss, "Long training: loss")):
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.legend(fontsize=7)
    return fig


def _variance_figure(results: dict):
    fig, ax = new_figure()
    for i, key in enumerate(("none", "dropout")):
        r = results["runs"][key]
        var_eval, var_train = np.asarray(r["var_eval"]), np.asarray(r["var_train"])
        epochs = np.arange(1, len(var_eval) + 1)
        for layer, style in ((0, "-"), (1, ":")):
            ax.plot(epochs, var_eval[:, layer], color=f"C{i}", linestyle=style,
                    label=f"{VARIANTS[key]}, hidden {layer + 1}")  # fmt: skip
        if key == "dropout":
            ax.plot(
                epochs,
                var_train[:, 1],
                color="C3",
                linestyle="-.",
                label="dropout, hidden 2 after the mask (train)",
            )
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("variance of the activations")
    ax.set_title("Activation variance per hidden layer")
    ax.legend(fontsize=7)
    return fig


def _test_time_figure(results: dict):
    fig, ax = new_figure()
    t = results["test_time"]
    ax.plot(t["passes"], t["mc_accuracy"], marker="o", label="Monte-Carlo average of T stochastic passes")
    ax.axhline(t["eval_accuracy"], color="C1", label="eval mode (dropout off), one pass")
    ax.axhline(t["single_pass_accuracy_mean"], color="C3", linestyle="--", label="one stochastic pass (mean)")
    ax.axhline(
        t["wrong_scaling_accuracy"], color="0.5", linestyle=":", label="eval with an extra (1 − p) factor"
    )
    ax.set_xscale("log")
    ax.set_xlabel("T (stochastic forward passes)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Dropout at test time")
    ax.legend(fontsize=7)
    return fig


def _comparison_figure(results: dict):
    fig, ax = new_figure(width=7.0)
    keys = list(VARIANTS)
    x = np.arange(len(keys))
    ax.bar(x - 0.2, [results["runs"][k]["train_accuracy"] for k in keys], 0.4, label="train")
    ax.bar(x + 0.2, [results["runs"][k]["test_accuracy"] for k in keys], 0.4, label="test")
    ax.set_xticks(x, [VARIANTS[k] for k in keys], rotation=25, ha="right", fontsize=7)
    ax.set_ylim(0, 1.2)
    ax.set_ylabel("accuracy after the last epoch")
    ax.set_title("Every variant, same architecture and seed")
    ax.legend(loc="upper right", ncols=2)
    return fig


def figures(results: dict) -> dict:
    return {"long_training": _curves_figure(results), "activation_variance": _variance_figure(results),
            "test_time": _test_time_figure(results), "variants": _comparison_figure(results)}  # fmt: skip


def table(results: dict) -> Table:
    rows = []
    for key, label in VARIANTS.items():
        r = results["runs"][key]
        rows.append([label, r["train_accuracy"], r["test_accuracy"], r["train_accuracy"] - r["test_accuracy"],
                     r["test_loss"], r["best_test_accuracy"], r["best_epoch"], r["random_draws_per_step"]])  # fmt: skip
    headers = ["variant", "train accuracy", "test accuracy", "gap", "test loss", "best test accuracy", "best epoch",
               "random numbers / step"]  # fmt: skip
    return Table(headers, rows)


def _versus(a: float, b: float, noise: float) -> str:
    """'higher'/'lower' with a note when the difference is within the seed-to-seed noise."""
    word = "higher" if a > b else "lower" if a < b else "equal"
    return word + (", within seed noise" if abs(a - b) <= noise else "")


def _answers_1_2(results: dict) -> str:
    runs, noise, n_ep = results["runs"], results["seed_noise"], results["epochs"]
    d, s, none = runs["dropout"], runs["swapped"], runs["none"]
    e10 = min(10, n_ep) - 1
    return (
        f"(1) Swapping the rates to (0.5, 0.2) gave test accuracy {s['test_accuracy']:.1%} against {d['test_accuracy']:.1%} "
        f"for (0.2, 0.5) — {_versus(s['test_accuracy'], d['test_accuracy'], noise)}; seed-to-seed noise of the same model "
        f"is {noise:.1%}. Training accuracy {s['train_accuracy']:.1%} vs {d['train_accuracy']:.1%}; late-epoch swing of test "
        f"accuracy {s['late_swing']:.4f} vs {d['late_swing']:.4f} per epoch ("
        f"{'more' if s['late_swing'] > d['late_swing'] else 'NOT more'} unsteady when swapped). "
        f"(2) After {e10 + 1} epochs the test accuracy was {none['test_accuracy_per_epoch'][e10]:.1%} without and "
        f"{d['test_accuracy_per_epoch'][e10]:.1%} with dropout; after {n_ep} epochs {none['test_accuracy']:.1%} and "
        f"{d['test_accuracy']:.1%}. Without dropout the net reached {none['train_accuracy']:.1%} training accuracy and its "
        f"test loss climbed from a minimum of {min(none['test_loss_per_epoch']):.3f} to {none['test_loss']:.3f} "
        f"(overfitting); with dropout it ended at {d['test_loss']:.3f} (minimum {min(d['test_loss_per_epoch']):.3f}), "
        f"train−test gap {d['train_accuracy'] - d['test_accuracy']:.1%} against {none['train_accuracy'] - none['test_accuracy']:.1%} "
        f"(references: an MLP on all 4000 MNIST-1D signals reaches 64–68%; d2l's dropout MLP on Fashion-MNIST 84–87%). "
    )


def _answers_3_4(results: dict) -> str:
    runs, t = results["runs"], results["test_time"]
    v_none, v_drop = np.asarray(runs["none"]["var_eval"]), np.asarray(runs["dropout"]["var_eval"])
    growth = lambda v, i: v[-1, i] / v[0, i]  # noqa: E731
    mc_best = max(t["mc_accuracy"])
    return (
        f"(3) Activation variance (eval mode) went from {v_none[0, 0]:.3g} to {v_none[-1, 0]:.3g} (hidden 1) and "
        f"{v_none[0, 1]:.3g} to {v_none[-1, 1]:.3g} (hidden 2) without dropout — ×{growth(v_none, 0):.1f} and "
        f"×{growth(v_none, 1):.1f} — and from {v_drop[0, 0]:.3g} to {v_drop[-1, 0]:.3g} and {v_drop[0, 1]:.3g} to "
        f"{v_drop[-1, 1]:.3g} with dropout (×{growth(v_drop, 0):.1f}, ×{growth(v_drop, 1):.1f}), so it grows "
        f"{'less' if max(growth(v_drop, 0), growth(v_drop, 1)) < max(growth(v_none, 0), growth(v_none, 1)) else 'NOT less'} "
        "with dropout; during training the "
        f"masked second layer's variance is {np.asarray(runs['dropout']['var_train'])[-1, 1]:.3g}, inflated by the mask. "
        f"(4) At test time the eval-mode net scored {t['eval_accuracy']:.1%} in one deterministic pass; one stochastic "
        f"pass scored {t['single_pass_accuracy_mean']:.1%} on average (worst {t['single_pass_accuracy_min']:.1%}) and two "
        f"passes disagreed on {t['disagreement']:.1%} of the test signals; averaging T = {t['passes'][-1]} passes gave "
        f"{t['mc_accuracy'][-1]:.1%} (best over T {mc_best:.1%}) at {t['passes'][-1]}× the cost, "
        f"{'no better than' if mc_best <= t['eval_accuracy'] + 0.005 else 'slightly better than'} eval mode, which "
        f"approximates that average in one pass. Inverted dropout keeps the mean activation (train/eval ratio "
        f"{t['mean_activation_ratio']:.3f}), so eval mode needs no rescaling; an extra (1 − p) factor drops accuracy to "
        f"{t['wrong_scaling_accuracy']:.1%}. "
    )


def _answers_5_to_7(results: dict) -> str:
    runs, noise = results["runs"], results["seed_noise"]
    base = runs["none"]["test_accuracy"]
    gain = {k: runs[k]["test_accuracy"] - base for k in VARIANTS}
    d = runs["dropout"]["test_accuracy"]
    if gain["both"] >= gain["dropout"] + gain["weight_decay"] - noise:
        combo = "roughly additive"
    elif gain["both"] >= max(gain["dropout"], gain["weight_decay"]):
        combo = "diminishing returns"
    else:
        combo = "worse than the better one alone: they partly cancel"
    winners = [
        VARIANTS[k]
        for k in ("dropconnect", "additive_noise", "gaussian_dropout")
        if runs[k]["test_accuracy"] > d
    ]
    return (
        f"(5) Test-accuracy gain over no regularization ({base:.1%}): dropout {gain['dropout']:+.1%}, weight decay "
        f"{gain['weight_decay']:+.1%}, both {gain['both']:+.1%} — {combo}"
        + (
            "; both and dropout alone differ by less than the seed noise. "
            if abs(gain["both"] - gain["dropout"]) <= noise
            else ". "
        )
        + f"(6) DropConnect reached {runs['dropconnect']['test_accuracy']:.1%} against dropout's {d:.1%} "
        f"({_versus(runs['dropconnect']['test_accuracy'], d, noise)}), drawing {runs['dropconnect']['random_draws_per_step']} "
        f"random numbers per step (one per weight, shared by the batch) against {runs['dropout']['random_draws_per_step']}. "
        f"(7) Additive Gaussian noise σ = {h.NOISE_STD:g} reached {runs['additive_noise']['test_accuracy']:.1%} and "
        f"multiplicative Gaussian dropout {runs['gaussian_dropout']['test_accuracy']:.1%}; "
        + (
            f"{' and '.join(winners)} beat dropout on this run"
            if winners
            else "none of the alternatives beat dropout"
        )
        + f" (differences within {noise:.1%} are seed noise)."
    )


def conclusion(results: dict) -> str:
    return _answers_1_2(results) + _answers_3_4(results) + _answers_5_to_7(results)

"""overfitting: reading over- and under-fitting off learning curves, and the remedies for
overfitting measured side by side on one overfitting network (002 question 7)."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import make_moons
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments._overfitting_helpers import diagnose, ensemble, fit, probability_grid
from neuronlab.lab.plots import new_figure

NAME = "overfitting"
TITLE = "Over- and under-fitting: diagnosis from learning curves and remedies compared"
SEEDS = "002 question 7"
QUESTION_ZH = (
    "7. 过拟合与欠拟合\n"
    "- 定义与判断：判断方法：一种常用的判断方式是观察模型在训练集和验证集上的损失值以及评估指标。如果模型在训练集上"
    "损失很低，但在验证集上损失却很高，这很可能是过拟合的表现。反之，如果训练集和验证集的损失都很高，则可能出现了欠拟合。"
    "此外，通过可视化模型的预测结果与真实数据的对比，也能直观地判断模型是否存在过拟合或欠拟合问题。\n"
    "- 解决方法：解决过拟合：增加数据量；采用正则化方法；使用 Dropout 技术；提前停止训练；采用集成学习方法。"
    "解决欠拟合：增加模型的复杂度；调整模型的超参数；对数据进行预处理；尝试使用更复杂的模型结构或算法。"
)
QUESTION_EN = (
    "7. Overfitting and underfitting. Diagnosis: watch the loss (and metrics) on the training and "
    "validation sets. A low training loss with a high validation loss suggests overfitting; high losses "
    "on both suggest underfitting. Plotting the model's predictions against the data also shows it. "
    "Remedies for overfitting: more data, regularization (L1/L2), dropout, early stopping, ensembles. "
    "Remedies for underfitting: a more complex model, tuned hyperparameters, preprocessing, a stronger "
    "model class."
)

NOISE = 0.3
N_TRAIN, N_VAL, N_TEST = 80, 250, 2000
# hidden layer widths; at most 32 units so that no matrix product of a 250-sample batch reaches
# OpenBLAS's threading threshold (m·n·k > 262,144), which only adds overhead at these sizes
MODELS = {"too small": [], "right": [8], "too large": [32, 32, 32]}
LARGE = MODELS["too large"]
GRID_POINTS = 40


def _arch(hidden: list[int]) -> str:
    """'2-64-64-2' for hidden widths [64, 64]."""
    return "-".join(map(str, [2, *hidden, 2]))


def _settings(config: LabConfig) -> dict:
    return {
        "epochs": config.pick(400, 80),
        "patience": config.pick(50, 10),
        "weight_decays": config.pick([1e-3, 1e-2, 1e-1], [1e-2]),
        "dropouts": config.pick([0.2, 0.5], [0.5]),
        "ensemble_size": config.pick(5, 2),
        "more_data": 10 * N_TRAIN,
    }


def setup(config: LabConfig) -> str:
    s = _settings(config)
    return (
        f"Two moons with noise {NOISE}: {N_TRAIN} training points (a small data set), {N_VAL} validation "
        f"and {N_TEST} test points, all drawn independently. Diagnosis: a logistic regression (too small), "
        f"a {_arch(MODELS['right'])} MLP (right) and a {_arch(LARGE)} MLP (too large), each trained {s['epochs']} epochs of "
        "full-batch Adam (lr 0.01) on cross-entropy; the curves are read by a rule (see the conclusion). "
        f"Remedies on the too-large network: {s['more_data']} training points instead of {N_TRAIN}; L2 weight "
        f"decay λ ∈ {s['weight_decays']} and dropout p ∈ {s['dropouts']} after each hidden layer, each chosen "
        f"on the validation loss; early stopping on the validation loss (patience {s['patience']}, best "
        f"weights restored); and an ensemble averaging the probabilities of {s['ensemble_size']} networks "
        "trained from different initializations."
    )


def _data(seed: int, more: int) -> dict:
    """Independent draws (seeds seed … seed+3) for training, validation, test and extra data."""
    draw = [
        make_moons(n, noise=NOISE, random_state=seed + i)
        for i, n in enumerate((N_TRAIN, N_VAL, N_TEST, more))
    ]
    return {"train": draw[0], "val": draw[1], "test": draw[2], "more": draw[3]}


def _summary(run: dict) -> dict:
    """The JSON-able part of a training run (no model, no probabilities)."""
    return {k: v for k, v in run.items() if k not in ("model", "probs")}


def _diagnosis(data: dict, epochs: int, seed: int) -> tuple[dict, dict]:
    runs = {name: fit(data, hidden, epochs, seed) for name, hidden in MODELS.items()}
    best_val = min(min(r["val_curve"]) for r in runs.values())
    out = {}
    for name, r in runs.items():
        out[name] = _summary(r)
        out[name]["diagnosis"] = diagnose(r["train_loss"], r["val_curve"], best_val)
        out[name]["best_val_epoch"] = int(np.argmin(r["val_curve"])) + 1
        out[name]["grid"] = probability_grid(r["model"], data["train"][0], GRID_POINTS)
    return out, runs["too large"]


def _pick(data: dict, settings: dict, seed: int, key: str, values: list[float]) -> dict:
    """Train the large network for every value of ``key``; keep the one with the lowest validation loss."""
    runs = [fit(data, LARGE, settings["epochs"], seed, **{key: v}) for v in values]
    best = int(np.argmin([r["val_loss"] for r in runs]))
    out = _summary(runs[best])
    out["chosen"] = values[best]
    out["candidates"] = [{"value": v, "val_loss": r["val_loss"], "test_loss": r["test_loss"],
                          "test_accuracy": r["test_accuracy"]} for v, r in zip(values, runs)]  # fmt: skip
    return out


def _remedies(data: dict, settings: dict, seed: int, baseline: dict) -> dict:
    epochs = settings["epochs"]
    members = [baseline] + [fit(data, LARGE, epochs, seed + k) for k in range(1, settings["ensemble_size"])]
    return {
        "none (too large)": _summary(baseline),
        "more data": _summary(fit(data, LARGE, epochs, seed, train=data["more"])),
        "weight decay": _pick(data, settings, seed, "weight_decay", settings["weight_decays"]),
        "dropout": _pick(data, settings, seed, "dropout", settings["dropouts"]),
        "early stopping": _summary(fit(data, LARGE, epochs, seed, patience=settings["patience"])),
        "ensemble": ensemble(members, data["test"][1]),
    }


def run(config: LabConfig) -> dict:
    settings = _settings(config)
    data = _data(config.seed, settings["more_data"])
    diagnosis, baseline = _diagnosis(data, settings["epochs"], config.seed)
    X, y = data["train"]
    return {
        "settings": settings,
        "train_points": {"x": X.tolist(), "label": y.tolist()},
        "models": diagnosis,
        "remedies": _remedies(data, settings, config.seed, baseline),
    }


def _curves_figure(results: dict):
    fig, axes = new_figure(1, 3, width=4.2)
    for ax, (name, m) in zip(axes, results["models"].items()):
        epochs = np.arange(1, len(m["train_curve"]) + 1)
        ax.semilogy(epochs, m["train_curve"], label="training loss")
        ax.semilogy(epochs, m["val_curve"], label="validation loss")
        ax.axvline(
            m["best_val_epoch"],
            color="gray",
            linestyle=":",
            label=f"lowest val. loss (epoch {m['best_val_epoch']})",
        )
        ax.set_xlabel("epoch")
        ax.set_ylabel("cross-entropy")
        ax.set_title(f"{name} {MODELS[name] or '(logistic regression)'}: {m['diagnosis']}", fontsize=9)
        ax.legend(fontsize=7)
    return fig


def _boundary_figure(results: dict):
    fig, axes = new_figure(1, 3, width=4.0)
    X, y = np.array(results["train_points"]["x"]), np.array(results["train_points"]["label"])
    for ax, (name, m) in zip(axes, results["models"].items()):
        g = m["grid"]
        filled = ax.contourf(g["x"], g["y"], g["p1"], levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(g["x"], g["y"], g["p1"], levels=[0.5], colors="k", linewidths=1)
        for label, marker in ((0, "o"), (1, "^")):
            ax.scatter(
                X[y == label, 0],
                X[y == label, 1],
                marker=marker,
                s=14,
                edgecolor="k",
                label=f"class {label} (train)",
            )
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_title(
            f"{name}: train loss {m['train_loss']:.3f}, test acc. {m['test_accuracy']:.1%}", fontsize=9
        )
        ax.legend(fontsize=7, loc="lower left")
    fig.colorbar(filled, ax=axes, label="predicted P(class 1)")
    return fig


def _remedies_figure(results: dict):
    names = list(results["remedies"])
    fig, (acc_ax, loss_ax) = new_figure(1, 2, width=5.2)
    right = results["models"]["right"]
    for ax, key, label in (
        (acc_ax, "test_accuracy", "test accuracy"),
        (loss_ax, "test_loss", "test cross-entropy"),
    ):
        values = [results["remedies"][n][key] for n in names]
        ax.bar(
            range(len(names)),
            values,
            color=["gray"] + ["C0"] * (len(names) - 1),
            label="too-large network + remedy",
        )
        ax.axhline(
            right[key], color="C2", linestyle="--", label=f"the right-sized {_arch(MODELS['right'])} network"
        )
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(label)
        ax.legend(fontsize=7)
    acc_ax.set_ylim(min(r["test_accuracy"] for r in results["remedies"].values()) - 0.05, 1.0)
    loss_ax.set_yscale("log")
    acc_ax.set_title("Remedies for overfitting: test accuracy")
    loss_ax.set_title("Remedies for overfitting: test loss")
    return fig


def _remedy_curves_figure(results: dict):
    fig, ax = new_figure(width=6.0)
    for name, r in results["remedies"].items():
        if "val_curve" in r:
            ax.semilogy(np.arange(1, len(r["val_curve"]) + 1), r["val_curve"], label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation cross-entropy")
    ax.set_title("Validation loss of the too-large network with each remedy")
    ax.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"learning_curves": _curves_figure(results), "decision_boundaries": _boundary_figure(results),
            "remedies": _remedies_figure(results), "remedy_curves": _remedy_curves_figure(results)}  # fmt: skip


def _setting(name: str, r: dict) -> str:
    if "chosen" in r:
        return f"{name} = {r['chosen']:g} (chosen on validation)"
    if name == "early stopping":
        return f"stopped after epoch {r['stopped_epoch']}"
    if name == "ensemble":
        return f"{r['size']} networks; members' mean: loss {r['member_test_loss']:.3f}, acc. {r['member_test_accuracy']:.1%}"
    return ""


def table(results: dict) -> Table:
    headers = ["run", "setting / diagnosis", "train loss", "val. loss", "test loss", "test accuracy"]
    rows = [[f"model: {name}", m["diagnosis"], m["train_loss"], m["val_loss"], m["test_loss"], m["test_accuracy"]]
            for name, m in results["models"].items()]  # fmt: skip
    for name, r in results["remedies"].items():
        rows.append([f"remedy: {name}", _setting(name, r), r.get("train_loss", "—"), r.get("val_loss", "—"),
                     r["test_loss"], r["test_accuracy"]])  # fmt: skip
    return Table(headers, rows)


EXPECTED = {"too small": "underfitting", "right": "good fit", "too large": "overfitting"}


def _diagnosis_sentence(results: dict) -> str:
    parts = []
    for name, m in results["models"].items():
        parts.append(f"the {name.replace(' ', '-')} model ends with training loss {m['train_loss']:.3f} and validation loss "
                     f"{m['val_loss']:.3f} (lowest {min(m['val_curve']):.3f} at epoch {m['best_val_epoch']} of "
                     f"{len(m['val_curve'])}): {m['diagnosis']}")  # fmt: skip
    matches = [name for name, m in results["models"].items() if m["diagnosis"] == EXPECTED[name]]
    verdict = ("All three curves read as the seed says: low training and high validation loss is overfitting, both "
               "high is underfitting." if len(matches) == 3 else
               f"Only {', '.join(matches) or 'none'} read as expected; the others do NOT match the textbook labels "
               "at this training length.")  # fmt: skip
    small, right = results["models"]["too small"], results["models"]["right"]
    return (f"Diagnosis: {'; '.join(parts)}. {verdict} The underfitting remedy 'more capacity' (logistic regression → "
            f"{_arch(MODELS['right'])}) moved test accuracy from {small['test_accuracy']:.1%} to {right['test_accuracy']:.1%}.")  # fmt: skip


def _remedy_sentence(results: dict) -> str:
    rem = results["remedies"]
    base = rem["none (too large)"]
    fixes = {k: v for k, v in rem.items() if k != "none (too large)"}
    order = sorted(fixes, key=lambda k: fixes[k]["test_loss"])
    parts = [f"{k} {fixes[k]['test_loss']:.3f} ({fixes[k]['test_accuracy']:.1%})" for k in order]
    worse = [k for k in order if fixes[k]["test_loss"] >= base["test_loss"]]
    best_acc = max(fixes, key=lambda k: fixes[k]["test_accuracy"])
    ens = rem["ensemble"]
    text = (f"Remedies on the overfitting {_arch(LARGE)} network (test loss {base['test_loss']:.3f}, accuracy "
            f"{base['test_accuracy']:.1%}), by test loss: {', '.join(parts)}. ")  # fmt: skip
    text += ("Every remedy lowered the test loss. " if not worse else
             f"{', '.join(worse)} did NOT lower the test loss. ")  # fmt: skip
    gain = fixes[best_acc]["test_accuracy"] - base["test_accuracy"]
    text += f"The best test accuracy came from {best_acc} ({gain * 100:+.1f} points). "
    right = results["models"]["right"]
    loss_ratio = base["test_loss"] / right["test_loss"]
    acc_gap = right["test_accuracy"] - base["test_accuracy"]
    if loss_ratio > 2 and acc_gap < 0.05:
        text += (f"Overfitting shows far more in the loss than in the accuracy: the too-large network's test loss is "
                 f"{loss_ratio:.1f}× the right-sized one's, its accuracy only {acc_gap * 100:.1f} points lower "
                 "(over-confident wrong answers). ")  # fmt: skip
    text += (f"The ensemble of {ens['size']} averaged probabilities has test loss {ens['test_loss']:.3f} against its "
             f"members' mean {ens['member_test_loss']:.3f} (for cross-entropy the average can never be worse than the "
             f"mean member) and accuracy {ens['test_accuracy']:.1%} against {ens['member_test_accuracy']:.1%}.")  # fmt: skip
    return text


def conclusion(results: dict) -> str:
    return f"{_diagnosis_sentence(results)} {_remedy_sentence(results)}"

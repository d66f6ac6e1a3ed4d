"""mlp-hyperparams: how hidden units, depth and learning rate change an MLP on the digits and
on MNIST-1D, and a joint search by grid, random and Bayesian (TPE) strategies under one trial
budget (seed 003 §4.2 exercises 1–6, §4.3 exercise 1)."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import load_digits, load_mnist1d, train_val_test_split
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments._mlp_hyperparams_helpers import (
    BATCH_SIZE,
    SPACE,
    grid_configs,
    random_configs,
    tpe_search,
    train_config,
)
from neuronlab.lab.plots import new_figure

NAME = "mlp-hyperparams"
TITLE = "MLP hyperparameters: hidden units, depth, learning rate, and joint search"
SEEDS = "003 §4.2 exercises 1–6 and §4.3 exercise 1"
QUESTION_ZH = (
    "4.2 1. 在所有其他参数保持不变的情况下，更改超参数num_hiddens的值，并查看此超参数的变化对结果有何影响。确定此超参数的最佳值\n"
    "2. 尝试添加更多的隐藏层，并查看它对结果有何影响\n"
    "3. 改变学习速率会如何影响结果？保持模型架构和其他超参数（包括轮数）不变，学习率设置为多少会带来最好的结果？\n"
    "4. 通过对所有超参数（学习率、轮数、隐藏层数、每层的隐藏单元数）进行联合优化，可以得到的最佳结果是什么？\n"
    "5. 描述为什么涉及多个超参数更具挑战性\n"
    "6. 如果想要构建多个超参数的搜索方法，请想出一个聪明的策略\n\n"
    "4.3 1. 尝试添加不同数量的隐藏层（也可以修改学习率），怎么样设置效果最好？"
)
QUESTION_EN = (
    "§4.2: (1) Keeping everything else fixed, vary num_hiddens: how does it change the result, and "
    "what is its best value? (2) Add more hidden layers: what happens? (3) How does the learning rate "
    "change the result with the architecture and the number of epochs fixed; which learning rate is "
    "best? (4) What is the best result from optimizing all hyperparameters (learning rate, epochs, "
    "number of hidden layers, units per layer) jointly? (5) Why is tuning several hyperparameters "
    "harder? (6) Devise a clever strategy to search over several hyperparameters.\n\n"
    "§4.3 (1) Try different numbers of hidden layers (and learning rates): which setting works best?"
)

BASE = {"lr": 0.1, "width": 128, "depth": 1}  # d2l's SGD lr 0.1 and one hidden layer
SEED_LR_RANGE = (0.1, 1.0)  # the seed: lr < 0.1 converges too slowly, lr > 1 does not converge
REF_MNIST1D_MLP, REF_MNIST1D_TORCH = 0.68, 0.639  # REFERENCES.md: paper's MLP; PyTorch, Adam 6000 steps
REF_DIGITS_MLP = 0.970  # REFERENCES.md: scikit-learn MLPClassifier(64,)


def _settings(config: LabConfig) -> dict:
    return {
        "epochs": config.pick(20, 3),
        "base": {**BASE, "width": config.pick(BASE["width"], 64)},
        "widths": config.pick([8, 32, 128, 512], [8, 64]),
        "depths": config.pick([1, 2, 3, 4], [1, 2]),
        "lrs": config.pick([0.01, 0.03, 0.1, 0.3, 1.0, 3.0], [0.01, 0.3, 3.0]),
        "grid_depths": config.pick([1, 2, 3], [1, 2]),
        "grid_lrs": config.pick([0.1, 0.3, 1.0, 3.0], [0.3, 3.0]),
        "budget": config.pick(8, 4),
        "space": SPACE
        if not config.quick
        else {**SPACE, "width": (8, 64, "logint"), "epochs": (1, 3, "int")},
    }


def setup(config: LabConfig) -> str:
    s = _settings(config)
    return (
        "Data: the 8×8 digits (stratified 60/20/20 split into train/validation/test) and MNIST-1D "
        "(4,000 training signals split 3,000/1,000 into train/validation, and its 1,000 test signals). "
        f"Model: an MLP with ReLU, trained with mini-batch SGD (batch {BATCH_SIZE}) on cross-entropy. "
        f"One-at-a-time sweeps around width {s['base']['width']}, {BASE['depth']} hidden layer, lr {BASE['lr']}, "
        f"{s['epochs']} epochs: widths {s['widths']}, depths {s['depths']}, learning rates {s['lrs']}; and "
        f"depth × learning rate on the digits ({s['grid_depths']} × {s['grid_lrs']}). Joint search on MNIST-1D "
        f"over lr ∈ [{s['space']['lr'][0]}, {s['space']['lr'][1]}] (log), width ∈ [{s['space']['width'][0]}, "
        f"{s['space']['width'][1]}] (log), epochs ∈ [{s['space']['epochs'][0]}, {s['space']['epochs'][1]}], depth "
        f"∈ [{s['space']['depth'][0]}, {s['space']['depth'][1]}]: grid, random and TPE (Optuna) search, "
        f"{s['budget']} trials each, selected on validation accuracy, reported with test accuracy."
    )


def _datasets(seed: int) -> dict:
    X, y = load_digits()
    Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, val_size=0.2, test_size=0.2, random_state=seed)
    m1 = load_mnist1d()
    Mtr, Mva, _, mtr, mva, _ = train_val_test_split(m1.X_train, m1.y_train, val_size=1000, test_size=0,
                                                    random_state=seed)  # fmt: skip
    return {
        "digits": {"train": (Xtr, ytr), "val": (Xva, yva), "test": (Xte, yte)},
        "mnist1d": {"train": (Mtr, mtr), "val": (Mva, mva), "test": (m1.X_test, m1.y_test)},
    }


class _Runs:
    """Trains each distinct configuration once (the sweeps and the depth × lr grid share runs)."""

    def __init__(self, data: dict, seed: int) -> None:
        self.data, self.seed, self.done = data, seed, {}

    def __call__(self, hp: dict) -> dict:
        key = tuple(sorted(hp.items()))
        if key not in self.done:
            self.done[key] = train_config(self.data, hp, self.seed)
        return self.done[key]


def _sweeps(runs: _Runs, settings: dict) -> dict:
    """One hyperparameter at a time, the others at the base setting."""
    base = {**settings["base"], "epochs": settings["epochs"]}
    return {
        "width": [runs({**base, "width": w}) for w in settings["widths"]],
        "depth": [runs({**base, "depth": d}) for d in settings["depths"]],
        "lr": [runs({**base, "lr": lr}) for lr in settings["lrs"]],
    }


def _depth_lr_grid(runs: _Runs, settings: dict) -> list[list[dict]]:
    """Depth × learning rate (003 §4.3 exercise 1), rows = depths, columns = learning rates."""
    base = {**settings["base"], "epochs": settings["epochs"]}
    return [
        [runs({**base, "depth": d, "lr": lr}) for lr in settings["grid_lrs"]] for d in settings["grid_depths"]
    ]


def _best(trials: list[dict]) -> dict:
    """The trial with the highest validation accuracy (the first such, on ties)."""
    return max(trials, key=lambda t: t["val_accuracy"])


def _search(data: dict, settings: dict, seed: int) -> dict:
    """Grid, random and TPE search under the same trial budget; TPE is None without Optuna."""
    budget, space = settings["budget"], settings["space"]

    def objective(hp: dict) -> dict:
        return train_config(data, hp, seed)

    trials = {
        "grid": [objective(hp) for hp in grid_configs(budget, space)],
        "random": [objective(hp) for hp in random_configs(budget, np.random.default_rng(seed), space)],
        "tpe": tpe_search(objective, budget, seed, space),
    }
    out = {
        "budget": budget,
        "full_grid_4_levels": 4 ** len(space),
        "optuna_available": trials["tpe"] is not None,
    }
    for name, runs in trials.items():
        if runs is None:
            out[name] = None
            continue
        best = _best(runs)
        out[name] = {"trials": runs, "best": best, "best_so_far": np.maximum.accumulate(
            [t["val_accuracy"] for t in runs]).tolist()}  # fmt: skip
    return out


def run(config: LabConfig) -> dict:
    settings = _settings(config)
    sets = _datasets(config.seed)
    runs = {name: _Runs(data, config.seed) for name, data in sets.items()}
    sweeps = {name: _sweeps(r, settings) for name, r in runs.items()}
    return {
        "settings": {k: v for k, v in settings.items() if k != "space"},
        "space": {k: list(v) for k, v in settings["space"].items()},
        "sweeps": sweeps,
        "depth_lr_digits": _depth_lr_grid(runs["digits"], settings),
        "search": _search(sets["mnist1d"], settings, config.seed),
        "mnist1d_steps_per_epoch": -(-len(sets["mnist1d"]["train"][1]) // BATCH_SIZE),
    }


LABELS = {"digits": "digits", "mnist1d": "MNIST-1D"}
STRATEGIES = ("grid", "random", "tpe")


def _sweeps_figure(results: dict):
    fig, axes = new_figure(1, 3, width=4.2)
    for ax, key in zip(axes, ("width", "depth", "lr")):
        for i, (name, sweeps) in enumerate(results["sweeps"].items()):
            xs = [t["hp"][key] for t in sweeps[key]]
            ax.plot(
                xs,
                [t["val_accuracy"] for t in sweeps[key]],
                marker="o",
                color=f"C{i}",
                label=f"{LABELS[name]}, validation",
            )
            ax.plot(
                xs,
                [t["train_accuracy"] for t in sweeps[key]],
                "--",
                color=f"C{i}",
                label=f"{LABELS[name]}, training",
            )
        if key != "depth":
            ax.set_xscale("log")
        ax.set_xlabel(
            {"width": "hidden units per layer", "depth": "hidden layers", "lr": "learning rate (SGD)"}[key]
        )
        ax.set_ylabel("accuracy")
        ax.set_title(f"Varying the {key}, all else fixed", fontsize=10)
        ax.legend(fontsize=7)
    return fig


def _lr_curves_figure(results: dict):
    fig, axes = new_figure(1, 2, width=5.0)
    for ax, (name, sweeps) in zip(axes, results["sweeps"].items()):
        for t in sweeps["lr"]:
            curve = np.array([np.nan if v is None else v for v in t["train_loss_curve"]])
            ax.semilogy(np.arange(1, len(curve) + 1), curve, label=f"lr {t['hp']['lr']:g}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training cross-entropy")
        ax.set_title(f"{LABELS[name]}: training loss per learning rate")
        ax.legend(fontsize=7)
    return fig


def _depth_lr_figure(results: dict):
    grid, s = results["depth_lr_digits"], results["settings"]
    acc = np.array([[t["val_accuracy"] for t in row] for row in grid])
    fig, ax = new_figure(width=5.0)
    image = ax.imshow(acc, vmin=0, vmax=1, cmap="viridis", aspect="auto")
    for i in range(acc.shape[0]):
        for j in range(acc.shape[1]):
            ax.text(
                j,
                i,
                f"{acc[i, j]:.1%}",
                ha="center",
                va="center",
                color="w" if acc[i, j] < 0.6 else "k",
                fontsize=8,
            )
    ax.set_xticks(range(len(s["grid_lrs"])), [f"{lr:g}" for lr in s["grid_lrs"]])
    ax.set_yticks(range(len(s["grid_depths"])), s["grid_depths"])
    ax.set_xlabel("learning rate (SGD)")
    ax.set_ylabel("hidden layers")
    ax.set_title("Digits: validation accuracy, depth × learning rate")
    fig.colorbar(image, ax=ax, label="validation accuracy")
    return fig


def _search_figure(results: dict):
    search = results["search"]
    fig, ax = new_figure(width=6.0)
    for i, name in enumerate(STRATEGIES):
        if search[name] is None:
            continue
        trials = np.arange(1, len(search[name]["best_so_far"]) + 1)
        ax.plot(trials, search[name]["best_so_far"], marker="o", color=f"C{i}", label=f"{name}: best so far")
        ax.scatter(
            trials, [t["val_accuracy"] for t in search[name]["trials"]], color=f"C{i}", alpha=0.35, marker="x"
        )
    ax.axhline(
        REF_MNIST1D_MLP,
        color="gray",
        linestyle=":",
        label=f"MLP reference, test {REF_MNIST1D_MLP:.0%} (paper)",
    )
    ax.axhline(
        REF_MNIST1D_TORCH, color="gray", linestyle="--", label=f"PyTorch MLP, test {REF_MNIST1D_TORCH:.1%}"
    )
    ax.set_xlabel("trial")
    ax.set_ylabel("MNIST-1D validation accuracy")
    ax.set_title(f"Joint search, {search['budget']} trials per strategy (× = one trial)")
    ax.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"sweeps": _sweeps_figure(results), "lr_curves": _lr_curves_figure(results),
            "depth_lr": _depth_lr_figure(results), "search": _search_figure(results)}  # fmt: skip


def _hp_text(hp: dict) -> str:
    return f"lr {hp['lr']:.3g}, width {hp['width']}, depth {hp['depth']}, {hp['epochs']} epochs"


def table(results: dict) -> Table:
    rows = []
    for name, sweeps in results["sweeps"].items():
        for key, trials in sweeps.items():
            rows += [[f"sweep: {key}", LABELS[name], t["hp"][key], t["train_accuracy"], t["val_accuracy"],
                      t["test_accuracy"]] for t in trials]  # fmt: skip
    for name in STRATEGIES:
        best = results["search"][name]
        if best is None:
            rows.append([f"search: {name}", "MNIST-1D", "skipped: optuna is not installed", None, None, None])
            continue
        b = best["best"]
        rows.append([f"search: {name} (best of {results['search']['budget']})", "MNIST-1D", _hp_text(b["hp"]),
                     b["train_accuracy"], b["val_accuracy"], b["test_accuracy"]])  # fmt: skip
    return Table(["run", "data set", "setting", "train acc.", "val. acc.", "test acc."], rows)


def _argbest(trials: list[dict]) -> dict:
    return max(trials, key=lambda t: t["val_accuracy"])


def _width_depth_sentence(results: dict) -> str:
    parts, shallow_wins = [], True
    for name, sw in results["sweeps"].items():
        widths, depths = sw["width"], sw["depth"]
        vals = [t["val_accuracy"] for t in widths]
        rising = all(b > a for a, b in zip(vals, vals[1:]))
        bw, bd = _argbest(widths), _argbest(depths)
        shallow_wins &= bd["hp"]["depth"] == depths[0]["hp"]["depth"]
        parts.append(f"on {LABELS[name]} validation accuracy {'rises with every step in' if rising else 'is not monotone in'} "
                     f"width ({widths[0]['hp']['width']} units {vals[0]:.1%} → {widths[-1]['hp']['width']} units "
                     f"{vals[-1]:.1%}; best {bw['hp']['width']}), and the best depth is {bd['hp']['depth']} hidden "
                     f"layer(s) ({bd['val_accuracy']:.1%}; {depths[-1]['hp']['depth']} layers: {depths[-1]['val_accuracy']:.1%})")  # fmt: skip
    text = f"(1, 2) With SGD for {results['settings']['epochs']} epochs, " + "; ".join(parts) + "."
    if shallow_wins:
        text += " Extra layers did not help at this budget: a deeper plain MLP learns more slowly in the same steps."
    return text


def _lr_clause(name: str, trials: list[dict]) -> str:
    """Best lr on one data set, and whether the seed's 'lr < 0.1 too slow, lr > 1 diverges' holds."""
    low, high = SEED_LR_RANGE
    by_lr = {t["hp"]["lr"]: t for t in trials}
    best = _argbest(trials)
    text = f"on {LABELS[name]} the best learning rate is {best['hp']['lr']:g} ({best['val_accuracy']:.1%})"
    if best["hp"]["lr"] == max(by_lr):
        text += ", the largest tried, so the optimum may lie beyond"
    below = [t for lr, t in by_lr.items() if lr < low]
    if low in by_lr and below:
        worse = all(t["val_accuracy"] < by_lr[low]["val_accuracy"] for t in below)
        text += (f"; {'every' if worse else 'NOT every'} lr < {low:g} is worse than {low:g} (lr "
                 f"{below[0]['hp']['lr']:g}: {below[0]['val_accuracy']:.1%})")  # fmt: skip
    above = [t for lr, t in by_lr.items() if lr > high]
    if above:
        failed = [t for t in above if t["diverged"] or t["val_accuracy"] < 0.2]
        names = ", ".join(f"{t['hp']['lr']:g}" for t in above)
        if len(failed) == len(above):
            text += f"; lr {names} failed to converge (≈ chance accuracy), as the seed says"
        else:
            text += f"; lr {names} still trained ({above[-1]['val_accuracy']:.1%}), contradicting the seed's rule that lr > 1 does not converge"
    return text


def _lr_sentence(results: dict) -> str:
    return "(3) " + "; ".join(_lr_clause(name, sw["lr"]) for name, sw in results["sweeps"].items()) + "."


def _depth_lr_sentence(results: dict) -> str:
    grid, s = results["depth_lr_digits"], results["settings"]
    best_per_depth = [max(row, key=lambda t: t["val_accuracy"]) for row in grid]
    overall = max(best_per_depth, key=lambda t: t["val_accuracy"])
    shifts = ", ".join(f"{d} layer(s): lr {t['hp']['lr']:g} ({t['val_accuracy']:.1%})"
                       for d, t in zip(s["grid_depths"], best_per_depth))  # fmt: skip
    return (f"(§4.3 ex. 1) On the digits the best depth × lr cell is {overall['hp']['depth']} hidden layer(s) at lr "
            f"{overall['hp']['lr']:g} ({overall['val_accuracy']:.1%} validation, {overall['test_accuracy']:.1%} test; "
            f"scikit-learn's MLPClassifier(64,) reaches {REF_DIGITS_MLP:.1%} on an 80/20 split); the best lr per depth: "
            f"{shifts}.")  # fmt: skip


def _search_sentence(results: dict) -> str:
    search = results["search"]
    done = [n for n in STRATEGIES if search[n] is not None]
    parts = [f"{n} {search[n]['best']['val_accuracy']:.1%} validation / {search[n]['best']['test_accuracy']:.1%} test "
             f"({_hp_text(search[n]['best']['hp'])})" for n in done]  # fmt: skip
    winner = max(done, key=lambda n: search[n]["best"]["val_accuracy"])
    test = search[winner]["best"]["test_accuracy"]
    text = (f"(4) Joint search on MNIST-1D with {search['budget']} trials each: {'; '.join(parts)}. The best validation "
            f"score came from {winner}; its test accuracy {test:.1%} is below the references' MLP {REF_MNIST1D_MLP:.0%} "
            f"and PyTorch's {REF_MNIST1D_TORCH:.1%} (Adam, 6,000 steps) — here at most "
            f"{results['space']['epochs'][1]} epochs of plain SGD, about {results['space']['epochs'][1] * results['mnist1d_steps_per_epoch']} steps."
            if test < REF_MNIST1D_TORCH else
            f"(4) Joint search on MNIST-1D with {search['budget']} trials each: {'; '.join(parts)}. The best validation "
            f"score came from {winner}; its test accuracy {test:.1%} reaches the references (MLP {REF_MNIST1D_MLP:.0%}, "
            f"PyTorch {REF_MNIST1D_TORCH:.1%}).")  # fmt: skip
    if not search["optuna_available"]:
        text += " TPE was skipped: Optuna is not installed (pip install 'neuronlab[search]')."
    return text


def _difficulty_sentence(results: dict) -> str:
    search = results["search"]
    grid_values = {k: len({t["hp"][k] for t in search["grid"]["trials"]}) for k in results["space"]}
    random_values = {k: len({t["hp"][k] for t in search["random"]["trials"]}) for k in results["space"]}
    return (f"(5, 6) Why several hyperparameters are hard: 4 values of each of the {len(results['space'])} "
            f"hyperparameters is already a grid of {search['full_grid_4_levels']} runs; with {search['budget']} runs the "
            f"grid tries only {', '.join(f'{v} {k}' for k, v in grid_values.items())} value(s), while random search tries "
            f"{', '.join(f'{v} {k}' for k, v in random_values.items())} — each run explores every dimension, which is "
            "why random search and model-based search (TPE) are the usual smarter strategies.")  # fmt: skip


def conclusion(results: dict) -> str:
    return " ".join((_width_depth_sentence(results), _lr_sentence(results), _depth_lr_sentence(results),
                     _search_sentence(results), _difficulty_sentence(results)))  # fmt: skip

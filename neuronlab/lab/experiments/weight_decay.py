"""weight-decay: d2l's high-dimensional linear regression (200 inputs, 20 training samples)
under weight decay — the λ sweep, choosing λ on validation data, weight decay as an explicit
L2 penalty, and each exercise of 003 §4.5. Computations live in ``_weight_decay_helpers``."""

from __future__ import annotations

import numpy as np

from neuronlab import nn
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _weight_decay_helpers as h
from neuronlab.lab.plots import new_figure
from neuronlab.nn.utils import l1_penalty

NAME = "weight-decay"
TITLE = "Weight decay on d2l's high-dimensional linear regression"
SEEDS = "003 §4.5 (exercises 1–5)"
QUESTION_ZH = (
    "1. 在本节的估计问题中使用λ的值进行实验。绘制训练和测试精度关于λ的函数。观察到了什么？\n"
    "2. 使用验证集来找到最佳值λ。它真的是最优值吗？这有关系吗？\n"
    "3. 如果我们使用 ∑ᵢ|wᵢ| 作为我们选择的惩罚（L1 正则化），那么更新方程会是什么样子？\n"
    "4. 我们知道‖w‖² = wᵀw。能找到类似的矩阵方程吗（Hint: Frobenius范数）？\n"
    "5. 回顾训练误差和泛化误差之间的关系。除了权重衰减、增加训练数据、使用适当复杂度的模型之外，"
    "还能想出其他什么方法来处理过拟合"
)
QUESTION_EN = (
    "1. Experiment with the value of λ in this section's estimation problem. Plot training and test "
    "accuracy as a function of λ. What do you observe?\n"
    "2. Use a validation set to find the best λ. Is it really the optimal value? Does it matter?\n"
    "3. What would the update equations look like if we used ∑ᵢ|wᵢ| as the penalty (L1 regularization)?\n"
    "4. We know that ‖w‖² = wᵀw. Can you find a similar equation for matrices (hint: the Frobenius norm)?\n"
    "5. Recall the relation between training error and generalization error. Besides weight decay, more "
    "training data and a model of suitable complexity, what other ways of dealing with overfitting can "
    "you think of?"
)

LAMBDA_GRID = [0.0, *np.geomspace(1e-4, 1e4, 33).tolist()]


def setup(config: LabConfig) -> str:
    return (
        f"d2l §4.5: y = 0.05 + Σᵢ 0.01·xᵢ + ε, x ∈ R^{h.NUM_INPUTS} standard normal, ε ~ N(0, 0.01²), "
        f"{h.N_TRAIN} training and {h.N_TEST} test samples. Linear(200, 1) initialized w ~ N(0, 1), b = 0, "
        f"trained as d2l does: loss ½(ŷ − y)², minibatch SGD (batch {h.BATCH}, lr {h.LR}, "
        f"{config.pick(h.EPOCHS, 50)} epochs), weight decay on w only. The exact minimizer of "
        "½·mean((ŷ − y)²) + (λ/2)‖w‖² (ridge, closed form) is computed on a dense λ grid beside it. "
        f"λ is chosen on {config.pick(10, 4)} fresh validation draws of 20 samples. Weight decay in the "
        f"optimizer is compared step by step with an explicit (λ/2)·l2_penalty. L1 (subgradient), early "
        "stopping, Gaussian input noise (σ = 1), input dropout (p = 0.5) and 80 extra training samples "
        "are tried as other remedies."
    )


def _sweep(data, config: LabConfig, val_sets) -> list[dict]:
    lambdas = config.pick(
        [0.0, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 100.0, 300.0],
        [0.0, 1.0, 3.0, 10.0, 30.0, 300.0],
    )
    rows = []
    for lam in lambdas:
        run = h.train_sgd(data, config.seed, wd=lam, epochs=config.pick(h.EPOCHS, 50), val_sets=val_sets)
        run.pop("w")
        rows.append({"lambda": lam, **run})
    return rows


def _l1_runs(data, config: LabConfig) -> list[dict]:
    rows = []
    for lam in config.pick([0.1, 0.3, 1.0, 3.0], [0.3, 3.0]):
        run = h.train_sgd(data, config.seed, epochs=config.pick(h.EPOCHS, 50),
                          penalty=lambda w, lam=lam: lam * l1_penalty([w]))  # fmt: skip
        run["near_zero"] = int((np.abs(run.pop("w")) < 1e-3).sum())
        rows.append({"lambda": lam, **run})
    return rows


def _remedies(data, config: LabConfig, sweep: list[dict]) -> dict:
    epochs = config.pick(h.EPOCHS, 50)
    plain = sweep[0]
    stop = int(np.argmin(plain["val_per_epoch"]))
    X_more, y_more = h.validation_draw(config.seed + 2000, n=80)
    more = data._replace(X_train=np.vstack([data.X_train, X_more]), y_train=np.vstack([data.y_train, y_more]))
    out = {"early_stopping": {"epoch": stop + 1, "test_loss": plain["test_per_epoch"][stop],
                              "train_loss": plain["train_per_epoch"][stop]}}  # fmt: skip
    for key, front in (("input_noise", nn.GaussianNoise(1.0)), ("input_dropout", nn.Dropout(0.5))):
        run = h.train_sgd(data, config.seed, epochs=epochs, front=front)
        run.pop("w")
        out[key] = run
    run = h.train_sgd(more, config.seed, epochs=max(epochs // 5, 1))  # 5x the data: the same 400 updates
    run.pop("w")
    out["more_data"] = run
    return out


def run(config: LabConfig) -> dict:
    data = h.draw(config.seed)
    val_sets = [h.validation_draw(config.seed + 1000 + k) for k in range(config.pick(10, 4))]
    sweep = _sweep(data, config, val_sets)
    return {
        "sweep": sweep,
        "exact": h.ridge_curve(data, LAMBDA_GRID),
        "validation": h.validation_choice(sweep),
        "equivalence": h.equivalence(data, config.seed, lam=3.0, epochs=config.pick(20, 5)),
        "l1": _l1_runs(data, config),
        "l1_step_max_abs_diff": h.l1_step_check(data, config.seed, lam=1.0),
        "frobenius": h.frobenius(config.seed),
        "remedies": _remedies(data, config, sweep),
    }


def _sweep_figure(results: dict):
    fig, (ax_loss, ax_norm) = new_figure(1, 2)
    exact, sweep = results["exact"], results["sweep"]
    lams = np.asarray(exact["lambdas"][1:])
    ax_loss.plot(lams, exact["train"][1:], label="train (exact minimizer)")
    ax_loss.plot(lams, exact["test"][1:], label="test (exact minimizer)")
    sgd = [r for r in sweep if r["lambda"] > 0]
    ax_loss.plot([r["lambda"] for r in sgd], [r["train_loss"] for r in sgd], "o", label="train (SGD, d2l)")
    ax_loss.plot([r["lambda"] for r in sgd], [r["test_loss"] for r in sgd], "s", label="test (SGD, d2l)")
    ax_loss.axhline(exact["limit_test"], color="0.5", linestyle=":", label="λ → ∞: predict ȳ")
    ax_norm.plot(lams, exact["norm"][1:], label="exact minimizer")
    ax_norm.plot([r["lambda"] for r in sgd], [r["norm"] for r in sgd], "o", label="SGD (d2l)")
    for ax, ylabel, title in (
        (ax_loss, "½·MSE", "Train and test loss against λ"),
        (ax_norm, "‖w‖₂", "‖w‖ against λ"),
    ):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("λ")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(fontsize=7)
    return fig


def _curves_figure(results: dict):
    fig, ax = new_figure()
    for r in results["sweep"]:
        if r["lambda"] in (0.0, 3.0):
            epochs = np.arange(1, len(r["test_per_epoch"]) + 1)
            ax.plot(epochs, r["train_per_epoch"], label=f"train, λ = {r['lambda']:g}")
            ax.plot(epochs, r["test_per_epoch"], linestyle="--", label=f"test, λ = {r['lambda']:g}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("½·MSE")
    ax.set_title("d2l's curves: without and with weight decay")
    ax.legend(fontsize=7)
    return fig


def _validation_figure(results: dict):
    fig, ax = new_figure()
    sweep, val = results["sweep"], results["validation"]
    lams = [r["lambda"] for r in sweep]
    draws = np.asarray([r["val_losses"] for r in sweep]).T
    for k, curve in enumerate(draws):
        ax.plot(
            lams,
            curve,
            color="0.7",
            linewidth=0.8,
            label="validation draws (20 samples each)" if k == 0 else None,
        )
    ax.plot(lams, [r["test_loss"] for r in sweep], color="C1", linewidth=2, marker=".", label="test")
    ax.plot(val["chosen_lambdas"], val["chosen_test"], "o", color="C0", label="λ chosen by a validation draw")
    ax.axvline(val["best_lambda"], color="C1", linestyle=":", label="test-optimal λ")
    ax.set_xscale("symlog", linthresh=0.3)
    ax.set_xlim(0, max(lams) * 1.5)
    ax.set_yscale("log")
    ax.set_xlabel("λ (SGD weight decay)")
    ax.set_ylabel("½·MSE")
    ax.set_title("Choosing λ on validation data")
    ax.legend(fontsize=7)
    return fig


def _equivalence_figure(results: dict):
    fig, ax = new_figure()
    labels = {"sgd": "SGD(weight_decay) vs SGD + (λ/2)‖w‖²", "adam": "Adam(weight_decay) vs Adam + (λ/2)‖w‖²",
              "adamw": "AdamW (decoupled) vs Adam + (λ/2)‖w‖²"}  # fmt: skip
    for (key, label), style in zip(labels.items(), ("-", "--", "-")):
        per_step = np.maximum(results["equivalence"][key]["per_step"], 1e-12)
        ax.plot(np.arange(1, len(per_step) + 1), per_step, linestyle=style, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("max |w_decay − w_penalty| (floor 1e-12)")
    ax.set_title("Weight decay = explicit L2 penalty (λ = 3)")
    ax.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"lambda_sweep": _sweep_figure(results), "d2l_curves": _curves_figure(results),
            "validation": _validation_figure(results), "equivalence": _equivalence_figure(results)}  # fmt: skip


def table(results: dict) -> Table:
    rows = [
        [f"SGD, weight decay λ = {r['lambda']:g}", r["train_loss"], r["test_loss"], r["norm"]]
        for r in results["sweep"]
    ]
    rows += [
        [f"SGD, L1 λ = {r['lambda']:g}", r["train_loss"], r["test_loss"], r["norm"]] for r in results["l1"]
    ]
    rem = results["remedies"]
    rows.append([f"early stopping (epoch {rem['early_stopping']['epoch']})", rem["early_stopping"]["train_loss"],
                 rem["early_stopping"]["test_loss"], None])  # fmt: skip
    for key, label in (("input_noise", "Gaussian input noise σ = 1"), ("input_dropout", "input dropout p = 0.5"),
                       ("more_data", "100 training samples, λ = 0")):  # fmt: skip
        rows.append([label, rem[key]["train_loss"], rem[key]["test_loss"], rem[key]["norm"]])
    exact = results["exact"]
    best = int(np.argmin(exact["test"]))
    rows.append(
        ["exact minimizer, λ = 0 (minimum norm)", exact["train"][0], exact["test"][0], exact["norm"][0]]
    )
    rows.append([f"exact minimizer, λ = {exact['lambdas'][best]:.3g} (best on test)", exact["train"][best],
                 exact["test"][best], exact["norm"][best]])  # fmt: skip
    rows.append(["λ → ∞ (w = 0, predict ȳ)", None, exact["limit_test"], 0.0])
    return Table(["setting", "train loss", "test loss", "‖w‖₂"], rows)


def _sweep_sentence(results: dict) -> str:
    sweep, exact = results["sweep"], results["exact"]
    first, best = sweep[0], min(sweep, key=lambda r: r["test_loss"])
    i_best = sweep.index(best)
    shape = "falls, then rises" if 0 < i_best < len(sweep) - 1 else "does NOT fall then rise"
    norms = [r["norm"] for r in sweep]
    return (
        f"(1) Without decay SGD fits the 20 samples (train loss {first['train_loss']:.2e}) but tests at "
        f"{first['test_loss']:.3g}; along λ the SGD test loss {shape} (lowest {best['test_loss']:.3g} at "
        f"λ = {best['lambda']:g}, {sweep[-1]['test_loss']:.3g} at λ = {sweep[-1]['lambda']:g}) while the training loss "
        f"rises from {first['train_loss']:.2e} to {sweep[-1]['train_loss']:.3g} and ‖w‖ "
        f"{'shrinks' if all(np.diff(norms) <= 0) else 'does NOT shrink monotonically'} from {norms[0]:.3g} to "
        f"{norms[-1]:.3g}. As λ → ∞, w → 0 and the loss tends to that of predicting ȳ ({exact['limit_test']:.3g} on "
        f"test; the exact minimizer at λ = {exact['lambdas'][-1]:g} gives {exact['test'][-1]:.3g}). The exact minimizer "
        f"at λ = 0 (the minimum-norm fit) tests at {exact['test'][0]:.3g}, far below SGD's {first['test_loss']:.3g}: "
        f"SGD's λ = 0 weights keep ‖w‖ = {first['norm']:.3g} of the N(0, 1) initialization's {first['init_norm']:.3g}, "
        "because 20 samples only move w inside a 20-dimensional subspace; weight decay is what removes the rest. "
    )


def _validation_sentence(results: dict) -> str:
    val = results["validation"]
    chosen, tests = np.asarray(val["chosen_lambdas"]), np.asarray(val["chosen_test"])
    regret = float(np.median(tests / val["best_test"] - 1))
    hits = int((chosen == val["best_lambda"]).sum())
    return (
        f"(2) {len(chosen)} validation draws of 20 samples chose λ from {chosen.min():g} to {chosen.max():g}; "
        f"{hits} of them picked the test-optimal λ = {val['best_lambda']:g} (test {val['best_test']:.3g}). "
        f"The chosen λ's test loss was {regret:.0%} above the optimum (median; worst "
        f"{tests.max() / val['best_test'] - 1:.0%}), so the validation choice "
        f"{'is not exactly optimal but hardly matters' if regret < 0.25 else 'does matter here'}. "
    )


def _exercise_sentences(results: dict) -> str:
    l1_best = min(results["l1"], key=lambda r: r["test_loss"])
    l2_best = min(results["sweep"], key=lambda r: r["test_loss"])
    frob, eq = results["frobenius"], results["equivalence"]
    better = "L2" if l2_best["test_loss"] < l1_best["test_loss"] else "L1"
    return (
        f"(3) With λ‖w‖₁ the update is w ← w − η∂L/∂w − ηλ·sign(w) (one autograd step agrees to "
        f"{results['l1_step_max_abs_diff']:.1e}); its best λ = {l1_best['lambda']:g} tests at {l1_best['test_loss']:.3g} "
        f"against L2's {l2_best['test_loss']:.3g}: {better} is better here, as every true weight is 0.01 (dense). "
        f"(4) ‖W‖_F² = Σᵢⱼ wᵢⱼ² = tr(WᵀW): {frob['sum_of_squares']:.6f} = {frob['trace']:.6f} = "
        f"{frob['l2_penalty']:.6f} (l2_penalty), and autograd's gradient of (λ/2)‖W‖_F² equals λW to "
        f"{frob['grad_max_abs_diff']:.1e}. Weight decay in SGD equals the explicit penalty step by step "
        f"(largest difference {eq['sgd']['max_abs_diff']:.1e}; Adam's coupled decay {eq['adam']['max_abs_diff']:.1e}) "
        f"while AdamW's decoupled decay differs by {eq['adamw']['max_abs_diff']:.2g}. "
    )


def _remedy_sentence(results: dict) -> str:
    rem, sweep = results["remedies"], results["sweep"]
    plain = sweep[0]["test_loss"]
    parts = {"early stopping": rem["early_stopping"]["test_loss"], "Gaussian input noise": rem["input_noise"]["test_loss"],
             "input dropout": rem["input_dropout"]["test_loss"], "5× more data": rem["more_data"]["test_loss"]}  # fmt: skip
    helped = [k for k, v in parts.items() if v < plain]
    text = (
        f"(5) Against {plain:.3g} without any remedy, the test loss was "
        + ", ".join(f"{k} {v:.3g}" for k, v in parts.items())
        + f" ({len(helped)} of {len(parts)} helped"
        + (
            "; early stopping cannot help here, since the damage is the untouched initialization). "
            if parts["early stopping"] >= plain
            else "). "
        )
    )
    at_one = next(r for r in sweep if r["lambda"] == 1.0)
    ratio = parts["Gaussian input noise"] / at_one["test_loss"]
    return text + (
        "Gaussian input noise of variance σ² is, in expectation, weight decay with λ = σ² (Bishop 1995): with σ = 1 "
        f"the test loss was {parts['Gaussian input noise']:.3g} against {at_one['test_loss']:.3g} for weight decay λ = 1 "
        f"({'within a factor of 2' if 0.5 <= ratio <= 2 else f'a factor {ratio:.2g} apart: the noisy version is NOT equivalent here'})."
    )


def conclusion(results: dict) -> str:
    return (
        _sweep_sentence(results)
        + _validation_sentence(results)
        + _exercise_sentences(results)
        + _remedy_sentence(results)
    )

"""metrics: which evaluation metric fits which task — accuracy against precision, recall and F1
on imbalanced classes, the decision threshold, averaged F1 scores, and MSE against MAE for
regression (002 question 12)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _metrics_helpers as H
from neuronlab.lab.plots import new_figure

NAME = "metrics"
TITLE = "Evaluation metrics: accuracy vs precision/recall/F1 on imbalanced data, MSE vs MAE"
SEEDS = "002 question 12"
QUESTION_ZH = (
    "12. 模型评估指标：你了解哪些常用的模型评估指标? 它们分别适用于什么任务?\n"
    "（准确率：当样本数据存在不均衡情况时，准确率可能无法准确反映模型的性能。例如，在一个二分类任务中，"
    "99%的样本属于类别 A，1%的样本属于类别 B，如果模型将所有样本都预测为类别 A，虽然准确率很高，"
    "但实际上模型并没有很好地学习到类别 B 的特征。MSE 对较大的误差给予更大的惩罚；"
    "MAE 对每个误差的权重相同。）"
)
QUESTION_EN = (
    "12. Model evaluation metrics: which common evaluation metrics do you know, and which task does "
    "each suit? (The seed's answer: accuracy can mislead on imbalanced data — with 99% of samples in "
    "class A and 1% in class B, predicting A for everything scores high accuracy without learning "
    "class B; MSE penalizes large errors more; MAE weighs every error the same.)"
)

SHARE_FOR_THRESHOLDS = 0.05


def _settings(config: LabConfig) -> tuple[list[float], int, int]:
    """Minority shares, data-set size and full-batch epochs for the imbalance sweep."""
    shares = config.pick([0.5, 0.2, 0.1, 0.05, 0.01], [0.5, 0.05, 0.01])
    return shares, config.pick(6000, 2000), config.pick(300, 100)


def setup(config: LabConfig) -> str:
    shares, n, epochs = _settings(config)
    return (
        f"Two moons (noise 0.3), {n} points with the second class cut to a share of {shares} (the seed's "
        "example is 1%), stratified 70/30 split. Trivial classifier: always the training set's majority "
        f"class. Trained classifier: a 2-16-2 ReLU network, cross-entropy, full-batch Adam lr 1e-2, {epochs} "
        "epochs, class = arg-max. The minority class's precision and recall over 99 decision "
        f"thresholds on its predicted probability at a {SHARE_FOR_THRESHOLDS:.0%} share, confusion matrices. "
        "Multi-class: the 8×8 digits with class k cut to 1 − 0.09k of its samples, a 64-32-10 network "
        f"({config.pick(20, 6)} epochs, batch 64); macro, micro and weighted F1. Regression: 1000 targets "
        "y = 3 sin x + x with two predictors of equal MAE — N(0, 1) errors everywhere, or exact on 90% and "
        "far off on 10%. All scores by neuronlab.metrics (equal to scikit-learn's)."
    )


def run(config: LabConfig) -> dict:
    """Imbalance sweep, threshold sweep, averaged F1 on digits and regression metrics."""
    shares, n, epochs = _settings(config)
    sweep, fits = H.imbalance_sweep(config.seed, shares, n, epochs)
    return {
        "sweep": sweep,
        "thresholds": H.threshold_sweep(*fits[SHARE_FOR_THRESHOLDS]),
        "digits": H.multiclass_averages(config.seed, config.pick(20, 6)),
        "regression": H.regression_metrics(config.seed),
    }


def _sweep_figure(results: dict):
    sweep = results["sweep"]
    fig, ax = new_figure(width=6.0)
    shares = sweep["shares"]
    for who, style in (("trivial", "--"), ("trained", "-")):
        ax.plot(shares, [s["accuracy"] for s in sweep[who]], style, marker="o", color="tab:blue",
                label=f"{who}: accuracy")  # fmt: skip
        ax.plot(shares, [s["f1"] for s in sweep[who]], style, marker="s", color="tab:red",
                label=f"{who}: minority F1")  # fmt: skip
    ax.plot(shares, [s["f1_macro"] for s in sweep["trained"]], "-", marker="^", color="tab:green",
            label="trained: macro F1")  # fmt: skip
    ax.set(xscale="log", xlabel="minority share of the data", ylabel="score",
           title="Accuracy hides a missed minority class")  # fmt: skip
    ax.legend(fontsize=7)
    return fig


def _threshold_figure(results: dict):
    th = results["thresholds"]
    fig, (ax_pr, ax_t) = new_figure(1, 2)
    ax_pr.plot(th["recall"], th["precision"], label=f"PR curve (AP = {th['average_precision']:.3f})")
    for key, marker, label in (
        ("at_half", "o", "threshold 0.5"),
        ("at_best", "*", f"best F1, {th['best_threshold']:.2f}"),
    ):
        ax_pr.plot(th[key]["recall"], th[key]["precision"], marker, markersize=10, label=label)
    ax_pr.axhline(th["minority_share_test"], color="grey", linestyle=":", label="chance (minority share)")
    ax_pr.set(xlabel="recall", ylabel="precision", title=f"Minority class, {SHARE_FOR_THRESHOLDS:.0%} share")
    for key in ("precision", "recall", "f1"):
        ax_t.plot(th["thresholds"], th[key], label=key)
    ax_t.axvline(0.5, color="grey", linestyle=":", label="0.5")
    ax_t.axvline(th["best_threshold"], color="black", linestyle="--", label="best F1")
    ax_t.set(
        xlabel="decision threshold on P(minority)", ylabel="score", title="The precision/recall trade-off"
    )
    ax_pr.legend(fontsize=7)
    ax_t.legend(fontsize=7)
    return fig


def _confusion_figure(results: dict):
    th = results["thresholds"]
    fig, axes = new_figure(1, 3, width=3.4, height=3.2)
    titles = {"trivial": "trivial (majority)", "trained_0.5": "trained, threshold 0.5",
              "trained_best": f"trained, threshold {th['best_threshold']:.2f}"}  # fmt: skip
    for ax, (key, title) in zip(axes, titles.items()):
        cm = np.asarray(th["confusion"][key])
        ax.imshow(cm, cmap="Blues", vmin=0, vmax=cm.sum(1).max())
        for (i, j), count in np.ndenumerate(cm):
            ax.text(
                j, i, str(count), ha="center", va="center", color="white" if count > cm.max() / 2 else "black"
            )
        ax.set_xticks([0, 1], ["majority", "minority"])
        ax.set_yticks([0, 1], ["majority", "minority"])
        ax.set(xlabel="predicted", ylabel="true", title=title)
    return fig


def _averages_figure(results: dict):
    digits, regression = results["digits"], results["regression"]
    fig, (ax_f1, ax_reg) = new_figure(1, 2)
    ax_f1.bar(range(10), digits["per_class_f1"], color="tab:gray", label="per-class F1")
    for avg, color, style in (
        ("macro", "tab:red", "--"),
        ("micro", "tab:blue", ":"),
        ("weighted", "tab:green", "-."),
    ):
        ax_f1.axhline(digits["trained"][f"f1_{avg}"], color=color, linestyle=style, lw=2,
                      label=f"{avg} F1 = {digits['trained'][f'f1_{avg}']:.3f}")  # fmt: skip
    ax_f1.set_xticks(range(10), [f"{k}\n(n={s})" for k, s in enumerate(digits["support"])], fontsize=7)
    ax_f1.set(
        xlabel="digit (test support)",
        ylabel="F1",
        ylim=(min(0.8, min(digits["per_class_f1"]) - 0.05), 1.01),
        title="Imbalanced digits",
    )
    ax_f1.legend(fontsize=7, loc="lower left")
    for key, label in (
        ("gaussian_errors", "A: N(0, 1) errors"),
        ("rare_large_errors", "B: rare large errors"),
    ):
        r = regression[key]
        ax_reg.hist(r["errors"], bins=60, alpha=0.6,
                    label=f"{label}: MAE {r['mae']:.2f}, MSE {r['mse']:.2f}, R² {r['r2']:.2f}")  # fmt: skip
    ax_reg.set(yscale="log", xlabel="prediction − target", ylabel="count", title="Same MAE, different MSE")
    ax_reg.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"accuracy_vs_f1": _sweep_figure(results), "precision_recall": _threshold_figure(results),
            "confusion_matrices": _confusion_figure(results), "averages_and_regression": _averages_figure(results)}  # fmt: skip


def _row(name: str, data: str, s: dict) -> list:
    keys = ("accuracy", "precision", "recall", "f1", "f1_macro", "f1_micro", "f1_weighted")
    return [name, data, *(s[k] for k in keys)]


def table(results: dict) -> Table:
    sweep, th, digits = results["sweep"], results["thresholds"], results["digits"]
    rows = []
    for share, trivial, trained in zip(sweep["shares"], sweep["trivial"], sweep["trained"]):
        rows.append(_row("trivial (majority)", f"moons, {share:.0%} minority", trivial))
        rows.append(_row("trained, threshold 0.5", f"moons, {share:.0%} minority", trained))
    rows.append(_row(f"trained, threshold {th['best_threshold']:.2f}", f"moons, {SHARE_FOR_THRESHOLDS:.0%} minority",
                     th["at_best"]))  # fmt: skip
    rows.append(_row("trivial (majority)", "imbalanced digits (minority: 9)", digits["trivial"]))
    rows.append(_row("trained", "imbalanced digits (minority: 9)", digits["trained"]))
    headers = ["classifier", "data", "accuracy", "minority precision", "minority recall", "minority F1",
               "macro F1", "micro F1", "weighted F1"]  # fmt: skip
    return Table(headers, rows)


def _imbalance(results: dict) -> str:
    sweep = results["sweep"]
    i = int(np.argmin(sweep["shares"]))
    share, trivial, trained = sweep["shares"][i], sweep["trivial"][i], sweep["trained"][i]
    gap = max(abs(t["accuracy"] - (1 - s)) for s, t in zip(sweep["shares"], sweep["trivial"]))
    hidden = trained["accuracy"] - trivial["accuracy"] < 0.05 and trained["f1"] - trivial["f1"] > 0.1
    return (
        f"Accuracy on imbalanced classes: with a {share:.0%} minority (the seed's 99/1 example) the trivial classifier "
        f"that always answers the majority scores {trivial['accuracy']:.1%} accuracy but minority recall "
        f"{trivial['recall']:.0f} and F1 {trivial['f1']:.0f}; over all shares its accuracy is 1 − share to "
        f"{gap:.1e}. The trained network reaches {trained['accuracy']:.1%} accuracy, minority recall "
        f"{trained['recall']:.3f}, precision {trained['precision']:.3f}, F1 {trained['f1']:.3f} "
        f"({sweep['test_minority'][i]} minority points in the test split)"
        + (
            ": accuracy barely separates the two classifiers, recall and F1 do — exactly the seed's warning."
            if hidden
            else "."
        )  # fmt: skip
    )


def _threshold(results: dict) -> str:
    th = results["thresholds"]
    half, best = th["at_half"], th["at_best"]
    better = best["f1"] > half["f1"] + 1e-12
    return (
        f"The decision threshold trades precision for recall: at a {SHARE_FOR_THRESHOLDS:.0%} share the threshold "
        f"0.5 gives precision {half['precision']:.3f}, recall {half['recall']:.3f}, F1 {half['f1']:.3f}; "
        + (
            f"the best-F1 threshold {th['best_threshold']:.2f} gives {best['precision']:.3f}, {best['recall']:.3f} and "
            f"{best['f1']:.3f}, at the same accuracy ±{abs(best['accuracy'] - half['accuracy']):.1%}. "
            if better
            else "0.5 is already the best-F1 threshold. "
        )  # fmt: skip
        + f"The average precision is {th['average_precision']:.3f} against {th['minority_share_test']:.3f} for chance."
    )


def _averages(results: dict) -> str:
    digits = results["digits"]
    trained, trivial = digits["trained"], digits["trivial"]
    by_support = np.argsort(digits["support"])
    f1 = np.asarray(digits["per_class_f1"])
    rare, common = f1[by_support[:3]].mean(), f1[by_support[-3:]].mean()
    order = "below" if trained["f1_macro"] < trained["f1_weighted"] else "NOT below"
    return (
        f"Averaging F1 over classes (imbalanced digits): micro F1 {trained['f1_micro']:.4f} equals accuracy "
        f"{trained['accuracy']:.4f} (it pools all decisions); macro F1 {trained['f1_macro']:.4f} is {order} the weighted "
        f"{trained['f1_weighted']:.4f}; the three rarest classes ({', '.join(str(k) for k in by_support[:3])}) have mean F1 "
        f"{rare:.3f}, the three most frequent {common:.3f}, and macro F1 counts every class equally while weighted F1 "
        f"counts them by support. The trivial classifier has micro F1 = accuracy = {trivial['f1_micro']:.3f} but macro "
        f"F1 {trivial['f1_macro']:.3f}: macro F1 exposes it. (For scale: REFERENCES.md lists 97.0–98.4% accuracy for MLPs "
        f"on the full, balanced digits split; this network reaches {trained['accuracy']:.1%} on the cut-down, imbalanced one.)"
    )


def _regression(results: dict) -> str:
    a, b = results["regression"]["gaussian_errors"], results["regression"]["rare_large_errors"]
    formula = max(a["max_formula_error"], b["max_formula_error"])
    return (
        f"Regression: two predictors with the same MAE {a['mae']:.3f} have MSE {a['mse']:.3f} (many small errors) and "
        f"{b['mse']:.3f} (exact on 90%, far off on 10%), {b['mse'] / a['mse']:.1f}× more, and R² {a['r2']:.3f} vs "
        f"{b['r2']:.3f}: MSE penalizes large errors, MAE weighs all errors alike, as the seed says. Their exact-match "
        f"'accuracy' is {a['exact_match']:.0%} and {b['exact_match']:.0%} — accuracy means nothing for continuous "
        f"targets. neuronlab.metrics matches the MSE, MAE and R² formulas to {formula:.1e}."
    )


def conclusion(results: dict) -> str:
    return " ".join(part(results) for part in (_imbalance, _threshold, _averages, _regression))

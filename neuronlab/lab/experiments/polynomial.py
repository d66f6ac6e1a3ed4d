"""polynomial: d2l's polynomial regression (seed 003 §4.4) — the exact least-squares solution,
train/test loss against the degree and against the amount of data, what goes wrong without
the 1/i! scaling and how to fix it, and the noise floor of the test loss."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import make_polynomial
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments._polynomial_helpers import (
    block_mask,
    curvature,
    data_size_sweep,
    exact_sweep,
    finite_or_none,
    first_diverged_epoch,
    noise_floor,
    sgd_vs_exact,
    standardize_powers,
    train_bank,
)
from neuronlab.lab.plots import new_figure

NAME = "polynomial"
TITLE = "Polynomial regression: model selection, data size, feature scaling and the noise floor"
SEEDS = "003 §4.4 exercises 1–4"
QUESTION_ZH = (
    "1. 这个多项式回归问题可以准确地解出吗？提示：使用线性代数\n\n"
    "2. 考虑多项式的模型选择\n"
    "1. 绘制训练损失与模型复杂度（多项式的阶数）的关系图。观察到了什么？需要多少阶的多项式才能将训练损失减少到0?\n"
    "2. 在这种情况下绘制测试的损失图。\n"
    "3. 生成同样的图，作为数据量的函数。\n\n"
    "3. 如果不对多项式特征x i 进行标准化(1/i!)，会发生什么事情？能用其他方法解决这个问题吗？\n\n"
    "4. 泛化误差可能为零吗"
)
QUESTION_EN = (
    "1. Can this polynomial regression problem be solved exactly? Hint: use linear algebra.\n\n"
    "2. Model selection for polynomials: (1) plot the training loss against the model complexity "
    "(the degree). What do you observe? What degree is needed to reduce the training loss to 0? "
    "(2) Plot the test loss in this case. (3) Make the same plot as a function of the amount of data.\n\n"
    "3. What happens if the polynomial features xⁱ are not normalized by 1/i!? Can this be fixed "
    "in another way?\n\n"
    "4. Can the generalization error ever be zero?"
)

N_FEATURES = 21  # x⁰ … x²⁰, so that degrees 1–20 can be fitted (d2l's 20 features are degree 19)
DEGREES = list(range(1, N_FEATURES))
UNDER, RIGHT, OVER = 1, 3, 19  # d2l's linear, cubic (the true degree) and all-20-features fits
NOISE_VARIANCE = 0.01  # ε ~ N(0, 0.1²)
LR = 0.01
N_INTERPOLATE = 10
# The lockstep SGD run holds four families of 20 models; each reads one block of features:
# 1/i! powers, raw powers, standardized raw powers, and raw powers again but with a
# learning rate of half of each degree's stability limit.
VARIANTS = ("scaled", "raw", "standardized", "raw_small_lr")
BLOCK_OF = {"scaled": 0, "raw": 1, "standardized": 2, "raw_small_lr": 1}


def setup(config: LabConfig) -> str:
    epochs, sizes = config.pick(400, 40), _sizes(config)
    return (
        "Data: d2l's y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε, x ~ N(0, 1), ε ~ N(0, 0.1²), features "
        f"xⁱ/i! for i = 0…20, 100 training and 100 test points. For every degree d = 1…20 a linear "
        f"model on the first d + 1 features is trained as in d2l (SGD, lr {LR}, batch 10, {epochs} "
        "epochs, MSE) and solved exactly by least squares (SVD) and by the normal equations. "
        f"Data size: n = {', '.join(map(str, sizes))} training points (nested subsets of one draw) "
        f"for degrees {UNDER}, {RIGHT} and {OVER}, at most {epochs * 10} SGD iterations. Scaling: the "
        "same x and y with raw powers xⁱ — Hessian eigenvalues, SGD at lr 0.01, and three fixes: "
        "standardized features, a learning rate of half of each degree's limit 2/λ_max, and Adam "
        "(lr 0.01). Noise floor: the best test MSE against σ² = 0.01 and a noise-free fit."
    )


def _sizes(config: LabConfig) -> list[int]:
    return config.pick([10, 20, 50, 100, 200, 500], [10, 50, 200])


def _datasets(seed: int) -> dict:
    """The same x, y as d2l-scaled features, raw powers and standardized raw powers."""
    scaled = make_polynomial(n_train=100, n_test=100, max_degree=N_FEATURES, random_state=seed)
    raw = make_polynomial(n_train=100, n_test=100, max_degree=N_FEATURES, scale=False, random_state=seed)
    standardized = standardize_powers(raw.X_train, raw.X_test)
    return {"scaled": (scaled.X_train, scaled.X_test), "raw": (raw.X_train, raw.X_test),
            "standardized": standardized, "y": (scaled.y_train, scaled.y_test), "true_w": scaled.true_w}  # fmt: skip


def _lockstep_sgd(sets: dict, epochs: int, seed: int) -> dict:
    """One SGD run holding all 4 × 20 models: the same mini-batches, each model its own columns."""
    blocks = [BLOCK_OF[v] for v in VARIANTS for _ in DEGREES]
    mask = block_mask(N_FEATURES, blocks, DEGREES * len(VARIANTS))
    X_train = np.hstack([sets[v][0] for v in VARIANTS[:3]])
    X_test = np.hstack([sets[v][1] for v in VARIANTS[:3]])
    small = [min(1.0, curvature(sets["raw"][0], d)["safe_lr"] / LR) for d in DEGREES]
    factors = [1.0] * (3 * len(DEGREES)) + small
    data = (X_train, sets["y"][0], X_test, sets["y"][1])
    run = train_bank(data, mask, epochs, seed, lr=LR, lr_factors=factors)
    out = {}
    for i, variant in enumerate(VARIANTS):
        rows = slice(BLOCK_OF[variant] * N_FEATURES, (BLOCK_OF[variant] + 1) * N_FEATURES)
        cols = slice(i * len(DEGREES), (i + 1) * len(DEGREES))
        out[variant] = {
            "train": run["train"][:, cols],
            "test": run["test"][:, cols],
            "weights": run["weights"][rows, cols],
        }
    out["raw_small_lr"]["lr"] = [LR * f for f in small]
    return out


def _final(curves: dict) -> dict:
    """Last-epoch train/test MSE per degree (None where the run diverged)."""
    return {"train": [finite_or_none(v) for v in curves["train"][-1]],
            "test": [finite_or_none(v) for v in curves["test"][-1]]}  # fmt: skip


def _scaling(sets: dict, lockstep: dict, epochs: int, seed: int) -> dict:
    """Curvature of each feature family, raw SGD's divergence, and the three fixes."""
    curv = {v: [curvature(sets[v][0], d) for d in DEGREES] for v in ("scaled", "raw", "standardized")}
    adam = train_bank((sets["raw"][0], sets["y"][0], sets["raw"][1], sets["y"][1]), DEGREES, epochs, seed, lr=LR,
                      adam=True)  # fmt: skip
    out = {
        f"{key}_{v}": [c[key] for c in curv[v]]
        for v in curv
        for key in ("lambda_max", "critical_lr", "cond", "safe_lr")
    }
    out["raw_diverged_epoch"] = [
        first_diverged_epoch(lockstep["raw"]["test"][:, k]) for k in range(len(DEGREES))
    ]
    out["small_lr"] = lockstep["raw_small_lr"]["lr"]
    for name, curves in (("raw", lockstep["raw"]), ("standardized", lockstep["standardized"]),
                         ("raw_small_lr", lockstep["raw_small_lr"]), ("adam", adam)):  # fmt: skip
        out[f"{name}_test"] = _final(curves)["test"]
    return out


def run(config: LabConfig) -> dict:
    epochs = config.pick(400, 40)
    sets = _datasets(config.seed)
    lockstep = _lockstep_sgd(sets, epochs, config.seed)
    exact = exact_sweep(sets, DEGREES)
    curves = {str(d): {"train": lockstep["scaled"]["train"][:, d - 1].tolist(),
                       "test": lockstep["scaled"]["test"][:, d - 1].tolist()} for d in (UNDER, RIGHT, OVER)}  # fmt: skip
    return {
        "degrees": DEGREES, "epochs": epochs, "lr": LR, "true_w": sets["true_w"][: RIGHT + 1].tolist(),
        "sgd": _final(lockstep["scaled"]), "curves": curves, "exact": exact,
        "sgd_vs_exact": sgd_vs_exact(lockstep["scaled"]["weights"], exact["weights"], DEGREES, RIGHT),
        "data_size": data_size_sweep(config.seed, _sizes(config), [UNDER, RIGHT, OVER], epochs, N_FEATURES, LR),
        "scaling": _scaling(sets, lockstep, epochs, config.seed),
        "noise": noise_floor(config.seed, sets, N_FEATURES, RIGHT, N_INTERPOLATE),
    }  # fmt: skip


def _nan(values) -> np.ndarray:
    """None (a diverged run) as NaN, for plotting."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _degree_figure(results: dict):
    fig, ax = new_figure(width=6.0)
    for key, style, label in (
        ("sgd", "-", f"SGD, {results['epochs']} epochs"),
        ("exact", "--", "least squares"),
    ):
        ax.semilogy(
            results["degrees"],
            _nan(results[key]["train"]),
            style,
            marker="o",
            color="C0",
            label=f"train, {label}",
        )
        ax.semilogy(
            results["degrees"],
            _nan(results[key]["test"]),
            style,
            marker="s",
            color="C1",
            label=f"test, {label}",
        )
    ax.axhline(NOISE_VARIANCE, color="gray", linestyle=":", label="noise variance σ² = 0.01")
    ax.set_xlabel("polynomial degree d (features x⁰ … xᵈ)")
    ax.set_ylabel("mean squared error")
    ax.set_title("Training and test loss against model complexity")
    ax.legend(fontsize=7)
    return fig


def _curves_figure(results: dict):
    fig, ax = new_figure(width=6.0)
    for i, (degree, curve) in enumerate(results["curves"].items()):
        epochs = np.arange(1, len(curve["train"]) + 1)
        ax.semilogy(epochs, curve["train"], color=f"C{i}", label=f"degree {degree}, train")
        ax.semilogy(epochs, curve["test"], "--", color=f"C{i}", label=f"degree {degree}, test")
    ax.axhline(NOISE_VARIANCE, color="gray", linestyle=":", label="σ² = 0.01")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title(f"d2l's learning curves: under-, right- and over-fitting (SGD, lr {results['lr']})")
    ax.legend(fontsize=7)
    return fig


def _size_figure(results: dict):
    size = results["data_size"]
    fig, ax = new_figure(width=6.0)
    for j, degree in enumerate(size["degrees"]):
        ax.loglog(size["sizes"], _nan([row[j] for row in size["sgd_test"]]), marker="o", color=f"C{j}",
                  label=f"degree {degree}, SGD")  # fmt: skip
        ax.loglog(size["sizes"], _nan([row[j] for row in size["exact_test"]]), "--", marker="s", color=f"C{j}",
                  label=f"degree {degree}, least squares")  # fmt: skip
    ax.axhline(NOISE_VARIANCE, color="gray", linestyle=":", label="σ² = 0.01")
    ax.set_xlabel("number of training points n")
    ax.set_ylabel("test mean squared error")
    ax.set_title("Test loss against the amount of data")
    ax.legend(fontsize=7)
    return fig


def _scaling_figure(results: dict):
    scaling, degrees = results["scaling"], results["degrees"]
    fig, (left, right) = new_figure(1, 2, width=5.0)
    for key, label in (("scaled", "xⁱ/i! (d2l)"), ("raw", "raw xⁱ"), ("standardized", "standardized xⁱ")):
        left.semilogy(degrees, scaling[f"lambda_max_{key}"], marker="o", label=label)
    left.axhline(
        2 / results["lr"],
        color="gray",
        linestyle=":",
        label=f"2/lr: SGD at lr {results['lr']} diverges above",
    )
    left.set_xlabel("degree d")
    left.set_ylabel("largest Hessian eigenvalue λ_max")
    left.set_title("Curvature of the MSE loss")
    left.legend(fontsize=7)
    for key, label in (("raw_test", "raw, SGD lr 0.01"), ("standardized_test", "standardized, SGD"),
                       ("raw_small_lr_test", "raw, SGD at the stable lr"), ("adam_test", "raw, Adam lr 0.01")):  # fmt: skip
        right.semilogy(degrees, _nan(scaling[key]), marker="o", label=label)
    right.semilogy(degrees, _nan(results["sgd"]["test"]), "k--", label="xⁱ/i!, SGD (reference)")
    diverged = [d for d, e in zip(degrees, scaling["raw_diverged_epoch"]) if e is not None]
    if diverged:
        top = np.nanmax(
            [np.nanmax(_nan(scaling[key])) for key in ("standardized_test", "raw_small_lr_test", "adam_test")]
        )
        right.scatter(
            diverged, [10 * top] * len(diverged), marker="x", color="C0", label="raw, SGD lr 0.01: diverged"
        )
    right.set_xlabel("degree d")
    right.set_ylabel("test mean squared error")
    right.set_title("Without 1/i!: what diverges and what fixes it")
    right.legend(fontsize=7)
    return fig


def figures(results: dict) -> dict:
    return {"degree_sweep": _degree_figure(results), "learning_curves": _curves_figure(results),
            "data_size": _size_figure(results), "scaling": _scaling_figure(results)}  # fmt: skip


def table(results: dict) -> Table:
    headers = ["degree", "SGD train", "SGD test", "exact train", "exact test", "normal eq. train", "cond(XᵀX) xⁱ/i!",
               "cond(XᵀX) raw", "λ_max raw", "raw SGD diverged at epoch", "standardized test", "Adam raw test"]  # fmt: skip
    s, e = results["scaling"], results["exact"]
    rows = [[d, results["sgd"]["train"][k], results["sgd"]["test"][k], e["train"][k], e["test"][k], e["normal_eq_train"][k],
             s["cond_scaled"][k], s["cond_raw"][k], s["lambda_max_raw"][k], s["raw_diverged_epoch"][k] or "no",
             s["standardized_test"][k], s["adam_test"][k]] for k, d in enumerate(results["degrees"])]  # fmt: skip
    return Table(headers, rows)


SEED_DEGREE3_TEST = 0.010435  # the seed's d2l run, degree 3 after 200 epochs
SEED_N500_TEST = 0.010144  # the seed's d2l run with 500 training points, after 400 epochs
EPS = float(np.finfo(np.float64).eps)


def _exact_sentence(results: dict) -> str:
    e, degrees, k = results["exact"], results["degrees"], results["degrees"].index(RIGHT)
    w = ", ".join(f"{v:.3f}" for v in e["weights"][k])
    sgd_w = ", ".join(f"{v:.3f}" for v in results["sgd_vs_exact"]["right_sgd"])
    text = (f"(1) Yes, by least squares: the exact degree-{RIGHT} fit is w = [{w}] against the true "
            f"[{', '.join(f'{v:g}' for v in results['true_w'])}] (train MSE {e['train'][k]:.4f}, test "
            f"{e['test'][k]:.4f}); only the noise keeps it from the true weights. SGD after {results['epochs']} epochs "
            f"ends at [{sgd_w}] (train MSE {results['sgd']['train'][k]:.4f}, test {results['sgd']['test'][k]:.4f}), "
            f"{results['sgd_vs_exact']['distance'][k]:.3f} away from the exact weights. ")  # fmt: skip
    bad = [d for d, n, x in zip(degrees, e["normal_eq_train"], e["train"]) if n is None or n > 1.01 * x]
    beyond = next((d for d, c in zip(degrees, results["scaling"]["cond_scaled"]) if c > 1 / EPS), None)
    if not bad:
        return text + "The literal normal equations (XᵀX)⁻¹Xᵀy matched it (within 1%) at every degree."
    first = bad[0]
    got = e["normal_eq_train"][first - 1]
    return text + (f"The literal normal equations (XᵀX)⁻¹Xᵀy match it up to degree {first - 1} (cond(XᵀX) exceeds "
                   f"1/ε = {1 / EPS:.1e} from degree {beyond} on), but at degree {first} their training MSE is "
                   f"{'not finite' if got is None else f'{got:.4g}'} against {e['train'][first - 1]:.4g}: in floating "
                   "point 'exact' needs a stable solver (scaled columns + SVD).")  # fmt: skip


def _degree_sentence(results: dict) -> str:
    e, degrees, noise = results["exact"], results["degrees"], results["noise"]
    monotone = all(b <= a * (1 + 1e-9) for a, b in zip(e["train"], e["train"][1:]))
    best = int(np.argmin(e["test"]))
    near = [d for d, t in zip(degrees, e["test"]) if t <= 1.1 * e["test"][best]]
    text = (f"(2) The exact training MSE {'falls monotonically' if monotone else 'does NOT fall monotonically'} with "
            f"the degree, from {e['train'][0]:.3f} (degree 1) to {e['train'][-1]:.4f} (degree {degrees[-1]}), and does "
            f"not reach 0: that takes degree n − 1 = 99 for 100 points (interpolation); through the first "
            f"{noise['interpolation_points']} points a degree-{noise['interpolation_points'] - 1} polynomial has training "
            f"MSE {noise['interpolation_train']:.1e} and test MSE {noise['interpolation_test']:.1e}. The exact test MSE "
            f"is lowest at degree {degrees[best]} ({e['test'][best]:.4f}); degrees {', '.join(map(str, near))} are within "
            "10% of it, ")  # fmt: skip
    if RIGHT in near:
        text += f"the true degree {RIGHT} among them. "
    else:
        text += f"so the true degree {RIGHT} ({e['test'][degrees.index(RIGHT)]:.4f}) is NOT among the best on this draw. "
    return text + _sgd_clause(results)


def _sgd_clause(results: dict) -> str:
    e, sgd, degrees = results["exact"], results["sgd"], results["degrees"]
    sgd_best = int(np.nanargmin(_nan(sgd["test"])))
    last = sgd["test"][-1]
    if last is None:
        return f"SGD diverged at degree {degrees[-1]}."
    relation = f"{e['test'][-1] / last:.1e}× lower" if last < e["test"][-1] else "NOT lower"
    return (f"At degree {degrees[-1]} the exact fit overfits (test MSE {e['test'][-1]:.3g}) while SGD after "
            f"{results['epochs']} epochs has {last:.4f} ({relation}); its weights end "
            f"{results['sgd_vs_exact']['distance'][-1]:.1e} away from the exact ones, because SGD hardly moves the "
            f"weights of the tiny high-order features (an implicit regularization). SGD's test MSE is lowest at degree "
            f"{degrees[sgd_best]} ({sgd['test'][sgd_best]:.4f}; the seed's run: {SEED_DEGREE3_TEST} at degree 3).")  # fmt: skip


def _size_sentence(results: dict) -> str:
    size = results["data_size"]
    first, last = size["sizes"][0], size["sizes"][-1]
    gains = [size["exact_test"][0][j] / size["exact_test"][-1][j] for j in range(len(size["degrees"]))]
    parts = [f"degree {d}: {size['exact_test'][0][j]:.3g} → {size['exact_test'][-1][j]:.3g}"
             for j, d in enumerate(size["degrees"])]  # fmt: skip
    under = size["exact_test"][-1][size["degrees"].index(UNDER)]
    right = size["sgd_test"][-1][size["degrees"].index(RIGHT)]
    text = (f"(3) From n = {first} to n = {last} training points the exact test MSE goes {'; '.join(parts)}. More "
            f"data helps degree {size['degrees'][int(np.argmax(gains))]} most ({max(gains):.1e}×)")  # fmt: skip
    if under > 10 * NOISE_VARIANCE:
        text += f", while degree {UNDER} stays at {under:.3g}, far above the noise: data does not cure underfitting"
    right_text = "diverged" if right is None else f"{right:.4f}"
    return (
        text
        + f". SGD at degree {RIGHT} reaches {right_text} with n = {last} (the seed's run: {SEED_N500_TEST} at n = 500)."
    )


def _scaling_sentence(results: dict) -> str:
    s, degrees, lr = results["scaling"], results["degrees"], results["lr"]
    predicted = [c < lr for c in s["critical_lr_raw"]]
    diverged = [d for d, e in zip(degrees, s["raw_diverged_epoch"]) if e is not None]
    agree = sum(p == (d in diverged) for p, d in zip(predicted, degrees))
    text = (f"(4) Without 1/i! the largest Hessian eigenvalue λ_max at degree {degrees[-1]} grows from "
            f"{s['lambda_max_scaled'][-1]:.3g} to {s['lambda_max_raw'][-1]:.2e}. Gradient descent is stable only for "
            f"lr < 2/λ_max; at lr {lr} ")  # fmt: skip
    if diverged and diverged == list(range(diverged[0], degrees[-1] + 1)):
        latest = max(s["raw_diverged_epoch"][d - 1] for d in diverged)
        text += f"every degree from {diverged[0]} up diverged (inf/NaN within {latest} epochs)"
    else:
        text += f"degrees {', '.join(map(str, diverged)) or 'none'} diverged"
    text += f", and lr·λ_max > 2 predicted that for {agree} of {len(degrees)} degrees. "
    if s["cond_raw"][-1] < s["cond_scaled"][-1]:
        text += (f"The cause is the gradient scale, not invertibility: cond(XᵀX) at degree {degrees[-1]} is even "
                 f"lower raw ({s['cond_raw'][-1]:.1e}) than with 1/i! ({s['cond_scaled'][-1]:.1e}). ")  # fmt: skip
    return text + _fixes_clause(results)


def _fixes_clause(results: dict) -> str:
    s, degrees, lr = results["scaling"], results["degrees"], results["lr"]
    k, mid = degrees.index(RIGHT), degrees.index(10)
    std = _nan(s["standardized_test"])
    adam_good = [d for d, v in zip(degrees, s["adam_test"]) if v is not None and v < 2 * NOISE_VARIANCE]
    small = s["raw_small_lr_test"][mid]
    return (f"Fixes, measured: standardizing the columns (z-scores) keeps λ_max ≤ {max(s['lambda_max_standardized']):.0f} "
            f"and {'trains every degree' if np.isfinite(std).all() else 'still diverges for some degrees'} (degree "
            f"{RIGHT} test MSE {std[k]:.4f}, worst from degree {RIGHT} up {np.nanmax(std[k:]):.3f}); a learning rate "
            f"below each degree's mini-batch limit avoids divergence but learns little (degree 10, lr "
            f"{s['small_lr'][mid]:.1e}: test MSE {'diverged' if small is None else f'{small:.3g}'}); Adam (lr {lr}) gets "
            f"below 2σ² only at degrees {', '.join(map(str, adam_good)) or '— none'}.")  # fmt: skip


def _noise_sentence(results: dict) -> str:
    noise, e, sgd = results["noise"], results["exact"], results["sgd"]
    best = min(min(e["test"]), np.nanmin(_nan(sgd["test"])))
    where = "at" if 0.5 <= best / NOISE_VARIANCE <= 1.5 else "NOT at"
    return (f"(5) The best test MSE found, {best:.4f}, is {where} the noise floor σ² = {NOISE_VARIANCE} "
            f"({best / NOISE_VARIANCE:.2f}σ²; the true polynomial itself scores {noise['true_function_test']:.4f} on these "
            f"100 test points). The generalization error can be zero only without noise: on noise-free data the "
            f"exact cubic fit has test MSE {noise['noise_free_test']:.1e}.")  # fmt: skip


def conclusion(results: dict) -> str:
    return " ".join((_exact_sentence(results), _degree_sentence(results), _size_sentence(results),
                     _scaling_sentence(results), _noise_sentence(results)))  # fmt: skip

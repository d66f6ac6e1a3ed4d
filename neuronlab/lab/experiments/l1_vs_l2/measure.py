"""l1-vs-l2's measurements: the data, gradient descent with an L1 (subgradient or proximal) or
L2 penalty over a whole grid of λ at once (λ chosen on validation data), and the small probes
(one weight, the update rule, correlated copies)."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.nn.utils import l1_penalty, l2_penalty
from neuronlab.ops.creation import tensor

FEATURES, INFORMATIVE = 100, 10
N_TRAIN, N_VAL, N_TEST = 150, 200, 1000
NOISE_STD = 2.0
STEPS_FULL, STEPS_QUICK = 2000, 600
NEAR_ZERO = 1e-3


def make_data(seed: int) -> dict:
    """Standard-normal features; the first INFORMATIVE have weights ±U(0.5, 2), the rest 0."""
    rng = np.random.default_rng(seed)
    true_w = np.zeros(FEATURES)
    true_w[:INFORMATIVE] = rng.choice([-1.0, 1.0], INFORMATIVE) * rng.uniform(0.5, 2.0, INFORMATIVE)
    X = rng.standard_normal((N_TRAIN + N_VAL + N_TEST, FEATURES))
    y = X @ true_w + NOISE_STD * rng.standard_normal(len(X))
    X, y = X.astype(np.float32), y.astype(np.float32)
    cut = (N_TRAIN, N_TRAIN + N_VAL)
    return {"X_train": X[: cut[0]], "y_train": y[: cut[0]], "X_val": X[cut[0] : cut[1]], "y_val": y[cut[0] : cut[1]],
            "X_test": X[cut[1] :], "y_test": y[cut[1] :], "true_w": true_w}  # fmt: skip


def step_size(X: np.ndarray) -> float:
    """1/L, L the largest eigenvalue of the Hessian [X 1]ᵀ[X 1]/n of ½·mean squared error."""
    Xb = np.hstack([X, np.ones((len(X), 1))]).astype(np.float64)
    return float(1.0 / np.linalg.eigvalsh(Xb.T @ Xb / len(X))[-1])


def lambda_grid(data: dict, kind: str, n: int) -> list[float]:
    """λ from tiny to the value where L1 zeroes everything (λ_max = max|Xᵀ(y − ȳ)|/n), or to 1000 for L2."""
    X, y = data["X_train"].astype(np.float64), data["y_train"].astype(np.float64)
    top = np.abs(X.T @ (y - y.mean())).max() / len(X) if kind == "l1" else 1000.0
    return np.geomspace(1e-3, top, n).tolist()


def train_columns(
    X: np.ndarray, y: np.ndarray, lambdas, mode: str, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent on K independent problems, one per λ, as the K output
    columns of one ``Linear``: objective_k = ½·mean((x·w_k + b_k − y)²) + penalty_k(w_k).

    ``mode``: ``"l2"`` adds (λ/2)‖w‖², ``"l1-subgradient"`` adds λ‖w‖₁ (autograd gives λ·sign(w)),
    ``"l1-proximal"`` follows each gradient step by w ← sign(w)·max(|w| − lr·λ, 0). With L2 the
    curvature grows to L + λ, so objective_k is scaled by L/(L + λ_k): the step is 1/(L + λ_k)
    for that column and its minimizer is unchanged. Returns the weights (K, d) and biases (K,).
    """
    k, lr = len(lambdas), step_size(X)
    model = nn.Linear(X.shape[1], k)
    with no_grad():
        model.weight.zero_()
        model.bias.zero_()
    lams = np.asarray(lambdas, dtype=np.float32)
    lam = tensor(lams[:, None])
    scale = tensor(1.0 / (1.0 + lr * lams) if mode == "l2" else np.ones(k, dtype=np.float32))
    X_t, Y_t = tensor(X), tensor(np.repeat(y[:, None], k, axis=1))
    opt = optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        objective = ((model(X_t) - Y_t) ** 2).mean(0) / 2
        if mode == "l2":
            objective = objective + (lam * model.weight**2).sum(1) / 2
        elif mode == "l1-subgradient":
            objective = objective + (lam * model.weight.abs()).sum(1)
        (objective * scale).sum().backward()
        opt.step()
        if mode == "l1-proximal":
            with no_grad():
                w = model.weight
                w.copy_(w.sign() * (w.abs() - lam * lr).clamp(min=0))
    return model.weight.detach().numpy().astype(np.float64), model.bias.detach().numpy().astype(np.float64)


def _mse(W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray) -> list[float]:
    return (((X @ W.T + b) - y[:, None]) ** 2).mean(axis=0).tolist()


def fit_path(data: dict, lambdas, mode: str, steps: int) -> dict:
    """Weights, validation/test error and zero counts along a grid of λ."""
    W, b = train_columns(data["X_train"], data["y_train"], lambdas, mode, steps)
    return {
        "weights": W.tolist(),
        "bias": b.tolist(),
        "val_mse": _mse(W, b, data["X_val"], data["y_val"]),
        "test_mse": _mse(W, b, data["X_test"], data["y_test"]),
        "exact_zeros": (W == 0).sum(axis=1).tolist(),
        "near_zeros": (np.abs(W) < NEAR_ZERO).sum(axis=1).tolist(),
        "lambdas": list(lambdas),
    }


def summarize(path: dict, data: dict) -> dict:
    """The λ with the lowest validation error and what its weights look like."""
    i = int(np.argmin(path["val_mse"]))
    w = np.asarray(path["weights"][i])
    informative, noise = w[:INFORMATIVE], w[INFORMATIVE:]
    return {
        "lambda": path["lambdas"][i], "index": i, "val_mse": path["val_mse"][i], "test_mse": path["test_mse"][i],
        "exact_zeros_informative": int((informative == 0).sum()), "exact_zeros_noise": int((noise == 0).sum()),
        "near_zeros_informative": int((np.abs(informative) < NEAR_ZERO).sum()),
        "near_zeros_noise": int((np.abs(noise) < NEAR_ZERO).sum()),
        "norm2": float(np.linalg.norm(w)), "max_abs_noise": float(np.abs(noise).max()),
        "weight_error": float(np.linalg.norm(w - data["true_w"])), "weights": w.tolist(),
    }  # fmt: skip


def optimality_gaps(data: dict, paths: dict) -> dict:
    """How far gradient descent is from the exact optima, over the whole grid. Lasso: the largest
    violation of its optimality (KKT) conditions, X_jᵀr/n = λ·sign(w_j) where w_j ≠ 0 and
    |X_jᵀr/n| ≤ λ where w_j = 0 (r the residual). Ridge: the largest |w − w*| against the closed
    form w* = (XcᵀXc/n + λI)⁻¹Xcᵀyc/n (X, y centred: the bias is not penalized)."""
    X, y = data["X_train"].astype(np.float64), data["y_train"].astype(np.float64)
    n = len(X)
    kkt = []
    for lam, w, b in zip(
        paths["l1-proximal"]["lambdas"], paths["l1-proximal"]["weights"], paths["l1-proximal"]["bias"]
    ):
        w = np.asarray(w)
        corr = X.T @ (y - X @ w - b) / n
        violation = np.where(w != 0, np.abs(corr - lam * np.sign(w)), np.maximum(np.abs(corr) - lam, 0))
        kkt.append(violation.max())
    Xc, yc = X - X.mean(0), y - y.mean()
    ridge = [
        np.abs(np.linalg.solve(Xc.T @ Xc / n + lam * np.eye(X.shape[1]), Xc.T @ yc / n) - np.asarray(w)).max()
        for lam, w in zip(paths["l2"]["lambdas"], paths["l2"]["weights"])
    ]
    return {"lasso_kkt": float(max(kkt)), "ridge": float(max(ridge))}


def one_dimensional(lam: float = 1.0) -> dict:
    """min_w ½(w − a)² + penalty(w), solved by grid search over w (0 is a grid point) for many a."""
    a = np.arange(-150, 151) / 50.0  # [-3, 3]
    w = np.arange(-3000, 3001) / 1000.0
    base = 0.5 * (w[None, :] - a[:, None]) ** 2
    argmin_l1 = w[np.argmin(base + lam * np.abs(w)[None, :], axis=1)]
    argmin_l2 = w[np.argmin(base + 0.5 * lam * (w**2)[None, :], axis=1)]
    return {"lambda": lam, "a": a.tolist(), "argmin_l1": argmin_l1.tolist(), "argmin_l2": argmin_l2.tolist(),
            "zero_fraction_l1": float(np.mean(argmin_l1 == 0)),
        "l1_zero_max_abs_a": float(np.abs(a[argmin_l1 == 0]).max()), "zero_fraction_l2": float(np.mean(argmin_l2 == 0))}  # fmt: skip


def penalty_pull(lam: float = 1.0) -> dict:
    """|∂ penalty/∂w| by autograd at shrinking w: λ·l1_penalty and (λ/2)·l2_penalty."""
    ws = [1.0, 0.1, 0.01]
    pulls = {"l1": [], "l2": []}
    for key, penalty in (("l1", lambda p: lam * l1_penalty(p)), ("l2", lambda p: lam / 2 * l2_penalty(p))):
        for value in ws:
            p = tensor([value], requires_grad=True)
            penalty([p]).backward()
            pulls[key].append(float(p.grad.numpy()[0]))
    return {"lambda": lam, "w": ws, **pulls}


def l1_update_check(seed: int, lr: float = 0.1, lam: float = 0.5) -> dict:
    """One SGD step on ½·MSE + λ·l1_penalty against the seed's w − η∂L/∂w − ηλ·sign(w)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((8, 5)).astype(np.float32)
    y = rng.standard_normal((8, 1)).astype(np.float32)
    w0 = rng.standard_normal((1, 5)).astype(np.float32)
    w0[0, 2] = 0.0  # sign(0) = 0: a weight at 0 gets no L1 push
    model = nn.Linear(5, 1, bias=False)
    with no_grad():
        model.weight.copy_(tensor(w0))
    opt = optim.SGD(model.parameters(), lr=lr)
    loss = F.mse_loss(model(Tensor._wrap(X)), Tensor._wrap(y)) / 2 + lam * l1_penalty(model.parameters())
    loss.backward()
    opt.step()
    grad_loss = (X.T @ (X @ w0.T - y) / len(X)).T
    expected = w0 - lr * grad_loss - lr * lam * np.sign(w0)
    return {
        "max_abs_diff": float(np.abs(model.weight.detach().numpy() - expected).max()),
        "lr": lr,
        "lambda": lam,
    }


def correlated_copies(seed: int, steps: int, lam: float = 1.0, n: int = 200) -> dict:
    """Five near-identical copies x_j = z + 0.2·e_j of one feature, y = 3z + ε: how each
    penalty shares the weight 3 among the copies."""
    rng = np.random.default_rng(seed + 1)
    z = rng.standard_normal(n)
    X = (z[:, None] + 0.2 * rng.standard_normal((n, 5))).astype(np.float32)
    y = (3 * z + rng.standard_normal(n)).astype(np.float32)
    out: dict = {"lambda": lam}
    for method, mode, lams in (
        ("none", "l2", [0.0]),
        ("l1-proximal", "l1-proximal", [lam]),
        ("l2", "l2", [lam]),
    ):
        w = train_columns(X, y, lams, mode, steps)[0][0]
        out[method] = {"weights": w.tolist(), "std": float(w.std()), "min": float(w.min()), "max": float(w.max()),
                       "max_share": float(np.abs(w).max() / np.abs(w).sum()), "zeros": int((w == 0).sum())}  # fmt: skip
    return out


def run(config, seed: int) -> dict:
    from neuronlab.lab.experiments.l1_vs_l2 import SIZES

    sizes = config.sizes(SIZES)
    data = make_data(seed)
    steps = sizes["steps"]
    grids = {kind: lambda_grid(data, kind, sizes["lambdas"]) for kind in ("l1", "l2")}
    paths = {
        "none": fit_path(data, [0.0], "l2", steps),
        "l1-subgradient": fit_path(data, grids["l1"], "l1-subgradient", steps),
        "l1-proximal": fit_path(data, grids["l1"], "l1-proximal", steps),
        "l2": fit_path(data, grids["l2"], "l2", steps),
    }
    chosen = {method: summarize(path, data) for method, path in paths.items()}
    for method in ("l1-subgradient", "l1-proximal", "l2"):
        i = chosen[method]["index"]
        chosen[method]["interior"] = 0 < i < len(paths[method]["lambdas"]) - 1
    return {
        "lambdas": grids, "true_w": data["true_w"].tolist(), "paths": paths, "chosen": chosen,
        "optimality": optimality_gaps(data, paths), "one_dimensional": one_dimensional(),
        "penalty_pull": penalty_pull(), "update_rule": l1_update_check(seed),
        "correlated": correlated_copies(seed, steps), "steps": steps,
        "baseline_test_mse": float(np.mean((data["y_test"].astype(np.float64) - data["y_train"].mean()) ** 2)),
        "noise_floor": NOISE_STD**2,
    }  # fmt: skip

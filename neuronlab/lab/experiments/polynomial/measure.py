"""polynomial's measurements: many polynomial regressions trained in lockstep (d2l's SGD),
exact least-squares fits, the data-size sweep, the curvature numbers that decide whether SGD is
stable without the 1/i! scaling, and the noise floor."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import make_polynomial
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.creation import rand
from neuronlab.train import Callback, Trainer

N_FEATURES = 21  # x⁰ … x²⁰, so that degrees 1–20 can be fitted (d2l's 20 features are degree 19)
DEGREES = list(range(1, N_FEATURES))
UNDER, RIGHT, OVER = 1, 3, 19  # d2l's linear, cubic (the true degree) and all-20-features fits
NOISE_VARIANCE = 0.01  # ε ~ N(0, 0.1²)
LR = 0.01
N_INTERPOLATE = 10
EXPECTATION_DRAWS = 20_000  # fresh x per seed for the expected test MSE of every fitted model
N_TRAIN, N_TEST = 100, 200  # d2l tests on 100 points; 200 make the test MSE more precise
# The lockstep SGD run holds four families of 20 models; each reads one block of features:
# 1/i! powers, raw powers, standardized raw powers, and raw powers again but with a
# learning rate of half of each degree's stability limit.
VARIANTS = ("scaled", "raw", "standardized", "raw_small_lr")
BLOCK_OF = {"scaled": 0, "raw": 1, "standardized": 2, "raw_small_lr": 1}


class PolynomialBank(nn.Module):
    """K independent linear regressions ``ŷ_k = X[:, :d_k + 1] w_k`` held as one masked matrix.

    Column k of ``weight`` is model k; the mask zeroes the features it does not use, so the
    gradient of ``BankLoss`` with respect to column k is exactly the gradient of model k's
    own mean squared error (elementwise optimizers such as SGD and Adam keep the columns
    independent, even when one of them diverges to inf/NaN). Training the bank with SGD is therefore the same as training
    the K models one by one on the same mini-batches (d2l's setup), only K times cheaper.
    Each column starts as ``nn.Linear(d_k + 1, 1, bias=False)`` does: U(-1/√fan_in, 1/√fan_in).

    Shape:
        (N, F) -> (N, K)
    """

    def __init__(self, n_features: int, degrees) -> None:
        super().__init__()
        mask = degree_mask(n_features, degrees)
        bound = 1.0 / np.sqrt(mask.sum(axis=0))
        weight = (2.0 * rand(*mask.shape).numpy() - 1.0) * bound * mask
        self.weight = nn.Parameter(Tensor._wrap(weight.astype(np.float32)))
        self.register_buffer("mask", Tensor._wrap(mask))

    def forward(self, x: Tensor) -> Tensor:
        return x @ (self.weight * self.mask)

    def weights(self) -> np.ndarray:
        """The (F, K) matrix of the K models' weights, in float64."""
        return (self.weight.detach().numpy() * self.mask.numpy()).astype(np.float64)


def block_mask(block_size: int, blocks, degrees) -> np.ndarray:
    """Mask for features stacked side by side in blocks: model k uses block ``blocks[k]``,
    features 0..degrees[k] of it."""
    n_blocks = max(blocks) + 1
    mask = np.zeros((n_blocks * block_size, len(degrees)), dtype=np.float32)
    for k, (block, degree) in enumerate(zip(blocks, degrees)):
        mask[block * block_size : block * block_size + degree + 1, k] = 1.0
    return mask


def degree_mask(n_features: int, degrees) -> np.ndarray:
    """(F, K) 0/1 mask: model k uses features 0..degrees[k]; a 2-D ``degrees`` is the mask."""
    degrees = np.asarray(degrees)
    if degrees.ndim == 2:
        return degrees.astype(np.float32)
    return (np.arange(n_features)[:, None] <= degrees[None, :]).astype(np.float32)


class BankLoss:
    """Σ_k c_k·MSE_k: the K models' mean squared errors on a batch, model k weighted by c_k.

    With plain SGD (no momentum, no weight decay) model k then moves by lr·c_k·∇MSE_k: a
    per-model learning rate lr·c_k inside one optimizer. All c_k = 1 is the plain sum.
    """

    def __init__(self, lr_factors=None) -> None:
        self.factors = None if lr_factors is None else Tensor._wrap(np.asarray(lr_factors, dtype=np.float32))

    def __call__(self, output: Tensor, target: Tensor) -> Tensor:
        squared = (output - target) ** 2
        if self.factors is not None:
            squared = squared * self.factors
        return squared.sum() / output.shape[0]


def column_mse(weights: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean squared error of each column of ``weights`` (inf/NaN for a diverged model)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return ((X.astype(np.float64) @ weights - y.astype(np.float64)) ** 2).mean(axis=0)


class ColumnLosses(Callback):
    """Records every model's training and test MSE at the end of each epoch."""

    def __init__(self, data) -> None:
        self.data = data
        self.train: list[np.ndarray] = []
        self.test: list[np.ndarray] = []

    def on_epoch_end(self, trainer, record: dict) -> None:
        X, y, X_test, y_test = self.data
        weights = trainer.model.weights()
        self.train.append(column_mse(weights, X, y))
        self.test.append(column_mse(weights, X_test, y_test))


def train_bank(data, degrees, epochs: int, seed: int, lr: float = 0.01, adam: bool = False,
               lr_factors=None) -> dict:  # fmt: skip
    """Train one model per entry of ``degrees`` with mini-batch SGD (batch min(10, n), as
    d2l) or Adam; ``degrees`` may be a (F, K) 0/1 mask of the features each model uses.

    Returns per-epoch train/test MSE arrays (epochs, K) and the final (F, K) weights.
    """
    X, y = data[0], data[1]
    manual_seed(seed)
    model = PolynomialBank(X.shape[1], degrees)
    make = optim.Adam if adam else optim.SGD
    record = ColumnLosses(data)
    loss = BankLoss(lr_factors)
    trainer = Trainer(model, make(model.parameters(), lr=lr), loss, callbacks=[record], progress=False)
    trainer.fit((X, y), epochs=epochs, batch_size=min(10, len(X)))
    return {"train": np.array(record.train), "test": np.array(record.test), "weights": model.weights()}


def exact_fit(X: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """The least-squares weights on the first degree + 1 features, solved stably.

    The columns are first scaled to unit norm (equilibration) and the system is solved by
    the SVD (``np.linalg.lstsq``); solving on the raw columns would let LAPACK's cut-off
    for tiny singular values (relative 1e-14) drop directions that only look negligible
    because a column such as x¹⁹/19! is 10¹⁷ times smaller than the constant column.
    """
    A = X[:, : degree + 1].astype(np.float64)
    norms = np.linalg.norm(A, axis=0)
    w, *_ = np.linalg.lstsq(A / norms, y.astype(np.float64)[:, 0], rcond=None)
    return w / norms


def normal_equation(X: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray | None:
    """w = (XᵀX)⁻¹Xᵀy solved literally; None where XᵀX is singular to working precision."""
    A = X[:, : degree + 1].astype(np.float64)
    try:
        return np.linalg.solve(A.T @ A, A.T @ y.astype(np.float64)[:, 0])
    except np.linalg.LinAlgError:
        return None


def curvature(X: np.ndarray, degree: int, batch_size: int = 10) -> dict:
    """Eigenvalues of the MSE Hessian H = (2/n)XᵀX and what they imply for gradient descent.

    Gradient descent on a quadratic is stable only for lr < 2/λ_max (``critical_lr``);
    cond(XᵀX) = λ_max/λ_min says how much slower the flattest direction converges than the
    steepest. A mini-batch B has its own Hessian H_B = (2/b)Σ_{i∈B} x_i x_iᵀ, whose λ_max can
    be far larger when one sample has a large |x|; λ_max(H_B) ≤ (2/b)·(the b largest
    ‖x_i‖²), so lr = 1/that bound (``safe_lr``) keeps every mini-batch step stable.
    """
    A = X[:, : degree + 1].astype(np.float64)
    lam_max = float(np.linalg.eigvalsh(2.0 / len(A) * A.T @ A)[-1])
    cond = float(np.linalg.cond(A)) ** 2  # cond(XᵀX) = cond(X)², computed without forming XᵀX
    worst_batch = 2.0 / batch_size * np.sort((A**2).sum(axis=1))[-batch_size:].sum()
    return {"lambda_max": lam_max, "critical_lr": 2.0 / lam_max, "cond": cond, "safe_lr": 1.0 / worst_batch}


def standardize_powers(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-score every power column with the training statistics, keeping column 0 (the 1s)."""
    mean = X_train[:, 1:].astype(np.float64).mean(axis=0)
    std = X_train[:, 1:].astype(np.float64).std(axis=0)

    def apply(X: np.ndarray) -> np.ndarray:
        Z = np.array(X, dtype=np.float64)
        Z[:, 1:] = (Z[:, 1:] - mean) / std
        return Z.astype(np.float32)

    return apply(X_train), apply(X_test)


def finite_or_none(value: float) -> float | None:
    """JSON has no NaN or infinity: a diverged run's loss is stored as None."""
    value = float(value)
    return value if math.isfinite(value) and value < 1e30 else None


def first_diverged_epoch(test_curve: np.ndarray) -> int | None:
    """The first epoch (1-based) whose test MSE is non-finite or above 1e6; None if none."""
    bad = ~np.isfinite(test_curve) | (test_curve > 1e6)
    return int(np.argmax(bad)) + 1 if bad.any() else None


def mse(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the weights ``w`` on the first len(w) features, in float64."""
    A = X[:, : len(w)].astype(np.float64)
    return float(np.mean((A @ w - y.astype(np.float64)[:, 0]) ** 2))


def exact_sweep(sets: dict, degrees) -> dict:
    """Least squares and the literal normal equations for every degree (1/i! features), and
    least squares on the raw powers (the same problem in other coordinates)."""
    (X, X_test), (y, y_test), X_raw = sets["scaled"], sets["y"], sets["raw"][0]
    out = {"train": [], "test": [], "raw_train": [], "normal_eq_train": [], "weights": []}
    for d in degrees:
        w = exact_fit(X, y, d)
        normal = normal_equation(X, y, d)
        out["weights"].append(w.tolist())
        out["train"].append(mse(w, X, y))
        out["test"].append(mse(w, X_test, y_test))
        out["raw_train"].append(mse(exact_fit(X_raw, y, d), X_raw, y))
        out["normal_eq_train"].append(None if normal is None else finite_or_none(mse(normal, X, y)))
    return out


def data_size_sweep(
    seed: int, sizes, degrees, epochs: int, max_steps: int, n_features: int, lr: float
) -> dict:
    """Train/test MSE against the number n of training points (nested subsets of one draw),
    by SGD and exactly; SGD gets ``epochs`` epochs but at most ``max_steps`` iterations, so that
    the larger sets do not cost proportionally more."""
    data = make_polynomial(n_train=max(sizes), n_test=N_TEST, max_degree=n_features, random_state=seed)
    out = {"sizes": list(sizes), "degrees": list(degrees), "epochs": [], "sgd_train": [], "sgd_test": [],
           "exact_train": [], "exact_test": []}  # fmt: skip
    for n in sizes:
        X, y = data.X_train[:n], data.y_train[:n]
        n_epochs = max(1, min(epochs, max_steps // -(-n // 10)))
        run = train_bank((X, y, data.X_test, data.y_test), degrees, n_epochs, seed, lr=lr)
        out["epochs"].append(n_epochs)
        out["sgd_train"].append([finite_or_none(v) for v in run["train"][-1]])
        out["sgd_test"].append([finite_or_none(v) for v in run["test"][-1]])
        fits = [exact_fit(X, y, d) for d in degrees]
        out["exact_train"].append([mse(w, X, y) for w in fits])
        out["exact_test"].append([mse(w, data.X_test, data.y_test) for w in fits])
    return out


def noise_floor(seed: int, sets: dict, n_features: int, degree: int, n_points: int) -> dict:
    """The irreducible error: the true function's own test MSE, an exact fit of noise-free
    data, and a polynomial through the first ``n_points`` training points (degree n - 1)."""
    X_test, y_test = sets["scaled"][1], sets["y"][1]
    clean = make_polynomial(n_train=N_TRAIN, n_test=N_TEST, max_degree=n_features, noise=0.0, random_state=seed,
                            dtype=np.float64)  # fmt: skip
    w_clean = exact_fit(clean.X_train, clean.y_train, degree)
    X_few, y_few = sets["scaled"][0][:n_points], sets["y"][0][:n_points]
    w_few = exact_fit(X_few, y_few, n_points - 1)
    return {
        "true_function_test": mse(sets["true_w"].astype(np.float64), X_test, y_test),
        "noise_free_test": mse(w_clean, clean.X_test, clean.y_test),
        "interpolation_points": n_points,
        "interpolation_train": mse(w_few, X_few, y_few),
        "interpolation_test": mse(w_few, X_test, y_test),
    }


def expected_test_mse(weights: list, seed: int, n_features: int, draws: int = EXPECTATION_DRAWS) -> list:
    """Each model's expected test MSE on fresh data, σ² + E_x[(f̂(x) − f(x))²]: the noise variance
    exactly, the model's squared error against the true function estimated on ``draws`` fresh
    noise-free x (no test-set noise, so no model can come out below σ² by chance)."""
    fresh = make_polynomial(n_train=1, n_test=draws, max_degree=n_features, noise=0.0, random_state=seed + 7919,
                            dtype=np.float64)  # fmt: skip
    return [
        NOISE_VARIANCE + mse(np.asarray(w, dtype=np.float64), fresh.X_test, fresh.y_test) for w in weights
    ]


def _expected_test(exact_weights: list, sgd_weights: np.ndarray, seed: int) -> dict:
    values = [
        finite_or_none(v) for v in expected_test_mse([*exact_weights, *sgd_weights.T], seed, N_FEATURES)
    ]
    return {"exact": values[: len(exact_weights)], "sgd": values[len(exact_weights) :]}


def sgd_vs_exact(sgd_weights: np.ndarray, exact_weights: list, degrees, right: int) -> dict:
    """How far SGD's weights (an (F, K) matrix, one column per degree) end from the
    least-squares weights, per degree, and both weight vectors of the true degree."""
    distance, sgd_norm, exact_norm = [], [], []
    for k, d in enumerate(degrees):
        w_sgd, w_exact = sgd_weights[: d + 1, k], np.array(exact_weights[k])
        distance.append(float(np.linalg.norm(w_sgd - w_exact)))
        sgd_norm.append(float(np.linalg.norm(w_sgd)))
        exact_norm.append(float(np.linalg.norm(w_exact)))
    k = list(degrees).index(right)
    return {"distance": distance, "sgd_norm": sgd_norm, "exact_norm": exact_norm,
            "right_sgd": sgd_weights[: right + 1, k].tolist(), "right_exact": exact_weights[k]}  # fmt: skip


def _datasets(seed: int) -> dict:
    """The same x, y as d2l-scaled features, raw powers and standardized raw powers."""
    scaled = make_polynomial(n_train=N_TRAIN, n_test=N_TEST, max_degree=N_FEATURES, random_state=seed)
    raw = make_polynomial(
        n_train=N_TRAIN, n_test=N_TEST, max_degree=N_FEATURES, scale=False, random_state=seed
    )
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


def run(config, seed: int) -> dict:
    from neuronlab.lab.experiments.polynomial import SIZES

    s = config.sizes(SIZES)
    epochs = s["epochs"]
    sets = _datasets(seed)
    lockstep = _lockstep_sgd(sets, epochs, seed)
    exact = exact_sweep(sets, DEGREES)
    curves = {str(d): {"train": lockstep["scaled"]["train"][:, d - 1].tolist(),
                       "test": lockstep["scaled"]["test"][:, d - 1].tolist()} for d in (UNDER, RIGHT, OVER)}  # fmt: skip
    return {
        "degrees": DEGREES, "epochs": epochs, "lr": LR, "true_w": sets["true_w"][: RIGHT + 1].tolist(),
        "sgd": _final(lockstep["scaled"]), "curves": curves, "exact": exact,
        "sgd_vs_exact": sgd_vs_exact(lockstep["scaled"]["weights"], exact["weights"], DEGREES, RIGHT),
        "data_size": data_size_sweep(seed, s["data_sizes"], [UNDER, RIGHT, OVER], epochs, s["data_size_steps"], N_FEATURES, LR),
        "scaling": _scaling(sets, lockstep, epochs, seed),
        "noise": noise_floor(seed, sets, N_FEATURES, RIGHT, N_INTERPOLATE),
        "expected_test": _expected_test(exact["weights"], lockstep["scaled"]["weights"], seed),
        "baseline_test": float(np.mean((sets["y"][1].astype(np.float64) - sets["y"][0].mean()) ** 2)),
    }  # fmt: skip

"""Measurements for the ``metrics`` experiment: a trivial majority classifier and a trained one
on imbalanced data, precision and recall over the decision threshold, averaged F1 scores on
imbalanced digits, and MSE / MAE / R² of two regression predictors."""

from __future__ import annotations

import numpy as np

import neuronlab
import neuronlab.metrics as M
import neuronlab.nn.functional as F
from neuronlab import nn, optim
from neuronlab.datasets import load_digits, make_moons, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.train import Trainer


def imbalanced_moons(seed: int, n: int, minority_share: float) -> tuple:
    """Two moons (noise 0.3) with class 1 cut to ``minority_share`` of ``n`` points; 70/30 split."""
    rng = np.random.default_rng(seed)
    X, y = make_moons(2 * n, noise=0.3, random_state=seed)
    n_minority = max(1, int(round(minority_share * n)))
    keep = np.concatenate([rng.choice(np.flatnonzero(y == 0), n - n_minority, replace=False),
                           rng.choice(np.flatnonzero(y == 1), n_minority, replace=False)])  # fmt: skip
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X[keep], y[keep], 0, 0.3, random_state=seed)
    return X_tr, y_tr, X_te, y_te


def scores(y_true: np.ndarray, y_pred: np.ndarray, minority: int) -> dict:
    """Accuracy, the minority class's precision/recall/F1, and macro/micro/weighted F1."""
    f1 = {
        avg: M.f1_score(y_true, y_pred, average=avg, zero_division=0.0)
        for avg in ("macro", "micro", "weighted")
    }
    per_class = M.precision_recall_fscore_support(y_true, y_pred, labels=[minority], zero_division=0.0)
    return {"accuracy": float(M.accuracy_score(y_true, y_pred)), "precision": float(per_class[0][0]),
            "recall": float(per_class[1][0]), "f1": float(per_class[2][0]),
            **{f"f1_{avg}": float(v) for avg, v in f1.items()}}  # fmt: skip


def majority(y_train: np.ndarray, n: int) -> np.ndarray:
    """The trivial classifier: the training set's most frequent class for every sample."""
    return np.full(n, np.bincount(y_train).argmax())


def train_mlp(X: np.ndarray, y: np.ndarray, seed: int, epochs: int, hidden: int = 16, batch_size=None):
    """A one-hidden-layer ReLU network trained with cross-entropy (Adam, lr 1e-2)."""
    manual_seed(seed)
    model = nn.Sequential(nn.Linear(X.shape[1], hidden), nn.ReLU(), nn.Linear(hidden, int(y.max()) + 1))
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-2), nn.CrossEntropyLoss(), progress=False)
    trainer.fit((X, y), epochs=epochs, batch_size=batch_size)
    return model


def probabilities(model, X: np.ndarray) -> np.ndarray:
    """Softmax class probabilities of a trained model, as a NumPy array."""
    with neuronlab.no_grad():
        return F.softmax(model(neuronlab.tensor(X)), dim=1).numpy().astype(np.float64)


def imbalance_sweep(seed: int, shares: list[float], n: int, epochs: int) -> tuple[dict, dict]:
    """Trivial and trained classifiers as the minority share falls (full-batch training).
    Also returns, per share, the test labels and the trained model's minority probabilities."""
    out = {"shares": shares, "trivial": [], "trained": [], "test_minority": []}
    fits = {}
    for share in shares:
        X_tr, y_tr, X_te, y_te = imbalanced_moons(seed, n, share)
        p = probabilities(train_mlp(X_tr, y_tr, seed, epochs), X_te)[:, 1]
        out["trivial"].append(scores(y_te, majority(y_tr, len(y_te)), minority=1))
        out["trained"].append(scores(y_te, (p >= 0.5).astype(np.int64), minority=1))
        out["test_minority"].append(int(y_te.sum()))
        fits[share] = (y_tr, y_te, p)
    return out, fits


def threshold_sweep(y_tr: np.ndarray, y_te: np.ndarray, p: np.ndarray) -> dict:
    """Precision, recall and F1 of the minority class over the decision threshold on p, confusion
    matrices (trivial, trained at 0.5, trained at the best-F1 threshold) and average precision."""
    thresholds = np.linspace(0.01, 0.99, 99)
    curve = {"precision": [], "recall": [], "f1": []}
    for t in thresholds:
        predicted = (p >= t).astype(np.int64)
        curve["precision"].append(float(M.precision_score(y_te, predicted, zero_division=1.0)))
        curve["recall"].append(float(M.recall_score(y_te, predicted, zero_division=0.0)))
        curve["f1"].append(float(M.f1_score(y_te, predicted, zero_division=0.0)))
    best = float(thresholds[int(np.argmax(curve["f1"]))])
    at_half, at_best = (p >= 0.5).astype(np.int64), (p >= best).astype(np.int64)
    confusion = {"trivial": M.confusion_matrix(y_te, majority(y_tr, len(y_te)), labels=[0, 1]),
                 "trained_0.5": M.confusion_matrix(y_te, at_half, labels=[0, 1]),
                 "trained_best": M.confusion_matrix(y_te, at_best, labels=[0, 1])}  # fmt: skip
    return {"thresholds": thresholds.tolist(), **curve, "best_threshold": best,
            "at_half": scores(y_te, at_half, 1), "at_best": scores(y_te, at_best, 1),
            "average_precision": average_precision(y_te, p), "minority_share_test": float(y_te.mean()),
            "confusion": {k: v.tolist() for k, v in confusion.items()}}  # fmt: skip


def average_precision(y_true: np.ndarray, score: np.ndarray) -> float:
    """AP = Σ_k (R_k − R_{k−1}) P_k over the thresholds at each distinct score, highest first
    (scikit-learn's definition): the area under the step-wise precision-recall curve."""
    order = np.argsort(-score, kind="stable")
    ranked, hits = score[order], y_true[order]
    true_positives = np.cumsum(hits)
    ends = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])  # last sample of each tie group
    precision = true_positives[ends] / (ends + 1)
    recall = true_positives[ends] / true_positives[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def imbalanced_digits(seed: int) -> tuple:
    """The 8×8 digits with class k kept at a share 1 − 0.09k (class 0 whole, class 9 at 19%);
    stratified 70/30 split."""
    rng = np.random.default_rng(seed)
    X, y = load_digits()
    keep = np.concatenate([rng.choice(np.flatnonzero(y == k), int(round((1 - 0.09 * k) * np.sum(y == k))),
                                      replace=False) for k in range(10)])  # fmt: skip
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X[keep], y[keep], 0, 0.3, random_state=seed)
    return X_tr, y_tr, X_te, y_te


def multiclass_averages(seed: int, epochs: int) -> dict:
    """Per-class F1 and its macro / micro / weighted averages, trivial and trained, on imbalanced digits."""
    X_tr, y_tr, X_te, y_te = imbalanced_digits(seed)
    predicted = probabilities(train_mlp(X_tr, y_tr, seed, epochs, hidden=32, batch_size=64), X_te).argmax(1)
    trivial = majority(y_tr, len(y_te))
    per_class = M.f1_score(y_te, predicted, average=None, labels=list(range(10)), zero_division=0.0)
    return {"support": np.bincount(y_te, minlength=10).tolist(), "per_class_f1": per_class.tolist(),
            "trained": scores(y_te, predicted, minority=9), "trivial": scores(y_te, trivial, minority=9)}  # fmt: skip


def regression_metrics(seed: int, n: int = 1000) -> dict:
    """Two predictors of the same targets with equal MAE: A makes many small Gaussian errors, B is
    exact on 90% of the points and far off on 10%. MSE, MAE, R² (neuronlab.metrics) against the
    formulas, and the exact-match 'accuracy' of a regressor."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, n)
    y = 3 * np.sin(x) + x
    error_a = rng.standard_normal(n)
    error_b = np.zeros(n)
    far = rng.choice(n, n // 10, replace=False)
    error_b[far] = rng.choice([-1.0, 1.0], len(far)) * np.abs(error_a).mean() * n / len(far)
    out = {}
    for name, error in (("gaussian_errors", error_a), ("rare_large_errors", error_b)):
        prediction = y + error
        out[name] = {"mse": M.mean_squared_error(y, prediction), "mae": M.mean_absolute_error(y, prediction),
                     "r2": M.r2_score(y, prediction), "exact_match": float(np.mean(prediction == y)),
                     "errors": error.tolist()}  # fmt: skip
        formulas = (
            np.mean(error**2),
            np.mean(np.abs(error)),
            1 - np.sum(error**2) / np.sum((y - y.mean()) ** 2),
        )
        out[name]["max_formula_error"] = float(
            max(abs(a - b) for a, b in zip(formulas, (out[name][k] for k in ("mse", "mae", "r2"))))
        )
    return out

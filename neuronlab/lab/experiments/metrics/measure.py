"""metrics' measurements: a majority-class baseline and a trained network on imbalanced data,
the decision threshold chosen on validation data, averaged F1 on imbalanced digits, MSE / MAE of
two regression predictors, and every score checked against scikit-learn's."""

from __future__ import annotations

import numpy as np

import neuronlab
import neuronlab.metrics as M
import neuronlab.nn.functional as F
from neuronlab import nn, optim
from neuronlab.datasets import load_digits, make_moons, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.references import digits_reference
from neuronlab.train import Trainer

THRESHOLD_SHARE = 0.05  # the minority share at which the decision threshold is tuned
AVERAGES = ("macro", "micro", "weighted")
DIGITS_STEP = 0.105  # class k of the digits keeps 1 − 0.105k of its images


def imbalanced_moons(seed: int, n: int, minority_share: float) -> tuple:
    """Two moons (noise 0.3), ``n`` points with class 1 cut to ``minority_share``; a stratified
    60/20/20 train/validation/test split."""
    rng = np.random.default_rng(seed)
    X, y = make_moons(2 * n, noise=0.3, random_state=seed)
    n_minority = max(3, int(round(minority_share * n)))
    keep = np.concatenate([rng.choice(np.flatnonzero(y == 0), n - n_minority, replace=False),
                           rng.choice(np.flatnonzero(y == 1), n_minority, replace=False)])  # fmt: skip
    return train_val_test_split(X[keep], y[keep], 0.2, 0.2, random_state=seed)


def scores(y_true: np.ndarray, y_pred: np.ndarray, minority: int) -> dict:
    """Accuracy, the minority class's precision / recall / F1, and macro / micro / weighted F1."""
    p, r, f, _ = M.precision_recall_fscore_support(y_true, y_pred, labels=[minority], zero_division=0.0)
    out = {"accuracy": float(M.accuracy_score(y_true, y_pred)), "precision": float(p[0]), "recall": float(r[0]),
           "f1": float(f[0])}  # fmt: skip
    for avg in AVERAGES:
        out[f"f1_{avg}"] = float(M.f1_score(y_true, y_pred, average=avg, zero_division=0.0))
    return out


def sklearn_scores(y_true: np.ndarray, y_pred: np.ndarray, minority: int) -> dict:
    """The same scores computed by scikit-learn (the reference the lab compares with)."""
    from sklearn import metrics as S

    p, r, f, _ = S.precision_recall_fscore_support(y_true, y_pred, labels=[minority], zero_division=0.0)
    out = {"accuracy": S.accuracy_score(y_true, y_pred), "precision": p[0], "recall": r[0], "f1": f[0]}
    for avg in AVERAGES:
        out[f"f1_{avg}"] = S.f1_score(y_true, y_pred, average=avg, zero_division=0.0)
    return {k: float(v) for k, v in out.items()}


def largest_difference(a: dict, b: dict) -> float:
    """max |a[k] − b[k]| over the keys of ``a``."""
    return float(max(abs(a[k] - b[k]) for k in a))


def majority(y_train: np.ndarray, n: int) -> np.ndarray:
    """The trivial classifier: the training set's most frequent class for every sample."""
    return np.full(n, np.bincount(y_train).argmax())


def train_mlp(X: np.ndarray, y: np.ndarray, seed: int, epochs: int, hidden: int, batch_size=None):
    """A one-hidden-layer ReLU network trained on cross-entropy with Adam (lr 1e-2)."""
    manual_seed(seed)
    model = nn.Sequential(nn.Linear(X.shape[1], hidden), nn.ReLU(), nn.Linear(hidden, int(y.max()) + 1))
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-2), nn.CrossEntropyLoss(), progress=False)
    trainer.fit((X, y), epochs=epochs, batch_size=batch_size)
    return model


def probabilities(model, X: np.ndarray) -> np.ndarray:
    """Softmax class probabilities of a trained model."""
    with neuronlab.no_grad():
        return F.softmax(model(neuronlab.tensor(X)), dim=1).numpy().astype(np.float64)


def best_f1_threshold(y: np.ndarray, p: np.ndarray, thresholds: np.ndarray) -> tuple[float, list[float]]:
    """The threshold on P(minority) with the highest minority F1 on (y, p), and the F1 curve."""
    curve = [float(M.f1_score(y, (p >= t).astype(np.int64), zero_division=0.0)) for t in thresholds]
    return float(thresholds[int(np.argmax(curve))]), curve


def moons_share(seed: int, n: int, share: float, epochs: int) -> dict:
    """The baseline and the trained network at one minority share (threshold 0.5), and the
    validation-chosen threshold with its test scores."""
    X_tr, X_va, X_te, y_tr, y_va, y_te = imbalanced_moons(seed, n, share)
    model = train_mlp(X_tr, y_tr, seed, epochs, hidden=16)
    p_va, p_te = probabilities(model, X_va)[:, 1], probabilities(model, X_te)[:, 1]
    thresholds = np.linspace(0.02, 0.98, 49)
    chosen, val_curve = best_f1_threshold(y_va, p_va, thresholds)
    predictions = {"trivial": majority(y_tr, len(y_te)), "trained": (p_te >= 0.5).astype(np.int64),
                   "trained_tuned": (p_te >= chosen).astype(np.int64)}  # fmt: skip
    out = {name: scores(y_te, pred, 1) for name, pred in predictions.items()}
    out["sklearn_gap"] = max(
        largest_difference(out[k], sklearn_scores(y_te, pred, 1)) for k, pred in predictions.items()
    )
    out.update(share=share, test_minority=int(y_te.sum()), test_size=len(y_te), threshold=chosen,
               thresholds=thresholds.tolist(), val_f1_curve=val_curve,
               confusion=M.confusion_matrix(y_te, predictions["trained"], labels=[0, 1]).tolist())  # fmt: skip
    return out


def imbalanced_digits(seed: int) -> tuple:
    """The 8×8 digits with class k kept at a share 1 − 0.105k (class 0 whole, class 9 at 5.5%, about
    10 images); a stratified 70/30 split."""
    rng = np.random.default_rng(seed)
    X, y = load_digits()
    keep = np.concatenate([rng.choice(np.flatnonzero(y == k), int(round((1 - DIGITS_STEP * k) * np.sum(y == k))),
                                      replace=False) for k in range(10)])  # fmt: skip
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X[keep], y[keep], 0, 0.3, random_state=seed)
    return X_tr, y_tr, X_te, y_te


def multiclass(seed: int, epochs: int) -> dict:
    """Per-class F1 and its averages, trivial and trained, on the imbalanced digits."""
    X_tr, y_tr, X_te, y_te = imbalanced_digits(seed)
    trained = probabilities(train_mlp(X_tr, y_tr, seed, epochs, hidden=32, batch_size=64), X_te).argmax(1)
    trivial = majority(y_tr, len(y_te))
    per_class = M.f1_score(y_te, trained, average=None, labels=list(range(10)), zero_division=0.0)
    gap = max(
        largest_difference(scores(y_te, pred, 9), sklearn_scores(y_te, pred, 9))
        for pred in (trained, trivial)
    )
    return {"support": np.bincount(y_te, minlength=10).tolist(), "per_class_f1": per_class.tolist(),
            "trained": scores(y_te, trained, 9), "trivial": scores(y_te, trivial, 9), "sklearn_gap": gap}  # fmt: skip


def regression(seed: int, n: int = 1000) -> dict:
    """Two predictors of y = 3 sin x + x with the same mean absolute error: A makes N(0, 1) errors
    everywhere, B is exact on 90% of the points and far off on 10%. MSE, MAE and R² by
    neuronlab.metrics, and their largest difference from scikit-learn's."""
    from sklearn import metrics as S

    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, n)
    y = 3 * np.sin(x) + x
    error_a = rng.standard_normal(n)
    error_b = np.zeros(n)
    far = rng.choice(n, n // 10, replace=False)
    error_b[far] = rng.choice([-1.0, 1.0], len(far)) * np.abs(error_a).sum() / len(far)
    out = {}
    for name, error in (("gaussian_errors", error_a), ("rare_large_errors", error_b)):
        pred = y + error
        ours = {
            "mse": M.mean_squared_error(y, pred),
            "mae": M.mean_absolute_error(y, pred),
            "r2": M.r2_score(y, pred),
        }
        theirs = {
            "mse": S.mean_squared_error(y, pred),
            "mae": S.mean_absolute_error(y, pred),
            "r2": S.r2_score(y, pred),
        }
        out[name] = {**{k: float(v) for k, v in ours.items()}, "sklearn_gap": largest_difference(ours, theirs),
                     "errors": error.tolist()}  # fmt: skip
    return out


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.metrics import SIZES

    s = config.sizes(SIZES)
    shares = sorted(set(s["shares"]) | {THRESHOLD_SHARE}, reverse=True)
    moons = [moons_share(seed, s["n_points"], share, s["epochs"]) for share in shares]
    return {"moons": moons, "digits": multiclass(seed, s["digits_epochs"]), "regression": regression(seed),
            "reference": digits_reference(seed, s["reference_epochs"])}  # fmt: skip


def at_share(results: dict, share: float) -> dict:
    """The moons measurements at one minority share."""
    return next(m for m in results["moons"] if m["share"] == share)

"""losses' fits: a line under each regression loss with outliers, a linear classifier under the
hinge loss (which points still get a gradient), and focal loss against cross-entropy on imbalanced
data, each loss at its own learning rate tuned on a validation split."""

from __future__ import annotations

import numpy as np

import neuronlab
import neuronlab.metrics as M
import neuronlab.nn.functional as F
from neuronlab import nn, optim
from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiments.losses.formulas import t64
from neuronlab.lab.tuning import tune
from neuronlab.optim.lr_scheduler import CosineAnnealingLR
from neuronlab.train import Trainer

OUTLIER_FRACTION = 0.2
IMBALANCE_LOSSES = {"cross_entropy": lambda: nn.CrossEntropyLoss(), "focal": lambda: nn.FocalLoss(gamma=2.0)}
LR_GRID = [3e-3, 1e-2, 3e-2]


def outlier_data(rng: np.random.Generator, fraction: float, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """y = 2x + 1 + N(0, 0.2²) on x ∈ [0, 1]; a ``fraction`` of all points, taken among those with
    x > 0.5, moved 8 units down (outliers with leverage on the slope)."""
    x = rng.uniform(0, 1, n)
    y = 2 * x + 1 + 0.2 * rng.standard_normal(n)
    y[rng.choice(np.flatnonzero(x > 0.5), int(round(fraction * n)), replace=False)] -= 8
    return x, y


def fit_line(x: np.ndarray, y: np.ndarray, loss, steps: int) -> np.ndarray:
    """(slope, intercept) minimizing ``loss`` by full-batch Adam (lr 0.1, cosine-annealed)."""
    w = neuronlab.zeros(2, dtype=neuronlab.float64, requires_grad=True)
    X, Y = t64(np.stack([x, np.ones_like(x)], 1)), t64(y)
    opt = optim.Adam([w], lr=0.1)
    schedule = CosineAnnealingLR(opt, steps)
    for _ in range(steps):
        opt.zero_grad()
        loss(X @ w, Y).backward()
        opt.step()
        schedule.step()
    return w.detach().numpy()


def robust_regression(rng: np.random.Generator, steps: int) -> dict:
    """|slope − 2| of MSE, MAE and Huber line fits with outliers; the MSE fit against least squares."""
    x, y = outlier_data(rng, OUTLIER_FRACTION)
    losses = {"mse": F.mse_loss, "mae": F.l1_loss, "huber": F.huber_loss}
    slopes = {name: float(fit_line(x, y, loss, steps)[0]) for name, loss in losses.items()}
    return {"slope": slopes, "slope_error": {k: abs(v - 2.0) for k, v in slopes.items()},
            "mse_vs_least_squares": abs(slopes["mse"] - np.polyfit(x, y, 1)[0])}  # fmt: skip


def hinge_classifier(seed: int, steps: int) -> dict:
    """A linear classifier on the course's shifted (separable) double moon (drawn by the seed)
    trained with the hinge loss: which points still get a gradient at the end."""
    X, y = make_moons(400, noise=0.1, random_state=seed, shift=SEED_MOONS_SHIFT)
    X, signs = t64(X), t64(2.0 * y - 1)
    w = neuronlab.zeros(3, dtype=neuronlab.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        F.hinge_loss(X @ w[:2] + w[2], signs).backward()
        opt.step()
    margins = (signs * (X @ w[:2] + w[2])).detach().numpy()
    correct, active = margins > 0, margins < 1  # hinge max(0, 1 − m) has a gradient wherever m < 1
    return {"accuracy": float(correct.mean()), "active_share": float(active.mean()),
            "correct_among_active": float((correct & active).sum() / max(active.sum(), 1)),
            "margins": np.sort(margins)[:50].tolist()}  # fmt: skip


def imbalanced_moons(seed: int, n_majority: int, minority_share: float = 0.05):
    """Two moons (noise 0.3) keeping every class-0 point and enough class-1 points for a
    ``minority_share`` of the data; stratified 60/20/20 train/validation/test."""
    rng = np.random.default_rng(seed)
    X, y = make_moons(2 * n_majority, noise=0.3, random_state=seed)
    n_minority = int(round(minority_share / (1 - minority_share) * n_majority))
    keep = np.concatenate(
        [np.flatnonzero(y == 0), rng.choice(np.flatnonzero(y == 1), n_minority, replace=False)]
    )
    return train_val_test_split(X[keep], y[keep], val_size=0.2, test_size=0.2, random_state=seed)


def _scores(model, X: np.ndarray, y: np.ndarray) -> dict:
    with neuronlab.no_grad():
        predicted = model(neuronlab.tensor(X)).numpy().argmax(1)
    return {"accuracy": float(M.accuracy_score(y, predicted)),
            "recall": float(M.recall_score(y, predicted)), "f1": float(M.f1_score(y, predicted, zero_division=0.0))}  # fmt: skip


def focal_vs_cross_entropy(seed: int, n_majority: int, epochs: int) -> dict:
    """A 2-16-16-2 ReLU network on 95/5 moons with each loss (Adam, batch 128, ``epochs``), its
    learning rate tuned on the validation minority-class F1; scores on the test split."""
    X_tr, X_val, X_te, y_tr, y_val, y_te = imbalanced_moons(seed, n_majority)
    out = {}
    for name, make_loss in IMBALANCE_LOSSES.items():
        trained = {}

        def validation_f1(lr: float, make_loss=make_loss, trained=trained) -> float:
            manual_seed(seed)
            model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2))
            Trainer(model, optim.Adam(model.parameters(), lr=lr), make_loss(), progress=False).fit(
                (X_tr, y_tr), epochs=epochs, batch_size=128)  # fmt: skip
            trained[lr] = model
            return _scores(model, X_val, y_val)["f1"]

        tuning = tune(validation_f1, LR_GRID)
        out[name] = {"lr": tuning["best"], "lr_interior": tuning["interior"], "lr_grid": tuning["grid"],
                     "val_f1_by_lr": tuning["scores"], **_scores(trained[tuning["best"]], X_te, y_te)}  # fmt: skip
    out["test_minority"], out["test_size"] = int(y_te.sum()), int(len(y_te))
    return out

"""Measurements for the ``losses`` experiment: each loss and its gradient along the residual or
the margin (by autograd, checked against the formula), robust line fits with outliers, focal
loss against cross-entropy on imbalanced data, hinge against logistic loss, and KL against
cross-entropy."""

from __future__ import annotations

import numpy as np

import neuronlab
import neuronlab.metrics as M
import neuronlab.nn.functional as F
from neuronlab import nn, optim
from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.optim.lr_scheduler import CosineAnnealingLR
from neuronlab.train import Trainer


def _t(array, requires_grad: bool = False):
    return neuronlab.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free σ(z)


# Regression losses of the residual r = prediction − target: (library call, closed form).
REGRESSION = {
    "mse": (lambda p, t: F.mse_loss(p, t, reduction="none"), lambda r: r**2),
    "mae": (lambda p, t: F.l1_loss(p, t, reduction="none"), np.abs),
    "huber": (lambda p, t: F.huber_loss(p, t, reduction="none", delta=1.0),
              lambda r: np.where(np.abs(r) <= 1, 0.5 * r**2, np.abs(r) - 0.5)),
}  # fmt: skip

# Binary losses of the logit z for label y = 1 (so z is the margin y·z): (library call, closed form).
BINARY = {
    "bce": (lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="none"),
            lambda m: np.logaddexp(0, -m)),
    "hinge": (lambda z, y: F.hinge_loss(z, y, reduction="none"), lambda m: np.maximum(0, 1 - m)),
    "focal": (lambda z, y: F.sigmoid_focal_loss(z, y, alpha=None, gamma=2.0),
              lambda m: (1 - _sigmoid(m)) ** 2 * np.logaddexp(0, -m)),
    "mse_on_probability": (lambda z, y: F.mse_loss(F.sigmoid(z), y, reduction="none"),
                           lambda m: (1 - _sigmoid(m)) ** 2),
}  # fmt: skip


def _curve(loss, formula, x: np.ndarray, target: np.ndarray) -> dict:
    """Value and derivative (autograd) of an elementwise loss along ``x``, and the largest
    difference from the closed form."""
    t = _t(x, requires_grad=True)
    value = loss(t, _t(target))
    value.sum().backward()
    v = value.detach().numpy()
    return {"value": v.tolist(), "gradient": t.grad.numpy().tolist(),
            "max_formula_error": float(np.abs(v - formula(x)).max())}  # fmt: skip


def regression_curves(r: np.ndarray) -> dict:
    """MSE, MAE and Huber (δ = 1) as functions of the residual r (target 0, prediction r)."""
    return {name: _curve(loss, formula, r, np.zeros_like(r)) for name, (loss, formula) in REGRESSION.items()}


def margin_curves(m: np.ndarray) -> dict:
    """Logistic (BCE), hinge, focal (γ = 2) and MSE-on-σ losses as functions of the margin."""
    return {name: _curve(loss, formula, m, np.ones_like(m)) for name, (loss, formula) in BINARY.items()}


def kl_and_cross_entropy(seed: int) -> dict:
    """KL(p‖q) and CE(p, q) for soft targets p and softmax q: CE − KL = H(p), equal gradients;
    the categorical (multinomial) NLL −ln q_y equals cross-entropy; formulas of 002 q4."""
    rng = np.random.default_rng(seed)
    logits = _t(rng.standard_normal((64, 5)) * 2, requires_grad=True)
    p = rng.dirichlet(np.ones(5), size=64)
    labels = neuronlab.tensor(rng.integers(0, 5, 64))
    ce = F.cross_entropy(logits, _t(p), reduction="sum")
    (grad_ce,) = neuronlab.autograd.grad(ce, logits)
    kl = F.kl_div(F.log_softmax(logits, dim=1), _t(p), reduction="sum")
    (grad_kl,) = neuronlab.autograd.grad(kl, logits)
    entropy = float(-(p * np.log(p)).sum())
    q = np.exp(F.log_softmax(logits, dim=1).detach().numpy())
    ce_formula = float(-(p * np.log(q)).sum())
    nll = F.nll_loss(F.log_softmax(logits, dim=1), labels, reduction="sum").item()
    hard = F.cross_entropy(logits, labels, reduction="sum").item()
    y01, p1 = rng.integers(0, 2, 64).astype(np.float64), rng.uniform(0.01, 0.99, 64)
    bce = F.binary_cross_entropy(_t(p1), _t(y01), reduction="sum").item()
    return {
        "ce_minus_kl_minus_entropy": abs(float(ce.item()) - float(kl.item()) - entropy),
        "max_gradient_difference": float(np.abs(grad_ce.numpy() - grad_kl.numpy()).max()),
        "ce_formula_error": abs(float(ce.item()) - ce_formula),
        "nll_minus_ce": abs(nll - hard),
        "bce_formula_error": abs(bce - float(-(y01 * np.log(p1) + (1 - y01) * np.log(1 - p1)).sum())),
    }


def kl_curve(q: np.ndarray, p: float = 0.7) -> dict:
    """KL(p‖q) and CE(p, q) for two-class distributions (p, 1 − p) and (q, 1 − q)."""
    target = _t(np.tile([p, 1 - p], (len(q), 1)))
    log_q = _t(np.log(np.stack([q, 1 - q], 1)))
    kl = F.kl_div(log_q, target, reduction="none").sum(1).numpy()
    ce = -(target * log_q).sum(1).numpy()
    return {"q": q.tolist(), "p": p, "kl": kl.tolist(), "ce": ce.tolist()}


def outlier_data(seed: int, fraction: float, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """y = 2x + 1 + N(0, 0.2²) on x ∈ [0, 1]; a ``fraction`` of the points with x > 0.5 are moved
    8 units down (outliers with leverage on the slope)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, n)
    y = 2 * x + 1 + 0.2 * rng.standard_normal(n)
    moved = rng.choice(np.flatnonzero(x > 0.5), int(round(fraction * n)), replace=False)
    y[moved] -= 8
    return x, y


def fit_line(x: np.ndarray, y: np.ndarray, loss, steps: int) -> np.ndarray:
    """(slope, intercept) minimizing ``loss`` by full-batch Adam (lr 0.1, cosine-annealed)."""
    w = neuronlab.zeros(2, dtype=neuronlab.float64, requires_grad=True)
    X, Y = _t(np.stack([x, np.ones_like(x)], 1)), _t(y)
    opt = optim.Adam([w], lr=0.1)
    schedule = CosineAnnealingLR(opt, steps)
    for _ in range(steps):
        opt.zero_grad()
        loss(X @ w, Y).backward()
        opt.step()
        schedule.step()
    return w.detach().numpy()


def robust_regression(seed: int, fractions: list[float], steps: int) -> dict:
    """Slope error |ŵ − 2| of MSE, MAE and Huber line fits as the outlier fraction grows."""
    losses = {"mse": F.mse_loss, "mae": F.l1_loss, "huber": F.huber_loss}
    out = {"fractions": fractions, **{name: {"slope": [], "intercept": []} for name in losses}}
    out["least_squares_gap"] = 0.0
    for fraction in fractions:
        x, y = outlier_data(seed, fraction)
        for name, loss in losses.items():
            slope, intercept = fit_line(x, y, loss, steps)
            out[name]["slope"].append(float(slope))
            out[name]["intercept"].append(float(intercept))
        exact = np.polyfit(x, y, 1)  # closed-form least squares: checks that the MSE fit converged
        out["least_squares_gap"] = max(out["least_squares_gap"], abs(out["mse"]["slope"][-1] - exact[0]))
    for name in losses:
        out[name]["slope_error"] = [abs(s - 2.0) for s in out[name]["slope"]]
    x, y = outlier_data(seed, fractions[-1])
    out["example"] = {"x": x.tolist(), "y": y.tolist()}
    return out


def imbalanced_moons(seed: int, n_majority: int, minority_share: float = 0.05) -> tuple:
    """Two moons (noise 0.3) keeping every class-0 point and enough class-1 points for a
    ``minority_share`` of the data; stratified 70/30 split."""
    rng = np.random.default_rng(seed)
    X, y = make_moons(2 * n_majority, noise=0.3, random_state=seed)
    n_minority = int(round(minority_share / (1 - minority_share) * n_majority))
    keep = np.concatenate(
        [np.flatnonzero(y == 0), rng.choice(np.flatnonzero(y == 1), n_minority, replace=False)]
    )
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X[keep], y[keep], 0, 0.3, random_state=seed)
    return X_tr, y_tr, X_te, y_te


IMBALANCE_LOSSES = {
    "cross_entropy": lambda: nn.CrossEntropyLoss(),
    "focal_g2": lambda: nn.FocalLoss(gamma=2.0),
    "focal_g2_alpha": lambda: nn.FocalLoss(gamma=2.0, alpha=neuronlab.tensor([0.25, 0.75])),
}


def _minority_scores(model, X: np.ndarray, y: np.ndarray) -> dict:
    with neuronlab.no_grad():
        predicted = model(neuronlab.tensor(X)).numpy().argmax(1)
    return {"accuracy": M.accuracy_score(y, predicted),
            "precision": M.precision_score(y, predicted, zero_division=0.0),
            "recall": M.recall_score(y, predicted), "f1": M.f1_score(y, predicted, zero_division=0.0)}  # fmt: skip


def focal_vs_cross_entropy(seed: int, repeats: int, n_majority: int, epochs: int) -> dict:
    """A 2-16-16-2 ReLU network on 95/5 moons with each loss (Adam 1e-2, batch 128), over
    ``repeats`` data sets and initializations; minority-class scores on the test split."""
    out = {name: {k: [] for k in ("accuracy", "precision", "recall", "f1")} for name in IMBALANCE_LOSSES}
    for r in range(repeats):
        X_tr, y_tr, X_te, y_te = imbalanced_moons(seed + r, n_majority)
        for name, make_loss in IMBALANCE_LOSSES.items():
            manual_seed(seed + r)
            model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2))
            trainer = Trainer(model, optim.Adam(model.parameters(), lr=1e-2), make_loss(), progress=False)
            trainer.fit((X_tr, y_tr), epochs=epochs, batch_size=128)
            for key, value in _minority_scores(model, X_te, y_te).items():
                out[name][key].append(float(value))
    for scores in out.values():
        scores.update({f"mean_{k}": float(np.mean(v)) for k, v in list(scores.items())})
    out["test_minority"] = int(y_te.sum())
    out["test_size"] = len(y_te)
    return out


def hinge_vs_logistic(seed: int, steps: int) -> dict:
    """A linear classifier on the course's shifted (separable) double moon with hinge and with
    logistic loss: accuracy and the share of points that still get a gradient."""
    X, y = make_moons(400, noise=0.1, random_state=seed, shift=SEED_MOONS_SHIFT)
    X, signs = _t(X), _t(2.0 * y - 1)
    out = {}
    for name, loss in (("hinge", F.hinge_loss), ("logistic", F.soft_margin_loss)):
        w = neuronlab.zeros(3, dtype=neuronlab.float64, requires_grad=True)
        opt = optim.Adam([w], lr=0.05)
        for _ in range(steps):
            opt.zero_grad()
            loss(X @ w[:2] + w[2], signs).backward()
            opt.step()
        margins = (signs * (X @ w[:2] + w[2])).detach().numpy()
        active = margins < 1 if name == "hinge" else np.ones_like(margins, dtype=bool)
        out[name] = {"accuracy": float((margins > 0).mean()), "gradient_share": float(active.mean()),
                     "min_margin": float(margins.min())}  # fmt: skip
    return out

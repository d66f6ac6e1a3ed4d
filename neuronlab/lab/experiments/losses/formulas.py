"""losses' checks of the loss functions themselves: each loss and its gradient along the residual
or the margin (autograd, checked against the closed form), the formulas of 002 q.4 on random data,
and KL against cross-entropy and the multinomial negative log-likelihood."""

from __future__ import annotations

import numpy as np

import neuronlab
import neuronlab.nn.functional as F


def t64(array, requires_grad: bool = False):
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
    "bce": (lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="none"), lambda m: np.logaddexp(0, -m)),
    "hinge": (lambda z, y: F.hinge_loss(z, y, reduction="none"), lambda m: np.maximum(0, 1 - m)),
    "focal": (lambda z, y: F.sigmoid_focal_loss(z, y, alpha=None, gamma=2.0),
              lambda m: (1 - _sigmoid(m)) ** 2 * np.logaddexp(0, -m)),
    "mse_on_probability": (lambda z, y: F.mse_loss(F.sigmoid(z), y, reduction="none"), lambda m: (1 - _sigmoid(m)) ** 2),
}  # fmt: skip


def _curve(loss, formula, x: np.ndarray, target: np.ndarray) -> dict:
    t = t64(x, requires_grad=True)
    value = loss(t, t64(target))
    value.sum().backward()
    v = value.detach().numpy()
    return {
        "value": v.tolist(),
        "gradient": t.grad.numpy().tolist(),
        "max_formula_error": float(np.abs(v - formula(x)).max()),
    }


def curves(residual: np.ndarray, margin: np.ndarray) -> dict:
    """Value and derivative of every loss along the residual (target 0) or the margin (label 1)."""
    out = {name: _curve(loss, f, residual, np.zeros_like(residual)) for name, (loss, f) in REGRESSION.items()}
    out.update({name: _curve(loss, f, margin, np.ones_like(margin)) for name, (loss, f) in BINARY.items()})
    return out


def gradient_at(loss: str, margin: float) -> float:
    """|d loss / d logit| at one margin (label 1)."""
    library, _ = BINARY[loss]
    z = t64([margin], requires_grad=True)
    library(z, t64([1.0])).sum().backward()
    return abs(float(z.grad.numpy()[0]))


def seed_formulas(rng: np.random.Generator, n: int = 64, classes: int = 5) -> dict:
    """002 q.4's formulas against the library on random data (relative differences):
    MSE = (1/n)Σ(y − ŷ)², BCE = −[y log ŷ + (1 − y) log(1 − ŷ)], CE = −Σ yᵢ log ŷᵢ (one-hot)."""
    y, y_hat = rng.normal(size=n), rng.normal(size=n)
    labels, p = rng.integers(0, 2, n).astype(np.float64), rng.uniform(0.01, 0.99, n)
    logits, k = rng.normal(scale=2.0, size=(n, classes)), rng.integers(0, classes, n)
    q = np.exp(logits - logits.max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)
    pairs = {
        "mse": (F.mse_loss(t64(y_hat), t64(y)).item(), np.mean((y - y_hat) ** 2)),
        "bce": (F.binary_cross_entropy(t64(p), t64(labels)).item(),
                np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))),
        "cross_entropy": (F.cross_entropy(t64(logits), neuronlab.tensor(k)).item(),
                          np.mean(-np.sum(np.eye(classes)[k] * np.log(q), axis=1))),
    }  # fmt: skip
    return {name: abs(lib - ref) / abs(ref) for name, (lib, ref) in pairs.items()}


def kl_and_cross_entropy(rng: np.random.Generator, n: int = 64, classes: int = 5) -> dict:
    """KL(p‖q) and CE(p, q) for soft targets p and softmax q: CE − KL = H(p) and equal gradients;
    the multinomial (categorical) negative log-likelihood −ln q_y against cross-entropy."""
    logits = t64(rng.standard_normal((n, classes)) * 2, requires_grad=True)
    p = rng.dirichlet(np.ones(classes), size=n)
    labels = neuronlab.tensor(rng.integers(0, classes, n))
    ce = F.cross_entropy(logits, t64(p), reduction="sum")
    (grad_ce,) = neuronlab.autograd.grad(ce, logits)
    kl = F.kl_div(F.log_softmax(logits, dim=1), t64(p), reduction="sum")
    (grad_kl,) = neuronlab.autograd.grad(kl, logits)
    entropy = float(-(p * np.log(p)).sum())
    nll = F.nll_loss(F.log_softmax(logits, dim=1), labels, reduction="sum").item()
    hard = F.cross_entropy(logits, labels, reduction="sum").item()
    return {"ce_minus_kl_minus_entropy": abs(ce.item() - kl.item() - entropy) / entropy,
            "max_gradient_difference": float(np.abs(grad_ce.numpy() - grad_kl.numpy()).max()),
            "multinomial_nll_vs_ce": abs(nll - hard) / hard}  # fmt: skip

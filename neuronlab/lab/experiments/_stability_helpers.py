"""Computations of the stability experiment: per-layer gradient norms of deep nets at
initialization, singular values of products of random matrices, symmetry, and recovering
from a diverging run."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.analysis import LayerStats
from neuronlab.datasets import load_digits, train_val_test_split
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import Generator, manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional import cross_entropy, mse_loss
from neuronlab.nn.utils import clip_grad_norm_
from neuronlab.train import DivergenceGuard, Trainer
from neuronlab.utils.data import DataLoader, TensorDataset

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
# (name, activation, init, architecture): the deep nets whose gradients are measured at initialization
GRADIENT_CONFIGS = (
    ("sigmoid, default init", "sigmoid", "default", "plain"),
    ("sigmoid, Xavier", "sigmoid", "xavier", "plain"),
    ("tanh, default init", "tanh", "default", "plain"),
    ("tanh, Xavier", "tanh", "xavier", "plain"),
    ("tanh, N(0, 1)", "tanh", "normal", "plain"),
    ("ReLU, default init", "relu", "default", "plain"),
    ("ReLU, Kaiming", "relu", "kaiming", "plain"),
    ("sigmoid + BatchNorm, default init", "sigmoid", "default", "batchnorm"),
    ("tanh residual, default init", "tanh", "default", "residual"),
)


def digits(seed: int) -> tuple[np.ndarray, ...]:
    """Digits (X/16) as X_train, y_train, X_test, y_test, stratified 80/20."""
    X, y = load_digits()
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X, y, val_size=0, test_size=0.2, random_state=seed)
    return X_tr, y_tr, X_te, y_te


def _init(linear: nn.Linear, activation: str, scheme: str) -> None:
    """PyTorch's default (kaiming_uniform with a = √5, i.e. U(±1/√fan_in)) or a named scheme."""
    if scheme == "default":
        return
    if scheme == "xavier":
        nn.init.xavier_normal_(linear.weight, gain=nn.init.calculate_gain(activation))
    elif scheme == "kaiming":
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
    else:
        nn.init.normal_(linear.weight, 0.0, 1.0)
    nn.init.zeros_(linear.bias)


def deep_net(activation: str, scheme: str, arch: str, depth: int, width: int, seed: int) -> nn.Sequential:
    """64 → ``depth`` hidden layers of ``width`` → 10; plain, with BatchNorm before each
    activation, or with each hidden layer h ← h + act(W h + b) as a residual block."""
    manual_seed(seed)
    act = ACTIVATIONS[activation]
    layers = [nn.Linear(64, width), act()]
    for _ in range(depth - 1):
        if arch == "residual":
            layers.append(nn.Residual(nn.Sequential(nn.Linear(width, width), act())))
        elif arch == "batchnorm":
            layers += [nn.Linear(width, width), nn.BatchNorm1d(width), act()]
        else:
            layers += [nn.Linear(width, width), act()]
    model = nn.Sequential(*layers, nn.Linear(width, 10))
    for m in model.modules():
        if isinstance(m, nn.Linear):
            _init(m, activation, scheme)
    return model


def gradient_norms(config, X: Tensor, y: Tensor, depth: int, width: int, seed: int) -> dict:
    """‖∂L/∂W_l‖ for every Linear layer (input side first) after one backward pass at init,
    recorded by ``LayerStats``."""
    name, activation, scheme, arch = config
    model = deep_net(activation, scheme, arch, depth, width, seed)
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    stats = LayerStats(model, layers=linears, track="weights")
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        loss = cross_entropy(model(X), y)
        loss.backward()
    stats.step()
    stats.remove()
    norms = list(stats.per_layer("weight/grad/norm").values())
    hidden = norms[:-1]  # the output layer's gradient does not go through the deep stack
    positive = [max(v, 1e-300) for v in hidden]
    slope = float(np.polyfit(np.arange(len(hidden)), np.log10(positive), 1)[0])
    return {"name": name, "activation": activation, "init": scheme, "arch": arch, "loss": float(loss.item()),
            "norms": norms, "first_over_last": hidden[0] / hidden[-1] if hidden[-1] > 0 else None,
            "per_layer_factor": 10 ** (-slope)}  # fmt: skip


FLOOR = 13  # decades below σ_max where float64 SVD can no longer resolve σ_min (ε ≈ 2e-16)


def product_singular_values(n: int, k_max: int, gain: float, seed: int) -> dict:
    """σ_max and σ_min of P_k = A_k ⋯ A_1 (A_i with N(0, gain²/n) entries) for k = 1..k_max, next
    to the bounds ∏σ_max(A_i) and ∏σ_min(A_i), in log10. σ_min is ``None`` once it is more than
    ``FLOOR`` decades below σ_max (rounding, not the matrix, would set it)."""
    rng = np.random.default_rng(seed)
    product = np.eye(n)
    log_top, log_bottom, bound_top, bound_bottom = [], [], [], []
    upper = lower = 0.0
    holds = True
    for _ in range(k_max):
        A = rng.standard_normal((n, n)) * gain / math.sqrt(n)
        s = np.linalg.svd(A, compute_uv=False)
        upper += math.log10(s[0])
        lower += math.log10(s[-1])
        product = A @ product
        sp = np.linalg.svd(product, compute_uv=False)
        top, bottom = math.log10(sp[0]), math.log10(sp[-1])
        resolved = bottom > top - FLOOR
        log_top.append(top)
        log_bottom.append(bottom if resolved else None)
        bound_top.append(upper)
        bound_bottom.append(lower)
        holds &= top <= upper + 1e-9 and (not resolved or lower - 1e-9 <= bottom)
    rate = float(np.polyfit(np.arange(1, k_max + 1), log_top, 1)[0])
    return {"gain": gain, "log10_sigma_max": log_top, "log10_sigma_min": log_bottom,
            "log10_bound_max": bound_top, "log10_bound_min": bound_bottom, "bounds_hold": bool(holds),
            "growth_per_matrix": 10**rate}  # fmt: skip


def eigenvalue_products(n: int, trials: int, seed: int) -> dict:
    """Eigenvalues of a product are not bounded by the factors' eigenvalues: a nilpotent pair,
    and how often ρ(AB) > ρ(A)ρ(B) for random Gaussian pairs; singular values always obey the bound."""
    A = np.array([[0.0, 1.0], [0.0, 0.0]])
    B = np.array([[0.0, 0.0], [1.0, 0.0]])
    rho = lambda M: float(np.abs(np.linalg.eigvals(M)).max())  # noqa: E731
    rng = np.random.default_rng(seed)
    exceed = svd_violations = 0
    for _ in range(trials):
        P, Q = rng.standard_normal((2, n, n)) / math.sqrt(n)
        exceed += rho(P @ Q) > rho(P) * rho(Q)
        svd_violations += np.linalg.norm(P @ Q, 2) > np.linalg.norm(P, 2) * np.linalg.norm(Q, 2) * (1 + 1e-12)
    return {"nilpotent": {"rho_A": rho(A), "rho_B": rho(B), "rho_AB": rho(A @ B)}, "trials": trials, "n": n,
            "eigen_bound_broken": int(exceed), "singular_bound_broken": int(svd_violations)}  # fmt: skip


# -- 4.8 exercises 1-2: symmetry ------------------------------------------------------------------
def _fit_digits(model, data, epochs: int, seed: int) -> float:
    X_tr, y_tr, X_te, y_te = data
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      progress=False)  # fmt: skip
    trainer.fit((X_tr, y_tr), epochs=epochs, batch_size=32, generator=Generator().manual_seed(seed))
    return float(trainer.evaluate((X_te, y_te))["accuracy"])


def _row_spread(weight: Tensor) -> float:
    """The largest difference between any row (a unit's incoming weights) and the first row."""
    w = weight.detach().numpy()
    return float(np.abs(w - w[:1]).max())


def symmetry(data, epochs: int, seed: int) -> dict:
    """A tanh MLP 64-16-10 from equal weights (0.1) against the default init, and softmax
    regression 64→10 from zero weights against the default init: accuracy and how different
    the units (rows of the first weight matrix) end up."""
    out = {}
    for start in ("equal", "default"):
        manual_seed(seed)
        mlp = nn.Sequential(nn.Linear(64, 16), nn.Tanh(), nn.Linear(16, 10))
        manual_seed(seed)
        softmax = nn.Sequential(nn.Linear(64, 10))
        if start == "equal":
            for layer in (mlp[0], mlp[2]):
                nn.init.constant_(layer.weight, 0.1)
                nn.init.zeros_(layer.bias)
            nn.init.zeros_(softmax[0].weight)
            nn.init.zeros_(softmax[0].bias)
        out[f"mlp_{start}"] = {
            "accuracy": _fit_digits(mlp, data, epochs, seed),
            "spread": _row_spread(mlp[0].weight),
        }
        out[f"softmax_{start}"] = {"accuracy": _fit_digits(softmax, data, epochs, seed),
                                   "spread": _row_spread(softmax[0].weight)}  # fmt: skip
    return out


# -- 4.8 exercise 4: recovering from divergence -------------------------------------------------------
def regression_data(seed: int, n: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """y = sin(x₁) + x₂x₃ + 0.5x₄² + N(0, 0.1²), x ~ N(0, I₁₀), float32."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 10))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3] ** 2 + 0.1 * rng.standard_normal(n)
    return X.astype(np.float32), y.reshape(-1, 1).astype(np.float32)


def regression_net(seed: int) -> nn.Sequential:
    """A tanh MLP 10-64-64-1 (tanh keeps a too-large lr from killing units, so it blows up instead)."""
    manual_seed(seed)
    return nn.Sequential(nn.Linear(10, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def _grad_norm(params) -> float:
    return math.sqrt(
        sum(float(np.sum(p.grad.numpy().astype(np.float64) ** 2)) for p in params if p.grad is not None)
    )


def full_loss(model, X: np.ndarray, y: np.ndarray) -> float | None:
    """The MSE on all of (X, y), or ``None`` if it is not finite."""
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        value = float(mse_loss(model(Tensor._wrap(X)), Tensor._wrap(y)).item())
    return value if math.isfinite(value) else None


def loop_run(
    data, seed: int, steps: int, batch: int, lr: float, clip: float | None = None, adam: bool = False
) -> dict:
    """A hand-written loop (zero_grad, forward, loss, backward, [clip_grad_norm_], step) that
    stops at the first non-finite loss. Records the loss and the gradient norm before clipping."""
    X, y = data
    model = regression_net(seed)
    params = list(model.parameters())
    opt = optim.Adam(params, lr=lr) if adam else optim.SGD(params, lr=lr)
    loader = DataLoader(TensorDataset(Tensor._wrap(X), Tensor._wrap(y)), batch_size=batch, shuffle=True,
                        generator=Generator().manual_seed(seed))  # fmt: skip
    losses, norms, clipped = [], [], 0
    with np.errstate(over="ignore", invalid="ignore"):
        while len(losses) < steps and (not losses or losses[-1] is not None):
            for xb, yb in loader:
                opt.zero_grad()
                loss = mse_loss(model(xb), yb)
                value = float(loss.item())
                losses.append(value if math.isfinite(value) else None)
                if losses[-1] is None or len(losses) > steps:
                    break
                loss.backward()
                norms.append(_grad_norm(params))
                if clip is not None:
                    clipped += norms[-1] > clip
                    clip_grad_norm_(params, clip)
                opt.step()
    losses = losses[:steps]
    first_bad = next((i + 1 for i, v in enumerate(losses) if v is None), None)
    return {"lr": lr, "clip": clip, "losses": losses, "grad_norms": norms[:steps], "clipped_steps": int(clipped),
            "diverged_at": first_bad, "final_loss": None if first_bad else full_loss(model, X, y)}  # fmt: skip


def guard_run(data, seed: int, steps: int, batch: int, lr: float, explode_factor: float = 1e3) -> dict:
    """The same model and batches through ``Trainer`` with ``DivergenceGuard`` (roll back to the
    last good state, lr × 0.1, go on); a loss above ``explode_factor`` × the best counts as diverged."""
    X, y = data
    model = regression_net(seed)
    guard = DivergenceGuard(explode_factor=explode_factor)
    trainer = Trainer(
        model, optim.SGD(model.parameters(), lr=lr), nn.MSELoss(), callbacks=[guard], progress=False
    )
    epochs = math.ceil(steps * batch / len(X))
    try:
        trainer.fit((X, y), epochs=epochs, batch_size=batch, generator=Generator().manual_seed(seed))
        gave_up = False
    except RuntimeError:
        gave_up = True
    losses = [v if math.isfinite(v) else None for v in trainer.history.column("loss").tolist()][:steps]
    return {"lr": lr, "explode_factor": explode_factor, "losses": losses, "rollbacks": guard.retries, "gave_up": gave_up,
            "events": [{"iteration": e["iteration"], "loss": e["loss"] if math.isfinite(e["loss"]) else None,
                        "new_lr": e["new_lr"][0]} for e in guard.events],
            "final_lr": trainer.optimizer.param_groups[0]["lr"], "final_loss": full_loss(model, X, y)}  # fmt: skip

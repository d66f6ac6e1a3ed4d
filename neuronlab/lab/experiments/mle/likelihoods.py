"""mle's likelihoods: the Gaussian negative log-likelihood against MSE, Bernoulli and categorical
likelihoods (products over samples, computed in NumPy) against the library's (binary)
cross-entropy, and where each is minimized. Everything is float64 so that equalities show up to
rounding."""

from __future__ import annotations

import math

import numpy as np

import neuronlab
import neuronlab.nn.functional as F
from neuronlab import optim
from neuronlab.optim.lr_scheduler import CosineAnnealingLR


def t64(array, requires_grad: bool = False):
    """A float64 tensor."""
    return neuronlab.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def minimize(objective, params: list, steps: int, lr: float = 0.1) -> None:
    """Full-batch Adam with a cosine-annealed learning rate on ``objective()``."""
    opt = optim.Adam(params, lr=lr)
    schedule = CosineAnnealingLR(opt, steps)
    for _ in range(steps):
        opt.zero_grad()
        objective().backward()
        opt.step()
        schedule.step()


# -- A2.3: Gaussian noise ------------------------------------------------------------------------
def regression_data(seed: int, n: int = 200, sigma: float = 0.3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cubic features Φ = [1, x, x², x³] of x ∈ U(−1, 1), y = Φθ + N(0, σ²); returns Φ, y, θ."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    phi = np.stack([np.ones(n), x, x**2, x**3], 1)
    theta = np.array([0.5, -1.0, 2.0, 1.0])
    return phi, phi @ theta + sigma * rng.standard_normal(n), theta


def gaussian_nll(phi, y, theta, var) -> neuronlab.Tensor:
    """Σ_i −ln N(y_i; φ_iᵀθ, var), by the library's ``gaussian_nll_loss`` (full form)."""
    prediction = t64(phi) @ theta
    variance = var if isinstance(var, neuronlab.Tensor) else float(var)
    return F.gaussian_nll_loss(prediction, t64(y), variance, full=True, reduction="sum")


def mse(phi, y, theta) -> neuronlab.Tensor:
    """(1/N) Σ_i (y_i − φ_iᵀθ)², by the library's ``mse_loss``."""
    return F.mse_loss(t64(phi) @ theta, t64(y))


def affine_relation(phi, y, theta_hat, sigma: float, rng, draws: int = 200) -> dict:
    """NLL against MSE at random θ near θ̂: fitted slope and intercept against N/(2σ²) and
    (N/2)·ln(2πσ²), and the largest residual from that line."""
    n = len(y)
    thetas = theta_hat + rng.standard_normal((draws, len(theta_hat)))
    m = np.array([mse(phi, y, t64(t)).item() for t in thetas])
    nll = np.array([gaussian_nll(phi, y, t64(t), sigma**2).item() for t in thetas])
    slope, intercept = np.polyfit(m, nll, 1)
    theory = n / (2 * sigma**2) * m + n / 2 * np.log(2 * np.pi * sigma**2)
    return {"mse": m.tolist(), "nll": nll.tolist(), "slope": float(slope), "intercept": float(intercept),
            "slope_theory": n / (2 * sigma**2), "intercept_theory": float(n / 2 * np.log(2 * np.pi * sigma**2)),
            "max_relative_gap": float(np.max(np.abs(nll - theory) / np.abs(theory)))}  # fmt: skip


def gaussian_minimizers(phi, y, sigmas: list[float], steps: int) -> dict:
    """θ minimizing MSE, θ minimizing the Gaussian NLL for several fixed σ, and least squares."""
    exact = np.linalg.lstsq(phi, y, rcond=None)[0]
    fitted = {}
    theta = t64(np.zeros(phi.shape[1]), requires_grad=True)
    minimize(lambda: mse(phi, y, theta), [theta], steps)
    fitted["mse"] = theta.detach().numpy()
    for sigma in sigmas:
        theta = t64(np.zeros(phi.shape[1]), requires_grad=True)
        minimize(lambda theta=theta, sigma=sigma: gaussian_nll(phi, y, theta, sigma**2), [theta], steps)
        fitted[f"nll_sigma_{sigma:g}"] = theta.detach().numpy()
    nll_gap = max(np.abs(v - fitted["mse"]).max() for k, v in fitted.items() if k != "mse")
    return {"least_squares": exact.tolist(), **{k: v.tolist() for k, v in fitted.items()},
            "max_nll_vs_mse": float(nll_gap), "max_mse_vs_least_squares": float(np.abs(fitted["mse"] - exact).max())}  # fmt: skip


def variance_mle(phi, y, steps: int) -> dict:
    """Minimize the NLL over θ and s = ln σ² together: σ̂² against the mean squared residual."""
    theta = t64(np.zeros(phi.shape[1]), requires_grad=True)
    log_var = t64([0.0], requires_grad=True)
    minimize(lambda: gaussian_nll(phi, y, theta, log_var.exp().expand(len(y))), [theta, log_var], steps)
    residual = y - phi @ theta.detach().numpy()
    var_hat = float(np.exp(log_var.detach().numpy()[0]))
    grid = np.linspace(0.03, 0.3, 271)  # σ² in steps of 0.001, independent of the fit
    profile = [gaussian_nll(phi, y, theta.detach(), v).item() for v in grid]
    return {"sigma2_hat": var_hat, "mean_residual2": float(np.mean(residual**2)), "grid": grid.tolist(),
            "profile": profile, "profile_argmin": float(grid[int(np.argmin(profile))])}  # fmt: skip


def along_line(values, theta_hat: np.ndarray, direction: np.ndarray, ts: np.ndarray) -> list[list[float]]:
    """Each function in ``values`` evaluated at θ̂ + t·d for every t."""
    return [[float(fn(t64(theta_hat + t * direction)).item()) for t in ts] for fn in values]


# -- A2.4: Bernoulli and categorical models -----------------------------------------------------
def blobs(seed: int, n_classes: int, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping Gaussian classes in 2-D (means on a circle of radius 1, unit variance);
    the design matrix has a leading column of ones for the bias."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    means = np.stack([np.cos(angles), np.sin(angles)], 1)
    X = means[y] + rng.standard_normal((n, 2))
    return np.column_stack([np.ones(n), X]), y


def probabilities(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Softmax over classes of X Wᵀ (W holds one row per class); float64 NumPy."""
    z = X @ W.T
    z -= z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def likelihood_nll(X: np.ndarray, y: np.ndarray, W: np.ndarray) -> float:
    """−ln Π_i P(y_i | x_i): the likelihood as the seeds write it (a product over samples, for a
    Bernoulli p^y (1 − p)^(1−y) or a categorical Π_k q_k^[y = k]), then its logarithm. The running
    product is renormalized after every factor (mantissa in [0.5, 1), binary exponent counted
    apart), so it cannot underflow however many samples there are."""
    q = probabilities(X, W)[np.arange(len(y)), y]
    mantissa, exponent = 1.0, 0
    for factor in q:
        mantissa, shift = math.frexp(mantissa * float(factor))
        exponent += shift
    return -(math.log(mantissa) + exponent * math.log(2.0))


def library_loss(X: np.ndarray, y: np.ndarray, W) -> neuronlab.Tensor:
    """N × the library's loss: BCE with logits for a single row of W (Bernoulli), else cross-entropy."""
    W = W if isinstance(W, neuronlab.Tensor) else t64(W)
    if W.shape[0] == 1:  # p = σ(xᵀw): the softmax of (0, xᵀw)
        return F.binary_cross_entropy_with_logits((t64(X) @ W[0]), t64(y), reduction="sum")
    return F.cross_entropy(t64(X) @ W.T, neuronlab.tensor(y), reduction="sum")


def full_weights(W: np.ndarray) -> np.ndarray:
    """Class-score rows with the reference class 0 fixed at zero (a single row is Bernoulli)."""
    return np.vstack([np.zeros((1, W.shape[1])), W])


def newton(X: np.ndarray, y: np.ndarray, n_classes: int, iterations: int = 25) -> tuple[np.ndarray, int]:
    """Maximum likelihood by Newton–Raphson on the log-likelihood (IRLS), with class 0 as the
    reference (its scores fixed at 0) so that the optimum is unique. Returns (W, iterations)."""
    k, d = n_classes - 1, X.shape[1]
    W = np.zeros((k, d))
    onehot = np.eye(n_classes)[y][:, 1:]
    for iteration in range(1, iterations + 1):
        q = probabilities(X, full_weights(W))[:, 1:]
        grad = ((q - onehot).T @ X).reshape(-1)
        weights = np.einsum("ia,ab->iab", q, np.eye(k)) - np.einsum("ia,ib->iab", q, q)
        hessian = np.einsum("iab,id,ie->adbe", weights, X, X).reshape(k * d, k * d)
        delta = np.linalg.solve(hessian, grad)
        W -= delta.reshape(k, d)
        if np.abs(delta).max() < 1e-12:
            return W, iteration
    return W, iterations


def fit_by_loss(X: np.ndarray, y: np.ndarray, n_classes: int, steps: int) -> np.ndarray:
    """Minimize the library's (binary) cross-entropy by Adam; scores relative to class 0."""
    rows = 1 if n_classes == 2 else n_classes
    W = t64(np.zeros((rows, X.shape[1])), requires_grad=True)
    minimize(lambda: library_loss(X, y, W) / len(y), [W], steps)
    W = W.detach().numpy()
    return W if rows == 1 else W[1:] - W[0]


def classification_mle(seed: int, n_classes: int, steps: int, draws: int = 100) -> dict:
    """The likelihood against N × the loss at random parameters, and the loss minimizer (Adam)
    against the likelihood maximizer (Newton)."""
    X, y = blobs(seed, n_classes)
    rng = np.random.default_rng(seed + 1)
    W_newton, iterations = newton(X, y, n_classes)
    W_adam = fit_by_loss(X, y, n_classes, steps)
    library_rows = (lambda W: W) if n_classes == 2 else full_weights
    gaps = []
    for _ in range(draws):
        W = W_newton + 0.5 * rng.standard_normal(W_newton.shape)
        exact = likelihood_nll(X, y, full_weights(W))
        gaps.append(abs(exact - library_loss(X, y, library_rows(W)).item()) / exact)
    direction = rng.standard_normal(W_newton.shape)
    ts = np.linspace(-2, 2, 81)
    line = [[likelihood_nll(X, y, full_weights(W_newton + t * direction)),
             library_loss(X, y, library_rows(W_newton + t * direction)).item()] for t in ts]  # fmt: skip
    q = probabilities(X, full_weights(W_newton))[np.arange(len(y)), y]
    return {"n_classes": n_classes, "max_relative_likelihood_vs_loss": float(max(gaps)), "newton_iterations": iterations,
            "product_at_mle": float(np.prod(q)), "mean_log_at_mle": float(np.mean(np.log(q))),
            "W_newton": W_newton.tolist(), "W_loss": W_adam.tolist(),
            "max_parameter_gap": float(np.abs(W_newton - W_adam).max()), "t": ts.tolist(),
            "line_likelihood": [p[0] for p in line], "line_loss": [p[1] for p in line]}  # fmt: skip


def class_frequencies(seed: int, steps: int, n_classes: int = 4, n: int = 500) -> dict:
    """A categorical distribution q = softmax(θ) fitted to labels by cross-entropy: q̂ against
    the label frequencies, and the minimal loss against their entropy."""
    rng = np.random.default_rng(seed)
    y = rng.choice(n_classes, size=n, p=[0.5, 0.25, 0.15, 0.1])
    theta = t64(np.zeros(n_classes), requires_grad=True)
    minimize(lambda: F.cross_entropy(theta.expand(n, n_classes), neuronlab.tensor(y)), [theta], steps)
    q = probabilities(np.ones((1, 1)), theta.detach().numpy()[:, None])[0]
    freq = np.bincount(y, minlength=n_classes) / n
    loss = F.cross_entropy(theta.detach().expand(n, n_classes), neuronlab.tensor(y)).item()
    return {"q_hat": q.tolist(), "frequencies": freq.tolist(), "max_gap": float(np.abs(q - freq).max()),
            "min_loss": float(loss), "entropy": float(-(freq * np.log(freq)).sum())}  # fmt: skip


def underflow(seed: int, n: int, draws: int = 20) -> dict:
    """The likelihood Π P(yᵢ | xᵢ) of n samples of 3 classes computed as a plain float64 product at
    random parameters: how often it underflows to 0 while its logarithm (a sum) stays finite."""
    X, y = blobs(seed, 3, n)
    rng = np.random.default_rng(seed + 2)
    zero, finite = 0, 0
    for _ in range(draws):
        W = rng.standard_normal((3, X.shape[1]))
        q = probabilities(X, W)[np.arange(n), y]
        zero += int(np.prod(q) == 0.0)
        finite += int(np.isfinite(np.log(q).sum()))
    return {
        "n": n,
        "draws": draws,
        "product_zero_fraction": zero / draws,
        "log_finite_fraction": finite / draws,
    }

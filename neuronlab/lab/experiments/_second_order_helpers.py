"""Computations of the second-order experiment: cost and agreement of Hessian-vector products
against the full Hessian, power iteration, the spectrum, and gradient descent near 2/λ_max."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from neuronlab import nn, optim
from neuronlab.analysis import compare_cost, extreme_eigenvalues, hessian_eigenvalues, hvp, top_eigenvalue
from neuronlab.analysis.memory import graph_arrays
from neuronlab.autograd import grad as autograd_grad
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional import mse_loss
from neuronlab.nn.utils import parameters_to_vector, vector_to_parameters

FD_EPS = 1e-5  # central differences in float64: truncation ~ε², rounding ~1e-16/ε


def sine_data(seed: int, n: int) -> tuple[Tensor, Tensor]:
    """y = sin(x) + N(0, 0.1²) on n points of [-3, 3], float64 (a regression with a true minimum)."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-3.0, 3.0, n).reshape(-1, 1)
    y = np.sin(x) + 0.1 * rng.standard_normal(x.shape)
    return Tensor._wrap(x), Tensor._wrap(y)


def sine_net(width: int, seed: int) -> nn.Sequential:
    """A 1-width-1 tanh network in float64 (smooth, so its Hessian is well defined)."""
    manual_seed(seed)
    return nn.Sequential(nn.Linear(1, width), nn.Tanh(), nn.Linear(width, 1)).double()


def closure(model, X: Tensor, Y: Tensor):
    """The loss as a zero-argument function of the model's live parameters."""
    return lambda: mse_loss(model(X), Y)


def median_seconds(fn, repeats: int) -> float:
    """The median wall time of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def graph_size(roots) -> tuple[int, int]:
    """(nodes, bytes) of the recorded graph behind ``roots``: ops reachable by ``next_functions``
    (leaves not counted) and the arrays they keep alive (parameters excluded)."""
    seen, stack = set(), [t.grad_fn for t in roots if t.grad_fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen or type(fn).__name__ == "AccumulateGrad":
            continue
        seen.add(id(fn))
        stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
    return len(seen), sum(a.nbytes for a in graph_arrays(roots).values())


def gradient_vector(loss_fn, params) -> np.ndarray:
    """∇L at the current parameters as one float64 vector."""
    grads = autograd_grad(loss_fn(), params)
    return np.concatenate([g.numpy().ravel() for g in grads])


def finite_difference_hvp(loss_fn, params, v: np.ndarray, eps: float = FD_EPS) -> np.ndarray:
    """H v ≈ (∇L(θ + εv) - ∇L(θ - εv)) / 2ε, the parameters restored afterwards."""
    theta = parameters_to_vector(params).detach().numpy().copy()
    vector_to_parameters(Tensor._wrap(theta + eps * v), params)
    plus = gradient_vector(loss_fn, params)
    vector_to_parameters(Tensor._wrap(theta - eps * v), params)
    minus = gradient_vector(loss_fn, params)
    vector_to_parameters(Tensor._wrap(theta), params)
    return (plus - minus) / (2 * eps)


def flat_hvp(loss_fn, params, v: np.ndarray) -> np.ndarray:
    """The library's HVP with a flat vector in and out."""
    pieces, start = [], 0
    for p in params:
        pieces.append(v[start : start + p.numel()].reshape(tuple(p.shape)))
        start += p.numel()
    return np.concatenate([t.numpy().ravel() for t in hvp(loss_fn, params, pieces)])


def cost_row(width: int, data, seed: int, repeats: int) -> dict:
    """One model size: times, backward passes, agreement, graph sizes and the spectrum."""
    model = sine_net(width, seed)
    params = list(model.parameters())
    loss_fn = closure(model, *data)
    v = np.random.default_rng(seed).standard_normal(sum(p.numel() for p in params))
    exact = flat_hvp(loss_fn, params, v)
    cost = compare_cost(loss_fn, params, seed=seed)
    fd = finite_difference_hvp(loss_fn, params, v)
    loss = loss_fn()
    grads = autograd_grad(loss, params, create_graph=True)
    eig = hessian_eigenvalues(loss_fn, params)
    top, _ = top_eigenvalue(loss_fn, params, iters=1000, tol=1e-12, seed=seed)
    low, high = extreme_eigenvalues(loss_fn, params, iters=1000, tol=1e-12, seed=seed)
    largest = eig[np.argmax(np.abs(eig))]
    return {
        "width": width, "n": cost["n"],
        "grad_seconds": median_seconds(lambda: gradient_vector(loss_fn, params), repeats),
        "hvp_seconds": median_seconds(lambda: flat_hvp(loss_fn, params, v), repeats),
        "hessian_seconds": cost["hessian_seconds"],
        "hvp_backward_passes": cost["hvp_backward_passes"], "hessian_backward_passes": cost["hessian_backward_passes"],
        "hvp_vs_hessian_max_diff": cost["max_abs_difference"],
        "fd_relative_error": float(np.linalg.norm(fd - exact) / np.linalg.norm(exact)),
        "loss_graph": graph_size([loss]), "gradient_graph": graph_size(list(grads)),
        "lambda_max": float(eig[-1]), "lambda_min": float(eig[0]),
        "negative": int(np.sum(eig < -1e-9 * abs(eig).max())),
        "power_top": top, "power_top_rel_error": float(abs(top - largest) / abs(largest)),
        "power_extremes": [low, high],
    }  # fmt: skip


def power_trajectory(loss_fn, params, iters: int, seed: int) -> list[float]:
    """The Rayleigh quotient vᵀHv after each step of v ← Hv/‖Hv‖, with the public ``hvp``."""
    v = np.random.default_rng(seed).standard_normal(sum(p.numel() for p in params))
    v /= np.linalg.norm(v)
    values = []
    for _ in range(iters):
        w = flat_hvp(loss_fn, params, v)
        values.append(float(v @ w))
        v = w / np.linalg.norm(w)
    return values


def spectrum_before_after(width: int, data, seed: int, steps: int) -> tuple[dict, nn.Sequential]:
    """All Hessian eigenvalues at initialization and after ``steps`` of full-batch Adam."""
    model = sine_net(width, seed)
    params = list(model.parameters())
    loss_fn = closure(model, *data)
    before = hessian_eigenvalues(loss_fn, params)
    start_loss = float(loss_fn().item())
    opt = optim.Adam(params, lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
    after = hessian_eigenvalues(loss_fn, params)
    summary = {"init": _spectrum(before, start_loss), "trained": _spectrum(after, float(loss_fn().item()))}
    return summary, model


def _spectrum(eig: np.ndarray, loss: float) -> dict:
    scale = abs(eig).max()
    return {"eigenvalues": eig.tolist(), "loss": loss, "lambda_max": float(eig[-1]), "lambda_min": float(eig[0]),
            "negative": int(np.sum(eig < -1e-9 * scale)), "min_over_max": float(eig[0] / eig[-1])}  # fmt: skip


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def gd_losses(loss_fn, params, lr: float, steps: int) -> list[float | None]:
    """Full-batch gradient descent from the current parameters: the loss before each step
    (``None`` once it is not finite; the run stops there)."""
    opt = optim.SGD(params, lr=lr)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.zero_grad()
            loss = loss_fn()
            value = _finite_or_none(float(loss.item()))
            losses.append(value)
            if value is None or value > 1e30:
                break
            loss.backward()
            opt.step()
    return losses


def lr_sweep(loss_fn, params, lam: float, factors, steps: int, seed: int) -> list[dict]:
    """GD at lr = f·2/λ_max for each factor f, each from the same starting point. Outcome:
    ``stable`` (the loss never rose), ``diverged`` (not finite, or 1000× the start at the end) or
    ``rose`` (it rose, then stayed bounded); the sharpness is measured where the run ended. On a
    quadratic the loss along the top eigenvector is multiplied by (1 - lr·λ_max)² = (1 - 2f)² per step."""
    theta = parameters_to_vector(params).detach().numpy().copy()
    runs = []
    for f in factors:
        vector_to_parameters(Tensor._wrap(theta.copy()), params)
        losses = gd_losses(loss_fn, params, f * 2.0 / lam, steps)
        finite = [x for x in losses if x is not None]
        end = finite[-1] / losses[0]
        peak = max(finite) / losses[0]
        outcome = "stable" if peak <= 1 + 1e-9 else "diverged" if len(finite) < steps or end > 1e3 else "rose"
        sharp = (
            None
            if outcome == "diverged"
            else top_eigenvalue(loss_fn, params, iters=500, tol=1e-12, seed=seed)[0]
        )
        runs.append({"factor": f, "lr": f * 2.0 / lam, "losses": losses, "max_over_start": peak,
                     "final_over_start": end, "last_step_ratio": finite[-1] / finite[-2], "outcome": outcome,
                     "final_sharpness": sharp, "top_direction_factor": (1 - 2 * f) ** 2})  # fmt: skip
    vector_to_parameters(Tensor._wrap(theta), params)
    return runs


def quadratic(seed: int, n: int = 200, d: int = 10) -> tuple[nn.Linear, Callable, np.ndarray]:
    """Linear least squares L(w, b) = mean((Xw + b - y)²): a quadratic whose Hessian is known,
    H = (2/N)·AᵀA with A = [X, 1]. Returns the model, the loss closure and H in closed form."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.linspace(0.5, 2.0, d)  # unequal scales: κ > 1
    y = X @ rng.standard_normal((d, 1)) + 0.1 * rng.standard_normal((n, 1))
    manual_seed(seed)
    model = nn.Linear(d, 1).double()
    A = np.hstack([X, np.ones((n, 1))])
    return model, closure(model, Tensor._wrap(X), Tensor._wrap(y)), 2.0 / n * A.T @ A

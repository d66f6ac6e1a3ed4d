"""second-order's measurements: the graph a second derivative records, HVPs against the full
Hessian (agreement, backward passes, time measured alternately with a gradient), finite
differences, power iteration, and a quadratic whose Hessian is known in closed form."""

from __future__ import annotations

import numpy as np

from neuronlab import nn
from neuronlab.analysis import full_hessian, hessian_eigenvalues, hvp, top_eigenvalue
from neuronlab.analysis.memory import graph_arrays
from neuronlab.autograd import grad as autograd_grad
from neuronlab.bench.timing import measure_interleaved
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiment import LabConfig
from neuronlab.nn.functional import mse_loss
from neuronlab.nn.utils import parameters_to_vector, vector_to_parameters

FD_EPS = 1e-5  # central differences in float64: truncation ~ε², rounding ~1e-16/ε


def sine_data(seed: int, n: int) -> tuple[Tensor, Tensor]:
    """y = sin(x) + N(0, 0.1²) on n points of [-3, 3], float64."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-3.0, 3.0, n).reshape(-1, 1)
    return Tensor._wrap(x), Tensor._wrap(np.sin(x) + 0.1 * rng.standard_normal(x.shape))


def sine_net(width: int, seed: int) -> nn.Sequential:
    """A 1-width-1 tanh network in float64 (smooth, so its Hessian is defined everywhere)."""
    manual_seed(seed)
    return nn.Sequential(nn.Linear(1, width), nn.Tanh(), nn.Linear(width, 1)).double()


def graph_size(roots) -> tuple[int, int]:
    """(ops, bytes) of the recorded graph behind ``roots``: the ``Function`` nodes reachable by
    ``next_functions`` (leaves not counted) and the arrays they keep alive."""
    seen, stack = set(), [t.grad_fn for t in roots if t.grad_fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen or type(fn).__name__ == "AccumulateGrad":
            continue
        seen.add(id(fn))
        stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
    return len(seen), sum(a.nbytes for a in graph_arrays(roots).values())


def gradient_vector(loss_fn, params) -> np.ndarray:
    """∇L at the current parameters, one float64 vector."""
    return np.concatenate([g.numpy().ravel() for g in autograd_grad(loss_fn(), params)])


def flat_hvp(loss_fn, params, v: np.ndarray) -> np.ndarray:
    """The library's HVP with a flat vector in and out."""
    pieces, start = [], 0
    for p in params:
        pieces.append(v[start : start + p.numel()].reshape(tuple(p.shape)))
        start += p.numel()
    return np.concatenate([t.numpy().ravel() for t in hvp(loss_fn, params, pieces)])


def finite_difference_hvp(loss_fn, params, v: np.ndarray, eps: float = FD_EPS) -> np.ndarray:
    """H v ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε; the parameters are restored afterwards."""
    theta = parameters_to_vector(params).detach().numpy().copy()
    vector_to_parameters(Tensor._wrap(theta + eps * v), params)
    plus = gradient_vector(loss_fn, params)
    vector_to_parameters(Tensor._wrap(theta - eps * v), params)
    minus = gradient_vector(loss_fn, params)
    vector_to_parameters(Tensor._wrap(theta), params)
    return (plus - minus) / (2 * eps)


def relative(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / ‖b‖."""
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def size_row(width: int, data, seed: int) -> dict:
    """One model size: graph sizes, HVP against the full Hessian and finite differences, the
    spectrum's largest eigenvalue by eigvalsh and by power iteration on HVPs."""
    model = sine_net(width, seed)
    params = list(model.parameters())
    loss_fn = lambda: mse_loss(model(data[0]), data[1])  # noqa: E731 - a closure over the live parameters
    v = np.random.default_rng(seed).standard_normal(sum(p.numel() for p in params))
    product = flat_hvp(loss_fn, params, v)
    hessian = full_hessian(loss_fn, params)
    loss = loss_fn()
    grads = autograd_grad(loss, params, create_graph=True)
    eig = np.linalg.eigvalsh(0.5 * (hessian + hessian.T))
    largest = float(eig[np.argmax(np.abs(eig))])
    power, _ = top_eigenvalue(loss_fn, params, iters=2000, tol=1e-13, seed=seed)
    return {
        "width": width, "n": len(v), "hvp_backward_passes": 2, "hessian_backward_passes": len(v) + 1,
        "hvp_vs_hessian": relative(product, hessian @ v),
        "hvp_vs_finite_differences": relative(finite_difference_hvp(loss_fn, params, v), product),
        "loss_graph": graph_size([loss]), "gradient_graph": graph_size(list(grads)),
        "eigenvalues": eig.tolist(), "power_top": power, "power_vs_eigvalsh": abs(power - largest) / abs(largest),
    }  # fmt: skip


def alternate_timings(width: int, data, seed: int, repeats: int) -> dict:
    """A gradient, one HVP and the full Hessian of the same model, timed alternately in one
    process (min of ``repeats`` each, after one warm-up call)."""
    model = sine_net(width, seed)
    params = list(model.parameters())
    loss_fn = lambda: mse_loss(model(data[0]), data[1])  # noqa: E731
    v = np.random.default_rng(seed).standard_normal(sum(p.numel() for p in params))
    timings = measure_interleaved({"gradient": lambda: gradient_vector(loss_fn, params),
                                   "hvp": lambda: flat_hvp(loss_fn, params, v),
                                   "hessian": lambda: full_hessian(loss_fn, params)},
                                  repeats=repeats, warmup=1)  # fmt: skip
    return {"width": width, "n": len(v), **{f"{k}_min_seconds": t.low for k, t in timings.items()},
            **{f"{k}_median_seconds": t.median for k, t in timings.items()}}  # fmt: skip


def quadratic(seed: int, n: int = 200, d: int = 10) -> dict:
    """Linear least squares mean((Xw + b − y)²), whose Hessian is (2/N)·AᵀA with A = [X, 1]: the
    autograd Hessian against the closed form, and λ_max by power iteration against eigvalsh."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.linspace(0.5, 2.0, d)
    y = X @ rng.standard_normal((d, 1)) + 0.1 * rng.standard_normal((n, 1))
    manual_seed(seed)
    model = nn.Linear(d, 1).double()
    params = list(model.parameters())
    loss_fn = lambda: mse_loss(model(Tensor._wrap(X)), Tensor._wrap(y))  # noqa: E731
    A = np.hstack([X, np.ones((n, 1))])
    exact = 2.0 / n * A.T @ A
    lam = float(np.linalg.eigvalsh(exact)[-1])
    error = np.abs(full_hessian(loss_fn, params) - exact).max() / np.abs(exact).max()
    return {"n_parameters": d + 1, "hessian_max_relative_error": float(error), "lambda_exact": lam,
            "lambda_power": top_eigenvalue(loss_fn, params, iters=2000, tol=1e-13, seed=seed)[0],
            "eigenvalues_autograd": hessian_eigenvalues(loss_fn, params).tolist()}  # fmt: skip


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.second_order import SIZES

    s = config.sizes(SIZES)
    data = sine_data(seed, s["n_data"])
    return {
        "sizes": [size_row(w, data, seed) for w in s["widths"]],
        "quadratic": quadratic(seed),
        "timings": alternate_timings(s["widths"][-1], data, seed, s["repeats"]),
    }

"""The optimizers of 002 question 3, built from neuronlab.optim, and the 2-D test surfaces
they are run on: Rosenbrock's banana valley, an ill-conditioned quadratic, a saddle."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import optim
from neuronlab.engine.dtypes import float64
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.creation import tensor

OPTIMIZERS = {
    "SGD": lambda params, lr: optim.SGD(params, lr=lr),
    "Momentum": lambda params, lr: optim.SGD(params, lr=lr, momentum=0.9),
    "Adagrad": lambda params, lr: optim.Adagrad(params, lr=lr),
    "RMSprop": lambda params, lr: optim.RMSprop(params, lr=lr),
    "Adam": lambda params, lr: optim.Adam(params, lr=lr),
}


def rosenbrock(p: Tensor) -> Tensor:
    """f = (1 − x)² + 100 (y − x²)²: a curved, flat-bottomed valley; minimum 0 at (1, 1)."""
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def narrow_valley(p: Tensor) -> Tensor:
    """f = x²/20 + 5y²: a quadratic with curvatures 0.1 and 10 (condition number 100)."""
    x, y = p[0], p[1]
    return x * x / 20 + 5 * y * y


def saddle(p: Tensor) -> Tensor:
    """f = x² − y² + y⁴/4: a saddle at (0, 0), minima −1 at (0, ±√2)."""
    x, y = p[0], p[1]
    return x * x - y * y + y**4 / 4


# name -> (function, start, optimum, plot window (x0, x1, y0, y1))
SURFACES = {
    "rosenbrock": (rosenbrock, (-1.2, 1.0), (1.0, 1.0), (-2.0, 2.0, -1.0, 3.0)),
    "narrow valley": (narrow_valley, (-8.0, 1.0), (0.0, 0.0), (-9.0, 2.0, -1.5, 1.5)),
    "saddle": (saddle, (1.0, 1e-3), (0.0, math.sqrt(2.0)), (-1.0, 1.5, -0.5, 2.0)),
}

CONVERGED, BLOWN_UP = 1e-6, 1e3


def descend(surface: str, make, lr: float, steps: int, start=None) -> dict:
    """Run an optimizer on a 2-D surface from ``start`` (default: the surface's own); stop early
    once within CONVERGED of the optimum or once a coordinate leaves [−BLOWN_UP, BLOWN_UP] (diverged)."""
    fn, default_start, optimum, _ = SURFACES[surface]
    start = default_start if start is None else tuple(start)
    p = tensor(list(start), dtype=float64, requires_grad=True)
    opt = make([p], lr)
    target = np.array(optimum)
    path = [list(start)]
    for _ in range(steps):
        opt.zero_grad()
        fn(p).backward()
        opt.step()
        point = p.detach().numpy().copy()
        if not np.all(np.abs(point) < BLOWN_UP):
            return {"lr": lr, "path": path, "distance": None, "diverged": True}
        path.append(point.tolist())
        if np.linalg.norm(point - target) < CONVERGED:
            break
    distance = float(np.linalg.norm(np.array(path[-1]) - target))
    return {"lr": lr, "path": path, "distance": distance, "diverged": False}


def distances(path: list, optimum) -> list[float]:
    """Euclidean distance to the optimum at every step of a path."""
    return np.linalg.norm(np.array(path) - np.array(optimum), axis=1).tolist()


def steps_to(dist: list[float], tol: float):
    """The first step within ``tol`` of the optimum (None if never)."""
    return next((i for i, d in enumerate(dist) if d < tol), None)


def surface_grid(surface: str, n: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The function on an n×n grid over its plot window, vectorized (for contour plots)."""
    fn, _, _, (x0, x1, y0, y1) = SURFACES[surface]
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    Z = fn(tensor(np.stack([X, Y]))).numpy()
    return X, Y, Z


def seed_formula_path(surface: str, kind: str, lr: float, steps: int, start) -> list:
    """The path of the seed's own update formulas (002 3), written out in NumPy on autograd
    gradients of the surface:

    - ``"Momentum"``: v ← γv + η∇J, θ ← θ − v (γ = 0.9);
    - ``"Adagrad"``: G ← G + (∇J)², θ ← θ − η/√(G + ε) · ∇J (ε = 1e-10, inside the root as the seed writes it);
    - ``"Adam"``: m ← β₁m + (1−β₁)∇J, v ← β₂v + (1−β₂)(∇J)², θ ← θ − η m̂/(√v̂ + ε) with bias correction.
    """
    fn = SURFACES[surface][0]
    theta = np.array(start, dtype=np.float64)
    m, v = np.zeros(2), np.zeros(2)
    path = [theta.tolist()]
    for t in range(1, steps + 1):
        p = tensor(theta.tolist(), dtype=float64, requires_grad=True)
        fn(p).backward()
        g = p.grad.numpy()
        if kind == "Momentum":
            m = 0.9 * m + lr * g
            theta = theta - m
        elif kind == "Adagrad":
            v = v + g * g
            theta = theta - lr / np.sqrt(v + 1e-10) * g
        elif kind == "Adam":
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            theta = theta - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        else:
            raise ValueError(f"seed_formula_path: kind must be Momentum, Adagrad or Adam, got {kind!r}")
        path.append(theta.tolist())
    return path

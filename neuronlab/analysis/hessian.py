"""Second-order information about a loss: Hessian-vector products, the full Hessian of a small
model, and its extreme eigenvalues by power iteration.

Everything works on the live parameters of a model: ``loss_fn`` is a zero-argument closure
that computes the loss from them (``lambda: F.mse_loss(model(x), y)``), ``params`` a list
of tensors that require grad. Vectors over all parameters are flattened in the order of
``params`` (each tensor row-major), as ``nn.utils.parameters_to_vector`` does.

Costs, for n parameters: one HVP is a forward pass and two backward passes (the gradient
with ``create_graph=True``, then the gradient of g·v), about 2-4× a gradient. The full
Hessian needs n HVPs (here: one gradient graph and n backward passes through it) and n²
numbers of memory, so it is only for small models; power iteration needs only HVPs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from neuronlab.autograd import grad as autograd_grad
from neuronlab.engine.tensor import Tensor

__all__ = [
    "compare_cost", "extreme_eigenvalues", "full_hessian", "hessian_eigenvalues", "hvp",
    "top_eigenvalue",
]  # fmt: skip

LossFn = Callable[[], Tensor]


class _GradientGraph:
    """The gradient g(θ) with its graph kept, so that each H v = ∂(g·v)/∂θ is one backward pass."""

    def __init__(self, loss_fn: LossFn, params: Sequence[Tensor]) -> None:
        self.params = list(params)
        self.loss = loss_fn()
        grads = autograd_grad(self.loss, self.params, create_graph=True, allow_unused=True)
        self.grads = list(grads)
        self.backward_passes = 1

    def hvp(self, v: np.ndarray) -> np.ndarray:
        """H v for a flat vector ``v`` (one backward pass through the gradient's graph)."""
        pieces = _unflatten(v, self.params)
        terms = [(g * p).sum() for g, p in zip(self.grads, pieces) if g is not None and g.requires_grad]
        if not terms:  # the gradient does not depend on θ: the loss is linear, H = 0
            return np.zeros(v.shape)
        dot = terms[0]
        for term in terms[1:]:
            dot = dot + term
        second = autograd_grad(dot, self.params, retain_graph=True, allow_unused=True)
        self.backward_passes += 1
        return _flatten(second, self.params)


def hvp(loss_fn: LossFn, params: Sequence[Tensor], v: Sequence) -> list[Tensor]:
    """The Hessian-vector product H v of the loss at the current parameters, without forming H.

    Pearlmutter's trick: H v = ∇_θ (∇_θ L · v), so a gradient recorded with
    ``create_graph=True`` is differentiated once more along v. Cost: one forward and two
    backward passes.

    Shape:
        ``v``: one tensor (or array) per parameter, of its shape; the result likewise.

    Example:
        >>> w = neuronlab.tensor([1.0, 2.0], requires_grad=True)
        >>> hvp(lambda: (w ** 3).sum(), [w], [neuronlab.ones(2)])[0]  # H = diag(6 w)
        tensor([ 6., 12.])
    """
    graph = _GradientGraph(loss_fn, params)
    flat_v = np.concatenate([np.asarray(_array(t), dtype=np.float64).ravel() for t in v])
    result = graph.hvp(flat_v)
    return [Tensor._wrap(piece.astype(p._data.dtype)) for piece, p in zip(_split(result, params), params)]


def full_hessian(loss_fn: LossFn, params: Sequence[Tensor]) -> np.ndarray:
    """The n×n Hessian H_ij = ∂²L/∂θ_i∂θ_j over the flattened parameters (float64).

    Column j is H e_j, one backward pass through the retained gradient graph: 1 + n
    backward passes in all. Not symmetrized, so ``H - H.T`` shows the rounding error.

    Shape:
        returns (n, n) with n = Σ p.numel().

    Example:
        >>> w = neuronlab.tensor([1.0, 2.0], requires_grad=True)
        >>> full_hessian(lambda: (w[0] * w[1]) ** 2, [w])  # [[2 w1², 4 w0 w1], [4 w0 w1, 2 w0²]]
        array([[8., 8.],
               [8., 2.]])
    """
    graph = _GradientGraph(loss_fn, params)
    n = sum(p.numel() for p in params)
    columns = [graph.hvp(np.eye(1, n, j).ravel()) for j in range(n)]
    return np.stack(columns, axis=1) if columns else np.zeros((0, 0))


def hessian_eigenvalues(loss_fn: LossFn, params: Sequence[Tensor]) -> np.ndarray:
    """All eigenvalues of the Hessian, ascending (``numpy.linalg.eigvalsh`` of
    :func:`full_hessian`, symmetrized as ½(H + Hᵀ)); for small models only.

    Example:
        >>> w = neuronlab.tensor([1.0, 1.0], requires_grad=True)
        >>> hessian_eigenvalues(lambda: w[0] ** 2 - 3 * w[1] ** 2, [w])
        array([-6.,  2.])
    """
    h = full_hessian(loss_fn, params)
    return np.linalg.eigvalsh(0.5 * (h + h.T))


def top_eigenvalue(
    loss_fn: LossFn,
    params: Sequence[Tensor],
    iters: int = 100,
    tol: float = 1e-6,
    seed: int = 0,
    shift: float = 0.0,
) -> tuple[float, np.ndarray]:
    """The Hessian eigenvalue of largest magnitude and its unit eigenvector, by power iteration.

    Algorithm (on A = H - shift·I, using only HVPs)::

        v ← random unit vector (numpy Generator seeded with ``seed``)
        repeat up to ``iters`` times:
            w ← A v;  λ ← vᵀ w  (Rayleigh quotient);  v ← w / ‖w‖
            stop when |λ - λ_previous| ≤ tol · max(1, |λ|)
        return λ + shift, v

    Power iteration converges to the eigenvalue of largest |λ - shift|, which may be
    negative; with ``shift`` set to that value, a second run finds the other end of the
    spectrum (see :func:`extreme_eigenvalues`). Each iteration is one backward pass.

    Shape:
        the eigenvector is flat, (n,).

    Example:
        >>> w = neuronlab.tensor([1.0, 1.0], requires_grad=True)
        >>> round(top_eigenvalue(lambda: w[0] ** 2 - 3 * w[1] ** 2, [w])[0], 4)
        -6.0
    """
    graph = _GradientGraph(loss_fn, params)
    return _power_iteration(graph, iters, tol, seed, shift)


def extreme_eigenvalues(
    loss_fn: LossFn, params: Sequence[Tensor], iters: int = 200, tol: float = 1e-8, seed: int = 0
) -> tuple[float, float]:
    """(λ_min, λ_max) of the Hessian by two power iterations: first the largest |λ|, call it
    λ₁; then on H - λ₁I, whose dominant eigenvalue is the other end of H's spectrum minus λ₁.

    Example:
        >>> w = neuronlab.tensor([1.0, 1.0], requires_grad=True)
        >>> [round(lam, 4) for lam in extreme_eigenvalues(lambda: w[0] ** 2 - 3 * w[1] ** 2, [w])]
        [-6.0, 2.0]
    """
    graph = _GradientGraph(loss_fn, params)
    first, _ = _power_iteration(graph, iters, tol, seed, 0.0)
    second, _ = _power_iteration(graph, iters, tol, seed + 1, first)
    return min(first, second), max(first, second)


def _power_iteration(graph: _GradientGraph, iters: int, tol: float, seed: int, shift: float):
    n = sum(p.numel() for p in graph.params)
    v = np.random.default_rng(seed).standard_normal(n)
    v /= np.linalg.norm(v)
    previous = np.inf
    value = 0.0
    for _ in range(iters):
        w = graph.hvp(v) - shift * v
        value = float(v @ w)
        norm = np.linalg.norm(w)
        if norm == 0:  # v is in the null space of H - shift·I
            break
        v = w / norm
        if abs(value - previous) <= tol * max(1.0, abs(value)):
            break
        previous = value
    return value + shift, v


def compare_cost(loss_fn: LossFn, params: Sequence[Tensor], seed: int = 0) -> dict:
    """Time and backward passes of one HVP against the full Hessian, and their agreement.

    Returns ``{"n", "hvp_seconds", "hvp_backward_passes", "hessian_seconds",
    "hessian_backward_passes", "max_abs_difference"}`` where the difference compares H v
    from :func:`hvp` with ``full_hessian(...) @ v`` for a random v. Measured, not asserted.
    """
    v = np.random.default_rng(seed).standard_normal(sum(p.numel() for p in params))
    start = time.perf_counter()
    graph = _GradientGraph(loss_fn, params)
    product = graph.hvp(v)
    hvp_seconds = time.perf_counter() - start
    start = time.perf_counter()
    full = _GradientGraph(loss_fn, params)
    n = v.size
    h = np.stack([full.hvp(np.eye(1, n, j).ravel()) for j in range(n)], axis=1)
    hessian_seconds = time.perf_counter() - start
    return {
        "n": n,
        "hvp_seconds": hvp_seconds,
        "hvp_backward_passes": graph.backward_passes,
        "hessian_seconds": hessian_seconds,
        "hessian_backward_passes": full.backward_passes,
        "max_abs_difference": float(np.max(np.abs(h @ v - product))) if n else 0.0,
    }


def _array(t) -> np.ndarray:
    return t.detach().numpy() if isinstance(t, Tensor) else np.asarray(t)


def _flatten(tensors, params) -> np.ndarray:
    """One float64 vector from per-parameter tensors (``None`` counts as zeros)."""
    pieces = [
        np.zeros(p.numel()) if t is None else np.asarray(t._data, dtype=np.float64).ravel()
        for t, p in zip(tensors, params)
    ]
    return np.concatenate(pieces) if pieces else np.zeros(0)


def _split(vector: np.ndarray, params) -> list[np.ndarray]:
    pieces, start = [], 0
    for p in params:
        pieces.append(vector[start : start + p.numel()].reshape(tuple(p.shape)))
        start += p.numel()
    return pieces


def _unflatten(vector: np.ndarray, params) -> list[Tensor]:
    return [Tensor._wrap(piece.astype(p._data.dtype)) for piece, p in zip(_split(vector, params), params)]

"""A quantitative convexity probe: where does a loss surface fail to be convex, and by how much?

Two tests of the definition, both reported with counts and the worst case found:

* **midpoint test**: f is convex iff f((a+b)/2) ≤ (f(a) + f(b))/2 for all a, b (midpoint
  convexity, enough for continuous f). A pair with f(mid) > mean + tol is a violation.
* **Hessian test**: a twice-differentiable f is convex iff its Hessian is positive
  semi-definite everywhere; a point with an eigenvalue λ_min < -tol is a violation.

On a 2-D :class:`~neuronlab.analysis.landscape.Landscape` the pairs lie on the grid (all
pairs along rows, columns and both diagonals, plus random pairs whose midpoint is a grid
point), which tests the definition on the computed values themselves. The 2×2 Hessian comes
from finite differences, which are only approximations: where the curvature is nearly
singular (logistic regression far from its data) a coarse grid gives small negative
eigenvalues for a convex function. A point therefore counts only if λ_min with step h is
below -(tol + |λ_h - λ_2h|), the step-2h stencil estimating the truncation error; use a
fine enough grid (about 60×60 over [-10, 10]² for the course's examples). For a loss ``loss_fn`` of
parameters ``params`` (any number, e.g. a scalar w₁ and b₁, or a whole small model) points
are sampled in a box and the Hessian is exact (double backward, :func:`full_hessian`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from neuronlab.analysis.hessian import full_hessian
from neuronlab.analysis.landscape import Landscape
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor

__all__ = ["ConvexityReport", "convexity_report"]


@dataclass
class ConvexityReport:
    """The probe's counts and worst cases; ``is_convex`` is True when both tests found none.

    ``worst_midpoint``: ``{"a", "b", "mid", "f_a", "f_b", "f_mid", "gap"}`` with
    gap = f(mid) - (f(a) + f(b))/2 of the worst pair (None if no pair was tested);
    ``most_negative``: ``{"point", "eigenvalue"}`` where λ_min is smallest.
    """

    midpoint_pairs: int
    midpoint_violations: int
    worst_midpoint: dict | None
    hessian_points: int
    negative_curvature_points: int
    most_negative: dict | None
    method: str
    tol: float
    curvature_tol: float
    labels: tuple[str, ...] = ()
    is_convex: bool = field(init=False)

    def __post_init__(self) -> None:
        self.is_convex = self.midpoint_violations == 0 and self.negative_curvature_points == 0

    @property
    def midpoint_fraction(self) -> float:
        return self.midpoint_violations / self.midpoint_pairs if self.midpoint_pairs else 0.0

    @property
    def negative_fraction(self) -> float:
        return self.negative_curvature_points / self.hessian_points if self.hessian_points else 0.0

    def summary(self) -> str:
        """One sentence computed from the numbers."""
        where = f" over ({', '.join(self.labels)})" if self.labels else ""
        text = (
            f"Midpoint test{where}: {self.midpoint_violations} of {self.midpoint_pairs} pairs "
            f"({100 * self.midpoint_fraction:.1f}%) violate f((a+b)/2) <= (f(a)+f(b))/2 + {self.tol:.2g}"
        )
        if self.midpoint_violations:
            w = self.worst_midpoint
            text += f", worst by {w['gap']:.4g} at a={_point(w['a'])}, b={_point(w['b'])}"
        text += (
            f"; Hessian test ({self.method}): {self.negative_curvature_points} of {self.hessian_points} "
            f"points ({100 * self.negative_fraction:.1f}%) have an eigenvalue below -{self.curvature_tol:.2g}"
        )
        if self.most_negative is not None:
            m = self.most_negative
            text += f", the most negative {m['eigenvalue']:.4g} at {_point(m['point'])}"
            if "error" in m:
                text += f" (estimated error {m['error']:.2g})"
        verdict = "consistent with convexity" if self.is_convex else "not convex"
        return text + f". Verdict: {verdict}."

    def _repr_html_(self) -> str:
        """The two tests' counts as a table in Jupyter, with the summary sentence."""
        from neuronlab.utils.html import escape, table

        rows = [
            ["midpoint test", self.midpoint_pairs, self.midpoint_violations, f"{100 * self.midpoint_fraction:.1f}%"],
            [f"Hessian test ({self.method})", self.hessian_points, self.negative_curvature_points,
             f"{100 * self.negative_fraction:.1f}%"],
        ]  # fmt: skip
        verdict = "consistent with convexity" if self.is_convex else "not convex"
        caption = f"convexity probe: {verdict}"
        return table(
            ["test", "tried", "violations", "fraction"], rows, caption=caption, numeric={1, 2, 3}
        ) + (f"<p>{escape(self.summary())}</p>")


def convexity_report(
    source: Landscape | np.ndarray | Callable[[], Tensor],
    params: Sequence[Tensor] | None = None,
    *,
    tol: float | None = None,
    curvature_tol: float | None = None,
    n_pairs: int | None = None,
    bounds=None,
    n_points: int = 64,
    seed: int = 0,
) -> ConvexityReport:
    """Probe a loss for non-convexity by the midpoint test and the Hessian test.

    ``source`` is either a 2-D ``Landscape`` (a grid slice; ``params`` unused; a bare 2-D
    array of values is taken as a grid with unit steps), or a
    zero-argument ``loss_fn`` with ``params`` (the tensors it reads): then ``n_points``
    points are drawn uniformly from ``bounds`` (a (lo, hi) pair of scalars or of flat
    arrays over all parameters; default: current values ± 1), and ``n_pairs`` random pairs
    (default 256) of such points are midpoint-tested. The parameters are restored afterwards.

    Tolerances: ``tol`` (default 1e-6 · max(1, max |f|)) is the slack in the midpoint test;
    ``curvature_tol`` defaults on a grid to 4·tol/h² (h the smaller grid step: the
    rounding noise of a second difference), and to 1e-6 · max(1, max |λ|) for exact Hessians.

    Example:
        >>> w = neuronlab.tensor([0.0, 0.0], requires_grad=True)
        >>> convexity_report(lambda: (w ** 2).sum(), [w]).is_convex
        True
    """
    if isinstance(source, np.ndarray):  # a bare grid of values: unit steps, index coordinates
        source = Landscape(tuple(np.arange(n, dtype=float) for n in source.shape), source, ("i", "j"))
    if isinstance(source, Landscape):
        return _grid_report(source, tol, curvature_tol, 20000 if n_pairs is None else n_pairs, seed)
    if params is None:
        raise ValueError("a loss function needs params, the tensors it depends on")
    return _sampled_report(
        source, list(params), tol, curvature_tol, 256 if n_pairs is None else n_pairs, bounds, n_points, seed
    )


# -- on a grid ------------------------------------------------------------------------------
def _grid_report(s: Landscape, tol, curvature_tol, n_random: int, seed: int) -> ConvexityReport:
    if s.ndim != 2:
        raise ValueError("the grid probe needs a 2-D landscape")
    f = np.asarray(s.values, dtype=np.float64)
    xs, ys = (np.asarray(a, dtype=np.float64) for a in s.axes)
    if tol is None:
        tol = 1e-6 * max(1.0, float(np.max(np.abs(f))))
    gaps, a_idx, b_idx = _grid_pairs(f, n_random, seed)
    violations = int(np.sum(gaps > tol))
    worst = None
    if gaps.size:
        k = int(np.argmax(gaps))
        (i1, j1), (i2, j2) = a_idx[k], b_idx[k]
        mid = ((i1 + i2) // 2, (j1 + j2) // 2)
        worst = {
            "a": (xs[i1], ys[j1]), "b": (xs[i2], ys[j2]), "mid": (xs[mid[0]], ys[mid[1]]),
            "f_a": f[i1, j1], "f_b": f[i2, j2], "f_mid": f[mid], "gap": float(gaps[k]),
        }  # fmt: skip
    hx, hy = np.diff(xs).mean(), np.diff(ys).mean()
    if curvature_tol is None:
        curvature_tol = 4 * tol / min(hx, hy) ** 2
    # λ with step h, and its truncation error estimated from step 2h (Richardson: λ_h - λ_2h
    # is about 3× the error of λ_h); a point counts only if λ_h < -(curvature_tol + error).
    lam = _grid_min_eigenvalues(f, hx, hy, 1)[1:-1, 1:-1]
    error = np.abs(lam - _grid_min_eigenvalues(f, hx, hy, 2))
    negative = int(np.sum(lam < -(curvature_tol + error)))
    most = None
    if lam.size:
        i, j = np.unravel_index(int(np.argmin(lam)), lam.shape)
        most = {"point": (xs[i + 2], ys[j + 2]), "eigenvalue": float(lam[i, j]), "error": float(error[i, j])}
    method = "finite differences on the grid, error-checked with step 2h"
    return ConvexityReport(
        int(gaps.size), violations, worst, int(lam.size), negative, most, method, float(tol),
        float(curvature_tol), tuple(s.labels),
    )  # fmt: skip


def _grid_pairs(f: np.ndarray, n_random: int, seed: int):
    """Midpoint gaps f(mid) - (f(a)+f(b))/2 for grid pairs a, b with a grid midpoint.

    All pairs along rows, columns and diagonals (mid ± k·step), then ``n_random`` random
    pairs: a uniform, b uniform with the same index parity as a so (a+b)/2 is a grid point.
    """
    g1, g2 = f.shape
    ii, jj = np.meshgrid(np.arange(g1), np.arange(g2), indexing="ij")
    a_list, b_list = [], []
    for di, dj in ((1, 0), (0, 1), (1, 1), (1, -1)):
        for k in range(1, max(g1, g2) // 2 + 1):
            si, sj = k * di, k * dj
            ok = (ii - si >= 0) & (ii + si < g1) & (jj - abs(sj) >= 0) & (jj + abs(sj) < g2)
            mi, mj = ii[ok], jj[ok]
            if mi.size == 0:
                break
            a_list.append(np.stack([mi - si, mj - sj], axis=1))
            b_list.append(np.stack([mi + si, mj + sj], axis=1))
    rng = np.random.default_rng(seed)
    a = rng.integers(0, (g1, g2), size=(n_random, 2))
    b = rng.integers(0, (g1, g2), size=(n_random, 2))
    b = np.where((a + b) % 2 == 1, np.where(b > 0, b - 1, b + 1), b)  # same parity as a
    keep = np.any(a != b, axis=1)
    a_list.append(a[keep])
    b_list.append(b[keep])
    a_idx, b_idx = np.concatenate(a_list), np.concatenate(b_list)
    mid = (a_idx + b_idx) // 2
    gaps = f[mid[:, 0], mid[:, 1]] - 0.5 * (f[a_idx[:, 0], a_idx[:, 1]] + f[b_idx[:, 0], b_idx[:, 1]])
    return gaps, a_idx, b_idx


def _grid_min_eigenvalues(f: np.ndarray, hx: float, hy: float, k: int = 1) -> np.ndarray:
    """λ_min of the finite-difference Hessian [[f_xx, f_xy], [f_xy, f_yy]] with steps k·h,
    at the points at least k from the border.

    f_xx ≈ (f[i+k,j] - 2f[i,j] + f[i-k,j]) / (k hx)², f_xy ≈ (f[i+k,j+k] - f[i+k,j-k] -
    f[i-k,j+k] + f[i-k,j-k]) / (4 k² hx hy); λ_min = (f_xx + f_yy)/2 - √(((f_xx - f_yy)/2)² + f_xy²).
    """
    g1, g2 = f.shape
    inner = (slice(k, g1 - k), slice(k, g2 - k))
    up, down = slice(2 * k, None), slice(None, g1 - 2 * k)
    right, left = slice(2 * k, None), slice(None, g2 - 2 * k)
    c = f[inner]
    fxx = (f[up, inner[1]] - 2 * c + f[down, inner[1]]) / (k * hx) ** 2
    fyy = (f[inner[0], right] - 2 * c + f[inner[0], left]) / (k * hy) ** 2
    fxy = (f[up, right] - f[up, left] - f[down, right] + f[down, left]) / (4 * k * k * hx * hy)
    return 0.5 * (fxx + fyy) - np.sqrt(0.25 * (fxx - fyy) ** 2 + fxy**2)


# -- sampled, with exact Hessians -------------------------------------------------------------
def _sampled_report(loss_fn, params, tol, curvature_tol, n_pairs, bounds, n_points, seed) -> ConvexityReport:
    saved = [p.detach().numpy().copy() for p in params]
    flat0 = np.concatenate([s.ravel().astype(np.float64) for s in saved])
    lo, hi = (
        (flat0 - 1.0, flat0 + 1.0) if bounds is None else (np.asarray(b, dtype=np.float64) for b in bounds)
    )
    lo, hi = np.broadcast_to(lo, flat0.shape), np.broadcast_to(hi, flat0.shape)
    rng = np.random.default_rng(seed)
    try:
        points = lo + (hi - lo) * rng.random((n_points, flat0.size))
        eigen = []
        for point in points:
            _assign(params, point)
            h = full_hessian(loss_fn, params)
            eigen.append(np.linalg.eigvalsh(0.5 * (h + h.T))[0] if h.size else 0.0)
        eigen = np.asarray(eigen)
        a = lo + (hi - lo) * rng.random((n_pairs, flat0.size))
        b = lo + (hi - lo) * rng.random((n_pairs, flat0.size))
        fa, fb, fm = (np.array([_loss_at(loss_fn, params, p) for p in q]) for q in (a, b, 0.5 * (a + b)))
    finally:
        _assign(params, flat0)
    if tol is None:
        tol = 1e-6 * max(1.0, float(np.max(np.abs(np.concatenate([fa, fb, fm])), initial=0.0)))
    if curvature_tol is None:
        curvature_tol = 1e-6 * max(1.0, float(np.max(np.abs(eigen), initial=0.0)))
    gaps = fm - 0.5 * (fa + fb)
    worst = None
    if n_pairs:
        k = int(np.argmax(gaps))
        worst = {"a": a[k], "b": b[k], "mid": 0.5 * (a[k] + b[k]), "f_a": fa[k], "f_b": fb[k], "f_mid": fm[k], "gap": float(gaps[k])}  # fmt: skip
    most = None
    if n_points:
        k = int(np.argmin(eigen))
        most = {"point": points[k], "eigenvalue": float(eigen[k])}
    return ConvexityReport(
        n_pairs, int(np.sum(gaps > tol)), worst, n_points, int(np.sum(eigen < -curvature_tol)), most,
        "exact Hessian (double backward)", float(tol), float(curvature_tol),
    )  # fmt: skip


def _assign(params: list[Tensor], flat: np.ndarray) -> None:
    start = 0
    with no_grad():
        for p in params:
            piece = flat[start : start + p.numel()].reshape(tuple(p.shape))
            p.copy_(Tensor._wrap(piece.astype(p.detach().numpy().dtype)))
            start += p.numel()


def _loss_at(loss_fn, params: list[Tensor], flat: np.ndarray) -> float:
    _assign(params, flat)
    with no_grad():
        return float(loss_fn().item())


def _point(p) -> str:
    return "(" + ", ".join(f"{float(v):.3g}" for v in np.ravel(p)) + ")"

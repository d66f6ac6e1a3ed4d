"""The perceptron convergence theorem (Novikoff 1962): margin, radius and the mistake bound.

Work in the augmented space the perceptron learns in: x̃ = (1, x) when ``fit_intercept``
(the bias coordinate x₀ = 1 is appended, exactly as ``Perceptron`` does), x̃ = x otherwise.

    R = maxᵢ ‖x̃ᵢ‖                                  (radius, bias coordinate included)
    γ = maxᵤ minᵢ yᵢ u·x̃ᵢ  over unit vectors u     (margin of the best separating hyperplane)

Theorem: if some unit u has yᵢ u·x̃ᵢ ≥ γ > 0 for every i, the perceptron started at w̃ = 0
makes at most (R/γ)² mistakes, in any order, for any η > 0. Proof in two lines: every
mistake adds at least ηγ to u·w̃ and at most η²R² to ‖w̃‖², so after k mistakes
kηγ ≤ u·w̃ ≤ ‖w̃‖ ≤ √k ηR.

How γ is found (scipy, imported lazily): a linear program (``scipy.optimize.linprog``,
HiGHS) first decides whether any u with yᵢ u·x̃ᵢ ≥ 1 exists, i.e. whether the data are
linearly separable; then the maximum-margin u solves the hard-margin SVM problem
min ½‖u‖² subject to yᵢ u·x̃ᵢ ≥ 1 (a small quadratic program, ``scipy.optimize.minimize``
with SLSQP, started from the LP's point), and γ = 1/‖u‖. An LP alone maximizes the margin
in a different norm, not the Euclidean one. Whatever the solver returns, γ is recomputed
as minᵢ yᵢ u·x̃ᵢ / ‖u‖ for that u, so the bound is valid even if the solver stopped early.
Note that γ is the margin in the augmented space, at most the geometric margin of the
line w·x + b = 0 in the input space (the bias counts in ‖u‖).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from neuronlab.classic.perceptron import augment, binary_labels
from neuronlab.datasets.validation import check_features, check_lengths


def _scipy_optimize():
    try:
        from scipy import optimize
    except ImportError as error:  # pragma: no cover - scipy ships with the lab extra
        raise ImportError(
            "the maximum-margin hyperplane uses scipy; install it with pip install 'neuronlab[lab]'"
        ) from error
    return optimize


def _signed_rows(X: ArrayLike, y: ArrayLike, fit_intercept: bool) -> np.ndarray:
    """Rows zᵢ = yᵢ·x̃ᵢ (labels as ±1): u separates the data iff Z u > 0."""
    X = check_features(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D of shape (n_samples, n_features), got shape {X.shape}")
    check_lengths(X, y)
    _, s = binary_labels(y)
    return s[:, None] * augment(X, fit_intercept)


def _not_separable(detail: str) -> ValueError:
    return ValueError(
        "the data are not linearly separable: no hyperplane puts every sample strictly on its "
        f"class's side ({detail}). The perceptron will not converge on them and Novikoff's "
        "bound does not apply."
    )


def max_margin_hyperplane(X: ArrayLike, y: ArrayLike, fit_intercept: bool = True) -> np.ndarray:
    """The unit vector u = (w₀, w) maximizing minᵢ yᵢ u·x̃ᵢ, the hard-margin SVM direction.

    Solves min ½‖v‖² s.t. yᵢ v·x̃ᵢ ≥ 1 (LP feasibility check, then SLSQP) and returns
    u = v/‖v‖; the bias w₀ comes first when ``fit_intercept``. Raises ``ValueError`` if the
    data are not linearly separable.

    Example:
        >>> u = max_margin_hyperplane(np.array([[0.0], [2.0]]), [0, 1], fit_intercept=False)
        Traceback (most recent call last):
        ValueError: the data are not linearly separable: ...
        >>> max_margin_hyperplane(np.array([[-1.0], [1.0]]), [0, 1], fit_intercept=False)
        array([1.])
    """
    Z = _signed_rows(X, y, fit_intercept)
    optimize = _scipy_optimize()
    n, d = Z.shape
    lp = optimize.linprog(np.zeros(d), A_ub=-Z, b_ub=-np.ones(n), bounds=[(None, None)] * d, method="highs")
    if lp.status == 2:
        raise _not_separable("the linear program yᵢ(w·xᵢ + b) ≥ 1 is infeasible")
    if lp.status != 0:
        raise RuntimeError(f"the separability linear program failed: {lp.message}")
    qp = optimize.minimize(
        lambda v: 0.5 * v @ v,
        lp.x,
        jac=lambda v: v,
        constraints=[{"type": "ineq", "fun": lambda v: Z @ v - 1.0, "jac": lambda v: Z}],
        method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 500},
    )
    best = max((lp.x, qp.x), key=lambda v: _margin(Z, v))  # keep the LP point if SLSQP went astray
    if _margin(Z, best) <= 0:
        raise _not_separable("the best hyperplane found leaves a sample on the boundary")
    return best / np.linalg.norm(best)


def _margin(Z: np.ndarray, v: np.ndarray) -> float:
    norm = np.linalg.norm(v)
    return float(np.min(Z @ v) / norm) if norm > 0 and np.all(np.isfinite(v)) else -np.inf


def margin_and_radius(
    X: ArrayLike, y: ArrayLike, w: ArrayLike | None = None, fit_intercept: bool = True
) -> tuple[float, float]:
    """``(γ, R)``: the margin of a separating hyperplane and the radius of the data, bias included.

    R = maxᵢ ‖x̃ᵢ‖ with x̃ = (1, x) (``fit_intercept``) or x; γ = minᵢ yᵢ w·x̃ᵢ / ‖w‖ for the
    given ``w`` (length n_features + 1 with the bias w₀ first, e.g.
    ``np.r_[clf.intercept_, clf.coef_[0]]``), or for the maximum-margin hyperplane
    (``max_margin_hyperplane``) when ``w`` is None. Labels: any two classes, mapped to ±1.
    Raises ``ValueError`` if the data are not separable, or ``w`` does not separate them.

    Example:
        >>> X, y = np.array([[0.0, 0.0], [0.0, 2.0]]), [0, 1]
        >>> gamma, R = margin_and_radius(X, y)
        >>> round(gamma, 4), round(R, 4)   # best u ∝ (−1, 0, 1): margin 1/√2, R = √5
        (0.7071, 2.2361)
    """
    Z = _signed_rows(X, y, fit_intercept)
    radius = float(np.linalg.norm(Z, axis=1).max())
    if w is None:
        w = max_margin_hyperplane(X, y, fit_intercept)
    w = np.asarray(w, dtype=np.float64).ravel()
    if w.shape != (Z.shape[1],):
        what = "n_features + 1 (bias w0 first)" if fit_intercept else "n_features"
        raise ValueError(f"w must have {what} = {Z.shape[1]} entries, got {w.size}")
    margin = _margin(Z, w)
    if margin <= 0:
        raise ValueError(
            f"w does not separate the data: min yᵢ w·x̃ᵢ / ‖w‖ = {margin:.4g} ≤ 0, so it has no positive margin"
        )
    return margin, radius


def mistake_bound(
    X: ArrayLike, y: ArrayLike, w: ArrayLike | None = None, fit_intercept: bool = True
) -> float:
    """Novikoff's bound (R/γ)² on the perceptron's total number of mistakes (weight updates).

    γ and R are ``margin_and_radius(X, y, w, fit_intercept)``; with ``w=None`` the
    maximum-margin hyperplane gives the tightest bound. Raises ``ValueError`` on data that
    are not linearly separable.

    Example:
        >>> round(mistake_bound(np.array([[0.0, 0.0], [0.0, 2.0]]), [0, 1]), 9)  # (√5 / (1/√2))² = 10
        10.0
    """
    margin, radius = margin_and_radius(X, y, w, fit_intercept)
    return (radius / margin) ** 2

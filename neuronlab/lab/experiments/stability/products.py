"""Singular values and eigenvalues of products of matrices (003 §4.8 exercise 3)."""

from __future__ import annotations

import math

import numpy as np

FLOOR = 13  # decades below σ_max where float64 SVD can no longer resolve σ_min (ε ≈ 2e-16)


def product_singular_values(n: int, k_max: int, gain: float, rng: np.random.Generator) -> dict:
    """σ_max and σ_min of P_k = A_k ⋯ A_1 (A_i with N(0, gain²/n) entries) for k = 1..k_max, next
    to the bounds ∏σ_max(A_i) and ∏σ_min(A_i), in log10. σ_min is ``None`` once it is more than
    ``FLOOR`` decades below σ_max (rounding, not the matrix, would set it)."""
    product = np.eye(n)
    log_top, log_bottom, bound_top, bound_bottom, factor_top = [], [], [], [], []
    upper = lower = 0.0
    for _ in range(k_max):
        A = rng.standard_normal((n, n)) * gain / math.sqrt(n)
        s = np.linalg.svd(A, compute_uv=False)
        factor_top.append(float(s[0]))
        upper += math.log10(s[0])
        lower += math.log10(s[-1])
        product = A @ product
        sp = np.linalg.svd(product, compute_uv=False)
        top, bottom = math.log10(sp[0]), math.log10(sp[-1])
        log_top.append(top)
        log_bottom.append(bottom if bottom > top - FLOOR else None)
        bound_top.append(upper)
        bound_bottom.append(lower)
    upper_gap = max(t - b for t, b in zip(log_top, bound_top))
    lower_gap = max((b - t for t, b in zip(log_bottom, bound_bottom) if t is not None), default=-math.inf)
    return {"gain": gain, "n": n, "log10_sigma_max": log_top, "log10_sigma_min": log_bottom,
            "log10_bound_max": bound_top, "log10_bound_min": bound_bottom,
            "min_factor_sigma_max": min(factor_top), "worst_bound_excess": max(upper_gap, lower_gap)}  # fmt: skip


def growth_per_factor(
    n: int, k: int, gain: float, trials: int, rng: np.random.Generator, burn: int = 10
) -> dict:
    """The growth of σ_max(A_k ⋯ A_1) per factor, in log10, averaged over ``trials`` products whose
    every factor has σ_max > 1 (a factor with σ_max ≤ 1 is drawn again). The rate is measured from
    factor ``burn`` on, so the first factors' own σ_max (≈ 2) does not bias it; the product is
    renormalized at every step so long products do not overflow."""
    slopes, smallest = [], math.inf
    for _ in range(trials):
        product, total = np.eye(n), 0.0
        for i in range(k):
            A = rng.standard_normal((n, n)) * gain / math.sqrt(n)
            while np.linalg.norm(A, 2) <= 1.0:
                A = rng.standard_normal((n, n)) * gain / math.sqrt(n)
            smallest = min(smallest, float(np.linalg.norm(A, 2)))
            product = A @ product
            norm = np.linalg.norm(product, 2)
            total += math.log10(norm) if i >= burn else 0.0
            product /= norm
        slopes.append(total / (k - burn))
    return {"n": n, "k": k, "gain": gain, "trials": trials, "log10_growth_per_factor": float(np.mean(slopes)),
            "min_factor_sigma_max": smallest}  # fmt: skip


def eigenvalue_products(n: int, trials: int, rng: np.random.Generator) -> dict:
    """Eigenvalues of a product are not bounded by the factors' eigenvalues: a nilpotent pair,
    and how often ρ(AB) > ρ(A)ρ(B) for random Gaussian pairs; singular values always obey the bound."""
    A = np.array([[0.0, 1.0], [0.0, 0.0]])
    B = np.array([[0.0, 0.0], [1.0, 0.0]])

    def rho(M: np.ndarray) -> float:
        return float(np.abs(np.linalg.eigvals(M)).max())

    exceed = svd_violations = 0
    for _ in range(trials):
        P, Q = rng.standard_normal((2, n, n)) / math.sqrt(n)
        exceed += rho(P @ Q) > rho(P) * rho(Q)
        svd_violations += np.linalg.norm(P @ Q, 2) > np.linalg.norm(P, 2) * np.linalg.norm(Q, 2) * (1 + 1e-12)
    return {"nilpotent": {"rho_A": rho(A), "rho_B": rho(B), "rho_AB": rho(A @ B)}, "trials": trials, "n": n,
            "eigen_bound_broken": int(exceed), "singular_bound_broken": int(svd_violations)}  # fmt: skip

"""Fair comparisons: every rival gets its own setting (a learning rate, a λ), chosen on
validation data over a grid wide enough that the choice is interior.

``tune`` evaluates a score on a log-spaced grid; when the best value sits on an edge it widens
the grid past that edge (same ratio between points) until the best is interior or ``max_widen``
extra points were tried, and records whether it ended interior so the report can say so.

Example:
    >>> result = tune(lambda lr: -(math.log10(lr) + 2) ** 2, [1e-3, 1e-2, 1e-1], higher_is_better=True)
    >>> result["best"], result["interior"]
    (0.01, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence


def tune(score: Callable[[float], float], grid: Sequence[float], higher_is_better: bool = True,
         max_widen: int = 3) -> dict:  # fmt: skip
    """Best setting of ``grid`` by ``score`` (validation accuracy, or a loss with
    ``higher_is_better=False``); non-finite scores count as the worst.

    Returns ``{"best", "best_score", "grid", "scores", "interior", "flat", "widened"}`` where
    ``grid`` and ``scores`` hold every point tried, in increasing order, and ``flat`` says every
    point scored the same (nothing was learned from the sweep; ``interior`` is then meaningless).
    """
    points = sorted(float(g) for g in grid)
    if len(points) < 3 or points[0] <= 0:
        raise ValueError(f"tune needs at least 3 positive grid points, got {list(grid)}")
    ratio_low, ratio_high = points[1] / points[0], points[-1] / points[-2]
    scores = {p: _finite(score(p), higher_is_better) for p in points}
    widened = 0
    while True:
        ordered = sorted(scores)
        best = _best(scores, higher_is_better)
        at_low, at_high = best == ordered[0], best == ordered[-1]
        if not (at_low or at_high) or widened >= max_widen:
            break
        new = ordered[0] / ratio_low if at_low else ordered[-1] * ratio_high
        scores[new] = _finite(score(new), higher_is_better)
        widened += 1
    ordered = sorted(scores)
    best = _best(scores, higher_is_better)
    return {
        "best": best,
        "best_score": _json(scores[best]),
        "grid": ordered,
        "scores": [_json(scores[p]) for p in ordered],
        "interior": best not in (ordered[0], ordered[-1]),
        "flat": len(set(scores.values())) == 1,
        "widened": widened,
    }


def _finite(value: float, higher_is_better: bool) -> float:
    value = float(value)
    if math.isfinite(value):
        return value
    return -math.inf if higher_is_better else math.inf


def _json(value: float) -> float | None:
    return value if math.isfinite(value) else None  # results.json is strict JSON: no Infinity


def _best(scores: dict[float, float], higher_is_better: bool) -> float:
    # Ties (a plateau, e.g. 100% validation accuracy at several rates) go to the middle of the
    # plateau (the lower one of two), so a plateau at the grid's edge is widened only until it has
    # room on both sides.
    top = max(scores.values()) if higher_is_better else min(scores.values())
    tied = sorted(p for p, v in scores.items() if v == top)
    return tied[(len(tied) - 1) // 2]

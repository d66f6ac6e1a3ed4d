"""The claims machinery: intervals, verdicts, rendering and tuning, on made-up numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from neuronlab.lab.claims import Claim, course_verdict, decide, describe, evaluate, t_interval
from neuronlab.lab.tuning import tune


def _claim(**kw):
    base = dict(id="c", question="002 3", statement="x is positive", metric="x", measure=lambda r: r["x"],
                rule=">", threshold=0.0)  # fmt: skip
    return Claim(**{**base, **kw})


def test_t_interval_matches_scipy_and_degenerate_cases():
    values = [1.0, 2.0, 4.0, 3.5, 2.5]
    low, high = t_interval(values)
    ref = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))
    assert low == pytest.approx(ref[0]) and high == pytest.approx(ref[1])
    assert t_interval([2.0, 2.0, 2.0]) == (2.0, 2.0)
    assert t_interval([1.0]) == (-math.inf, math.inf)


@pytest.mark.parametrize(
    "interval, rule, verdict",
    [((0.1, 0.5), ">", "supports"), ((-0.5, -0.1), ">", "contradicts"), ((-0.1, 0.5), ">", "inconclusive"),
     ((0.0, 0.0), ">", "contradicts"), ((-0.5, -0.1), "<", "supports"), ((0.1, 0.5), "<", "contradicts"),
     ((0.0, 0.0), "<", "contradicts"), ((-math.inf, math.inf), ">", "inconclusive")],
)  # fmt: skip
def test_decide(interval, rule, verdict):
    assert decide(interval, rule, 0.0) == verdict


def test_evaluate_records_every_seed_and_a_non_finite_value_is_inconclusive():
    record = evaluate(_claim(), [0, 1, 2], [{"x": 1.0}, {"x": 1.2}, {"x": 0.9}])
    assert record["values"] == [1.0, 1.2, 0.9] and record["seeds"] == [0, 1, 2]
    assert record["verdict"] == "supports" and record["interval"][0] > 0
    broken = evaluate(_claim(), [0, 1, 2], [{"x": 1.0}, {"x": math.nan}, {"x": 0.9}])
    assert broken["verdict"] == "inconclusive" and broken["values"][1] is None


def test_wording_is_chosen_by_the_verdict_and_course_agreement():
    course = _claim(course_says="the seed says x > 0", course_agrees=True)
    up = evaluate(course, [0, 1, 2], [{"x": 1.0}, {"x": 1.1}, {"x": 0.9}])
    down = evaluate(course, [0, 1, 2], [{"x": -1.0}, {"x": -1.1}, {"x": -0.9}])
    assert describe(up).startswith("Supported: x is positive") and course_verdict(up) == "holds"
    assert describe(down).startswith("Contradicted: x is positive") and course_verdict(down) == "fails"
    assert "contradicted by this measurement" in describe(down)
    silent = evaluate(_claim(), [0, 1, 2], [{"x": 1.0}, {"x": 1.1}, {"x": 0.9}])
    assert course_verdict(silent) is None and "course" not in describe(silent)


def test_claims_refuse_bad_declarations():
    with pytest.raises(ValueError, match="rule"):
        _claim(rule=">=")
    with pytest.raises(ValueError, match="expected"):
        _claim(expected="maybe")
    with pytest.raises(ValueError, match="course_says"):
        _claim(course_agrees=True)


def test_tune_widens_until_the_best_is_interior():
    calls = []

    def score(lr):
        calls.append(lr)
        return -((math.log10(lr) - 1.0) ** 2)  # best at lr = 10, far above the grid

    result = tune(score, [1e-3, 1e-2, 1e-1], max_widen=5)
    assert result["best"] == pytest.approx(10.0) and result["interior"] and result["widened"] == 3
    edge = tune(score, [1e-3, 1e-2, 1e-1], max_widen=1)
    assert not edge["interior"] and edge["best"] == pytest.approx(1.0)


def test_tune_treats_divergence_as_worst_and_picks_the_middle_of_a_plateau():
    result = tune(lambda lr: math.nan if lr > 0.05 else 1.0, [1e-3, 1e-2, 1e-1])
    assert result["best"] == pytest.approx(1e-3) and result["interior"]  # middle of the 1e-4..1e-2 plateau
    assert None in result["scores"]
    with pytest.raises(ValueError):
        tune(lambda lr: 0.0, [0.1, 1.0])


def test_tune_flags_a_flat_sweep():
    result = tune(lambda lr: 0.5, [1e-3, 1e-2, 1e-1])
    assert result["flat"] and not tune(lambda lr: -abs(lr - 1e-2), [1e-3, 1e-2, 1e-1])["flat"]

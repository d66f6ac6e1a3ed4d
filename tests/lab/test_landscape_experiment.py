"""The landscape experiment's claims, checked on a quick run (seed 000/001 A2.2)."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import landscape
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return landscape.run(LabConfig(quick=True, seed=0))


def test_vectorized_landscape_equals_the_per_point_loop(results):
    for speed in results["speed"].values():
        assert speed["max_abs_difference"] < 1e-6
        assert speed["vectorized_seconds"] < speed["loop_seconds"]


def test_mse_and_cross_entropy_are_found_non_convex(results):
    for loss in ("mse", "cross_entropy"):
        for pair in ("w1_b1", "w1_w2"):
            s = results["slices"][loss][pair]
            assert not s["grid"]["is_convex"] and not s["exact"]["is_convex"], (loss, pair)
            assert s["grid"]["midpoint_violations"] > 0 and s["grid"]["negative_curvature_points"] > 0
            assert s["exact"]["most_negative_eigenvalue"] < 0
    assert results["seed_init"]["mse"]["non_convex"] == len(results["seed_init"]["w2"])
    assert results["seed_init"]["cross_entropy"]["non_convex"] == len(results["seed_init"]["w2"])


def test_logistic_regression_and_the_output_layer_are_not_flagged(results):
    assert results["logistic"]["grid"]["is_convex"] and results["logistic"]["exact"]["is_convex"]
    for loss in ("mse", "cross_entropy"):
        out = results["slices"][loss]["w2_b2"]
        assert out["grid"]["midpoint_violations"] == 0 and out["exact"]["negative_curvature_points"] == 0


def test_report_parts(results):
    figs = landscape.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(landscape.table(results).rows) == 7
    text = landscape.conclusion(results)
    assert text and any(ch.isdigit() for ch in text) and "81 s" in text
    loaded = json.loads(json.dumps(results, default=_default, allow_nan=False))
    assert landscape.conclusion(loaded) == text

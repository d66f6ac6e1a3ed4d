"""The polynomial experiment's claims, checked on a quick run (seed 003 §4.4)."""

import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import polynomial
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return polynomial.run(LabConfig(quick=True, seed=0))


def test_exact_solution_recovers_the_cubic_and_training_loss_falls_with_degree(results):
    exact = results["exact"]
    w = np.array(exact["weights"][polynomial.RIGHT - 1])
    assert np.allclose(w, results["true_w"], atol=0.3)
    assert all(b <= a * (1 + 1e-9) for a, b in zip(exact["train"], exact["train"][1:]))
    assert exact["train"][-1] > 0.005  # degree 20 cannot interpolate 100 noisy points


def test_high_degree_exact_fit_overfits_and_interpolation_needs_n_minus_1(results):
    exact, noise = results["exact"], results["noise"]
    assert exact["test"][-1] > 100 * exact["test"][polynomial.RIGHT - 1]
    assert noise["interpolation_train"] < 1e-12
    assert noise["interpolation_test"] > 1.0


def test_more_data_tames_overfitting_but_not_underfitting(results):
    size = results["data_size"]
    over, under = size["degrees"].index(polynomial.OVER), size["degrees"].index(polynomial.UNDER)
    assert size["exact_test"][-1][over] < 1e-3 * size["exact_test"][0][over]
    assert size["exact_test"][-1][under] > 10 * polynomial.NOISE_VARIANCE


def test_raw_powers_make_sgd_diverge_as_the_curvature_predicts(results):
    s = results["scaling"]
    assert s["lambda_max_raw"][-1] > 1e10 * s["lambda_max_scaled"][-1]
    assert s["raw_diverged_epoch"][-1] is not None and s["raw_diverged_epoch"][0] is None
    assert all(v is not None for v in results["sgd"]["test"])  # the 1/i! features never diverge
    predicted = [c < results["lr"] for c in s["critical_lr_raw"]]
    observed = [e is not None for e in s["raw_diverged_epoch"]]
    assert sum(p == o for p, o in zip(predicted, observed)) >= 18


def test_standardizing_fixes_the_raw_features(results):
    s = results["scaling"]
    assert all(v is not None for v in s["standardized_test"])
    assert s["standardized_test"][polynomial.RIGHT - 1] < 0.1
    assert all(v is not None for v in s["raw_small_lr_test"])  # a stable lr does not diverge either


def test_noise_floor(results):
    noise = results["noise"]
    assert noise["noise_free_test"] < 1e-20
    assert 0.5 * polynomial.NOISE_VARIANCE < min(results["exact"]["test"]) < 2 * polynomial.NOISE_VARIANCE


def test_report_parts(results):
    figs = polynomial.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(polynomial.table(results).rows) == len(results["degrees"])
    text = polynomial.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    assert json.loads(json.dumps(results, default=_default, allow_nan=False))["degrees"] == results["degrees"]

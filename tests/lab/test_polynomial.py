"""polynomial: structure of a quick run's results, figures and table, and the measuring
functions (the claims themselves are asserted by test_claims.py)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.datasets import make_polynomial
from neuronlab.lab.experiments import polynomial
from neuronlab.lab.experiments.polynomial import measure


@pytest.fixture(scope="module")
def runs(quick_run):
    return [r["results"] for r in quick_run("polynomial")["runs"]]


def test_results_structure(runs):
    assert len(runs) == 3
    assert runs[0]["baseline_test"] != runs[1]["baseline_test"]  # each seed draws its own data
    for r in runs:
        assert len(r["exact"]["train"]) == len(r["degrees"]) == 20
        size = r["data_size"]
        assert len(size["exact_train"]) == len(size["sizes"]) and len(size["sgd_train"]) == len(size["sizes"])
        assert r["baseline_test"] > 100 * r["noise"]["true_function_test"]


def test_exact_cubic_is_close_to_the_true_weights(runs):
    for r in runs:
        w = np.asarray(r["exact"]["weights"][measure.RIGHT - 1])
        np.testing.assert_allclose(w, r["true_w"], atol=0.3)


def test_figures_and_table(runs):
    figs = polynomial.figures(runs)
    assert set(figs) == {"degree_sweep", "data_size", "scaling"}
    assert all(isinstance(f, Figure) for f in figs.values())
    assert len(polynomial.table(runs).rows) == 23


def test_bank_trains_each_degree_as_its_own_model():
    data = make_polynomial(n_train=30, n_test=10, max_degree=5, random_state=0)
    arrays = (data.X_train, data.y_train, data.X_test, data.y_test)
    both = measure.train_bank(arrays, [1, 3], epochs=3, seed=0)
    mask = measure.degree_mask(5, [1, 3])
    assert mask[:, 0].tolist() == [1, 1, 0, 0, 0] and mask[:, 1].tolist() == [1, 1, 1, 1, 0]
    assert np.all(both["weights"][2:, 0] == 0)
    assert both["train"].shape == (3, 2)


def test_exact_fit_is_least_squares_and_curvature_predicts_the_limit():
    data = make_polynomial(n_train=50, n_test=10, max_degree=6, random_state=1)
    w = measure.exact_fit(data.X_train, data.y_train, 3)
    ref = np.linalg.lstsq(
        data.X_train[:, :4].astype(np.float64), data.y_train[:, 0].astype(np.float64), rcond=None
    )[0]
    np.testing.assert_allclose(w, ref, rtol=1e-6, atol=1e-9)
    c = measure.curvature(data.X_train, 3)
    assert c["critical_lr"] == pytest.approx(2 / c["lambda_max"])
    assert measure.first_diverged_epoch(np.array([1.0, 2.0, np.inf])) == 3
    assert measure.first_diverged_epoch(np.array([1.0, 2.0])) is None


def test_expected_test_mse_is_the_noise_floor_plus_the_error_against_the_true_function():
    true_w = make_polynomial(n_train=1, n_test=1, max_degree=measure.N_FEATURES, random_state=0).true_w
    exact = np.zeros(measure.N_FEATURES)
    exact[:4] = true_w[:4]
    off = exact.copy()
    off[0] += 0.1  # a constant error of 0.1 everywhere adds exactly 0.01
    floor, shifted = measure.expected_test_mse([exact, off], 0, measure.N_FEATURES, draws=1000)
    assert floor == pytest.approx(measure.NOISE_VARIANCE, rel=1e-9)
    assert shifted == pytest.approx(measure.NOISE_VARIANCE + 0.01, rel=1e-6)


def test_expected_test_mse_of_every_model_is_above_the_noise_floor(runs):
    for r in runs:
        values = r["expected_test"]["exact"] + r["expected_test"]["sgd"]
        finite = [v for v in values if v is not None]
        assert len(values) == 2 * len(r["degrees"]) and min(finite) > measure.NOISE_VARIANCE

"""l1-vs-l2: structure of a quick run's results, figures and table, and the measuring functions
(the claims themselves are asserted by test_claims.py)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import l1_vs_l2
from neuronlab.lab.experiments.l1_vs_l2 import measure


@pytest.fixture(scope="module")
def runs(quick_run):
    return [r["results"] for r in quick_run("l1-vs-l2")["runs"]]


def test_each_seed_draws_its_own_data_and_chooses_lambda_on_validation(runs):
    assert len(runs) == 3
    assert runs[0]["true_w"] != runs[1]["true_w"]
    for r in runs:
        for method in ("l1-proximal", "l2"):
            c, path = r["chosen"][method], r["paths"][method]
            assert c["lambda"] == path["lambdas"][int(np.argmin(path["val_mse"]))]
            assert isinstance(c["interior"], bool)


def test_gradient_descent_reaches_the_exact_optima(runs):
    for r in runs:
        assert r["optimality"]["lasso_kkt"] < 1e-2
        assert r["optimality"]["ridge"] < 1e-2


def test_baseline_and_noise_floor_recorded(runs):
    for r in runs:
        assert r["noise_floor"] == measure.NOISE_STD**2
        assert r["baseline_test_mse"] > r["chosen"]["l1-proximal"]["test_mse"] > 0.9 * r["noise_floor"]


def test_figures_and_table_draw_from_all_seeds(runs):
    figs = l1_vs_l2.figures(runs)
    assert set(figs) == {"weights", "paths", "error_vs_lambda", "one_dimensional"}
    assert all(isinstance(f, Figure) for f in figs.values())
    assert len(l1_vs_l2.table(runs).rows) == 6


def test_proximal_step_lands_on_zero_and_subgradient_does_not():
    data = measure.make_data(3)
    lam = [measure.lambda_grid(data, "l1", 4)[2]]
    prox = measure.fit_path(data, lam, "l1-proximal", 300)
    sub = measure.fit_path(data, lam, "l1-subgradient", 300)
    assert prox["exact_zeros"][0] > 30
    assert sub["exact_zeros"][0] == 0


def test_one_weight_minimizers_match_soft_and_ridge_shrinkage():
    one = measure.one_dimensional(lam=1.0)
    a = np.asarray(one["a"])
    np.testing.assert_allclose(one["argmin_l1"], np.sign(a) * np.maximum(np.abs(a) - 1.0, 0), atol=1e-3)
    np.testing.assert_allclose(one["argmin_l2"], a / 2, atol=1e-3)
    pull = measure.penalty_pull()
    assert pull["l1"][-1] == pytest.approx(pull["l1"][0])
    assert pull["l2"][-1] == pytest.approx(pull["l2"][0] / 100, rel=1e-5)


def test_update_rule_check_detects_a_wrong_step():
    assert measure.l1_update_check(0)["max_abs_diff"] < 1e-6
    assert measure.l1_update_check(0, lam=0.0)["max_abs_diff"] == pytest.approx(0, abs=1e-6)

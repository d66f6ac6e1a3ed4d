"""weight-decay: structure of a quick run's results, figures and table, and the measuring
functions (the claims themselves are asserted by test_claims.py)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import weight_decay
from neuronlab.lab.experiments.weight_decay import measure


@pytest.fixture(scope="module")
def runs(quick_run):
    return [r["results"] for r in quick_run("weight-decay")["runs"]]


def test_choices_are_made_on_validation_and_recorded(runs):
    for r in runs:
        for path, choice in (("exact", "exact_choice"), ("sgd", "sgd_choice"), ("l1", "l1_choice")):
            i = int(np.argmin(r[path]["val"]))
            assert r[choice]["lambda"] == r[path]["lambdas"][i]
            assert r[choice]["test"] == r[path]["test"][i]
            assert isinstance(r[choice]["interior"], bool)
        assert r["input_noise"]["sigma"] in measure.NOISE_GRID


def test_l1_test_loss_is_the_data_loss_without_the_penalty(runs):
    # issue 11: the L1 "test loss" had included λ‖w‖₁ (2.84 reported for a real 0.0125)
    for r in runs:
        c = r["l1_choice"]
        assert c["test"] < 0.1
        assert len(r["l1"]["penalty"]) == len(r["l1"]["test"])  # the penalty is reported apart
        assert abs(c["test"] - r["baseline"]["test"]) < 0.5 * r["baseline"]["test"]


def test_seeds_draw_different_data(runs):
    assert runs[0]["baseline"]["test"] != runs[1]["baseline"]["test"]


def test_figures_and_table(runs):
    figs = weight_decay.figures(runs)
    assert set(figs) == {"lambda_sweep", "d2l_curves"} and all(isinstance(f, Figure) for f in figs.values())
    table = weight_decay.table(runs)
    assert len(table.rows) == 8 and any("predict the training mean" in row[0] for row in table.rows)


def test_losses_are_half_mse_per_column():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([1.0, 1.0])
    W = np.array([[1.0, 0.0], [1.0, 0.0]])  # column 0 fits exactly, column 1 predicts 0
    np.testing.assert_allclose(measure.half_mse(W, np.zeros(2), X, y), [0.0, 0.5])


def test_ridge_matches_the_primal_solution():
    data = measure.draw(4)
    w, b = measure.ridge(data["X_train"], data["y_train"], 0.7)
    X, y = data["X_train"].astype(np.float64), data["y_train"].astype(np.float64)
    Xc, yc = X - X.mean(0), y - y.mean()
    primal = np.linalg.solve(Xc.T @ Xc / len(X) + 0.7 * np.eye(X.shape[1]), Xc.T @ yc / len(X))
    np.testing.assert_allclose(w, primal, atol=1e-8)


def test_column_objective_trains_each_lambda_as_its_own_run():
    data = measure.draw(5)
    both = measure.sgd_sweep(data, 5, [0.0, 3.0], epochs=3)
    alone = measure.sgd_sweep(data, 5, [3.0], epochs=3)
    assert both["test"][1] == pytest.approx(alone["test"][0], rel=1e-4)
    assert both["test"][0] != pytest.approx(both["test"][1], rel=1e-2)

"""The metrics experiment (002 12): structure of a quick run, figures, and its measuring functions."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import metrics
from neuronlab.lab.experiments.metrics.measure import (
    THRESHOLD_SHARE,
    best_f1_threshold,
    imbalanced_moons,
    majority,
    scores,
    sklearn_scores,
)


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("metrics")


def test_every_seed_has_the_seed_example_and_the_threshold_share(payload):
    for run in payload["runs"]:
        shares = [m["share"] for m in run["results"]["moons"]]
        assert 0.01 in shares and THRESHOLD_SHARE in shares
        for m in run["results"]["moons"]:
            assert 0.02 <= m["threshold"] <= 0.98  # chosen on validation data from the grid
            assert m["test_minority"] >= 1


def test_seeds_give_different_data(payload):
    errors = [r["results"]["regression"]["gaussian_errors"]["mse"] for r in payload["runs"]]
    assert len(set(errors)) == len(errors)


def test_equal_mae_by_construction(payload):
    for run in payload["runs"]:
        a, b = run["results"]["regression"].values()
        assert a["mae"] == pytest.approx(b["mae"], rel=1e-9)


def test_figures_and_table_draw(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = metrics.figures(runs)
    assert figs and all(isinstance(f, Figure) for f in figs.values())
    assert len(metrics.table(runs).rows) == 2 * len(runs[0]["moons"]) + 3


def test_majority_baseline_and_scores_match_scikit_learn():
    X_tr, X_va, X_te, y_tr, y_va, y_te = imbalanced_moons(0, 600, 0.1)
    assert 0.05 < y_tr.mean() < 0.15 and len(y_va) and len(y_te)
    baseline = majority(y_tr, len(y_te))
    assert (baseline == 0).all()
    ours = scores(y_te, baseline, 1)
    assert ours["recall"] == 0 and ours["accuracy"] == pytest.approx(1 - y_te.mean())
    rng = np.random.default_rng(1)
    predicted = np.where(rng.random(len(y_te)) < 0.8, y_te, 1 - y_te)
    assert scores(y_te, predicted, 1) == pytest.approx(sklearn_scores(y_te, predicted, 1), abs=1e-12)


def test_best_f1_threshold_picks_the_separating_value():
    y = np.array([0, 0, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.35, 0.9])
    threshold, curve = best_f1_threshold(y, p, np.array([0.25, 0.32, 0.5]))
    assert threshold == 0.32 and curve[1] == 1.0 and curve[2] < 1.0

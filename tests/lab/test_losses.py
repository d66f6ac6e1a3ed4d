"""losses: what its claims do not check (structure, chosen rates, figures, the measuring
functions); the claims themselves are asserted by tests/lab/test_claims.py on the shared quick run."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import losses
from neuronlab.lab.experiments.losses import fits, formulas


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("losses")


def test_each_loss_records_its_tuned_learning_rate(payload):
    for run in payload["runs"]:
        for name in fits.IMBALANCE_LOSSES:
            t = run["results"]["imbalance"][name]
            assert t["lr"] in t["lr_grid"] and len(t["val_f1_by_lr"]) == len(t["lr_grid"])
            assert t["lr_interior"] == (t["lr_grid"][0] < t["lr"] < t["lr_grid"][-1])
    table = losses.table([r["results"] for r in payload["runs"]])
    assert all(len(row) == len(table.headers) for row in table.rows)


def test_curves_match_closed_forms_and_seeds_differ(payload):
    runs = [r["results"] for r in payload["runs"]]
    for curve in runs[0]["curves"].values():
        assert curve["max_formula_error"] < 1e-12
    assert len({r["robust"]["slope"]["mse"] for r in runs}) == len(runs)
    # the MSE fit lands near the closed-form least squares (quick mode: 200 Adam steps)
    assert max(r["robust"]["mse_vs_least_squares"] for r in runs) < 1e-2


def test_figures_draw_from_all_seeds(payload):
    figs = losses.figures([r["results"] for r in payload["runs"]])
    assert set(figs) == {"regression_losses", "classification_losses", "fits"}
    assert all(isinstance(f, Figure) for f in figs.values())


def test_gradient_probe_distinguishes_losses():
    assert formulas.gradient_at("hinge", 2.0) == 0.0 and formulas.gradient_at("hinge", 0.5) == 1.0
    assert formulas.gradient_at("bce", -4.0) == pytest.approx(1 / (1 + np.exp(-4.0)))


def test_outliers_sit_right_of_the_middle():
    x, y = fits.outlier_data(np.random.default_rng(0), 0.2)
    moved = y < 2 * x + 1 - 4
    assert moved.sum() == 40 and np.all(x[moved] > 0.5)

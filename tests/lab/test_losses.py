"""The losses experiment's claims, checked on a quick run."""

import json
import re

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import losses
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return losses.run(LabConfig(quick=True, seed=0))


def test_library_losses_match_their_formulas(results):
    for group in ("regression_curves", "margin_curves"):
        for curve in results[group].values():
            assert curve["max_formula_error"] < 1e-10
    kl = results["kl"]
    assert kl["ce_formula_error"] < 1e-10 and kl["bce_formula_error"] < 1e-10
    assert kl["nll_minus_ce"] < 1e-10  # the categorical NLL is cross-entropy
    assert kl["ce_minus_kl_minus_entropy"] < 1e-10 and kl["max_gradient_difference"] < 1e-10


def test_gradients_far_from_and_near_the_target(results):
    grad = losses._gradient_at
    assert grad(results, "regression_curves", "mse", 3.0) == pytest.approx(6.0)
    assert grad(results, "regression_curves", "mae", 3.0) == pytest.approx(1.0)
    assert grad(results, "regression_curves", "huber", 3.0) == pytest.approx(1.0)
    # confidently wrong: cross-entropy keeps a gradient, MSE through the sigmoid loses it
    assert grad(results, "margin_curves", "bce", -4.0) > 10 * grad(
        results, "margin_curves", "mse_on_probability", -4.0
    )
    # well classified: hinge gives none, focal far less than cross-entropy
    assert grad(results, "margin_curves", "hinge", 4.0) == 0
    assert grad(results, "margin_curves", "focal", 4.0) < grad(results, "margin_curves", "bce", 4.0) / 100


def test_outliers_pull_mse_more_than_mae_and_huber(results):
    robust = results["robust"]
    at = robust["fractions"].index(0.2)
    assert robust["mse"]["slope_error"][at] > 2 * robust["huber"]["slope_error"][at]
    assert robust["huber"]["slope_error"][at] > robust["mae"]["slope_error"][at]
    assert robust["mae"]["slope_error"][at] < 0.5


def test_hinge_only_uses_the_support_vectors(results):
    hinge = results["hinge"]
    assert hinge["hinge"]["accuracy"] > 0.95 and hinge["logistic"]["accuracy"] > 0.95
    assert hinge["hinge"]["gradient_share"] < 0.5 < hinge["logistic"]["gradient_share"]


def test_imbalance_accuracy_hides_the_minority_and_focal_alpha_recovers_it(results):
    imbalance = results["imbalance"]
    ce, alpha = imbalance["cross_entropy"], imbalance["focal_g2_alpha"]
    assert ce["mean_accuracy"] > 0.9 and ce["mean_recall"] < 0.5
    assert alpha["mean_recall"] > ce["mean_recall"]


def test_report_parts(results):
    figs = losses.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert losses.table(results).rows
    text = losses.conclusion(results)
    assert text and re.search(r"\d", text)
    assert json.loads(json.dumps(results, default=_default))["margin"] == results["margin"]

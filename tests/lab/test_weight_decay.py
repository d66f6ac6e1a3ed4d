"""The weight-decay experiment's claims, checked on a quick run."""

import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import weight_decay
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return weight_decay.run(LabConfig(quick=True, seed=0))


def test_more_weight_decay_gives_a_smaller_norm_and_a_higher_train_loss(results):
    sweep = results["sweep"]
    assert np.all(np.diff([r["norm"] for r in sweep]) < 0)
    assert sweep[-1]["train_loss"] > sweep[0]["train_loss"]


def test_weight_decay_cures_the_overfitting(results):
    sweep = results["sweep"]
    best = min(r["test_loss"] for r in sweep)
    assert sweep[0]["test_loss"] > 100 * best


def test_large_lambda_tends_to_predicting_the_mean(results):
    exact = results["exact"]
    assert exact["test"][-1] == pytest.approx(exact["limit_test"], rel=0.05)
    assert exact["norm"][-1] < 1e-3


def test_validation_choice_is_close_to_the_optimum(results):
    val = results["validation"]
    assert np.median(val["chosen_test"]) < 1.5 * val["best_test"]


def test_weight_decay_equals_an_explicit_l2_penalty_but_not_adamw(results):
    eq = results["equivalence"]
    assert eq["sgd"]["max_abs_diff"] < 1e-6
    assert eq["adam"]["max_abs_diff"] < 1e-6
    assert eq["adamw"]["max_abs_diff"] > 1e-3


def test_l1_update_rule_and_frobenius_norm(results):
    assert results["l1_step_max_abs_diff"] < 1e-5
    frob = results["frobenius"]
    assert frob["trace"] == pytest.approx(frob["sum_of_squares"], rel=1e-9)
    assert frob["l2_penalty"] == pytest.approx(frob["sum_of_squares"], rel=1e-5)
    assert frob["grad_max_abs_diff"] < 1e-6


def test_input_noise_acts_as_a_regularizer(results):
    assert results["remedies"]["input_noise"]["test_loss"] < results["sweep"][0]["test_loss"]


def test_report_parts(results):
    figs = weight_decay.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert weight_decay.table(results).rows
    text = weight_decay.conclusion(results)
    assert f"{results['sweep'][0]['test_loss']:.3g}" in text
    assert json.loads(json.dumps(results, default=_default))["validation"] == results["validation"]

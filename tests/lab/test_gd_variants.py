"""The gd-variants experiment's claims, checked on a quick run."""

import json
import re

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import gd_variants
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return gd_variants.run(LabConfig(quick=True, seed=0))


def test_the_three_variants_count_iterations_as_the_course_does(results):
    v, n = results["variants"], results["n_train"]
    assert v["gd"]["iterations_per_epoch"] == 1
    assert v["sgd"]["iterations_per_epoch"] == n
    assert v["minibatch"]["iterations_per_epoch"] == -(-n // gd_variants.MINI_BATCH)
    assert v["gd"]["at_iterations"]["samples"] == results["iterations"] * n
    assert v["sgd"]["at_iterations"]["samples"] == results["iterations"]


def test_sgd_wins_per_epoch_and_gd_wins_per_update(results):
    v = results["variants"]
    assert v["sgd"]["at_epochs"]["loss"] < v["minibatch"]["at_epochs"]["loss"] < v["gd"]["at_epochs"]["loss"]
    assert v["gd"]["at_iterations"]["loss"] < v["sgd"]["at_iterations"]["loss"]
    assert v["sgd"]["at_epochs"]["test_accuracy"] > v["gd"]["at_epochs"]["test_accuracy"] + 0.3


def test_full_batch_gd_descends_monotonically_and_sgd_does_not(results):
    v = results["variants"]
    assert v["gd"]["fraction_updates_raising_loss"] == 0
    assert v["sgd"]["fraction_updates_raising_loss"] > 0.1


def test_gradient_variance_falls_as_one_over_batch_size(results):
    noise = results["noise"]
    measured, predicted = noise["measured"], noise["predicted"]
    assert all(a > b for a, b in zip(measured, measured[1:]))
    assert all(abs(m / p - 1) < 0.3 for m, p in zip(measured, predicted))
    assert noise["batch_vs_mean_max_diff"] < 1e-5


def test_report_parts(results):
    figures = gd_variants.figures(results)
    assert 1 <= len(figures) <= 4 and all(isinstance(f, Figure) for f in figures.values())
    assert gd_variants.table(results).rows
    text = gd_variants.conclusion(results)
    assert text and re.search(r"\d\.\d", text)
    assert json.loads(json.dumps(results, default=_default))["n_train"] == results["n_train"]

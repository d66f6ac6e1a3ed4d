"""The mle experiment's claims, checked on a quick run."""

import json
import re

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import mle
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return mle.run(LabConfig(quick=True, seed=0))


def test_gaussian_nll_is_affine_in_mse(results):
    affine = results["affine"]
    assert affine["slope"] == pytest.approx(affine["slope_theory"], rel=1e-9)
    assert affine["intercept"] == pytest.approx(affine["intercept_theory"], rel=1e-9)
    assert affine["max_residual"] < 1e-6


def test_mse_and_gaussian_nll_have_the_same_minimizer(results):
    fits = results["minimizers"]
    assert fits["max_mse_vs_least_squares"] < 1e-3
    assert fits["max_nll_vs_mse"] < 1e-3


def test_sigma_mle_is_the_mean_squared_residual(results):
    var = results["variance"]
    assert var["sigma2_hat"] == pytest.approx(var["mean_residual2"], rel=1e-4)
    assert var["sigma2_hat"] == pytest.approx(results["sigma"] ** 2, rel=0.3)


@pytest.mark.parametrize("key", ["bernoulli", "categorical"])
def test_cross_entropy_is_the_negative_log_likelihood(results, key):
    fit = results[key]
    assert fit["max_likelihood_vs_loss"] < 1e-9
    assert fit["max_parameter_gap"] < 1e-2  # Adam on the loss reaches the Newton MLE


def test_categorical_mle_is_the_label_frequencies(results):
    freq = results["frequencies"]
    assert freq["max_gap"] < 1e-4
    assert freq["min_loss"] == pytest.approx(freq["entropy"], abs=1e-8)


def test_report_parts(results):
    figs = mle.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert mle.table(results).rows
    text = mle.conclusion(results)
    assert text and re.search(r"\d", text)
    assert json.loads(json.dumps(results, default=_default))["n"] == results["n"]

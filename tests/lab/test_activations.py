"""The activations experiment's claims, checked on a quick run."""

import json
import re

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import activations
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return activations.run(LabConfig(quick=True, seed=0))


def test_deep_linear_network_is_one_matrix_and_fails_where_relu_succeeds(results):
    for task in ("xor", "spirals"):
        collapse = results["collapse"][task]
        assert collapse["collapse_max_error"] < 1e-4
        assert collapse["relu_test_accuracy"] > collapse["deep_linear_test_accuracy"] + 0.2


def test_derivative_maxima_and_tanh_identity(results):
    curves = results["curves"]
    assert curves["sigmoid"]["max_derivative"] == pytest.approx(0.25, abs=1e-9)
    assert curves["tanh"]["max_derivative"] == pytest.approx(1.0, abs=1e-9)
    assert curves["gelu"]["max_derivative"] > 1.1
    assert results["tanh_identity_max_error"]["float64"] < 1e-12
    prelu = results["prelu_derivative"]
    assert prelu["max_error_dx"] < 1e-12 and prelu["max_error_da"] < 1e-9


def test_relu_networks_are_piecewise_linear_and_smooth_ones_are_not(results):
    for name in ("relu", "leaky_relu", "prelu"):
        assert results["lines"][name]["zero_second_difference_share"] > 0.8
        assert results["lines"][name]["kinks"] >= 1
    for name in ("sigmoid", "tanh", "gelu"):
        assert results["lines"][name]["zero_second_difference_share"] < 0.1
    relu = results["lines"]["relu"]
    assert relu["max_step_half_grid"] < 0.75 * relu["max_step"]  # continuous: jumps shrink with the step


def test_sigmoid_gradient_vanishes_in_a_deep_network(results):
    grads = results["deep_gradients"]
    assert grads["sigmoid"]["first_layer"] < grads["relu"]["first_layer"] / 100
    assert grads["sigmoid"]["first_layer"] < grads["tanh"]["first_layer"] / 100


def test_batchwise_nonlinearity_depends_on_the_batch(results):
    batch = results["batch"]
    assert batch["elementwise_change"] == 0
    assert batch["batchwise_change"] > 0.01
    assert batch["single_sample_fails"]


def test_output_layer_choice(results):
    out = results["output_layers"]
    assert out["regression_identity_mse"] < out["regression_sigmoid_mse"] / 3
    assert out["softmax"]["max_sum_error"] < 1e-5 < out["sigmoids"]["max_sum_error"]


def test_report_parts(results):
    figs = activations.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert activations.table(results).rows
    text = activations.conclusion(results)
    assert text and re.search(r"\d", text)
    assert json.loads(json.dumps(results, default=_default))["epochs"] == results["epochs"]

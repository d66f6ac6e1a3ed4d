"""The initialization experiment's claims, checked on a quick run."""

import json
import re

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import initialization
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return initialization.run(LabConfig(quick=True, seed=0))


def test_initializers_follow_their_formulas(results):
    for row in results["initializers"]:
        assert row["measured_std"] == pytest.approx(row["formula_std"], rel=0.05)
        if row["formula_bound"] is not None:
            assert row["max_abs"] <= row["formula_bound"]


def test_zero_and_constant_starts_keep_hidden_units_identical(results):
    s = results["symmetry"]
    assert s["zero"]["max_abs_hidden_weight"] == 0.0
    assert s["constant"]["after"] == {"max_difference": 0.0, "distinct_units": 1}
    assert s["small"]["after"]["distinct_units"] == 32 and s["default"]["after"]["distinct_units"] == 32


def test_equal_starts_are_harmless_in_softmax_and_linear_regression(results):
    r = results["regressions"]
    assert r["softmax_zero"]["after"]["distinct_units"] == 10
    assert r["softmax_zero"]["test_accuracy"] > r["softmax_default"]["test_accuracy"] - 0.05
    assert r["linear_constant"]["max_error"] < 0.05


def test_identical_kernels_give_identical_channels_and_stay_so_only_with_a_tied_head(results):
    c = results["cnn"]
    assert c["random_head"]["max_channel_difference"] == 0.0 and c["random_head"]["position_std"] > 0.01
    assert c["tied_head"]["after"]["max_difference"] == 0.0
    assert c["random_head"]["after"]["distinct_units"] == 4


def test_signal_scale_through_depth(results):
    p = results["propagation"]
    relu_k, relu_x = p["relu/kaiming"]["activation_variance"], p["relu/xavier"]["activation_variance"]
    assert 0.3 < relu_k[-1] / relu_k[0] < 3  # Kaiming keeps a ReLU net's signal
    assert relu_x[-1] / relu_x[0] < 0.01  # Xavier halves it layer by layer
    small = p["tanh/small"]
    assert small["activation_variance"][-1] < 1e-10 and small["gradient_variance"][0] < 1e-10
    large = p["tanh/large"]
    assert large["saturated_fraction"][-1] > 0.5
    assert large["gradient_variance"][0] > 100 * large["gradient_variance"][-1]  # explodes, not vanishes


def test_scaled_inits_train_where_tiny_ones_do_not(results):
    t = results["training"]
    assert t["relu/kaiming"]["test_accuracy"] > t["relu/small"]["test_accuracy"] + 0.1
    assert t["tanh/xavier"]["test_accuracy"] > t["tanh/small"]["test_accuracy"] + 0.1


def test_report_parts(results):
    figures = initialization.figures(results)
    assert 1 <= len(figures) <= 4 and all(isinstance(f, Figure) for f in figures.values())
    assert initialization.table(results).rows
    text = initialization.conclusion(results)
    assert text and re.search(r"\d\.\d", text)
    assert json.loads(json.dumps(results, default=_default))["depth"] == results["depth"]

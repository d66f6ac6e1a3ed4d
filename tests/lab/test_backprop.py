"""The backprop experiment's claims, checked on a quick run (seed 004 (13)/(20), 003 §4.7)."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import backprop
from neuronlab.lab.experiments._backprop_helpers import GRADIENTS, PARAMS
from neuronlab.lab.results_io import _default

SEED_GRADIENTS = {"w11": 3, "w12": 6, "b11": 3, "w21": 0, "w22": 0, "b12": 0, "w1": 12, "w2": 0, "b21": 3}


@pytest.fixture(scope="module")
def results():
    return backprop.run(LabConfig(quick=True, seed=0))


def test_nine_gradients_by_hand_explain_and_autograd_agree(results):
    nine = results["nine"]
    assert nine["forward"]["y"] == 5 and nine["forward"]["loss"] == 4.5
    for p in PARAMS:
        assert nine["hand"][p] == nine["explain"][p] == nine["autograd"][p] == SEED_GRADIENTS[p]
    assert nine["chain_explain"]["y"] == nine["chain_explain"]["a1"] == nine["chain_explain"]["z1"] == 3
    assert nine["hand_relu_prime_zero_is_one"]["w22"] == -6  # the kink at z2 = 0 matters
    assert nine["seed_check_w11"] and nine["biases_are_views"]


def test_one_sgd_step_gives_the_seeds_w11_and_lowers_the_loss(results):
    nine = results["nine"]
    assert nine["updated"]["w11"] == pytest.approx(0.97, abs=1e-6)
    assert all(nine["updated"][p] == pytest.approx(nine["updated_hand"][p], abs=1e-6) for p in PARAMS)
    assert nine["loss_after"] < nine["forward"]["loss"]


def test_mlp_backward_equations_match_autograd_and_shapes_match(results):
    for act in backprop.ACTIVATIONS:
        m = results["mlp"][act]
        assert max(m["max_abs_difference"].values()) < 1e-12
        assert all(m["grad_shapes"][g] == m["shapes"][g] for g in GRADIENTS)
    relu = results["mlp"]["relu"]
    assert relu["literal_factor"] == pytest.approx(results["batch"])  # Ŷ − Y without 1/n is n times too big
    assert relu["literal_max_abs_difference"]["V"] > 1e3 * max(relu["max_abs_difference"]["V"], 1e-15)


def test_graph_second_order_and_data_parallel(results):
    g = results["graph"]
    assert g["parameters_counted"] == g["parameters_formula"]
    assert g["gradient_graph_nodes"] > g["forward_nodes"] and g["dot"].startswith("digraph")
    assert max(results["data_parallel"].values()) < 1e-12


def test_report_parts(results):
    figs = backprop.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(backprop.table(results).rows) >= 13
    text = backprop.conclusion(results)
    assert text and any(ch.isdigit() for ch in text) and "0.97" in text
    loaded = json.loads(json.dumps(results, default=_default, allow_nan=False))
    assert backprop.conclusion(loaded) == text

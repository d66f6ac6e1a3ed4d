"""The perceptron experiment's claims, checked on a quick run (seed 004 (2)–(10))."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import perceptron
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return perceptron.run(LabConfig(quick=True, seed=0))


def test_mp_gates_and_order_invariance(results):
    assert all(g["output"] == g["expected"] for g in results["gates"].values())
    order = results["order"]
    assert order["changed_pairs_permuted"] == 0 and order["changed_inputs_rewired"] > 0


def test_activations_match_formulas_and_np_sign_differs_from_mp_sgn_at_zero(results):
    a = results["activations"]
    assert max(a["max_abs_difference"].values()) < 1e-12
    assert a["np_sign"][2] == 0 and a["mp_sgn"][2] == 1 and a["sgn_disagreements"] == 1
    assert a["logistic_vs_seed_print"] < 1e-8


def test_perceptron_converges_on_the_shifted_moons_within_the_bound(results):
    s = results["shifted"]
    assert s["converged"] and s["mistakes_per_epoch"][-1] == 0 and s["accuracy"] == 1.0
    assert s["seed_order"]["converged"] and all(s["spread"]["converged"])
    assert max(s["spread"]["mistakes"] + [s["mistakes"]]) <= s["novikoff"]["bound"]
    assert s["eta_invariant"] and s["coef_ratio_eta1_over_eta01"] == pytest.approx(10.0)
    assert s["split"]["test_mse"] == pytest.approx(4 * (1 - s["split"]["test_accuracy"]))


def test_perceptron_never_converges_without_the_shift(results):
    u = results["unshifted"]
    assert not u["separable"] and not u["converged"]
    assert min(u["mistakes_per_epoch"]) > 0 and len(u["mistakes_per_epoch"]) == results["max_iter"]
    assert 0.5 < u["accuracy"] < 1.0 and min(u["mse_per_epoch"]) > 0


def test_seed_code_never_stops_but_the_fixed_labels_do(results):
    code = results["seed_code"]
    assert min(code["errors_per_epoch"]) > 400
    assert code["fixed_errors_per_epoch"][-1] == 0


def test_xor_needs_a_hidden_layer(results):
    x = results["xor"]
    assert not x["perceptron"]["separable"] and not x["perceptron"]["converged"]
    assert x["perceptron"]["accuracy"] <= 0.75
    assert x["single_neuron"]["best_accuracy"] == 0.75 and x["single_neuron"]["solving"] == 0
    net = x["network"]
    assert [row[-1] for row in net["table"]] == [0, 1, 1, 0] and net["accuracy"] == 1.0
    assert net["no_threshold_table"][0][-1] == 1  # the seed's lines without θ fail on (0, 0)
    assert x["trained_tanh"]["accuracy"] == 1.0 and x["trained_linear"]["accuracy"] <= 0.75


def test_report_parts(results):
    figs = perceptron.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(perceptron.table(results).rows) > 10
    text = perceptron.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    loaded = json.loads(json.dumps(results, default=_default, allow_nan=False))
    assert loaded["shifted"]["mistakes"] == results["shifted"]["mistakes"]
    assert perceptron.conclusion(loaded) == text

"""The l1-vs-l2 experiment's claims, checked on a quick run."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import l1_vs_l2
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return l1_vs_l2.run(LabConfig(quick=True, seed=0))


def test_proximal_l1_zeroes_noise_weights_and_l2_does_not(results):
    chosen = results["chosen"]
    assert chosen["l1-proximal"]["exact_zeros_noise"] >= 30
    assert chosen["l2"]["exact_zeros_noise"] == 0
    assert chosen["l1-proximal"]["exact_zeros_informative"] == 0


def test_subgradient_l1_does_not_land_on_zero(results):
    chosen = results["chosen"]
    assert chosen["l1-subgradient"]["exact_zeros_noise"] < chosen["l1-proximal"]["exact_zeros_noise"] / 10


def test_l2_shrinks_the_weights_and_spreads_correlated_copies(results):
    chosen, corr = results["chosen"], results["correlated"]
    assert chosen["l2"]["max_abs_noise"] < chosen["none"]["max_abs_noise"]
    assert chosen["l2"]["norm2"] < chosen["none"]["norm2"]
    assert corr["l2"]["std"] < corr["l1-proximal"]["std"] and corr["l2"]["std"] < corr["none"]["std"]


def test_regularization_beats_no_penalty_on_test_error(results):
    chosen = results["chosen"]
    assert chosen["l1-proximal"]["test_mse"] < chosen["l2"]["test_mse"] < chosen["none"]["test_mse"]


def test_solutions_are_optimal_and_the_update_rule_holds(results):
    assert results["optimality"]["lasso_kkt"] < 1e-2
    assert results["optimality"]["ridge"] < 1e-2
    assert results["update_rule"]["max_abs_diff"] < 1e-5


def test_one_weight_snaps_to_zero_only_with_l1(results):
    one = results["one_dimensional"]
    assert one["zero_fraction_l1"] > 0.3
    assert one["zero_fraction_l2"] < 0.01
    pull = results["penalty_pull"]
    assert pull["l1"][-1] == pytest.approx(pull["l1"][0])
    assert pull["l2"][-1] == pytest.approx(pull["l2"][0] / 100, rel=1e-5)


def test_report_parts(results):
    figs = l1_vs_l2.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert l1_vs_l2.table(results).rows
    text = l1_vs_l2.conclusion(results)
    assert str(results["chosen"]["l1-proximal"]["exact_zeros_noise"]) in text
    assert json.loads(json.dumps(results, default=_default))["steps"] == results["steps"]

"""The stability experiment's claims, checked on a quick run (seed 003 §4.8)."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import stability
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return stability.run(LabConfig(quick=True, seed=0))


def _ratio(results, name):
    return next(g["first_over_last"] for g in results["gradients"] if g["name"] == name)


def test_sigmoid_vanishes_relu_kaiming_does_not_large_init_explodes(results):
    assert _ratio(results, "sigmoid, default init") < 1e-4
    assert _ratio(results, "sigmoid, Xavier") < 1e-4
    assert 0.1 < _ratio(results, "ReLU, Kaiming") < 10
    assert _ratio(results, "tanh, N(0, 1)") > 100


def test_batchnorm_and_residual_connections_keep_the_gradient(results):
    assert 0.1 < _ratio(results, "sigmoid + BatchNorm, default init") < 10
    assert 0.1 < _ratio(results, "tanh residual, default init") < 10


def test_singular_value_bounds_hold_and_growth_follows_the_gain(results):
    for p in results["products"]:
        assert p["bounds_hold"]
        assert p["growth_per_matrix"] == pytest.approx(p["gain"], rel=0.15)
        assert p["log10_bound_max"][-1] - p["log10_sigma_max"][-1] > 2  # the bound is loose
    eig = results["eigen"]
    assert eig["nilpotent"] == {"rho_A": 0.0, "rho_B": 0.0, "rho_AB": 1.0}
    assert eig["eigen_bound_broken"] > 0 and eig["singular_bound_broken"] == 0


def test_divergence_and_its_remedies(results):
    div = results["divergence"]
    start = div["initial_loss"]
    assert div["baseline"]["diverged_at"] is not None and div["baseline"]["final_loss"] is None
    assert div["clipped"]["final_loss"] < start and div["clipped"]["clipped_steps"] > 0
    assert div["lower_lr"]["final_loss"] < start
    assert div["guard"]["rollbacks"] >= 1 and div["guard"]["final_loss"] is not None
    assert div["guard_tight"]["rollbacks"] >= 1 and div["guard_tight"]["final_loss"] < start
    assert div["adam"]["final_loss"] is not None


def test_equal_hidden_units_stay_equal_but_softmax_regression_learns_from_zeros(results):
    s = results["symmetry"]
    assert s["mlp_equal"]["spread"] == 0.0 and s["mlp_equal"]["accuracy"] < 0.3
    assert s["softmax_equal"]["accuracy"] > 0.8 and s["softmax_equal"]["spread"] > 0


def test_report_parts(results):
    figs = stability.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(stability.table(results).rows) > 0
    text = stability.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    assert json.loads(json.dumps(results, default=_default, allow_nan=False))["steps"] == results["steps"]

"""The residual experiment's claims, checked on a quick run (002 question 11)."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import residual
from neuronlab.lab.experiments._residual_helpers import build, linear_layers
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return residual.run(LabConfig(quick=True, seed=0))


def _run(results, variant, depth):
    return next(r for r in results["runs"] if r["variant"] == variant and r["depth"] == depth)


def test_twins_have_the_same_parameters():
    plain, res = build(5, "plain"), build(5, "residual")
    assert sum(p.numel() for p in plain.parameters()) == sum(p.numel() for p in res.parameters())
    assert len(linear_layers(plain)) == len(linear_layers(res)) == 7


def test_deep_plain_network_trains_worse_than_its_residual_twin(results):
    deepest = max(results["settings"]["depths"])
    plain, res = _run(results, "plain", deepest), _run(results, "residual", deepest)
    assert plain["train_loss"] > res["train_loss"] + 0.3
    assert plain["test_accuracy"] < res["test_accuracy"]


def test_degradation_deeper_plain_is_worse_than_shallower_plain(results):
    shallow, deep = min(results["settings"]["depths"]), max(results["settings"]["depths"])
    assert _run(results, "plain", deep)["train_loss"] > _run(results, "plain", shallow)["train_loss"]


def test_plain_gradients_vanish_towards_the_input_and_residual_ones_do_not(results):
    deepest = max(results["settings"]["depths"])
    plain = _run(results, "plain", deepest)["init_grad_norms"]
    res = _run(results, "residual", deepest)["init_grad_norms"]
    assert plain[1] / plain[-2] < 1e-3
    assert res[1] / res[-2] > 1e-2
    assert all(row[1] < 1e-3 for row in _run(results, "plain", deepest)["grad_norms"])


def test_report_parts(results):
    figs = residual.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(residual.table(results).rows) == len(results["runs"])
    text = residual.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    assert (
        json.loads(json.dumps(results, default=_default, allow_nan=False))["settings"] == results["settings"]
    )

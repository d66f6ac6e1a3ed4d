"""The overfitting experiment's claims, checked on a quick run (002 question 7)."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import overfitting
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return overfitting.run(LabConfig(quick=True, seed=0))


def test_curves_diagnose_the_too_small_and_too_large_models(results):
    small, large = results["models"]["too small"], results["models"]["too large"]
    assert small["diagnosis"] == "underfitting"
    assert large["diagnosis"] == "overfitting"
    assert large["train_loss"] < small["train_loss"]
    assert large["val_curve"][-1] > min(large["val_curve"])  # the validation loss turned back up


def test_remedies_lower_the_test_loss_of_the_overfitting_network(results):
    rem = results["remedies"]
    base = rem["none (too large)"]["test_loss"]
    for name in ("more data", "weight decay", "early stopping"):
        assert rem[name]["test_loss"] < base, name
    assert rem["early stopping"]["stopped_epoch"] < results["settings"]["epochs"]


def test_ensemble_is_no_worse_than_its_average_member(results):
    ens = results["remedies"]["ensemble"]
    assert ens["test_loss"] <= ens["member_test_loss"] + 1e-9


def test_report_parts(results):
    figs = overfitting.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(overfitting.table(results).rows) == len(results["models"]) + len(results["remedies"])
    text = overfitting.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    assert (
        json.loads(json.dumps(results, default=_default, allow_nan=False))["settings"] == results["settings"]
    )

"""The dropout experiment's claims, checked on a quick run."""

import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import dropout
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return dropout.run(LabConfig(quick=True, seed=0))


def test_dropout_slows_fitting_and_narrows_the_gap(results):
    none, drop = results["runs"]["none"], results["runs"]["dropout"]
    assert drop["train_accuracy"] < none["train_accuracy"]
    assert drop["train_accuracy"] - drop["test_accuracy"] < none["train_accuracy"] - none["test_accuracy"]


def test_eval_mode_beats_a_single_stochastic_pass_and_matches_the_average(results):
    t = results["test_time"]
    assert t["eval_accuracy"] > t["single_pass_accuracy_mean"]
    assert (
        abs(t["mc_accuracy"][-1] - t["eval_accuracy"]) < t["eval_accuracy"] - t["single_pass_accuracy_mean"]
    )
    assert t["disagreement"] > 0
    assert t["mean_activation_ratio"] == pytest.approx(1.0, abs=0.05)
    assert t["wrong_scaling_accuracy"] < t["eval_accuracy"]


def test_activation_variance(results):
    none, drop = results["runs"]["none"], results["runs"]["dropout"]
    assert none["var_eval"][-1][1] > none["var_eval"][0][1]  # grows while the net fits
    assert drop["var_train"][-1][1] > drop["var_eval"][-1][1]  # the mask adds variance in training
    assert np.allclose(none["var_train"], none["var_eval"], rtol=1e-9)


def test_dropconnect_draws_one_number_per_weight(results):
    runs = results["runs"]
    assert runs["none"]["random_draws_per_step"] == 0
    assert 0 < runs["dropconnect"]["random_draws_per_step"] < runs["dropout"]["random_draws_per_step"]


def test_report_parts(results):
    figs = dropout.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(dropout.table(results).rows) == len(dropout.VARIANTS)
    text = dropout.conclusion(results)
    assert f"{results['runs']['swapped']['test_accuracy']:.1%}" in text
    assert json.loads(json.dumps(results, default=_default))["epochs"] == results["epochs"]

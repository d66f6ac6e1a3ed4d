"""The metrics experiment's claims, checked on a quick run."""

import json
import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import metrics
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return metrics.run(LabConfig(quick=True, seed=0))


def test_majority_classifier_has_high_accuracy_and_zero_minority_recall(results):
    sweep = results["sweep"]
    for share, trivial in zip(sweep["shares"], sweep["trivial"]):
        assert trivial["accuracy"] == pytest.approx(1 - share, abs=0.01)
        assert trivial["recall"] == 0 and trivial["f1"] == 0
    i = int(np.argmin(sweep["shares"]))
    assert sweep["trivial"][i]["accuracy"] > 0.98  # the seed's 99/1 example


def test_trained_classifier_finds_the_minority(results):
    at = results["sweep"]["shares"].index(0.05)
    trained, trivial = results["sweep"]["trained"][at], results["sweep"]["trivial"][at]
    assert trained["f1"] > 0.2 > trivial["f1"]
    assert trained["accuracy"] - trivial["accuracy"] < trained["f1"] - trivial["f1"]  # accuracy hides it


def test_threshold_trades_precision_for_recall(results):
    th = results["thresholds"]
    assert np.all(np.diff(th["recall"]) <= 1e-12)  # recall never rises with the threshold
    assert th["precision"][0] < th["at_half"]["precision"]
    assert th["at_best"]["f1"] >= th["at_half"]["f1"]
    assert th["average_precision"] > 3 * th["minority_share_test"]


def test_macro_micro_weighted_f1(results):
    trained, trivial = results["digits"]["trained"], results["digits"]["trivial"]
    assert trained["f1_micro"] == pytest.approx(trained["accuracy"], abs=1e-12)
    assert trivial["f1_micro"] == pytest.approx(trivial["accuracy"], abs=1e-12)
    assert trivial["f1_macro"] < 0.1 < trivial["f1_micro"]
    assert trained["f1_macro"] > 0.7


def test_mse_punishes_large_errors_mae_does_not(results):
    a, b = results["regression"]["gaussian_errors"], results["regression"]["rare_large_errors"]
    assert a["mae"] == pytest.approx(b["mae"], rel=1e-9)
    assert b["mse"] > 3 * a["mse"] and b["r2"] < a["r2"]
    assert a["exact_match"] == 0 and max(a["max_formula_error"], b["max_formula_error"]) < 1e-9


def test_report_parts(results):
    figs = metrics.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert metrics.table(results).rows
    text = metrics.conclusion(results)
    assert text and re.search(r"\d", text)
    assert json.loads(json.dumps(results, default=_default))["sweep"]["shares"] == results["sweep"]["shares"]

"""overfitting: structure of a quick run's results, figures and table, and the measuring
functions (the claims themselves are asserted by test_claims.py)."""

import numpy as np
from matplotlib.figure import Figure

from neuronlab.lab.experiments import overfitting
from neuronlab.lab.experiments.overfitting import measure


def _runs(quick_run):
    return [r["results"] for r in quick_run("overfitting")["runs"]]


def test_every_tuned_remedy_records_its_choice(quick_run):
    for r in _runs(quick_run):
        for name in ("weight decay", "L1", "dropout", "batch norm"):
            rem = r["remedies"][name]
            assert rem["chosen"] in rem["grid"] and isinstance(rem["interior"], bool)
            assert rem["val_loss"] == min(v for v in rem["val_by_value"] if v is not None)
        assert r["underfitting"]["larger lr"]["chosen"] in r["underfitting"]["larger lr"]["grid"]


def test_figures_and_table(quick_run):
    runs = _runs(quick_run)
    figs = overfitting.figures(runs)
    assert set(figs) == {"learning_curves", "remedies"} and all(isinstance(f, Figure) for f in figs.values())
    assert len(overfitting.table(runs).rows) == 3 + 7 + 4


def test_l1_losses_are_data_losses():
    data = measure.draw(0, 10)
    plain = measure.fit(data, [8], 5, 0)
    strong = measure.fit(data, [8], 5, 0, l1=10.0)
    # a penalty of 10·Σ|w| (tens) would dominate a cross-entropy below 1 if it were counted in the loss
    assert strong["test_loss"] < 2.0 and plain["test_loss"] < 2.0


def test_ensemble_averages_probabilities():
    y = np.array([0, 1])
    members = [{"probs": np.array([[0.9, 0.1], [0.6, 0.4]]), "test_loss": 1.0, "test_accuracy": 0.5},
               {"probs": np.array([[0.5, 0.5], [0.2, 0.8]]), "test_loss": 1.0, "test_accuracy": 1.0}]  # fmt: skip
    out = measure.ensemble(members, y)
    assert out["test_accuracy"] == 1.0
    assert np.isclose(out["test_loss"], -(np.log(0.7) + np.log(0.6)) / 2)

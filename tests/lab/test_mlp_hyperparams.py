"""The mlp-hyperparams experiment's claims, checked on a quick run (003 §4.2, §4.3 ex. 1)."""

import copy
import json
import sys

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import mlp_hyperparams
from neuronlab.lab.experiments._mlp_hyperparams_helpers import grid_configs, grid_levels, tpe_search
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return mlp_hyperparams.run(LabConfig(quick=True, seed=0))


def test_learning_rate_extremes_on_the_digits(results):
    trials = results["sweeps"]["digits"]["lr"]
    low, mid, high = (t["val_accuracy"] for t in trials)  # quick lrs: 0.01, 0.3, 3.0
    assert [t["hp"]["lr"] for t in trials] == [0.01, 0.3, 3.0]
    assert mid > low + 0.2  # too small a learning rate learns too slowly
    assert high < 0.3 < mid  # too large a learning rate does not converge


def test_every_strategy_gets_the_same_budget(results):
    search = results["search"]
    budget = search["budget"]
    assert len(search["grid"]["trials"]) <= budget and len(search["random"]["trials"]) == budget
    if search["optuna_available"]:
        assert len(search["tpe"]["trials"]) == budget
    for name in ("grid", "random", "tpe"):
        if search[name] is None:
            continue
        best = max(t["val_accuracy"] for t in search[name]["trials"])
        assert search[name]["best"]["val_accuracy"] == best == search[name]["best_so_far"][-1]


def test_grid_respects_the_budget():
    assert grid_levels(8, ["a", "b", "c", "d"]) == {"a": 2, "b": 2, "c": 2, "d": 1}
    assert len(grid_configs(8)) == 8 and len(grid_configs(4)) == 4


def test_report_parts(results):
    figs = mlp_hyperparams.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(mlp_hyperparams.table(results).rows) > 10
    text = mlp_hyperparams.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    assert json.loads(json.dumps(results, default=_default, allow_nan=False))["space"] == results["space"]


def test_without_optuna_tpe_is_skipped_and_said_so(results, monkeypatch):
    monkeypatch.setitem(sys.modules, "optuna", None)  # makes `import optuna` raise ImportError
    assert tpe_search(lambda hp: {"val_accuracy": 0.0}, 2, 0) is None
    skipped = copy.deepcopy(results)
    skipped["search"]["tpe"], skipped["search"]["optuna_available"] = None, False
    assert "Optuna is not installed" in mlp_hyperparams.conclusion(skipped)
    assert any("skipped" in str(row[2]) for row in mlp_hyperparams.table(skipped).rows)
    assert len(mlp_hyperparams.figures(skipped)) == 4

"""The mlp-hyperparams experiment (003 4.2, 4.3 ex. 1): structure of a quick run (tuned rates
recorded and interior, equal budgets, the test set read once), figures, and the search code."""

import math

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import mlp_hyperparams
from neuronlab.lab.experiments.mlp_hyperparams.search import (
    STRATEGIES,
    grid_levels,
    grid_values,
    search,
    tune_space,
)
from neuronlab.tune import SAMPLERS

SPACE = {"x": (0.01, 10.0, "log"), "k": (1, 5, "int")}


@pytest.fixture(scope="module")
def runs(quick_run):
    return [r["results"] for r in quick_run("mlp-hyperparams")["runs"]]


def test_every_architecture_has_its_own_interior_learning_rate(runs):
    for r in runs:
        for key in ("width", "depth"):
            for t in r["sweeps"][key]:
                assert t["lr"] in t["lr_grid"] and t["lr_interior"], (key, t[key], t["lr_grid"])
                assert t["val_accuracy"] == max(s for s in t["val_accuracy_by_lr"] if s is not None)


def test_every_strategy_gets_the_same_budget(runs):
    for r in runs:
        search_results = r["search"]
        budget = search_results["budget"]
        assert set(search_results["strategies"]) == set(STRATEGIES)
        for name, s in search_results["strategies"].items():
            assert len(s["trials"]) == budget or (name == "grid" and len(s["trials"]) <= budget)
            assert s["best"] == max(t["value"] for t in s["trials"]) == s["best_so_far"][-1]
        chosen = search_results["chosen"]
        assert chosen["val_accuracy"] == max(s["best"] for s in search_results["strategies"].values())
        assert 0 < chosen["test_accuracy"] <= 1


def test_figures_and_table_draw(runs):
    figs = mlp_hyperparams.figures(runs)
    assert figs and all(isinstance(f, Figure) for f in figs.values())
    assert any("reference recipe" in row[0] for row in mlp_hyperparams.table(runs).rows)


def test_grid_fits_the_budget():
    assert grid_levels(8, ["a", "b", "c", "d"]) == {"a": 2, "b": 2, "c": 2, "d": 1}
    values = grid_values(8, {"lr": (0.01, 3.0, "log"), "depth": (1, 3, "int"), "w": (16, 256, "logint"),
                             "e": (4, 20, "int")})  # fmt: skip
    assert (
        values["depth"] == [2, 3] and values["e"] == [12] and math.prod(len(v) for v in values.values()) == 8
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_each_strategy_uses_the_budget_and_is_seeded(strategy):
    def objective(hp):
        return -((math.log10(hp["x"]) - 0.3) ** 2) - 0.1 * (hp["k"] - 3) ** 2

    first = search(strategy, objective, 9, seed=1, space=SPACE)
    assert len(first) == 9 or (strategy == "grid" and len(first) <= 9)
    assert first == search(strategy, objective, 9, seed=1, space=SPACE)
    assert all(0.01 <= t["hp"]["x"] <= 10 and 1 <= t["hp"]["k"] <= 5 for t in first)


def test_the_search_is_neuronlab_tune_with_the_grid_that_fits_the_budget():
    assert STRATEGIES == SAMPLERS == ("grid", "random", "tpe", "ga", "anneal")
    params = tune_space(SPACE, 9)
    assert params["x"].log and params["x"].kind == "float" and params["k"].kind == "int"
    assert {name: list(p.grid) for name, p in params.items()} == grid_values(9, SPACE)
    trials = search("grid", lambda hp: -hp["x"], 9, seed=0, space=SPACE)
    assert sorted((t["hp"]["x"], t["hp"]["k"]) for t in trials) == sorted(
        (x, k) for x in grid_values(9, SPACE)["x"] for k in grid_values(9, SPACE)["k"]
    )

"""The memory experiment (003 4.7 ex. 3–4): structure of a quick run, figures, and the
tracemalloc measurements it relies on."""

import pytest
from matplotlib.figure import Figure

from neuronlab import nn
from neuronlab.lab.experiments import memory
from neuronlab.lab.experiments.memory.measure import mlp, seed_formula, traced_prediction, traced_step


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("memory")


def test_every_model_is_measured_both_ways(payload):
    for run in payload["runs"]:
        rows = run["results"]["configurations"]
        assert any(r["cnn"] for r in rows) and any(not r["cnn"] for r in rows)
        for r in rows:
            assert r["train"]["peak"] > r["predict"]["peak"] > 0
            assert r["train"]["predicted"] > 0 and r["predict"]["predicted"] > 0


def test_figures_and_table_draw(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = memory.figures(runs)
    assert figs and all(isinstance(f, Figure) for f in figs.values())
    assert len(memory.table(runs).rows) == 8 + 2 * len(runs[0]["configurations"])


def test_seed_formula_counts():
    f = seed_formula(784, 256, 10, 256)
    assert f["n_parameters"] == 784 * 256 + 256 + 256 * 10 + 10
    assert f["activations"] == 4 * 256 * (2 * 256 + 2 * 10)


def test_traced_step_sees_a_bigger_batch_and_the_built_model():
    small = traced_step(lambda: mlp(1), (784,), 32, seed=0)
    large = traced_step(lambda: mlp(1), (784,), 128, seed=0)
    params = sum(p.numel() for p in mlp(1).parameters()) * 4
    assert params <= small["built"] < 1.05 * params
    assert large["kept"] > 3 * small["kept"] and large["peak"] > small["peak"]


def test_traced_prediction_is_below_the_training_step():
    make = lambda: nn.Sequential(nn.Linear(20, 50), nn.ReLU(), nn.Linear(50, 10))  # noqa: E731
    assert traced_prediction(make, (20,), 64, seed=0)["peak"] < traced_step(make, (20,), 64, seed=0)["peak"]

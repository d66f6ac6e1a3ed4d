"""The memory experiment's claims, checked on a quick run (seed 003 §4.7 exercises 3–4)."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import memory
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return memory.run(LabConfig(quick=True, seed=0))


def test_exercise_3_parameters_match_the_formula_and_activations_exceed_it(results):
    e3 = results["exercise_3"]
    formula, train, predict = e3["formula"], e3["train"], e3["predict"]
    assert train["parameters"] == formula["parameters"] and train["gradients"] == formula["gradients"]
    assert train["activations"] >= formula["activations"] + formula["input_batch"]
    assert predict["gradients"] == 0 and train["total"] > 1.5 * predict["total"]


def test_exercise_4_penalty_in_the_graph_keeps_the_squared_weights(results):
    e4 = results["exercise_4"]
    extra = e4["penalty_in_graph"]["activations"] - e4["penalty_in_optimizer"]["activations"]
    assert extra == pytest.approx(e4["weight_bytes"], rel=0.05)
    assert e4["penalty_in_graph"]["ratio"] < 0.9 < e4["penalty_in_optimizer"]["ratio"]


def test_optimizer_state_is_zero_one_two_times_the_parameters(results):
    states = [r["optimizer_state"] / r["parameters"] for r in results["optimizers"]]
    assert states == pytest.approx([0.0, 1.0, 2.0])


def test_estimate_is_within_ten_percent_in_training(results):
    penalty = results["exercise_4"]["penalty_in_graph"]
    for row in memory._all_rows(results):
        if row["training"] and row is not penalty:
            assert 0.9 <= row["ratio"] <= 1.1, row["label"]


def test_memory_grows_with_batch_and_training_grows_faster_with_depth(results):
    train = memory._split(results["mlp_batch"], True)
    assert all(a["total"] < b["total"] for a, b in zip(train, train[1:]))
    deep_train, deep_pred = memory._split(results["depth"], True), memory._split(results["depth"], False)
    train_growth = deep_train[-1]["total"] - deep_train[0]["total"]
    pred_growth = deep_pred[-1]["total"] - deep_pred[0]["total"]
    assert train_growth > 3 * pred_growth > 0
    pred_act = deep_pred[-1]["activations"] - deep_pred[0]["activations"]
    assert pred_act < 0.2 * (deep_train[-1]["activations"] - deep_train[0]["activations"])


def test_report_parts(results):
    figs = memory.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(memory.table(results).rows) == len(memory._all_rows(results))
    text = memory.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    assert json.loads(json.dumps(results, default=_default, allow_nan=False)).keys() == results.keys()

"""The optimizers experiment's claims, checked on a quick run."""

import json
import re

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import optimizers
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return optimizers.run(LabConfig(quick=True, seed=0))


def test_momentum_beats_plain_sgd_in_the_narrow_valley(results):
    valley = results["surfaces"]["narrow valley"]["runs"]
    assert valley["Momentum"]["best_distance"] < valley["SGD"]["best_distance"] / 10


def test_sgd_diverges_on_the_quadratic_exactly_above_two_over_the_curvature(results):
    # x²/20 + 5y² has largest curvature 10: plain GD is stable iff lr < 2/10.
    for run in results["surfaces"]["narrow valley"]["runs"]["SGD"]["sweep"]:
        assert run["diverged"] == (run["lr"] > 0.2)


def test_every_optimizer_leaves_the_saddle_at_some_learning_rate(results):
    for name, run in results["surfaces"]["saddle"]["runs"].items():
        assert run["best_distance"] < 0.05, name


def test_on_digits_adaptive_methods_beat_plain_sgd_and_adagrad_steps_shrink(results):
    digits = results["digits"]
    assert digits["Adam"]["best_accuracy"] > digits["SGD"]["best_accuracy"]
    assert all(digits[k]["best_accuracy"] > 0.5 for k in ("SGD", "Momentum", "Adagrad", "RMSprop", "Adam"))
    steps = digits["adagrad_step_size_per_epoch"]
    assert all(a >= b for a, b in zip(steps, steps[1:])) and steps[-1] < steps[0]


def test_report_parts(results):
    figures = optimizers.figures(results)
    assert 1 <= len(figures) <= 4 and all(isinstance(f, Figure) for f in figures.values())
    assert optimizers.table(results).rows
    text = optimizers.conclusion(results)
    assert text and re.search(r"\d\.\d", text)
    assert json.loads(json.dumps(results, default=_default))["steps"] == results["steps"]

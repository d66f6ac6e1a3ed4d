"""The batch-size experiment's claims, checked on a quick run."""

import json
import math
import re

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import batch_size
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return batch_size.run(LabConfig(quick=True, seed=0))


def test_trainer_counts_epochs_iterations_and_batches_as_defined(results):
    assert results["counting"] and all(c["matches"] for c in results["counting"])
    n, epochs = results["n_train"], results["epochs"]
    for r in results["fixed_lr"]:
        assert r["iterations_per_epoch"] == math.ceil(n / r["batch_size"])
        assert r["iterations"] == r["steps_recorded"] == r["iterations_per_epoch"] * epochs
        assert r["samples"] == n * epochs


def test_activations_held_grow_linearly_with_the_batch(results):
    # Throughput is timed and reported, not asserted: timings are the benchmark's job (SPEC).
    speed = results["speed"]
    assert all(r["samples_per_second"] > 0 for r in speed)
    ratio = speed[-1]["activation_values"] / speed[0]["activation_values"]
    assert ratio == speed[-1]["batch_size"] / speed[0]["batch_size"]


def test_larger_batches_give_less_noisy_gradients(results):
    cos = results["noise"]["mean_cosine"]
    assert all(a < b for a, b in zip(cos, cos[1:]))
    assert cos[0] < 0.5 < cos[-1]


def test_linear_lr_scaling_evens_out_accuracy_across_batch_sizes(results):
    fixed = [r["test_accuracy"] for r in results["fixed_lr"]]
    scaled = [r["test_accuracy"] for r in results["scaled_lr"]]
    assert fixed[0] > fixed[-1] + 0.2  # a fixed lr starves large batches of updates
    assert max(scaled) - min(scaled) < (max(fixed) - min(fixed)) / 2
    assert scaled[-1] > fixed[-1] + 0.2


def test_report_parts(results):
    figures = batch_size.figures(results)
    assert 1 <= len(figures) <= 4 and all(isinstance(f, Figure) for f in figures.values())
    assert batch_size.table(results).rows
    text = batch_size.conclusion(results)
    assert text and re.search(r"\d\.\d", text)
    assert json.loads(json.dumps(results, default=_default))["n_train"] == results["n_train"]

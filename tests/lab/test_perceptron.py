"""perceptron: what its claims do not check (structure, figures, the measuring functions); the
claims themselves are asserted by tests/lab/test_claims.py on the shared quick run."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons
from neuronlab.lab.experiments import perceptron
from neuronlab.lab.experiments.perceptron import measure


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("perceptron")


def test_every_seed_records_the_measurements_the_claims_read(payload):
    runs = [r["results"] for r in payload["runs"]]
    assert len(runs) >= 3
    for r in runs:
        assert r["moons"]["shifted"]["converged"] and r["moons"]["split"]["converged"]
        assert not r["moons"]["unshifted"]["converged"]
        assert r["moons"]["eta_coef_ratio"] == pytest.approx(10.0)
        # the seed's loop with labels mapped to ±1 stops; as written it does not
        assert r["moons"]["seed_code_fixed_errors"][-1] == 0 and min(r["moons"]["seed_code_errors"]) > 400
    # seeds differ: the shuffling order changes the number of mistakes
    assert len({r["moons"]["shifted"]["mistakes"] for r in runs}) > 1


def test_figures_and_table_draw_from_all_seeds(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = perceptron.figures(runs)
    assert set(figs) == {"convergence", "novikoff", "xor"}
    assert all(isinstance(f, Figure) for f in figs.values())
    table = perceptron.table(runs)
    assert len(table.rows) > 5 and all(len(row) == len(table.headers) for row in table.rows)


def test_setup_describes_settings_without_results():
    from neuronlab.lab.experiment import LabConfig

    text = perceptron.setup(LabConfig(quick=True))
    assert "30 epochs" in text and "supports" not in text


def test_projection_rises_by_at_least_eta_gamma_per_update():
    X, y = make_moons(1000, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)
    for eta in (0.1, 1.0):
        proof = measure.projection_steps(X, y, np.random.default_rng(3), eta, 50)
        assert proof["min_rise_over_eta_gamma"] >= 1 - 1e-6
        assert proof["updates"] <= proof["bound"]


def test_seed_code_counts_every_class_0_sample_as_an_error():
    X = np.array([[0.0, 1.0], [0.0, 2.0], [1.0, -1.0]])
    assert measure.seed_code_errors(X, np.array([0, 0, 1]), 3)[-1] >= 2
    assert measure.seed_code_errors(X, np.array([-1, -1, 1]), 20)[-1] == 0


def test_xor_networks_and_single_neuron():
    assert measure.best_single_neuron()["best_accuracy"] == 0.75
    nets = measure.xor_networks()
    assert nets["errors"] == 0 and nets["as_written_errors"] > 0
    assert nets["as_written_table"][0][-1] == 1  # (0,0) → h = (1, 1) → y = 1

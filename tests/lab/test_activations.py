"""activations: what its claims do not check (structure, chosen rates, figures, the measuring
functions); the claims themselves are asserted by tests/lab/test_claims.py on the shared quick run."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab import nn
from neuronlab.lab.experiments import activations
from neuronlab.lab.experiments.activations import functions, networks


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("activations")


def test_every_network_records_its_tuned_learning_rate(payload):
    for run in payload["runs"]:
        for name in networks.COMPARED:
            t = run["results"]["training"][name]
            assert t["lr"] in t["lr_grid"] and len(t["val_accuracy_by_lr"]) == len(t["lr_grid"])
            assert t["lr_interior"] == (t["lr_grid"][0] < t["lr"] < t["lr_grid"][-1])
    table = activations.table([r["results"] for r in payload["runs"]])
    assert any("NO" in row[2] or "yes" in row[2] for row in table.rows)


def test_seeds_draw_different_data(payload):
    gaps = {run["results"]["minibatch"]["across_batch_change"] for run in payload["runs"]}
    assert len(gaps) == len(payload["runs"])


def test_figures_draw_from_all_seeds(payload):
    figs = activations.figures([r["results"] for r in payload["runs"]])
    assert set(figs) == {"curves", "comparison", "piecewise_linear"}
    assert all(isinstance(f, Figure) for f in figs.values())


def test_line_probe_finds_bends_only_at_pattern_changes_and_flags_smooth_networks():
    relu = networks.mlp([2, 8, 1], nn.ReLU)
    tanh = networks.mlp([2, 8, 1], nn.Tanh)
    r, t = networks.along_line(relu, 501), networks.along_line(tanh, 501)
    assert r["bent_without_pattern_change"] == 0 and r["linear_share"] > 0.9
    assert t["bent_without_pattern_change"] > 100  # a smooth network bends everywhere


def test_minibatch_checks_can_fail():
    out = functions.minibatch(np.random.default_rng(0))
    assert out["at_once_vs_per_sample_gradient"] == 0.0
    assert out["across_batch_change"] > 0.05 and out["elementwise_change"] == 0.0

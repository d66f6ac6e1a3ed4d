"""initialization: the structure of a quick run's results, the tuned rates recorded, the figures,
and the probes (the claims themselves are asserted by test_claims.py)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import initialization
from neuronlab.lab.experiments.initialization.measure import TRAINED
from neuronlab.lab.experiments.initialization.probes import (
    initializer_spread,
    mlp,
    propagation,
    same_kernels_cnn,
    unit_spread,
)


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("initialization")


def test_every_rival_has_its_own_recorded_rate(payload):
    for run in payload["runs"]:
        training = run["results"]["training"]
        assert set(training) == {f"{a}/{s}" for a, s in TRAINED}
        for one in training.values():
            assert one["lr"] in one["lr_grid"] and len(one["val_accuracy_by_lr"]) == len(one["lr_grid"])
            assert one["val_accuracy_by_lr"][one["lr_grid"].index(one["lr"])] == max(
                one["val_accuracy_by_lr"]
            )
        assert run["results"]["reference"]["recipe"] == "digits"


def test_figures_and_table_draw_from_all_seeds(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = initialization.figures(runs)
    assert set(figs) == {"propagation", "training", "symmetry"} and all(
        isinstance(f, Figure) for f in figs.values()
    )
    assert len(initialization.table(runs).rows) == 8 + 3


def test_unit_spread_counts_distinct_rows():
    w = np.array([[1.0, 2.0], [1.0, 2.0], [0.5, 2.0]])
    assert unit_spread(w) == {"max_difference": 0.5, "distinct_units": 2}


def test_initializers_match_their_formulas():
    rows = {r["initializer"]: r for r in initializer_spread(seed=0)}
    for r in rows.values():
        assert r["measured_std"] == pytest.approx(r["formula_std"], rel=0.02)
        if r["formula_bound"] is not None:
            assert r["max_abs"] <= r["formula_bound"]


def test_equal_kernels_give_equal_channels_but_not_equal_positions():
    from neuronlab.lab.experiments.initialization.probes import channel_and_position_spread

    images = np.random.default_rng(0).random((8, 1, 8, 8)).astype(np.float32)
    spread = channel_and_position_spread(same_kernels_cnn(0, tie_head=False), images)
    assert spread["max_channel_difference"] == 0.0 and spread["position_std"] > 0.01


def test_propagation_profiles_have_one_value_per_hidden_activation():
    p = propagation("relu", "kaiming", 5, 16, 32, 0)
    assert (
        len(p["activation_variance"]) == len(p["gradient_variance"]) == 4 and p["saturated_fraction"] is None
    )
    assert len(mlp([4, 3, 2], "tanh", "zero", 0)) == 3

"""stability: the structure of a quick run's results, the tuned rate recorded, the figures, and
the measuring functions (the claims themselves are asserted by test_claims.py)."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab import nn
from neuronlab.lab.experiments import stability
from neuronlab.lab.experiments.stability.gradients import GRADIENT_CONFIGS, deep_net
from neuronlab.lab.experiments.stability.products import (
    eigenvalue_products,
    growth_per_factor,
    product_singular_values,
)


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("stability")


def test_every_seed_measures_every_network_and_a_tuned_rate(payload):
    runs = [r["results"] for r in payload["runs"]]
    for r in runs:
        assert [g["name"] for g in r["gradients"]] == [c[0] for c in GRADIENT_CONFIGS]
        lr = r["learning_rate"]
        assert lr["tuning"]["interior"] and lr["tuning"]["best"] == lr["tuned"]["lr"]
        assert lr["too_small"]["lr"] == pytest.approx(lr["tuned"]["lr"] / stability.TOO_SMALL)
        assert len(lr["tuned"]["first_layer_grad"]) == len(lr["too_small"]["first_layer_grad"]) > 5
    # seeds differ (data split, init, batch order)
    assert runs[0]["gradients"][0]["norms"] != runs[1]["gradients"][0]["norms"]


def test_figures_and_table_draw_from_all_seeds(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = stability.figures(runs)
    assert set(figs) == {"gradients_by_layer", "learning_rate", "matrix_products", "divergence"}
    assert all(isinstance(f, Figure) for f in figs.values())
    table = stability.table(runs)
    assert len(table.rows) > len(GRADIENT_CONFIGS)


def test_product_bounds_and_growth_on_known_cases():
    rng = np.random.default_rng(0)
    p = product_singular_values(8, 10, 1.0, rng)
    assert p["worst_bound_excess"] <= 1e-12
    assert all(b >= t for t, b in zip(p["log10_sigma_max"], p["log10_bound_max"]))
    g = growth_per_factor(8, 40, 1.0, 5, rng)
    assert g["min_factor_sigma_max"] > 1.0
    # a gain of 3 makes every product grow: the estimate must see it
    assert growth_per_factor(8, 40, 3.0, 3, rng)["log10_growth_per_factor"] > math.log10(2)


def test_nilpotent_pair_breaks_the_eigenvalue_bound():
    e = eigenvalue_products(4, 20, np.random.default_rng(0))
    assert e["nilpotent"] == {"rho_A": 0.0, "rho_B": 0.0, "rho_AB": 1.0}
    assert e["singular_bound_broken"] == 0


def test_residual_and_batchnorm_nets_have_as_many_linear_layers_as_the_plain_one():
    def count(model):
        return sum(isinstance(m, nn.Linear) for m in model.modules())

    plain = deep_net("tanh", "default", "plain", 5, 16, 0)
    assert count(plain) == count(deep_net("tanh", "default", "residual", 5, 16, 0)) == 6
    assert count(deep_net("sigmoid", "default", "batchnorm", 5, 16, 0)) == 6

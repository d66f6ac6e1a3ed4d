"""residual: the structure of a quick run's results, the tuned rates recorded, the figures, and
the networks (the claims themselves are asserted by test_claims.py)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import residual
from neuronlab.lab.experiments.residual.networks import VARIANTS, build, first_over_last, linear_layers


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("residual")


def test_twins_have_the_same_parameters_and_he_init_is_kaiming():
    plain, res, he = build(5, "plain"), build(5, "residual"), build(5, "plain_he")
    count = [sum(p.numel() for p in m.parameters()) for m in (plain, res, he)]
    assert count[0] == count[1] == count[2]
    assert len(linear_layers(plain)) == len(linear_layers(res)) == 7
    w = linear_layers(he)[3].weight.detach().numpy()
    assert w.std() == pytest.approx(np.sqrt(2 / 64), rel=0.1)
    with pytest.raises(ValueError, match="variant"):
        build(2, "dense")


def test_first_over_last_reads_the_hidden_blocks():
    assert first_over_last([5.0, 1e-3, 0.5, 1e-1, 7.0]) == pytest.approx(-2.0)


def test_every_variant_and_depth_has_an_interior_tuned_rate(payload):
    runs = [r["results"] for r in payload["runs"]]
    for r in runs:
        assert set(r["runs"]) == {f"{v}/{d}" for v in VARIANTS for d in r["depths"]}
        for one in r["runs"].values():
            assert one["lr"] in one["lr_grid"] and one["lr_interior"]
            assert len(one["grad_norms_first_last_block"]) == r["sizes"]["epochs"]
    assert runs[0]["runs"]["plain/2"]["init_grad_norms"] != runs[1]["runs"]["plain/2"]["init_grad_norms"]


def test_figures_and_table_draw_from_all_seeds(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = residual.figures(runs)
    assert set(figs) == {"degradation", "gradients", "training_curves"} and all(
        isinstance(f, Figure) for f in figs.values()
    )
    assert len(residual.table(runs).rows) == 2 * len(VARIANTS) + 1

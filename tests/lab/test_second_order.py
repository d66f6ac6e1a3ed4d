"""The second-order experiment's claims, checked on a quick run (seed 003 §4.7 exercise 5)."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import second_order
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return second_order.run(LabConfig(quick=True, seed=0))


def test_hvp_costs_two_backward_passes_and_the_hessian_n_plus_one(results):
    for row in results["sizes"]:
        assert row["hvp_backward_passes"] == 2
        assert row["hessian_backward_passes"] == row["n"] + 1
    big = results["sizes"][-1]
    # 50 passes against 2 (about 25x the time); only a wide margin is asserted, since wall
    # time on a shared machine is noisy (the pass counts above are the exact claim).
    assert big["hessian_seconds"] > big["hvp_seconds"]


def test_the_gradient_graph_is_larger_than_the_loss_graph(results):
    for row in results["sizes"]:
        assert row["gradient_graph"][0] > row["loss_graph"][0]
        assert row["gradient_graph"][1] > row["loss_graph"][1]


def test_hvp_agrees_with_the_full_hessian_and_finite_differences(results):
    for row in results["sizes"]:
        assert row["hvp_vs_hessian_max_diff"] < 1e-10
        assert row["fd_relative_error"] < 1e-6
        assert row["power_top_rel_error"] < 1e-6
        low, high = row["power_extremes"]
        assert low == pytest.approx(row["lambda_min"], rel=1e-5) and high == pytest.approx(
            row["lambda_max"], rel=1e-5
        )
    q = results["quadratic"]
    assert q["hessian_max_diff"] < 1e-10
    assert q["lambda_power"] == pytest.approx(q["lambda_exact"], rel=1e-8)


def test_negative_curvature_at_init_nearly_gone_after_training(results):
    init, trained = results["spectrum"]["init"], results["spectrum"]["trained"]
    assert init["negative"] > 0 and init["min_over_max"] < -0.05
    assert abs(trained["min_over_max"]) < 1e-2
    assert trained["loss"] < 0.1 * init["loss"]


def test_gd_is_stable_below_two_over_lambda_and_diverges_above_on_the_quadratic(results):
    for run in results["quadratic"]["runs"]:
        assert (run["outcome"] == "stable") == (run["factor"] < 1)
        if run["factor"] > 1:
            assert run["last_step_ratio"] == pytest.approx(run["top_direction_factor"], rel=0.01)
    net = {r["factor"]: r for r in results["net_gd"]}
    assert net[0.5]["outcome"] == net[0.9]["outcome"] == "stable"
    assert net[1.5]["outcome"] == "diverged" and net[1.1]["max_over_start"] > 2


def test_report_parts(results):
    figs = second_order.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert len(second_order.table(results).rows) == len(results["sizes"])
    text = second_order.conclusion(results)
    assert text and any(ch.isdigit() for ch in text)
    assert json.loads(json.dumps(results, default=_default, allow_nan=False))["widths"] == results["widths"]

"""The second-order experiment (003 4.7 ex. 5): structure of a quick run, timings kept apart,
figures, and its measuring functions."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import neuronlab
from neuronlab.lab.experiments import second_order
from neuronlab.lab.experiments.second_order.measure import finite_difference_hvp, flat_hvp, graph_size


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("second-order")


def test_timings_are_kept_apart_and_alternate_all_three(payload):
    assert all("timings" not in r["results"] for r in payload["runs"])
    for timing in payload["timings"]["per_seed"]:
        assert {"gradient_min_seconds", "hvp_min_seconds", "hessian_min_seconds"} <= set(timing)
        assert timing["gradient_min_seconds"] <= timing["gradient_median_seconds"]


def test_sizes_and_seeds(payload):
    runs = [r["results"] for r in payload["runs"]]
    assert [s["n"] for s in runs[0]["sizes"]] == [3 * w + 1 for w in second_order.SIZES["widths"][1]]
    tops = [r["sizes"][-1]["power_top"] for r in runs]
    assert len(set(tops)) == len(tops)  # seeds differ (initialization and noise)


def test_figures_and_table_draw(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = second_order.figures(runs)
    assert figs and all(isinstance(f, Figure) for f in figs.values())
    assert len(second_order.table(runs).rows) == len(runs[0]["sizes"])


def test_hvp_and_finite_differences_on_a_cubic():
    w = neuronlab.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
    loss_fn = lambda: (w**3).sum() + w[0] * w[1]  # noqa: E731
    v = np.array([0.3, -1.0, 2.0])
    exact = np.array([[6.0, 1.0, 0.0], [1.0, -12.0, 0.0], [0.0, 0.0, 3.0]]) @ v
    assert flat_hvp(loss_fn, [w], v) == pytest.approx(exact, rel=1e-12)
    assert finite_difference_hvp(loss_fn, [w], v) == pytest.approx(exact, rel=1e-6)
    assert w.detach().numpy().tolist() == [1.0, -2.0, 0.5]  # restored


def test_graph_size_counts_ops_once():
    x = neuronlab.tensor(np.ones(3), requires_grad=True)
    y = x * 2
    z = (y + y).sum()
    ops, nbytes = graph_size([z])
    assert ops == 3 and nbytes > 0

"""optimizers (002 3): structure of a quick run (every optimizer's tuned rates recorded, the
reference recipe run), its figures, and the Adagrad measurement. The claims are asserted by
test_claims.py."""

import numpy as np
from matplotlib.figure import Figure

from neuronlab.lab.experiments import optimizers
from neuronlab.lab.experiments.optimizers.adagrad_sparse import (
    DENSE,
    DENSITY,
    effective_steps,
    sparse_problem,
)
from neuronlab.lab.experiments.optimizers.measure import _surface_cost

NAMES = {"SGD", "Momentum", "Adagrad", "RMSprop", "Adam"}


def _runs(payload):
    return [r["results"] for r in payload["runs"]]


def test_every_optimizer_has_its_own_tuned_rate_on_every_task(quick_run):
    for r in _runs(quick_run("optimizers")):
        assert set(r["digits"]) == NAMES
        for task in [r["digits"], *(s["runs"] for s in r["surfaces"].values())]:
            for run in task.values():
                assert run["lr"] in run["lr_grid"]
                assert run["lr_interior"] == (run["lr_grid"][0] < run["lr"] < run["lr_grid"][-1])
        assert len(r["digits"]["Adam"]["val_loss_by_lr"]) == len(r["digits"]["Adam"]["lr_grid"])
        assert r["reference"]["recipe"] == "digits" and 0 < r["reference"]["test_accuracy"] <= 1


def test_seeds_start_the_surfaces_from_different_points(quick_run):
    starts = [tuple(r["surfaces"]["narrow valley"]["start"]) for r in _runs(quick_run("optimizers"))]
    assert len(set(starts)) == len(starts)


def test_figures_and_table_draw_from_all_seeds(quick_run):
    runs = _runs(quick_run("optimizers"))
    figs = optimizers.figures(runs)
    assert set(figs) == {"surfaces", "digits", "adagrad"} and all(
        isinstance(f, Figure) for f in figs.values()
    )
    assert len(optimizers.table(runs).rows) == len(NAMES) + 1  # and the reference recipe


def test_sparse_problem_has_rare_features():
    X, y = sparse_problem(np.random.default_rng(0), 4000)
    present = (X != 0).mean(0)
    assert np.all(present[:DENSE] == 1) and np.all(np.abs(present[DENSE:] - DENSITY) < 0.02)
    assert set(np.unique(y)) == {0.0, 1.0}


def test_adagrad_effective_steps_never_rise():
    r = effective_steps(seed=0, n=300, steps=50, batch=16, lr=0.1)
    assert r["max_relative_rise"] <= 0
    steps = np.array(r["median_step_dense"])
    assert np.all(np.diff(steps) <= 1e-12) and r["final_step_dense"] < steps[0]


def test_surface_cost_ranks_reaching_the_optimum_first():
    reached_late = _surface_cost([1.0, 0.1, 1e-4], steps=2)
    never = _surface_cost([1.0, 0.5, 2e-3], steps=2)
    assert reached_late == 2 and never > reached_late
    assert _surface_cost([1.0, 0.5, 1e-2], 2) < _surface_cost([1.0, 0.5, 1e-1], 2)

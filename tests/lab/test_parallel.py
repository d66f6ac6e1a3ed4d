"""The parallel experiment (003 4.7 ex. 6): structure of a quick run under real mpirun (the learning
rates recorded and interior, the bytes and memory the claims read), figures and table, and what a run
without the distributed extra records (nothing launched, every claim inconclusive)."""

import math

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.claims import evaluate
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import parallel
from neuronlab.lab.experiments.parallel import measure


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("parallel")


@pytest.fixture(scope="module")
def runs(payload):
    return [r["results"] for r in payload["runs"]]


def _require_processes(runs):
    if runs[0]["skipped"]:
        pytest.skip(f"the quick run could not start processes: {runs[0]['skipped']}")


def test_processes_ran_when_the_extra_is_installed(runs):
    reason = measure.unavailable()
    for r in runs:
        assert r["skipped"] == reason
        if reason is None:
            assert r["world_size"] == measure.WORLD


def test_learning_rates_are_chosen_on_validation_and_interior(runs):
    _require_processes(runs)
    for r in runs:
        for kind in ("one_process", "data_parallel"):
            t = r["training"][kind]
            assert t["lr"] in t["lr_grid"] and t["lr_interior"], (kind, t["lr_grid"], t["val_accuracy_by_lr"])
            assert t["val_accuracy"] == max(v for v in t["val_accuracy_by_lr"] if v is not None)
        assert (
            r["training"]["effective_batch"]["data_parallel"]
            == measure.WORLD * r["training"]["effective_batch"]["one_process"]
        )


def test_bytes_and_memory_per_process(runs, payload):
    _require_processes(runs)
    for r in runs:
        memory = r["memory"]
        assert len(memory["data_parallel"]) == len(memory["model_parallel"]) == measure.WORLD
        # each process of the split MLP holds its blocks of W, b and V and the whole c
        hidden = 512
        assert max(memory["model_parallel_parameter_bytes"]) == 4 * (
            (64 + 1) * hidden // measure.WORLD + hidden * 10 // measure.WORLD + 10
        )
        for batch, rows in ((b, r["mp_bytes"][b]["rows"]) for b in r["mp_bytes"]):
            assert rows == {"all_reduce": 4 * int(batch) * 10}  # the b×10 output, once, forward
    timings = payload["timings"]["per_seed"]
    assert all(set(t["dp_step"]) == set(runs[0]["dp_bytes_per_step"]) for t in timings)


def test_figures_and_table_draw(runs):
    figs = parallel.figures(runs)
    assert figs and all(isinstance(f, Figure) for f in figs.values())
    assert parallel.table(runs).rows


def test_without_the_extra_nothing_is_launched_and_every_claim_is_inconclusive(monkeypatch):
    monkeypatch.setattr(measure, "unavailable", lambda: "mpi4py is not installed (test)")
    monkeypatch.setattr(measure, "launch", lambda *a, **k: pytest.fail("launched without the extra"))
    results = [measure.run(LabConfig(quick=True), seed) for seed in (0, 1, 2)]
    assert all(r["skipped"] == "mpi4py is not installed (test)" for r in results)
    for claim in parallel.CLAIMS:
        assert math.isnan(claim.measure(results[0])), claim.id
        assert evaluate(claim, [0, 1, 2], results)["verdict"] == "inconclusive"
    assert "mpi4py" in parallel.table(results).rows[0][1]
    assert all(isinstance(f, Figure) for f in parallel.figures(results).values())

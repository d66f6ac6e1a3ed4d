"""The benchmark runs (quick mode only: performance is measured by `neuronlab bench`, never
asserted by a timed test)."""

import json

from neuronlab.bench.runner import format_table, run_benchmark
from neuronlab.cli import main


def test_quick_benchmark_runs_both_libraries_and_checks_losses():
    report = run_benchmark(quick=True, memory=False, log=lambda *a: None)
    titles = [row["workload"] for row in report["rows"]]
    assert len(titles) == 7
    for row in report["rows"]:
        assert row["loss_agreement"] <= 1e-3
        assert all(t["median"] > 0 for t in row["times"].values())
    assert {"neuronlab", "torch"} <= set(report["rows"][0]["times"])
    table = format_table(report)
    assert table.count("\n") >= 12 and "samples/s" in table


def test_bench_command_writes_json(tmp_path, capsys, monkeypatch):
    import neuronlab.cli.bench_cmd as bench_cmd

    monkeypatch.setattr(bench_cmd, "run_benchmark", lambda quick, memory: {"machine": "m", "quick": quick, "threads": 2,
                                                                           "rows": [], "memory": []})  # fmt: skip
    assert main(["bench", "--quick", "--json", str(tmp_path / "b.json")]) == 0
    assert json.loads((tmp_path / "b.json").read_text())["quick"] is True


def test_memory_probe_reports_the_run_peak_and_its_phases():
    from neuronlab.bench.memory_probe import peak_memory

    result = peak_memory("neuronlab", "mlp")
    assert result["first_step_kib"] > 0 and result["steady_step_kib"] >= 0
    assert result["first_step_kib"] >= result["steady_step_kib"]  # optimizer state and first allocations
    assert result["run_peak_kib"] >= result["first_step_kib"]

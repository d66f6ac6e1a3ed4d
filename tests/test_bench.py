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


def _report(nl: float, torch: float, quick: bool = False) -> dict:
    times = {"neuronlab": {"median": nl}, "torch": {"median": torch}}
    return {"quick": quick, "rows": [{"workload": "3 LeNet-5, batch 128, step", "times": times}],
            "memory": [{"workload": "mlp", "neuronlab": {"run_peak_kib": 50}, "torch": {"run_peak_kib": 100}}]}  # fmt: skip


def test_spread_summarizes_full_runs_against_the_targets(tmp_path):
    from neuronlab.bench.spread import format_spread

    paths = []
    for i, (nl, th, quick) in enumerate([(12.0, 10.0, False), (18.0, 10.0, False), (99.0, 1.0, True)]):
        paths.append(tmp_path / f"run{i}.json")
        paths[-1].write_text(json.dumps(_report(nl, th, quick)))
    table = format_spread(paths)
    assert "over 2 full runs" in table  # the quick run is left out
    assert "| LeNet-5 step | 1.2–1.8 | ≤ 1.5 | 1 of 2 |" in table
    assert "| peak memory over a run, MLP | 0.5–0.5 | ≤ 1 | 2 of 2 |" in table
    assert main(["bench", "--spread", str(paths[0])]) == 0

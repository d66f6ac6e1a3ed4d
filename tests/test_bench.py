"""The benchmark runs (quick mode only: performance is measured by `neuronlab bench`, never
asserted by a timed test). Quick mode runs every workload end to end, both libraries in
worker processes, with tiny sizes and repeat counts, so this file takes seconds."""

import json

import pytest

from neuronlab.bench import op_overhead
from neuronlab.bench.runner import format_table, run_benchmark
from neuronlab.cli import main


@pytest.fixture(scope="module")
def quick_report():
    return run_benchmark(quick=True, memory=False, log=lambda *a: None)


def test_quick_benchmark_runs_both_libraries_and_checks_losses(quick_report):
    titles = [row["workload"] for row in quick_report["rows"]]
    assert len(titles) == 7
    for row in quick_report["rows"]:
        assert row["loss_agreement"] <= 1e-3
        assert all(t["median"] > 0 for t in row["times"].values())
    assert {"neuronlab", "torch"} <= set(quick_report["rows"][0]["times"])
    table = format_table(quick_report)
    assert table.count("\n") >= 12 and "samples/s" in table


def test_quick_benchmark_times_every_op_overhead_chain_in_both_libraries(quick_report):
    section = quick_report["op_overhead"]
    assert [row["id"] for row in section["chains"]] == [*op_overhead.CHAINS, *op_overhead.STEPS]
    assert section["value_agreement"] <= 1e-4
    for row in section["chains"]:
        assert set(row["times"]) == {"neuronlab", "torch"}
        assert all(t["q1"] <= t["median"] <= t["q3"] and t["low"] > 0 for t in row["times"].values())
        assert 0 < row["ratio_q1"] <= row["ratio"] <= row["ratio_q3"]  # of the per-repeat ratios
    table = format_table(quick_report)
    assert "`1-1-1 step, ((net(x) - y) ** 2).mean()`" in table and "| median ≤ 0.5× |" in table


def _section(ratios: dict) -> dict:
    """An op-overhead section whose PyTorch times are 1 s and neuronlab's the given ratios."""

    def times(seconds):
        return {
            "median": seconds,
            "q1": seconds,
            "q3": seconds,
            "low": seconds,
            "high": seconds,
            "repeats": 3,
        }

    chains = [{"id": key, "chain": op_overhead.LABELS[key], "times": {"neuronlab": times(r), "torch": times(1.0)},
               "ratio": r, "ratio_q1": r, "ratio_q3": r} for key, r in ratios.items()]  # fmt: skip
    return {
        "workload": op_overhead.TITLE,
        "size": "32×16",
        "threads": 1,
        "value_agreement": 0.0,
        "chains": chains,
    }


def test_op_overhead_verdicts_follow_the_numbers():
    ratios = {"sum": 0.3, "mean": 0.4, "matmul": 0.6, "step_unfused": 0.44}
    text = op_overhead.format_section(_section(ratios))
    assert "Median ratio 0.42 over 4 chains; worst chain `a @ w.T` at 0.60." in text
    assert "| every chain ≤ 0.7× | 4 of 4 chains; worst 0.60× (`a @ w.T`) | met |" in text
    assert "| median ≤ 0.5× | 0.42× | met |" in text
    assert "| unfused 1-1-1 step ≤ 0.5× | 0.44× | met |" in text
    text = op_overhead.format_section(_section({**ratios, "matmul": 1.3, "step_unfused": 0.9}))
    assert "| every chain ≤ 0.7× | 2 of 4 chains; worst 1.30× (`a @ w.T`) | not met |" in text
    assert "| median ≤ 0.5× | 0.65× | not met |" in text
    assert "| unfused 1-1-1 step ≤ 0.5× | 0.90× | not met |" in text


def test_op_overhead_refuses_to_time_chains_whose_values_differ():
    values = {"sum": [1.0, 2.0], "mean": [0.5, 0.25]}
    assert op_overhead.check_values({"neuronlab": values, "torch": values}) == 0.0
    with pytest.raises(RuntimeError, match="a.mean"):
        op_overhead.check_values({"neuronlab": values, "torch": {**values, "mean": [0.5, 0.26]}})


def test_bench_command_writes_json(tmp_path, monkeypatch):
    import neuronlab.cli.bench_cmd as bench_cmd

    def fake_run(quick, memory, only):
        return {"machine": "m", "quick": quick, "threads": 2, "rows": [], "memory": [], "only": only}

    monkeypatch.setattr(bench_cmd, "run_benchmark", fake_run)
    assert main(["bench", "--quick", "--only", "op-overhead", "--json", str(tmp_path / "b.json")]) == 0
    written = json.loads((tmp_path / "b.json").read_text())
    assert written["quick"] is True and written["only"] == ["op-overhead"]


def test_profile_prints_the_top_functions_of_chosen_chains(capsys):
    assert (
        main(
            ["bench", "--profile", "op-overhead", "--chain", "mul_add", "sum", "--calls", "20", "--top", "5"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "2 chains, 20 calls each" in out and "| `a * b + c` |" in out and "| `a.sum()` |" in out
    assert "neuronlab/engine/" in out  # the engine's own files appear by name
    assert out.count("\n| `") == 2 + 5  # the two chains' times and the five functions


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
    for i, (nl, th, quick) in enumerate([(9.0, 10.0, False), (18.0, 10.0, False), (99.0, 1.0, True)]):
        paths.append(tmp_path / f"run{i}.json")
        paths[-1].write_text(json.dumps(_report(nl, th, quick)))
    table = format_spread(paths)
    assert "over 2 full runs" in table  # the quick run is left out
    assert "| LeNet-5 step | 0.9–1.8 | ≤ 1.0 (issue 12) | 1 of 2 |" in table
    assert "| peak memory over a run, MLP | 0.5–0.5 | ≤ 1 | 2 of 2 |" in table
    assert main(["bench", "--spread", str(paths[0])]) == 0


def test_spread_includes_the_op_overhead_figures_of_runs_that_have_them(tmp_path):
    from neuronlab.bench.spread import format_spread

    for i, ratio in enumerate([0.4, 0.8]):
        report = {
            **_report(10.0, 10.0),
            "op_overhead": _section({"sum": 0.3, "mean": ratio, "step_unfused": 0.6}),
        }
        (tmp_path / f"run{i}.json").write_text(json.dumps(report))
    table = format_spread(sorted(tmp_path.glob("*.json")))
    assert "| op overhead, worst chain | 0.6–0.8 | ≤ 0.7 | 1 of 2 |" in table
    assert "| op overhead, median chain | 0.4–0.6 | ≤ 0.5 | 1 of 2 |" in table
    assert "| op overhead, unfused 1-1-1 step | 0.6–0.6 | ≤ 0.5 | 0 of 2 |" in table

"""The spread of each ratio over several saved full runs (``neuronlab bench --json``), with
the issue's target for it: the table the README shows, computed from the saved files only."""

from __future__ import annotations

import json
from pathlib import Path

from neuronlab.bench import op_overhead

# workload number -> (label, target as text, test on the ratio)
TARGETS = {
    "1a": ("MLP epoch, batch 128", "≤ 0.91 (≥ 1.1× throughput)", lambda r: r <= 1 / 1.1),
    "1b": ("MLP epoch, batch 256", "≤ 1 (≥ 1.0× throughput; stretch 1.2×)", lambda r: r <= 1.0),
    "2a": ("1-1-1 net step", "≤ 0.5", lambda r: r <= 0.5),
    "2b": ("2-16-16-1 net step", "≤ 0.5", lambda r: r <= 0.5),
    "3": ("LeNet-5 step", "≤ 1.0 (issue 12)", lambda r: r <= 1.0),
    "4": ("landscape: vectorized / per-point loop", "≤ 0.01 (≥ 100× faster)", lambda r: r <= 0.01),
    "5": ("Trainer / bare loop", "≤ 1.05", lambda r: r <= 1.05),
    "6 mlp": ("peak memory over a run, MLP", "≤ 1", lambda r: r <= 1),
    "6 lenet": ("peak memory over a run, LeNet-5", "≤ 1", lambda r: r <= 1),
    "7 worst": ("op overhead, worst chain", "≤ 0.7", lambda r: r <= 0.7),
    "7 median": ("op overhead, median chain", "≤ 0.5", lambda r: r <= 0.5),
    "7 step": ("op overhead, unfused 1-1-1 step", "≤ 0.5", lambda r: r <= 0.5),
}


def run_ratios(report: dict) -> dict[str, float]:
    """``{workload key: first variant / second variant}`` of one full run (time, or peak
    memory for workload 6; ``neuronlab / torch`` wherever PyTorch ran; workload 7's worst
    and median chain and its unfused step)."""
    ratios = {}
    for row in report["rows"]:
        key = row["workload"].split()[0]
        medians = [t["median"] for t in row["times"].values()]
        if len(medians) > 1:
            ratios[key] = medians[0] / medians[1]
    for row in report.get("memory", []):
        libs = [k for k in row if k != "workload"]
        if len(libs) > 1 and "run_peak_kib" in row[libs[0]]:
            ratios[f"6 {row['workload']}"] = row[libs[0]]["run_peak_kib"] / max(
                row[libs[1]]["run_peak_kib"], 1
            )
    figures = op_overhead.summary(report["op_overhead"]) if "op_overhead" in report else {}
    if figures:
        ratios.update(
            {"7 worst": figures["worst"], "7 median": figures["median"], "7 step": figures["step_unfused"]}
        )
    return ratios


def format_spread(paths: list[str | Path]) -> str:
    """A Markdown table: each ratio's range over the saved runs and how many runs met the target."""
    reports = [json.loads(Path(p).read_text()) for p in sorted(paths)]
    reports = [r for r in reports if not r["quick"]]
    if not reports:
        raise ValueError("format_spread(): no full runs among the files (quick runs are not timings)")
    per_run = [run_ratios(r) for r in reports]
    lines = [
        f"| workload | ratio over {len(reports)} full runs (median of each) | target | runs meeting it |",
        "|---|---|---|---|",
    ]
    for key, (label, target, met) in TARGETS.items():
        values = [r[key] for r in per_run if key in r]
        if not values:
            continue
        lines.append(
            f"| {label} | {min(values):.3g}–{max(values):.3g} | {target} | {sum(map(met, values))} of {len(values)} |"
        )
    return "\n".join(lines)

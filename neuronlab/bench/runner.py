"""Running the benchmark and printing its table."""

from __future__ import annotations

import contextlib
import json
import os
import platform
from pathlib import Path

import numpy as np

from neuronlab.bench import workloads as W
from neuronlab.bench.memory_probe import peak_memory

THREADS = 2


def _libraries() -> dict:
    import neuronlab

    libs = {"neuronlab": neuronlab}
    try:
        import torch
    except ImportError:
        return libs
    torch.set_num_threads(THREADS)
    libs["torch"] = torch
    return libs


@contextlib.contextmanager
def _blas_threads(n: int):
    """Pin NumPy's BLAS to ``n`` threads for the benchmark only (threadpoolctl, when installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield


def _check_losses(name: str, losses: dict) -> float:
    if len(losses) < 2:
        return 0.0
    a, b = (np.asarray(v) for v in losses.values())
    difference = float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-6)))
    if difference > 1e-3:
        raise RuntimeError(
            f"bench {name}: neuronlab and torch losses differ ({losses}); refusing to time unequal work"
        )
    return difference


def run_benchmark(quick: bool = False, memory: bool = True, log=print) -> dict:
    """Run every workload; returns a JSON-able dict of rows."""
    libs = _libraries()
    specs = [
        ("1a MLP 784-256-256-10 epoch, batch 128", lambda: W.mlp_epoch(libs, quick, 128)),
        ("1b MLP 784-256-256-10 epoch, batch 256", lambda: W.mlp_epoch(libs, quick, 256)),
        ("2a 1-1-1 sigmoid net, 4 samples, step", lambda: W.tiny_sigmoid(libs, quick)),
        ("2b 2-16-16-1 tanh net, 100 moons, step", lambda: W.tiny_moons(libs, quick)),
        ("3 LeNet-5, batch 128, step", lambda: W.lenet_step(libs, quick)),
        ("4 loss landscape, 1-1-1 net", lambda: W.landscape_grid(libs, quick)),
        ("5 digits MLP: Trainer vs bare loop", lambda: W.trainer_overhead(quick)),
    ]
    rows = []
    with _blas_threads(THREADS):
        for title, fn in specs:
            log(f"  running {title} ...")
            result = fn()
            rows.append({"workload": title, "unit": result["unit"], "samples": result.get("samples"),
                         "loss_agreement": _check_losses(title, result["losses"]),
                         "times": {k: W.timing_to_dict(v) for k, v in result["times"].items()}})  # fmt: skip
    memory_rows = []
    if memory:
        for workload in ("mlp", "lenet"):
            memory_rows.append({"workload": workload, **{lib: peak_memory(lib, workload) for lib in libs}})
    return {
        "machine": machine_description(),
        "quick": quick,
        "threads": THREADS,
        "rows": rows,
        "memory": memory_rows,
    }


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, NumPy {np.__version__}"


def format_table(report: dict) -> str:
    """The results as a Markdown table: medians, ranges, and ratio = neuronlab / other."""
    lines = [f"Machine: {report['machine']}; {report['threads']} threads; {'quick' if report['quick'] else 'full'} run.", "",
             "| workload | variant | median | range | time ratio (first row / this row) |", "|---|---|---|---|---|"]  # fmt: skip
    for row in report["rows"]:
        times = row["times"]
        names = list(times)
        base = times[names[0]]["median"]
        for name in names:
            t = times[name]
            ratio = "" if name == names[0] else f"{base / t['median']:.3g}"
            extra = f" ({row['samples'] / t['median']:,.0f} samples/s)" if row.get("samples") else ""
            lines.append(
                f"| {row['workload']} | {name} | {_fmt(t['median'])}{extra} | {_fmt(t['low'])}–{_fmt(t['high'])} | {ratio} |"
            )
    for row in report["memory"]:
        libs = [k for k in row if k != "workload"]
        for key, label in (("run_peak_kib", "whole run"), ("first_step_kib", "first step"),
                           ("steady_step_kib", "later steps")):  # fmt: skip
            cells = ", ".join(f"{lib} {row[lib][key] / 1024:.1f} MiB" for lib in libs)
            ratio = f"{row[libs[0]][key] / max(row[libs[-1]][key], 1):.3g}" if len(libs) > 1 else ""
            lines.append(
                f"| 6 peak memory growth, {row['workload']} training, {label} | {cells} | | | {ratio} |"
            )
    return "\n".join(lines)


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def write_json(report: dict, path: str) -> None:
    Path(path).write_text(json.dumps(report, indent=1))

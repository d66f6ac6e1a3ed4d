"""Running the benchmark and printing its table."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
from pathlib import Path

import numpy as np

from neuronlab.bench import op_overhead
from neuronlab.bench import workloads as W
from neuronlab.bench.isolated import Isolated
from neuronlab.bench.memory_probe import peak_memory
from neuronlab.bench.timing import Timing

THREADS = 2
# Quick mode runs on one thread per library: with two, the idle worker's BLAS/OpenMP threads
# spin while the other works (the full run sleeps ``SETTLE`` between batches for that), and
# without the sleep a quick run took 20 s instead of a few.
QUICK_THREADS = 1


def _libraries() -> list[str]:
    """The libraries to compare: neuronlab, and PyTorch when it is installed."""
    import importlib.util

    return ["neuronlab"] + (["torch"] if importlib.util.find_spec("torch") is not None else [])


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


def _paired_row(name: str, session: Isolated, quick: bool) -> dict:
    """One workload of ``workloads.PAIRED``, each library in its own process (see isolated.py)."""
    title, _, _, unit, per_sample, full, brief = W.PAIRED[name]
    options = dict(brief if quick else full)
    agreement = {}  # filled by the check, which runs before any timing

    def check(losses):
        agreement["value"] = _check_losses(title, losses)

    _, samples = session.run(name, check=check, settle=0.0 if quick else W.SETTLE, **options)
    times = {lib: Timing(statistics.median(s[None]), min(s[None]), max(s[None]), len(s[None]))
             for lib, s in samples.items()}  # fmt: skip
    return {"workload": title, "unit": unit, "samples": W.mlp_samples(quick) if per_sample else None,
            "loss_agreement": agreement["value"],
            "times": {k: W.timing_to_dict(v) for k, v in times.items()}}  # fmt: skip


# The names ``run_benchmark(only=...)`` and ``neuronlab bench --only`` accept.
WORKLOADS = [*W.PAIRED, "landscape", "trainer", op_overhead.WORKLOAD, "memory"]


def run_benchmark(quick: bool = False, memory: bool = True, log=print, only: list[str] | None = None) -> dict:
    """Run every workload (or those named in ``only``); returns a JSON-able dict of rows."""
    libraries = _libraries()
    threads = QUICK_THREADS if quick else THREADS
    wanted = set(WORKLOADS if only is None else only) - (set() if memory else {"memory"})
    rows = []
    # Quick mode reuses one worker per library for every workload (see isolated.py).
    with Isolated(libraries, quick, threads, fresh=not quick) as session:
        for name, spec in W.PAIRED.items():
            if name in wanted:
                log(f"  running {spec[0]} ...")
                rows.append(_paired_row(name, session, quick))
        overhead = None
        if op_overhead.WORKLOAD in wanted:
            log(f"  running {op_overhead.TITLE} ...")
            overhead = op_overhead.run(session, quick)
    in_process = [
        ("landscape", "4 loss landscape, 1-1-1 net", lambda: W.landscape_grid(libraries, quick)),
        ("trainer", "5 digits MLP: Trainer vs bare loop", lambda: W.trainer_overhead(quick)),
    ]
    with _blas_threads(threads):
        for name, title, fn in in_process:
            if name not in wanted:
                continue
            log(f"  running {title} ...")
            result = fn()
            rows.append({"workload": title, "unit": result["unit"], "samples": result.get("samples"),
                         "loss_agreement": _check_losses(title, result["losses"]),
                         "times": {k: W.timing_to_dict(v) for k, v in result["times"].items()}})  # fmt: skip
    memory_rows = []
    if "memory" in wanted:
        for workload in ("mlp", "lenet"):
            memory_rows.append(
                {"workload": workload, **{lib: peak_memory(lib, workload) for lib in libraries}}
            )
    report = {
        "machine": machine_description(),
        "quick": quick,
        "threads": threads,
        "rows": rows,
        "memory": memory_rows,
    }
    if overhead is not None:
        report["op_overhead"] = overhead
    return report


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
    if "op_overhead" in report:
        lines += ["", op_overhead.format_section(report["op_overhead"])]
    return "\n".join(lines)


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def write_json(report: dict, path: str) -> None:
    Path(path).write_text(json.dumps(report, indent=1))

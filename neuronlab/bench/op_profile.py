"""``neuronlab bench --profile op-overhead``: where neuronlab spends its time on workload 7's
chains, in this process, under cProfile (the baseline ``docs/performance.md`` quotes).

It prints each chain's time per forward + backward without the profiler, then, over all the
chosen chains profiled together: the time by module (neuronlab's files, NumPy's Python code,
C functions) and the functions with the most time of their own. Times under the profiler
are about twice the unprofiled ones (cProfile adds a cost per Python call), so read them as
shares; every figure is per chain call, averaged over the chosen chains.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import defaultdict
from pathlib import Path

from neuronlab.bench import op_overhead


def _module(filename: str, function: str) -> str:
    """A short name for where a function lives: ``neuronlab/engine/tensor.py``, ``numpy``, or
    ``C: numpy`` / ``C: other`` for built-in functions (cProfile files them under ``~``)."""
    if filename == "~":
        return "C: numpy" if "numpy" in function else "C: other"
    parts = Path(filename).parts
    for package in ("neuronlab", "numpy"):
        if package in parts:
            i = len(parts) - 1 - parts[::-1].index(package)
            return "/".join(parts[i:]) if package == "neuronlab" else package
    return "other Python"


# What each engine function does, for the breakdown by kind of work (issue 12, section 4):
# kind -> (module as ``_module`` names it, function name; a C function's name is a prefix).
# Functions are named as the engine has them today; whatever is not listed (the ops' own
# forward and backward code, NumPy, the benchmark's loop) is reported under its module, so
# a renamed function shows up there instead of vanishing.
KINDS = {
    "Tensor construction": [("neuronlab/engine/tensor.py", "_wrap"), ("neuronlab/engine/tensor.py", "__init__"),
                            ("C: other", "<built-in method __new__ of type object")],
    "graph recording (forward)": [("neuronlab/engine/function.py", "_record"),
                                  ("neuronlab/engine/function.py", "<listcomp>")],
    "Function.apply bookkeeping": [("neuronlab/engine/function.py", "apply"),
                                   ("neuronlab/engine/function.py", "release")],
    "operand dtype promotion": [("neuronlab/ops/operands.py", "binary"), ("neuronlab/ops/operands.py", "cast"),
                                ("neuronlab/engine/dtypes.py", "result_type")],
    "backward entry (Tensor.backward to the walk)": [
        ("neuronlab/engine/tensor.py", "backward"), ("neuronlab/autograd/__init__.py", "backward"),
        ("neuronlab/autograd/__init__.py", "_as_list"), ("neuronlab/engine/graph.py", "run_backward"),
        ("neuronlab/engine/graph.py", "_seed_gradients"), ("neuronlab/engine/graph.py", "__init__"),
        ("neuronlab/engine/graph.py", "backward"), ("neuronlab/engine/graph.py", "_backward_arrays"),
        ("neuronlab/engine/graph.py", "_seed_array"), ("other Python", "_handle_fromlist")],
    "backward walk (ordering, per-node dispatch, shape/dtype checks)": [
        ("neuronlab/engine/graph.py", "run"), ("neuronlab/engine/graph.py", "_run_node"),
        ("neuronlab/engine/graph.py", "run_arrays"), ("neuronlab/engine/graph.py", "_run_node_arrays"),
        ("neuronlab/engine/graph.py", "input_grads"), ("neuronlab/engine/graph.py", "consumer_counts"),
        ("neuronlab/engine/graph.py", "<listcomp>"), ("neuronlab/engine/graph.py", "_sent_twice"),
        ("neuronlab/engine/graph.py", "_consumed")],
    "saved-value version checks": [("neuronlab/engine/graph.py", "check_versions")],
    "row reductions (row_reduce.py: row sums/maxima, exp_rows)": [
        ("neuronlab/engine/row_reduce.py", "row_sum"), ("neuronlab/engine/row_reduce.py", "row_max"),
        ("neuronlab/engine/row_reduce.py", "exp_rows"), ("neuronlab/engine/row_reduce.py", "_dot_ones"),
        ("neuronlab/engine/row_reduce.py", "_fast")],
    "gradient accumulation into leaves": [("neuronlab/engine/graph.py", "_deliver_leaf"),
                                          ("neuronlab/engine/graph.py", "_store_grad")],
    "broadcast reduction (sum_to_array)": [("neuronlab/engine/array_or_tensor.py", "sum_to_array")],
}  # fmt: skip


def _kind(filename: str, function: str) -> str:
    module = _module(filename, function)
    for kind, places in KINDS.items():
        for place, name in places:
            if module == place and (function == name or (name.startswith("<") and function.startswith(name))):
                return kind
    return f"other: {module}"


def _function(key: tuple) -> str:
    filename, line, function = key
    if filename == "~":
        return function
    return f"{_module(filename, function)}:{line} {function}"


def profile_chains(keys: list[str] | None = None, calls: int = 2000, top: int = 25) -> str:
    """The report described in the module docstring, for the chains ``keys`` (ids of
    ``op_overhead.CHAINS`` and ``STEPS``; all when ``None``), ``calls`` calls each."""
    import neuronlab

    fns, _ = op_overhead.build(neuronlab, quick=False)
    keys = list(fns) if not keys else keys
    lines = [f"neuronlab per-op profile: {len(keys)} chains, {calls} calls each (µs per chain call)", "",
             "| chain | µs per call, no profiler |", "|---|---|"]  # fmt: skip
    for key in keys:
        for _ in range(50):
            fns[key]()
        start = time.perf_counter()
        for _ in range(calls):
            fns[key]()
        lines.append(f"| `{op_overhead.LABELS[key]}` | {(time.perf_counter() - start) / calls * 1e6:.1f} |")
    profiler = cProfile.Profile()
    profiler.enable()
    for key in keys:
        fn = fns[key]
        for _ in range(calls):
            fn()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    scale = 1e6 / (calls * len(keys))  # seconds over all calls -> µs per chain call
    total = sum(entry[2] for entry in stats.values())
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _, function), entry in stats.items():
        by_module[_module(filename, function)] += entry[2]
    lines += ["", f"Under the profiler: {total * scale:.1f} µs per chain call. Own time by module:", "",
              "| module | µs per chain call | share |", "|---|---|---|"]  # fmt: skip
    for module, seconds in sorted(by_module.items(), key=lambda item: -item[1]):
        lines.append(f"| {module} | {seconds * scale:.2f} | {seconds / total:.0%} |")
    by_kind: dict[str, float] = defaultdict(float)
    for (filename, _, function), entry in stats.items():
        by_kind[_kind(filename, function)] += entry[2]
    lines += ["", "Own time by kind of work (the engine's functions by what they do; the rest by module):", "",
              "| kind | µs per chain call | share |", "|---|---|---|"]  # fmt: skip
    for kind, seconds in sorted(by_kind.items(), key=lambda item: -item[1]):
        lines.append(f"| {kind} | {seconds * scale:.2f} | {seconds / total:.0%} |")
    lines += ["", f"The {top} functions with the most own time:", "",
              "| function | calls per chain call | own µs | cumulative µs |", "|---|---|---|---|"]  # fmt: skip
    ranked = sorted(stats.items(), key=lambda item: -item[1][2])[:top]
    for key, (_, ncalls, tottime, cumtime, _) in ranked:
        lines.append(f"| `{_function(key)}` | {ncalls / (calls * len(keys)):.2f} | {tottime * scale:.2f} | "
                     f"{cumtime * scale:.2f} |")  # fmt: skip
    return "\n".join(lines)

"""Workload 7's chains (``neuronlab/bench/op_overhead.py``) in neuronlab and PyTorch side by side
in this one process, timed in CPU time: for A/B comparisons on a loaded machine.

    python benchmarks/op_overhead_cpu.py [ROUNDS] [CALLS] [JSON]

``neuronlab bench`` times wall-clock batches in one worker process per library, which is the
fair setting on a quiet machine; with other jobs on the cores its ratios moved by up to 2×
between runs (7 December 2026, load average 5-9). Here both libraries run on one thread and
each chain is timed as the best of 5 batches of CALLS calls in ``time.process_time`` (so
time spent descheduled is not counted), the libraries alternating chain by chain, the order
flipping every round; a chain's ratio is the median over ROUNDS rounds of neuronlab ÷ PyTorch.
Run it twice with different ``PYTHONPATH``s to compare two versions of neuronlab. The chains
allocate only small arrays, so sharing one heap does not distort them (docs/performance.md).
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import torch
from threadpoolctl import threadpool_limits

import neuronlab as nl
from neuronlab.bench import op_overhead


def best_of_5(call, calls: int) -> float:
    """µs per call: the fastest of 5 batches, in CPU time."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(calls):
            call()
        best = min(best, (time.process_time() - start) / calls)
    return best * 1e6


def main(rounds: int = 5, calls: int = 300, path: str | None = None) -> None:
    torch.set_num_threads(1)
    ours, _ = op_overhead.build(nl, False)
    theirs, _ = op_overhead.build(torch, False)
    for call in (*ours.values(), *theirs.values()):
        for _ in range(30):
            call()
    times: dict[str, list[tuple[float, float]]] = {key: [] for key in ours}
    for r in range(rounds):
        for key in ours:
            if r % 2:
                t = best_of_5(theirs[key], calls)
                n = best_of_5(ours[key], calls)
            else:
                n = best_of_5(ours[key], calls)
                t = best_of_5(theirs[key], calls)
            times[key].append((n, t))
    ratios = {}
    for key, pairs in times.items():
        per_round = [n / t for n, t in pairs]
        ratios[key] = statistics.median(per_round)
        print(
            f"{key:14s} neuronlab {min(n for n, _ in pairs):6.1f} µs  torch {min(t for _, t in pairs):6.1f} µs  "
            f"ratio {ratios[key]:.2f} ({min(per_round):.2f}-{max(per_round):.2f})"
        )
    within = sum(r <= 0.7 for r in ratios.values())
    print(f"median ratio {statistics.median(ratios.values()):.3f}; chains <= 0.7: {within}/{len(ratios)}")
    if path:
        with open(path, "w") as f:
            json.dump(ratios, f)


if __name__ == "__main__":
    args = sys.argv[1:]
    with threadpool_limits(1):
        main(
            int(args[0]) if args else 5,
            int(args[1]) if len(args) > 1 else 300,
            args[2] if len(args) > 2 else None,
        )

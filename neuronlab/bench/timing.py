"""Timing helpers: warm up, repeat, report the median and the range."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Timing:
    """Seconds per call over ``repeats`` measurements (after ``warmup`` unmeasured calls)."""

    median: float
    low: float
    high: float
    repeats: int

    def scaled(self, factor: float) -> Timing:
        return Timing(self.median * factor, self.low * factor, self.high * factor, self.repeats)


def measure(fn, repeats: int = 7, warmup: int = 2, inner: int = 1) -> Timing:
    """Call ``fn`` ``warmup`` times, then time ``repeats`` batches of ``inner`` calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return Timing(statistics.median(samples), min(samples), max(samples), repeats)


def measure_interleaved(
    fns: dict, repeats: int = 7, warmup: int = 2, inner: int = 1, settle: float = 0.0
) -> dict[str, Timing]:
    """Time several variants of one workload by alternating them in every repeat, so a burst
    of noise on a shared machine hits all of them alike and their ratio stays meaningful.

    ``settle`` seconds of sleep precede every timed batch. Alternating libraries needs it:
    OpenBLAS's worker threads keep spinning for about 0.1 s after NumPy's last product, and
    PyTorch's OpenMP threads for a while after its own, so a batch timed right after the
    other library's ran on a contended core (measured: PyTorch's first 20 MLP steps after
    a NumPy batch took 5.7 ms each against its steady 2.2 ms; with 0.3 s of settling the
    transient was gone for both libraries).
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            if settle:
                time.sleep(settle)
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[name].append((time.perf_counter() - start) / inner)
    return {name: Timing(statistics.median(s), min(s), max(s), repeats) for name, s in samples.items()}

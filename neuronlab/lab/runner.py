"""Running experiments: seed everything, time ``run``, save ``DIR/<name>/results.json``."""

from __future__ import annotations

import contextlib
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from neuronlab.engine.random import manual_seed
from neuronlab.lab import registry
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.results_io import versions, write_results


@contextlib.contextmanager
def single_threaded_blas():
    """Limit NumPy's BLAS to one thread while experiments run (restored afterwards).

    The lab's matrices are small: on 2 cores, BLAS threads only contend (measured under load:
    a 300×64 @ 64×32 product took 10.8 ms with the default threads and 21 µs with one).
    Uses threadpoolctl when installed (scikit-learn depends on it); otherwise does nothing.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def run_one(name: str, config: LabConfig) -> dict:
    """Run one experiment with every random source seeded; returns the saved payload."""
    with single_threaded_blas():
        return _run_seeded(name, config)


def _run_seeded(name: str, config: LabConfig) -> dict:
    module = registry.load(name)
    manual_seed(config.seed)
    np.random.seed(config.seed)  # for third-party code (e.g. data generators) that uses it
    random.seed(config.seed)
    start = time.perf_counter()
    results = module.run(config)
    seconds = time.perf_counter() - start
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()}
    payload = {
        "name": name,
        "settings": settings,
        "versions": versions(),
        "seconds": seconds,
        "results": results,
    }
    write_results(Path(config.out) / name / "results.json", payload)
    return payload


def _progress(total: int, enabled: bool | None):
    if enabled is False or (enabled is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="lab", unit="experiment", file=sys.stderr)


def run_experiments(names: list[str], config: LabConfig, jobs: int = 1, progress: bool | None = None,
                    log=print) -> dict[str, dict]:  # fmt: skip
    """Run ``names`` (``jobs`` at a time in separate processes); returns name -> payload."""
    for name in names:
        registry.load(name)  # fail fast on unknown names, before any work
    if jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {jobs}")
    config = replace(config, out=Path(config.out))
    bar = _progress(len(names), progress)
    done: dict[str, dict] = {}

    def finished(name: str, payload: dict) -> None:
        done[name] = payload
        if bar is not None:
            bar.set_postfix_str(name)
            bar.update(1)
        else:
            log(f"  {name:<16} {payload['seconds']:7.1f} s")

    if jobs == 1:
        for name in names:
            finished(name, run_one(name, config))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {name: pool.submit(run_one, name, config) for name in names}
            for name, future in futures.items():
                finished(name, future.result())
    if bar is not None:
        bar.close()
    return done

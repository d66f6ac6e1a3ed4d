"""Running experiments: every experiment on each of its seeds (one unit of work per seed, so
``--jobs`` spreads seeds over processes), then its claims decided, then ``DIR/<name>/results.json``.

``results.json`` holds ``claims`` (each decided over the seeds), ``runs`` (each seed's
deterministic results, from which figures are drawn) and, apart, ``timings`` (wall-clock
measurements, which vary from run to run).
"""

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
from neuronlab.lab.claims import evaluate, summarize
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


def run_seed(name: str, config: LabConfig, seed: int) -> tuple[dict, float]:
    """One experiment on one seed with every random source seeded: (results, seconds)."""
    module = registry.load(name)
    with single_threaded_blas():
        manual_seed(seed)
        np.random.seed(seed)  # for third-party code (e.g. data generators) that uses it
        random.seed(seed)
        start = time.perf_counter()
        results = module.run(config, seed)
        return results, time.perf_counter() - start


def finish(name: str, config: LabConfig, seeds: list[int], outcomes: list[tuple[dict, float]]) -> dict:
    """Decide the claims over the seeds' results and write ``results.json``; returns the payload."""
    module = registry.load(name)
    runs = [results for results, _ in outcomes]
    claims = [evaluate(claim, seeds, runs) for claim in module.CLAIMS]
    timings = {
        "run_seconds": [seconds for _, seconds in outcomes],
        "per_seed": [results.pop("timings", None) for results in runs],
    }
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()}
    payload = {
        "name": name,
        "settings": {**settings, "mode": "quick" if config.quick else "full", "seeds": seeds},
        "versions": versions(),
        "claims": claims,
        "summary": summarize(claims),
        "timings": timings,
        "runs": [{"seed": seed, "results": results} for seed, results in zip(seeds, runs)],
    }
    write_results(Path(config.out) / name / "results.json", payload)
    return payload


def run_one(name: str, config: LabConfig) -> dict:
    """Run one experiment on all its seeds in this process; returns the saved payload."""
    seeds = config.seeds(registry.load(name))
    return finish(name, config, seeds, [run_seed(name, config, s) for s in seeds])


def _progress(total: int, enabled: bool | None):
    if enabled is False or (enabled is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="lab", unit="run", file=sys.stderr)


def run_experiments(names: list[str], config: LabConfig, jobs: int = 1, progress: bool | None = None,
                    log=print) -> dict[str, dict]:  # fmt: skip
    """Run ``names`` on all their seeds (``jobs`` seed-runs at a time in separate processes);
    returns name -> payload."""
    modules = {name: registry.load(name) for name in names}  # unknown names fail before any work
    if jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {jobs}")
    config = replace(config, out=Path(config.out))
    seeds = {name: config.seeds(module) for name, module in modules.items()}
    units = [(name, seed) for name in names for seed in seeds[name]]
    bar = _progress(len(units), progress)
    outcomes: dict[str, dict[int, tuple[dict, float]]] = {name: {} for name in names}
    done: dict[str, dict] = {}

    def finished(name: str, seed: int, outcome: tuple[dict, float]) -> None:
        outcomes[name][seed] = outcome
        if bar is not None:
            bar.set_postfix_str(f"{name} seed {seed}")
            bar.update(1)
        if len(outcomes[name]) == len(seeds[name]):
            payload = finish(name, config, seeds[name], [outcomes[name][s] for s in seeds[name]])
            done[name] = payload
            if bar is None:
                s = payload["summary"]
                total = sum(payload["timings"]["run_seconds"])
                log(f"  {name:<16} {total:7.1f} s   {s['supports']} supports, {s['contradicts']} contradicts, "
                    f"{s['inconclusive']} inconclusive")  # fmt: skip

    if jobs == 1:
        for name, seed in units:
            if bar is not None:
                bar.set_postfix_str(f"running {name} seed {seed}")
            finished(name, seed, run_seed(name, config, seed))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [(name, seed, pool.submit(run_seed, name, config, seed)) for name, seed in units]
            for name, seed, future in futures:
                finished(name, seed, future.result())
    if bar is not None:
        bar.close()
    return {name: done[name] for name in names}

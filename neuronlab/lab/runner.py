"""Running experiments: every experiment on each of its seeds (one unit of work per seed, so
``--jobs`` spreads seeds over processes), then its claims decided, then ``DIR/<name>/results.json``.

``results.json`` holds ``claims`` (each decided over the seeds), ``runs`` (each seed's
deterministic results, from which figures are drawn) and, apart, ``timings`` (wall-clock
measurements, which vary from run to run).
"""

from __future__ import annotations

import contextlib
import random
import signal
import sys
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
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
    with single_threaded_blas(), warnings.catch_warnings():
        # Experiments drive some runs to divergence on purpose (learning-rate sweeps, the
        # stability experiment) and measure it; the Trainer's advice to add a guard is noise here.
        warnings.filterwarnings("ignore", message="Trainer: the loss is", category=UserWarning)
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


def progress_bar(total: int, enabled: bool | None, desc: str):
    """A ``tqdm.auto`` bar (a widget in Jupyter, text in a terminal), or None when not wanted:
    ``enabled=None`` shows one in a terminal or a notebook, never into a file or a pipe."""
    from neuronlab.train.callbacks.progress import progress_wanted

    if enabled is False or not progress_wanted(bool(enabled)):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="run", file=sys.stderr)


def _ignore_sigint() -> None:  # pragma: no cover - runs in the pool's workers
    """Workers leave Ctrl-C to the parent, which stops them (they would print a traceback each)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued work and end the workers now (``shutdown`` alone waits for the
    running ones, and so does the interpreter's exit)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=False, cancel_futures=True)


def run_experiments(names: list[str], config: LabConfig, jobs: int = 1, progress: bool | None = None,
                    log=print) -> dict[str, dict]:  # fmt: skip
    """Run ``names`` on all their seeds (``jobs`` seed-runs at a time in separate processes);
    returns name -> payload. Each experiment's ``results.json`` is written as soon as its seeds
    are done, so an interrupted run (Ctrl-C: ``KeyboardInterrupt``, workers stopped at once)
    keeps what finished."""
    modules = {name: registry.load(name) for name in names}  # unknown names fail before any work
    if jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {jobs}")
    config = replace(config, out=Path(config.out))
    seeds = {name: config.seeds(module) for name, module in modules.items()}
    units = [(name, seed) for name in names for seed in seeds[name]]
    bar = progress_bar(len(units), progress, "lab")
    outcomes: dict[str, dict[int, tuple[dict, float]]] = {name: {} for name in names}
    done: dict[str, dict] = {}

    def stage(text: str) -> None:
        if bar is not None:
            bar.set_postfix_str(text, refresh=True)

    def finished(name: str, seed: int, outcome: tuple[dict, float]) -> None:
        outcomes[name][seed] = outcome
        if bar is not None:
            bar.update(1)
        if len(outcomes[name]) == len(seeds[name]):
            stage(f"{name}: deciding the claims")
            payload = finish(name, config, seeds[name], [outcomes[name][s] for s in seeds[name]])
            done[name] = payload
            if bar is None:
                s = payload["summary"]
                total = sum(payload["timings"]["run_seconds"])
                log(f"  {name:<16} {total:7.1f} s   {s['supports']} supports, {s['contradicts']} contradicts, "
                    f"{s['inconclusive']} inconclusive")  # fmt: skip

    try:
        if jobs == 1:
            for name, seed in units:
                stage(f"running {name} seed {seed}")
                finished(name, seed, run_seed(name, config, seed))
        else:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_sigint)
            try:
                futures = {pool.submit(run_seed, name, config, seed): (name, seed) for name, seed in units}
                pending = set(futures)
                while pending:
                    running = [futures[f] for f in futures if f in pending and f.running()]
                    stage(
                        "running " + ", ".join(f"{n} seed {s}" for n, s in running) if running else "starting"
                    )
                    complete, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in sorted(complete, key=lambda f: units.index(futures[f])):
                        finished(*futures[future], future.result())
            except BaseException:
                _stop_pool(pool)
                raise
            pool.shutdown()
    finally:
        if bar is not None:
            bar.close()
    return {name: done[name] for name in names}

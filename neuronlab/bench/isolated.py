"""Each library in its own process, timed in alternation.

Why not one process: the two libraries share one C heap. Measured on LeNet-5 (workload 3):
PyTorch alone took 9.9 ms a step with no page faults; in the same process as neuronlab's
steps it took 12.3 ms with about 2,000 page faults a step, because NumPy's allocations had
changed where glibc puts and returns large blocks. So every paired workload starts one fresh
worker process per library (a new interpreter, so nothing is inherited), each builds its model from
the same initial weights, reports its first losses, and then runs timed batches on request:
the parent alternates between the workers, sleeping ``settle`` seconds before each batch, so
that noise on the machine hits both libraries alike while their heaps stay apart. Each batch
is timed inside its worker, so the pipe's latency is not counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
from contextlib import ExitStack


def _serve(library: str, workload: str, quick: bool, threads: int, send, receive) -> None:
    """Build ``workload`` in ``library`` and serve ``["time", n]`` requests until ``"stop"``."""
    from threadpoolctl import threadpool_limits

    from neuronlab.bench.workloads import PAIRED

    with threadpool_limits(limits=threads, user_api="blas"):
        if library == "torch":
            import torch as lib

            lib.set_num_threads(threads)
        else:
            import neuronlab as lib
        _, build, kwargs, *_ = PAIRED[workload]
        fn, losses = build(lib, quick, **kwargs)
        send(["ready", losses])
        while (request := receive()) != "stop":
            n = request[1]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            send(["time", (time.perf_counter() - start) / n])


def main(argv: list[str]) -> None:
    """The worker process's entry point (``main([LIBRARY, WORKLOAD, QUICK, THREADS])``).
    Requests and replies are JSON lines on stdin and on the original stdout; anything the
    libraries print goes to stderr instead."""
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)

    def send(message) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    def receive():
        return json.loads(sys.stdin.readline() or '"stop"')

    library, workload, quick, threads = argv[0], argv[1], argv[2] == "1", int(argv[3])
    try:
        _serve(library, workload, quick, threads, send, receive)
    except Exception:
        send(["error", traceback.format_exc()])


class Worker:
    """The parent's handle on one worker process."""

    def __init__(self, library: str, workload: str, quick: bool, threads: int) -> None:
        self.library = library
        entry = "import sys; from neuronlab.bench.isolated import main; main(sys.argv[1:])"
        command = [sys.executable, "-c", entry, library, workload, "1" if quick else "0", str(threads)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def losses(self) -> list[float]:
        return self._receive("ready")

    def time_batch(self, n: int) -> float:
        """Seconds per call over ``n`` calls, measured in the worker."""
        self.process.stdin.write(json.dumps(["time", n]) + "\n")
        self.process.stdin.flush()
        return self._receive("time")

    def _receive(self, expected: str):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench: the {self.library} worker died (exit code {self.process.wait()})")
        kind, value = json.loads(line)
        if kind == "error":
            raise RuntimeError(f"bench: the {self.library} worker failed:\n{value}")
        if kind != expected:
            raise RuntimeError(f"bench: the {self.library} worker sent {kind!r}, expected {expected!r}")
        return value

    def close(self) -> None:
        try:
            self.process.stdin.write('"stop"\n')
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def run_isolated(workload: str, libraries: list[str], quick: bool, threads: int, check=None, repeats: int = 7,
                 warmup: int = 2, inner: int = 1, settle: float = 0.0) -> tuple[dict, dict]:  # fmt: skip
    """``({library: losses}, {library: [seconds per call, one per repeat]})`` for a workload
    of ``workloads.PAIRED``, each library in a fresh process (started together).
    ``check(losses)`` runs before anything is timed and may raise to stop it."""
    with ExitStack() as stack:
        workers = {}
        for library in libraries:
            workers[library] = Worker(library, workload, quick, threads)
            stack.callback(workers[library].close)
        losses = {name: w.losses() for name, w in workers.items()}
        if check is not None:
            check(losses)
        for w in workers.values():
            if warmup:
                w.time_batch(warmup)
        samples: dict[str, list[float]] = {name: [] for name in workers}
        for _ in range(repeats):
            for name, w in workers.items():
                if settle:
                    time.sleep(settle)
                samples[name].append(w.time_batch(inner))
    return losses, samples

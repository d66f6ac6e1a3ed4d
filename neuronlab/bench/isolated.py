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

A workload may time several callables ("chains", workload 7): the parent then alternates
libraries within each chain and cycles through the chains in every repeat, so a burst of
load hits one repeat of every chain rather than all repeats of one.

Quick mode (``neuronlab bench --quick``, the test) proves that all of this works, and keeps
no timing worth reading, so there one worker per library serves every workload in turn:
that saves two interpreter start-ups per workload (importing PyTorch takes about 2 s here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback

from neuronlab.bench import op_overhead, workloads


def _build(lib, workload: str, quick: bool):
    """``(callable or {chain: callable}, values to compare across libraries)``."""
    if workload == op_overhead.WORKLOAD:
        return op_overhead.build(lib, quick)
    _, build, kwargs, *_ = workloads.PAIRED[workload]
    return build(lib, quick, **kwargs)


def _serve(library: str, quick: bool, threads: int, send, receive) -> None:
    """Serve ``["build", workload]`` and ``["time", n, chain]`` requests until ``"stop"``."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        if library == "torch":
            import torch as lib

            lib.set_num_threads(threads)
        else:
            import neuronlab as lib
        chains = {}
        while (request := receive()) != "stop":
            if request[0] == "build":
                built, values = _build(lib, request[1], quick)
                chains = built if isinstance(built, dict) else {None: built}
                send(["ready", values])
                continue
            _, n, chain = request
            fn = chains[chain]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            send(["time", (time.perf_counter() - start) / n])


def main(argv: list[str]) -> None:
    """The worker process's entry point (``main([LIBRARY, QUICK, THREADS])``).
    Requests and replies are JSON lines on stdin and on the original stdout; anything the
    libraries print goes to stderr instead."""
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)

    def send(message) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    def receive():
        return json.loads(sys.stdin.readline() or '"stop"')

    library, quick, threads = argv[0], argv[1] == "1", int(argv[2])
    try:
        _serve(library, quick, threads, send, receive)
    except Exception:  # report any failure to the parent, which raises it
        send(["error", traceback.format_exc()])
    # Every reply is flushed; skipping the interpreter's teardown saves about 0.5 s per
    # PyTorch worker (its modules' finalizers) and changes nothing the parent sees.
    sys.stderr.flush()
    os._exit(0)


class Worker:
    """The parent's handle on one worker process."""

    def __init__(self, library: str, quick: bool, threads: int) -> None:
        self.library = library
        entry = "import sys; from neuronlab.bench.isolated import main; main(sys.argv[1:])"
        command = [sys.executable, "-c", entry, library, "1" if quick else "0", str(threads)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def request_build(self, workload: str) -> None:
        """Ask for ``workload`` to be built; ``values()`` waits for it."""
        self._send(["build", workload])

    def values(self):
        """The built workload's values to compare across libraries (losses, outputs, gradients)."""
        return self._receive("ready")

    def time_batch(self, n: int, chain: str | None = None) -> float:
        """Seconds per call over ``n`` calls of ``chain``, measured in the worker."""
        self._send(["time", n, chain])
        return self._receive("time")

    def _send(self, message) -> None:
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

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

    def request_stop(self) -> None:
        try:
            self.process.stdin.write('"stop"\n')
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def wait(self) -> None:
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


class Isolated:
    """Worker processes for a sequence of workloads: a fresh one per library for every
    workload (``fresh=True``, the timed run) or one per library for all (quick mode)."""

    def __init__(self, libraries: list[str], quick: bool, threads: int, fresh: bool) -> None:
        self.libraries, self.quick, self.threads, self.fresh = libraries, quick, threads, fresh
        self.workers: dict[str, Worker] = {}
        self.worker_threads = threads

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (all asked first, so they exit together)."""
        for w in self.workers.values():
            w.request_stop()
        for w in self.workers.values():
            w.wait()
        self.workers = {}

    def run(self, workload: str, check=None, chains=(None,), repeats: int = 7, warmup: int = 2,
            inner: int = 1, settle: float = 0.0, threads: int | None = None) -> tuple[dict, dict]:  # fmt: skip
        """``({library: values}, {library: {chain: [seconds per call, one per repeat]}})`` for a
        workload of ``workloads.PAIRED`` or workload 7 (``op_overhead``), its workers on
        ``threads`` threads (the session's by default). ``check(values)`` runs before
        anything is timed and may raise to stop it."""
        threads = threads or self.threads
        if self.fresh or not self.workers or threads != self.worker_threads:
            self.close()
            self.workers = {lib: Worker(lib, self.quick, threads) for lib in self.libraries}
            self.worker_threads = threads
        for w in self.workers.values():
            w.request_build(workload)  # the libraries build side by side
        values = {name: w.values() for name, w in self.workers.items()}
        if check is not None:
            check(values)
        for w in self.workers.values():
            for chain in chains:
                if warmup:
                    w.time_batch(warmup, chain)
        samples = {name: {chain: [] for chain in chains} for name in self.workers}
        for _ in range(repeats):
            for chain in chains:
                for name, w in self.workers.items():
                    if settle:
                        time.sleep(settle)
                    samples[name][chain].append(w.time_batch(inner, chain))
        if self.fresh:
            self.close()
        return values, samples

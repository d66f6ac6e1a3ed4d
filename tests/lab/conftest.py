"""One quick run per (experiment, base seed), shared by every test that needs it.

The shared claims test and each experiment's own tests read the same run: it is computed once
per test session (across pytest-xdist workers, guarded by a file lock) and kept in a directory
beside the session's temporary directory.
"""

from __future__ import annotations

import json

import pytest
from filelock import FileLock

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.runner import run_one

BASES = (0, 1000)  # the two base seeds of the stability check


@pytest.fixture(scope="session")
def lab_cache(tmp_path_factory, worker_id):
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # shared by the xdist workers of this session
    path = root / "lab-quick-cache"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def quick_run(lab_cache):
    """``quick_run(name, base=0)``: the payload of a quick run (results.json's content)."""

    def get(name: str, base: int = 0) -> dict:
        out = lab_cache / f"base-{base}"
        result = out / name / "results.json"
        with FileLock(str(lab_cache / f"{name}-{base}.lock")):
            if not result.exists():
                run_one(name, LabConfig(quick=True, seed=base, out=out))
        return json.loads(result.read_text(encoding="utf-8"))

    return get

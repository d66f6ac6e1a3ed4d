"""The port suite: real public teaching programs (each cites its source in its header and is
changed only in data loading and sizes), run under torch and under neuronlab (``python -m
neuronlab.as_torch program.py``: ``import torch`` answered by neuronlab), their printed outputs
compared: the words exactly, the numbers within float summation error.

Printed tensors are compared with their ``grad_fn=<...>`` names (PyTorch's, issue 13); only
the memory addresses in a printed node (``<MulBackward0 object at 0x...>``) are masked.
``EXPECTED_FAILURES`` names programs known to fail, with the reason (none today)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))
ADDRESS = re.compile(r" object at 0x[0-9a-f]+")
EXPECTED_FAILURES: dict[str, str] = {}
NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")


def run(program: Path, under_neuronlab: bool) -> str:
    args = [sys.executable, *(["-m", "neuronlab.as_torch"] if under_neuronlab else []), str(program)]
    root = Path(__file__).resolve().parents[2]
    # one thread: on a shared machine PyTorch's spinning OpenMP threads made these tiny programs 2-5x slower
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return ADDRESS.sub(" object at 0x...", done.stdout.replace("neuronlab.", "torch."))


@pytest.mark.parametrize(
    "program",
    [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=EXPECTED_FAILURES[p.stem]))
     if p.stem in EXPECTED_FAILURES else p for p in PROGRAMS],
    ids=lambda p: p.stem,
)  # fmt: skip
def test_program_prints_torchs_numbers(program):
    expected, actual = run(program, False), run(program, True)
    assert NUMBER.sub("#", expected) == NUMBER.sub("#", actual), f"torch:\n{expected}\nneuronlab:\n{actual}"
    for a, b in zip(NUMBER.findall(expected), NUMBER.findall(actual), strict=True):
        assert float(a) == pytest.approx(float(b), rel=1e-4, abs=1e-5), f"{a} != {b}\n{expected}\n{actual}"

"""The port suite: real public teaching programs (each cites its source in its header and is
changed only in data loading and sizes), run under torch and under neuronlab (``import torch``
answered by neuronlab), their printed outputs compared: the words exactly, the numbers within
float summation error.

Known differences, left for later because they touch op internals being changed elsewhere
(issue 13, section 1): ``grad_fn`` class names (printed tensors are compared with the name
masked) and the ``keepdims=`` alias on reductions (makemore is expected to fail until then)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))
GRAD_FN = re.compile(r"grad_fn=<\w+>")
EXPECTED_FAILURES = {"makemore_bigram": "keepdims= alias on reductions (issue 13, left for later)"}
NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")

# ``import torch`` (and its sub-packages) answered by neuronlab, for the second run.
SHIM = """
import runpy, sys
import neuronlab
from neuronlab import nn, optim, utils
from neuronlab.nn import functional, init
from neuronlab.utils import data
sys.modules.update({"torch": neuronlab, "torch.nn": nn, "torch.nn.functional": functional,
                    "torch.nn.init": init, "torch.optim": optim, "torch.utils": utils,
                    "torch.utils.data": data})
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def run(program: Path, under_neuronlab: bool) -> str:
    args = [sys.executable, "-c", SHIM, str(program)] if under_neuronlab else [sys.executable, str(program)]
    root = Path(__file__).resolve().parents[2]
    # one thread: on a shared machine PyTorch's spinning OpenMP threads made these tiny programs 2-5x slower
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return GRAD_FN.sub("grad_fn=<...>", done.stdout.replace("neuronlab.", "torch."))


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

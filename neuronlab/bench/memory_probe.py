"""Peak memory of a workload, measured in a fresh process per library (workload 6).

Each probe process builds the model and data, resets the kernel's peak-RSS counter
(writing 5 to /proc/self/clear_refs, Linux), runs a few training steps from the first one,
and reports the peak resident set size above the RSS before training: the memory training
needed (working set plus optimizer state and cached blocks), comparable across libraries
whatever their import footprint. ``run_peak_kib`` is that peak over the whole run (six
steps), the figure workload 6 compares; ``first_step_kib`` and ``steady_step_kib`` split it
into the first step and the growth during five later steps.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = r"""
import json, sys
import numpy as np

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

name, workload = sys.argv[1], sys.argv[2]
if name == "torch":
    import torch as lib
    torch_threads = lib.set_num_threads(2)
else:
    import neuronlab as lib
rng = np.random.default_rng(0)
nn = lib.nn
if workload == "mlp":
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    x = lib.from_numpy(rng.random((256, 784), dtype=np.float32))
else:
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
    x = lib.from_numpy(rng.random((128, 1, 28, 28), dtype=np.float32))
y = lib.from_numpy(rng.integers(0, 10, len(x)))
opt = lib.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")

def steps(k):
    for _ in range(k):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

# First step: includes one-time allocations (optimizer state, library buffers and caches).
start = before = status("VmRSS")
reset_peak()
steps(1)
first_peak = status("VmHWM")
first = first_peak - before
# Later steps: an allocator that caches freed blocks (PyTorch's) hides its working set here,
# while glibc returns NumPy's large temporaries to the OS after every step.
before = status("VmRSS")
reset_peak()
steps(5)
later_peak = status("VmHWM")
steady = later_peak - before
print(json.dumps({"run_peak_kib": max(first_peak, later_peak) - start, "first_step_kib": first,
                  "steady_step_kib": steady}))
"""


def peak_memory(library: str, workload: str) -> dict:
    """``{'run_peak_kib', 'first_step_kib', 'steady_step_kib'}``: the peak RSS growth over six
    training steps, and that of the first step and of five later steps, for ``library`` ('neuronlab' or 'torch') running
    ``workload`` ('mlp': batch 256, or 'lenet': batch 128)."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, library, workload], capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"memory probe for {library}/{workload} failed: {result.stderr.strip()[-300:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])

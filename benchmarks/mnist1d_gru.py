"""MNIST-1D's GRU (published 91%; PyTorch 91.0% measured here, REFERENCES.md) trained under
neuronlab and under PyTorch with the same recipe and seeds: final test accuracy per seed,
mean ± spread, and wall time per training step.

    python benchmarks/mnist1d_gru.py [--steps 6000] [--seeds 0 1 2] [--out benchmarks/results/mnist1d_gru]

The recipe is the lab's (``neuronlab.lab.references``, ``mnist1d-gru``): the standard data set
(``load_mnist1d()``: 4000 train / 1000 test, length 40), ``GRUBase`` of the mnist1d repository
(bidirectional GRU, hidden 6, every step's output into ``Linear(480, 10)``), Adam lr 1e-2,
batch 100, cross-entropy, a ``DataLoader`` reshuffling every epoch. The same code runs with
``lib`` = neuronlab or torch. neuronlab reproduces PyTorch's random streams, so from one seed
both libraries start from the same weights (checked bit for bit and recorded) and see the
same batches in the same order; they then drift apart only by float32 rounding, which a
6000-step run amplifies, so accuracies are compared over seeds, not step by step.

Timing: the libraries alternate per seed (neuronlab, then PyTorch); a step's time is the
training loop's wall time over its steps (evaluations excluded). Both run with ``--threads``
threads (default 1: ``torch.set_num_threads``, OpenBLAS limited with threadpoolctl). One, not
the machine's two: a step of this model is ~500 ops on arrays of a few hundred numbers, and on
the shared 2-core machine, with other processes running, PyTorch's two OpenMP threads made a
step 10-80x slower than one thread did (14-24 ms with one thread, 0.15-1.2 s with two, measured
back to back). The machine is shared: compare the ratio within one run.

The results go to ``--out`` as ``<date>-<steps>steps.json`` (a folder of its own: the files
directly in ``benchmarks/results/`` are ``neuronlab bench`` runs, read by the README's test).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import neuronlab as nl
from neuronlab.datasets import load_mnist1d
from neuronlab.lab.references import PUBLISHED

BATCH, LR, HIDDEN = 100, 1e-2, 6


def gru_model(lib):
    """``GRUBase`` (mnist1d, ``notebooks/models.py``) built from ``lib.nn``."""

    class GRUBase(lib.nn.Module):
        def __init__(self, hidden_size=HIDDEN, time_steps=40):
            super().__init__()
            self.gru = lib.nn.GRU(input_size=1, hidden_size=hidden_size, batch_first=True, bidirectional=True)
            self.linear = lib.nn.Linear(2 * hidden_size * time_steps, 10)

        def forward(self, x):
            output, _ = self.gru(x.reshape(x.shape[0], x.shape[1], 1))
            return self.linear(output.reshape(output.shape[0], -1))

    return GRUBase()


def initial_weights(lib, seed: int) -> dict[str, np.ndarray]:
    lib.manual_seed(seed)
    return {k: v.detach().numpy().copy() for k, v in gru_model(lib).state_dict().items()}


def train(lib, seed: int, steps: int, data, every: int) -> dict:
    """The recipe under ``lib``: final test accuracy, the loss and test accuracy every ``every``
    steps, and the training loop's seconds per step (evaluations excluded)."""
    lib.manual_seed(seed)
    model = gru_model(lib)
    optimizer = lib.optim.Adam(model.parameters(), lr=LR)
    loss_fn = lib.nn.CrossEntropyLoss()
    X, y = lib.from_numpy(data.X_train), lib.from_numpy(data.y_train)
    X_test, y_test = lib.from_numpy(data.X_test), data.y_test
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(X, y), batch_size=BATCH, shuffle=True)

    def test_accuracy() -> float:
        with lib.no_grad():
            return float((model(X_test).argmax(-1).numpy() == y_test).mean())

    curve, step, seconds = [], 0, 0.0
    while step < steps:
        start = time.perf_counter()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            step += 1
            if step % every == 0 or step == steps:
                seconds += time.perf_counter() - start
                curve.append({"step": step, "loss": float(loss.detach()), "test_accuracy": test_accuracy()})
                start = time.perf_counter()
            if step == steps:
                break
        seconds += time.perf_counter() - start
    return {"test_accuracy": curve[-1]["test_accuracy"], "seconds_per_step": seconds / steps, "curve": curve}


def spread(values: list[float]) -> dict:
    v = np.asarray(values, dtype=np.float64)
    return {"mean": float(v.mean()), "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max())}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--every", type=int, default=500, help="record loss and test accuracy every N steps")
    parser.add_argument("--threads", type=int, default=1, help="threads of both libraries (see above)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "mnist1d_gru"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = load_mnist1d()
    report = {
        "benchmark": "mnist1d_gru",
        "recipe": "GRUBase (bidirectional GRU, hidden 6, Linear(480, 10)), Adam lr 1e-2, batch 100, "
        "DataLoader reshuffled every epoch, standard MNIST-1D (4000 train / 1000 test)",
        "steps": args.steps,
        "threads": args.threads,
        "seeds": args.seeds,
        "published": {"paper": 0.91, "pytorch_measured_here": PUBLISHED["mnist1d-gru"]},
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, torch {torch.__version__}, neuronlab {nl.__version__}",
        "runs": [],
    }
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for seed in args.seeds:
            same = initial_weights(nl, seed)
            ref = initial_weights(torch, seed)
            identical = all(np.array_equal(same[k], ref[k]) for k in ref) and list(same) == list(ref)
            run = {"seed": seed, "same_initial_weights": identical}
            for name, lib in (("neuronlab", nl), ("torch", torch)):
                run[name] = train(lib, seed, args.steps, data, args.every)
                print(f"seed {seed} {name:9s} test accuracy {run[name]['test_accuracy']:.3f}, "
                      f"{1e3 * run[name]['seconds_per_step']:.1f} ms/step", flush=True)  # fmt: skip
            run["step_time_ratio"] = run["neuronlab"]["seconds_per_step"] / run["torch"]["seconds_per_step"]
            report["runs"].append(run)
    for name in ("neuronlab", "torch"):
        report[name] = {
            "test_accuracy": spread([r[name]["test_accuracy"] for r in report["runs"]]),
            "ms_per_step": spread([1e3 * r[name]["seconds_per_step"] for r in report["runs"]]),
        }
    report["step_time_ratio_median"] = float(np.median([r["step_time_ratio"] for r in report["runs"]]))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{date.today().isoformat()}-{args.steps}steps.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    for name in ("neuronlab", "torch"):
        acc = report[name]["test_accuracy"]
        print(f"{name:9s} {100 * acc['mean']:.1f}% ± {100 * acc['std']:.1f} (sd over {len(args.seeds)} seeds), "
              f"{report[name]['ms_per_step']['mean']:.1f} ms/step")  # fmt: skip
    print(
        f"step time neuronlab / torch (median over seeds): {report['step_time_ratio_median']:.2f}; wrote {path}"
    )


if __name__ == "__main__":
    main()

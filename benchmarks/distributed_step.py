"""Per-step cost of data parallelism: run under ``mpirun -n N python benchmarks/distributed_step.py``.

A digits-sized MLP (64 → 512 → 512 → 10, 300k parameters, float32) trained with
DistributedDataParallel on a global batch of 256 split over N ranks. Prints, from rank 0: the
gradient bytes all-reduced per step, the ring all-reduce's bytes sent per rank (2(N−1)/N of
them), the median step time, and the time spent waiting in all-reduce (docs/distributed.md).
"""

from __future__ import annotations

import sys
import time

import numpy as np

import neuronlab as torch
import neuronlab.distributed as dist
from neuronlab import nn, optim
from neuronlab.nn.parallel import DistributedDataParallel


def main(steps: int = 30, global_batch: int = 256) -> None:
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(0)
    model = DistributedDataParallel(nn.Sequential(nn.Linear(64, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                                  nn.Linear(512, 10)))  # fmt: skip
    opt = optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(rank)
    local = global_batch // world
    x, y = (
        torch.tensor(rng.normal(size=(local, 64)).astype(np.float32)),
        torch.tensor(rng.integers(0, 10, local)),
    )
    times = []
    for step in range(steps + 3):
        if step == 3:
            dist.reset_comm_stats()
        dist.barrier()
        start = time.perf_counter()
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        if step >= 3:
            times.append(time.perf_counter() - start)
    stats = dist.comm_stats().get("all_reduce", {"bytes": 0, "seconds": 0.0, "calls": 0})
    per_step = stats["bytes"] / steps
    if rank == 0:
        params = sum(p.numel() for p in model.parameters())
        print(f"N={world} params={params} bytes/step={per_step:.0f} ring_sent/rank={2 * (world - 1) / world * per_step:.0f} "
              f"step_ms={1e3 * np.median(times):.2f} allreduce_wait_ms={1e3 * stats['seconds'] / steps:.2f} "
              f"buckets/step={stats['calls'] / steps:.0f}")  # fmt: skip
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

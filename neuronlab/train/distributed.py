"""What the ``Trainer`` does differently under ``DistributedDataParallel`` (issue 15):
epoch metrics over all ranks' samples, progress and checkpoint files from rank 0 only, and
each epoch's shard order from ``DistributedSampler.set_epoch``. Without an initialized process
group (or with one process) every function here is the identity."""

from __future__ import annotations

import numpy as np

import neuronlab.distributed as dist
from neuronlab.engine.tensor import Tensor


def world_size() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def is_main_process() -> bool:
    """Rank 0, or the only process: the one that shows progress and writes checkpoints."""
    return not dist.is_initialized() or dist.get_rank() == 0


def sum_over_ranks(*values: float) -> list[float]:
    """Each value summed over the ranks (an epoch's loss sum and sample count)."""
    if world_size() == 1:
        return list(values)
    total = Tensor._wrap(np.array(values, dtype=np.float64))
    dist.all_reduce(total, op=dist.ReduceOp.SUM)
    return [float(v) for v in total._data]


def gather_over_ranks(y_true: Tensor, output: Tensor) -> tuple[Tensor, Tensor]:
    """Targets and outputs of all ranks, concatenated in rank order, so that a metric such as
    F1 is computed once over the whole epoch rather than averaged over ranks."""
    if world_size() == 1:
        return y_true, output
    parts: list = [None] * world_size()
    dist.all_gather_object(parts, (y_true.detach()._data, output.detach()._data))
    return (Tensor._wrap(np.concatenate([p[0] for p in parts])),
            Tensor._wrap(np.concatenate([p[1] for p in parts])))  # fmt: skip


def wait_for_main_process() -> None:
    """All ranks wait here until rank 0 is done (e.g. writing the checkpoint they may read)."""
    if world_size() > 1:
        dist.barrier()


def set_sampler_epoch(loader, epoch: int) -> None:
    """``DistributedSampler.set_epoch`` before each epoch, so that resumed runs see the same order."""
    sampler = getattr(loader, "sampler", None)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)

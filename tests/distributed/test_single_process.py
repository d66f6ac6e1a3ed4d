"""neuronlab.distributed without mpirun: errors before ``init_process_group`` and the
``DistributedSampler``'s index arithmetic against PyTorch's (issue 15)."""

from __future__ import annotations

import pytest
import torch

import neuronlab as nl
import neuronlab.distributed as dist
from neuronlab.nn.parallel import ColumnParallelLinear, DistributedDataParallel
from neuronlab.utils.data import DistributedSampler


@pytest.mark.parametrize(
    "call",
    [
        lambda: dist.get_rank(),
        lambda: dist.get_world_size(),
        lambda: dist.barrier(),
        lambda: dist.all_reduce(nl.ones(2)),
        lambda: dist.broadcast(nl.ones(2), src=0),
        lambda: DistributedDataParallel(nl.nn.Linear(2, 2)),
        lambda: ColumnParallelLinear(2, 2),
        lambda: DistributedSampler(range(4)),
    ],
)
def test_collectives_before_init_process_group_say_what_to_do(call):
    assert not dist.is_initialized()
    with pytest.raises(RuntimeError, match="init_process_group"):
        call()


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend='mpi'"):
        dist.init_process_group(backend="nccl")


@pytest.mark.parametrize(
    "n, replicas, drop_last", [(10, 3, False), (10, 3, True), (12, 4, False), (5, 2, False), (2, 3, False)]
)
def test_distributed_sampler_shares_equal_pytorchs(n, replicas, drop_last):
    for rank in range(replicas):
        ours = DistributedSampler(
            range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last
        )
        theirs = torch.utils.data.DistributedSampler(
            range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last
        )
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_distributed_sampler_epochs_differ_and_repeat():
    shares = [DistributedSampler(range(20), num_replicas=2, rank=r, seed=5) for r in range(2)]
    first = [list(s) for s in shares]
    assert sorted(first[0] + first[1]) == list(range(20))
    for s in shares:
        s.set_epoch(1)
    assert [list(s) for s in shares] != first
    for s in shares:
        s.set_epoch(0)
    assert [list(s) for s in shares] == first


def test_invalid_rank_is_refused():
    with pytest.raises(ValueError, match="Invalid rank 2"):
        DistributedSampler(range(4), num_replicas=2, rank=2)

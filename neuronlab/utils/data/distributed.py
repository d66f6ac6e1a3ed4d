"""``DistributedSampler``: each rank's share of a data set, as ``torch.utils.data.distributed``.

Every epoch the indices are (optionally) shuffled with the seed ``seed + epoch`` — the same
permutation on every rank — then padded by repeating the first indices until the count divides
by the number of replicas (or cut, with ``drop_last``), and rank r takes every
``num_replicas``-th index starting at r. So the ranks' shares are disjoint and together cover the
data set once (plus the padding). Call ``set_epoch(epoch)`` before each epoch (the ``Trainer``
does) or every epoch repeats the same order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sized

import numpy as np

import neuronlab.distributed as dist
from neuronlab.engine.random import Generator, rng_of
from neuronlab.utils.data.sampler import Sampler


class DistributedSampler(Sampler):
    """Restrict sampling to one rank's share of ``dataset``.

    Args:
        num_replicas, rank: default to the process group's world size and this rank.
        shuffle: a new permutation per epoch (seeded by ``seed + epoch``).
        drop_last: drop the tail so every rank has ``len(dataset) // num_replicas`` samples,
            instead of padding with repeated samples up to ``ceil(len / num_replicas)``.

    Example:
        >>> sampler = DistributedSampler(dataset, num_replicas=2, rank=0, shuffle=False)
        >>> list(sampler)              # 5 samples: rank 0 gets [0, 2, 4], rank 1 [1, 3, 0]
        [0, 2, 4]
    """

    def __init__(self, dataset: Sized, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:  # fmt: skip
        if num_replicas is None:
            num_replicas = dist.get_world_size()
        if rank is None:
            rank = dist.get_rank()
        if not 0 <= rank < num_replicas:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, seed, drop_last, 0
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def _indices(self) -> np.ndarray:
        n = len(self.dataset)
        if self.shuffle:
            generator = Generator().manual_seed(self.seed + self.epoch)
            indices = rng_of(generator).permutation(n).astype(np.int64)
        else:
            indices = np.arange(n, dtype=np.int64)
        if self.drop_last:
            indices = indices[: self.total_size]
        elif self.total_size > n:
            indices = np.resize(indices, self.total_size)  # repeats from the start, as PyTorch pads
        return indices[self.rank : self.total_size : self.num_replicas]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use the permutation of ``epoch`` (the same on every rank) from the next iteration on."""
        self.epoch = epoch

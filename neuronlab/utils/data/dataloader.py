"""``DataLoader``: iterate over a dataset in batches, with ``torch.utils.data.DataLoader``'s
arguments and semantics.

One pass over the loader is one *epoch*; each batch is one *iteration*, so
``len(loader)`` = ceil(N / batch_size), or floor(N / batch_size) with ``drop_last=True``
(course seed A2.1). ``batch_size=N`` is full-batch gradient descent, ``batch_size=1``
stochastic gradient descent, anything between mini-batch gradient descent.

Loading always happens in the calling process: ``num_workers > 0``, ``pin_memory``,
``timeout``, ``worker_init_fn``, ``prefetch_factor``, ``persistent_workers`` and
``multiprocessing_context`` are accepted (and validated as PyTorch does) so that PyTorch code
runs unchanged, but they change nothing. For data held in memory, the fast path below is
quicker than worker processes would be.

Fast path: when the dataset is a ``TensorDataset`` (or a ``Subset`` of one, at any depth)
and ``collate_fn`` is the default, a batch is made by indexing each underlying array with
the batch's whole index array at once: no per-sample Python work. The result is the same
as PyTorch's (a list of stacked tensors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from neuronlab.engine import sampling
from neuronlab.engine.random import Generator, generator_of
from neuronlab.engine.tensor import Tensor
from neuronlab.utils.data.collate import default_collate, default_convert
from neuronlab.utils.data.dataset import Dataset, IterableDataset, Subset, TensorDataset
from neuronlab.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers) -> None:
    if num_workers < 0:
        raise ValueError(
            "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."
        )
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing. "
            "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
        )
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")


def _check_iterable_options(shuffle, sampler, batch_sampler) -> None:
    if shuffle not in {False, None}:
        raise ValueError(
            f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
        )
    if sampler is not None:
        raise ValueError(
            f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
        )
    if batch_sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified batch_sampler option, "
            f"but got batch_sampler={batch_sampler}"
        )


def _tensor_source(dataset) -> tuple[tuple[Tensor, ...], np.ndarray | None] | None:
    """(tensors, index map) when ``dataset`` is a TensorDataset or Subsets of one, else None."""
    index_map = None
    while type(dataset).__getitem__ is Subset.__getitem__:
        indices = dataset.indices
        indices = indices._data if isinstance(indices, Tensor) else np.asarray(indices, dtype=np.int64)
        index_map = indices if index_map is None else indices[index_map]
        dataset = dataset.dataset
    if type(dataset).__getitem__ is not TensorDataset.__getitem__:
        return None
    return dataset.tensors, index_map


def _take(t: Tensor, index: np.ndarray) -> Tensor:
    if t.requires_grad:
        return t[Tensor._wrap(index)]  # recorded, like torch.stack of the samples would be
    return Tensor._wrap(t._data[index])


class DataLoader:
    """Batches of samples from ``dataset``, in sequential or shuffled order.

    Args:
        dataset: a map-style ``Dataset`` (``__getitem__`` + ``__len__``) or an ``IterableDataset``.
        batch_size: samples per batch; ``None`` turns batching off (each sample is yielded
            as is, NumPy arrays converted to tensors).
        shuffle: a new random order every epoch, drawn from ``generator``.
        sampler / batch_sampler: custom index orders (exclusive with ``shuffle``; a
            ``batch_sampler`` also with ``batch_size`` and ``drop_last``).
        collate_fn: merges a list of samples into a batch (default ``default_collate``).
        drop_last: drop the last, incomplete batch.
        generator: the ``neuronlab.Generator`` that shuffles (default: the one ``manual_seed`` seeds).

    Example:
        >>> ds = TensorDataset(neuronlab.randn(10, 3), neuronlab.arange(10))
        >>> [x.shape[0] for x, y in DataLoader(ds, batch_size=4)]
        [4, 4, 2]
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable | None = None,
        multiprocessing_context=None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            _check_iterable_options(shuffle, sampler, batch_sampler)
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if sampler is None and not iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers = num_workers  # accepted; loading stays in this process
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor = prefetch_factor
        self.in_order = in_order
        self._auto_collation = batch_sampler is not None or (iterable and batch_size is not None)
        self.collate_fn = collate_fn or (default_collate if self._auto_collation else default_convert)
        self.persistent_workers = persistent_workers
        self._initialized = True

    def __setattr__(self, name, value) -> None:
        if getattr(self, "_initialized", False) and name in _FROZEN:
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(name, value)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)  # TypeError when the stream has no length, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self._auto_collation else self.sampler)

    def __iter__(self) -> Iterator:
        # PyTorch's iterator draws a 64-bit base seed for its workers from ``generator`` (or the
        # default one) every epoch, even without workers or shuffling: drawn here too, so the
        # global stream after a loop over a loader is PyTorch's.
        sampling.random_full(generator_of(self.generator), (), np.int64)
        if isinstance(self.dataset, IterableDataset):
            return self._iter_stream()
        if not self._auto_collation:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        source = _tensor_source(self.dataset) if self.collate_fn is default_collate else None
        if source is not None and type(self.batch_sampler) is BatchSampler:
            return self._iter_fast(*source)
        return (self.collate_fn(self._fetch(batch)) for batch in self.batch_sampler)

    def _fetch(self, indices) -> list:
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems(indices)
        return [self.dataset[i] for i in indices]

    def _iter_fast(self, tensors: tuple[Tensor, ...], index_map: np.ndarray | None) -> Iterator[list[Tensor]]:
        for batch in self.batch_sampler._index_batches():
            index = batch if index_map is None else index_map[batch]
            yield [_take(t, index) for t in tensors]

    def _iter_stream(self) -> Iterator:
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

"""Samplers decide the order in which a DataLoader visits sample indices (``torch.utils.data`` names).

Each sampler that knows a whole epoch in advance also has ``_indices()``, the epoch as one
int64 NumPy array; ``BatchSampler`` slices it so that the DataLoader's fast path never
builds Python lists of indices.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized

import numpy as np

from neuronlab.engine import sampling
from neuronlab.engine.random import Generator, generator_of
from neuronlab.engine.tensor import Tensor


class Sampler:
    """Base class: an iterable over indices (or over lists of indices, for batch samplers)."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _indices(self) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of the indices each epoch, or ``num_samples`` draws with replacement.

    The order comes from ``generator`` (default: the generator ``manual_seed`` seeds), so a
    seeded generator repeats the same sequence of epochs. Without replacement and with
    ``num_samples > len(data_source)``, whole permutations are concatenated (as in PyTorch).
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if (
            not isinstance(self.num_samples, int)
            or isinstance(self.num_samples, bool)
            or self.num_samples <= 0
        ):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _indices(self) -> np.ndarray:
        # As PyTorch: without a generator, a fresh one seeded by a 64-bit draw from the default
        # generator, so the global stream advances by one draw per epoch whatever n is.
        if self.generator is None:
            seed = int(sampling.random_full(generator_of(None), (), np.int64))
            gen = Generator().manual_seed(seed)
        else:
            gen = self.generator
        n = len(self.data_source)
        if self.replacement:
            return sampling.random_int(gen, (self.num_samples,), 0, n, np.int64)
        full, rest = divmod(self.num_samples, n)
        parts = [sampling.randperm(gen, n) for _ in range(full)] + [sampling.randperm(gen, n)[:rest]]
        return np.concatenate(parts).astype(np.int64, copy=False)

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order each epoch (without replacement)."""

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def _indices(self) -> np.ndarray:
        indices = self.indices._data if isinstance(self.indices, Tensor) else np.asarray(self.indices)
        order = sampling.randperm(generator_of(self.generator), len(indices))
        return indices.astype(np.int64, copy=False)[order]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability proportional to ``weights``.

    P(index i) = weights[i] / sum(weights); with ``replacement=False`` an index is drawn at most once.
    """

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator: Generator | None = None,
    ) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights = np.asarray(weights._data if isinstance(weights, Tensor) else weights, dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {weights.shape}")
        if (weights < 0).any() or not np.isfinite(weights).all() or weights.sum() <= 0:
            raise ValueError("weights must be finite, non-negative and not all zero")
        self.weights = weights
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def _indices(self) -> np.ndarray:
        weights = np.asarray(self.weights, dtype=np.float64)[None]  # PyTorch: a double tensor
        gen = generator_of(self.generator)
        return sampling.multinomial(gen, weights, self.num_samples, self.replacement)[0]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``; the last list is shorter
    unless ``drop_last``.

    ``len`` is ceil(len(sampler) / batch_size), or floor with ``drop_last``.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def _index_batches(self) -> Iterator[np.ndarray]:
        """The epoch's batches as int64 arrays (sliced from one array when the sampler allows)."""
        if type(self.sampler).__iter__ in _ITERATES_INDICES:  # a subclass may order differently
            indices = self.sampler._indices()
            stop = len(indices) - len(indices) % self.batch_size if self.drop_last else len(indices)
            for start in range(0, stop, self.batch_size):
                yield indices[start : start + self.batch_size]
        else:
            for batch in self:
                yield np.asarray(batch, dtype=np.int64)

    def __iter__(self) -> Iterator[list[int]]:
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


# Samplers whose __iter__ is exactly ``iter(self._indices())``.
_ITERATES_INDICES = {
    SequentialSampler.__iter__,
    RandomSampler.__iter__,
    SubsetRandomSampler.__iter__,
    WeightedRandomSampler.__iter__,
}

"""Data loading with ``torch.utils.data``'s names and semantics.

``Dataset`` / ``TensorDataset`` / ``Subset`` / ``ConcatDataset`` / ``random_split`` describe
what a sample is; samplers decide the order; ``DataLoader`` groups samples into batches and
``default_collate`` stacks them into tensors.

Example:
    >>> from neuronlab.utils.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(neuronlab.randn(100, 2), neuronlab.randint(0, 2, (100,)))
    >>> loader = DataLoader(ds, batch_size=32, shuffle=True, generator=neuronlab.Generator().manual_seed(0))
    >>> len(loader)                      # iterations per epoch: ceil(100 / 32)
    4
    >>> x, y = next(iter(loader))        # a list [x, y], as in PyTorch
"""

from neuronlab.utils.data.collate import default_collate, default_convert
from neuronlab.utils.data.dataloader import DataLoader
from neuronlab.utils.data.dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from neuronlab.utils.data.distributed import DistributedSampler
from neuronlab.utils.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "default_collate",
    "default_convert",
    "random_split",
]

"""Dataset, TensorDataset, Subset, ConcatDataset and random_split against torch.utils.data."""

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import neuronlab as nl
from neuronlab.utils.data import ConcatDataset, Dataset, Subset, TensorDataset, random_split


class Range(Dataset):
    def __init__(self, start, stop):
        self.values = list(range(start, stop))

    def __len__(self):
        return len(self.values)

    def __getitem__(self, i):
        return self.values[i]


def test_tensor_dataset_rows_and_length():
    X, y = nl.arange(12).reshape(4, 3), nl.tensor([0, 1, 0, 1])
    ds = TensorDataset(X, y)
    assert len(ds) == 4
    x2, y2 = ds[2]
    assert x2.tolist() == [6, 7, 8] and y2.item() == 0 and y2.ndim == 0


def test_tensor_dataset_size_mismatch():
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(nl.zeros(3, 2), nl.zeros(4))


def test_dataset_plus_concatenates_like_torch():
    ours = Range(0, 3) + Range(10, 12)
    theirs = tud.ConcatDataset([list(range(0, 3)), list(range(10, 12))])
    assert isinstance(ours, ConcatDataset)
    assert len(ours) == len(theirs) == 5 and ours.cumulative_sizes == theirs.cumulative_sizes
    assert [ours[i] for i in range(-5, 5)] == [theirs[i] for i in range(-5, 5)]
    with pytest.raises(ValueError, match="absolute value of index"):
        ours[-6]
    with pytest.raises(IndexError):
        ours[5]
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])


def test_subset_indexes_through():
    sub = Subset(Range(0, 10), [9, 3, 3])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == [9, 3, 3]
    assert sub.__getitems__([0, 2]) == [9, 3]


@pytest.mark.parametrize(
    "n, lengths",
    [(10, [3, 7]), (10, [0.5, 0.5]), (10, [0.33, 0.33, 0.34]), (7, [0.1, 0.2, 0.7]), (101, [0.8, 0.1, 0.1])],
)
def test_random_split_lengths_match_torch(n, lengths):
    ours = random_split(Range(0, n), lengths, generator=nl.Generator().manual_seed(0))
    theirs = tud.random_split(list(range(n)), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    values = [v for s in ours for v in (s[i] for i in range(len(s)))]
    assert sorted(values) == list(range(n))  # disjoint and complete


def test_random_split_warns_about_empty_splits_like_torch():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        ours = random_split(Range(0, 3), [0.1, 0.1, 0.8])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        theirs = tud.random_split(list(range(3)), [0.1, 0.1, 0.8])
    assert [len(s) for s in ours] == [len(s) for s in theirs] == [1, 0, 2]


def test_random_split_is_repeatable_and_checks_lengths():
    a = random_split(Range(0, 20), [5, 15], generator=nl.Generator().manual_seed(3))
    b = random_split(Range(0, 20), [5, 15], generator=nl.Generator().manual_seed(3))
    assert list(a[0].indices) == list(b[0].indices)
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(Range(0, 20), [5, 10])
    with pytest.raises(ValueError, match="Sum of input lengths"):
        tud.random_split(list(range(20)), [5, 10])


def test_random_split_of_tensor_dataset_feeds_a_dataloader():
    ds = TensorDataset(nl.randn(30, 2), nl.arange(30))
    train, val = random_split(ds, [0.8, 0.2], generator=nl.Generator().manual_seed(0))
    seen = [
        np.concatenate([y.numpy() for _, y in nl.utils.data.DataLoader(part, batch_size=7)])
        for part in (train, val)
    ]
    assert len(seen[0]) == 24 and len(seen[1]) == 6
    assert not set(seen[0]) & set(seen[1])
    np.testing.assert_array_equal(seen[1], np.asarray(val.indices))

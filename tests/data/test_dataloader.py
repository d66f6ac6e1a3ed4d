"""DataLoader and samplers against torch.utils.data on the same data."""

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import neuronlab as nl
from neuronlab.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
)

N = 23


def dtype_name(t) -> str:
    return str(t.dtype).split(".")[-1]


def make_pair():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((N, 3)).astype(np.float32), rng.integers(0, 4, N)
    ours = TensorDataset(nl.from_numpy(X), nl.from_numpy(y))
    theirs = tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    return ours, theirs


def describe(batch):
    """The structure of a batch: container types, shapes and dtype names."""
    if isinstance(batch, list | tuple):
        return (type(batch).__name__, [describe(b) for b in batch])
    if isinstance(batch, dict):
        return ("dict", {k: describe(v) for k, v in batch.items()})
    return (tuple(batch.shape), dtype_name(batch))


@pytest.mark.parametrize("batch_size", [1, 5, 23, 50])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batches_match_torch(batch_size, drop_last):
    ours, theirs = make_pair()
    a = DataLoader(ours, batch_size=batch_size, drop_last=drop_last)
    b = tud.DataLoader(theirs, batch_size=batch_size, drop_last=drop_last)
    assert len(a) == len(b)
    got, want = list(a), list(b)
    assert [describe(x) for x in got] == [describe(x) for x in want]
    for (xa, ya), (xb, yb) in zip(got, want):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())


def test_len_is_iterations_per_epoch():
    ours, _ = make_pair()
    assert len(DataLoader(ours, batch_size=5)) == 5  # ceil(23 / 5)
    assert len(DataLoader(ours, batch_size=5, drop_last=True)) == 4  # floor(23 / 5)
    assert len(DataLoader(ours, batch_size=None)) == N


def test_batch_size_none_yields_samples_like_torch():
    ours, theirs = make_pair()
    got, want = list(DataLoader(ours, batch_size=None)), list(tud.DataLoader(theirs, batch_size=None))
    assert len(got) == len(want) == N
    assert describe(got[0]) == describe(want[0])  # a list [x_i, y_i] of 1-D and 0-d tensors


def test_subset_uses_fast_path_with_same_result():
    ours, theirs = make_pair()
    idx = [4, 0, 7, 7, 22, 3]
    a = list(DataLoader(Subset(Subset(ours, list(range(N))[::-1]), idx), batch_size=4))
    b = list(tud.DataLoader(tud.Subset(tud.Subset(theirs, list(range(N))[::-1]), idx), batch_size=4))
    for (xa, ya), (xb, yb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())


class PlainDataset(Dataset):
    """A dataset that goes through the general (per-sample + collate) path."""

    def __init__(self, n, item):
        self.n, self.item = n, item

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.item(i)


SAMPLES = {
    "tuple of numbers": lambda i: (float(i), i, bool(i % 2)),
    "dict": lambda i: {"x": np.full(2, i, dtype=np.float32), "y": i, "name": f"s{i}"},
    "numpy scalars": lambda i: (np.float32(i), np.int32(i), np.float64(i)),
    "nested list": lambda i: [np.arange(3) + i, (float(i), [i, i])],
    "numpy float64 array": lambda i: np.ones((2, 2)) * i,
}


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_collate_matches_torch(kind):
    item = SAMPLES[kind]
    got = list(DataLoader(PlainDataset(7, item), batch_size=3))
    want = list(tud.DataLoader(PlainDataset(7, item), batch_size=3))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert _structure(g) == _structure(w)


def _structure(batch):
    if isinstance(batch, dict):
        return ("dict", {k: _structure(v) for k, v in batch.items()})
    if isinstance(batch, list | tuple) and not (batch and isinstance(batch[0], str)):
        return (type(batch).__name__, [_structure(b) for b in batch])
    if isinstance(batch, list):
        return ("list", batch)
    return (tuple(batch.shape), dtype_name(batch), batch.numpy().tolist())


def test_python_float_collates_to_float64_like_torch():
    batch = nl.utils.data.default_collate([1.5, 2.5])
    assert batch.dtype == nl.float64 and torch.utils.data.default_collate([1.5, 2.5]).dtype == torch.float64
    assert nl.utils.data.default_collate([1, 2]).dtype == nl.int64


def test_collate_errors():
    with pytest.raises(RuntimeError, match="equal size"):
        nl.utils.data.default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        nl.utils.data.default_collate([nl.zeros(2), nl.zeros(3)])
    with pytest.raises(TypeError, match="default_collate"):
        nl.utils.data.default_collate([object(), object()])


def epoch_indices(loader):
    return np.concatenate([y.numpy() for _, y in loader])


def index_dataset(n=50):
    return TensorDataset(nl.zeros(n, 1), nl.arange(n))


def test_shuffle_covers_every_index_once_per_epoch():
    loader = DataLoader(index_dataset(), batch_size=7, shuffle=True, generator=nl.Generator().manual_seed(1))
    first, second = epoch_indices(loader), epoch_indices(loader)
    assert sorted(first) == list(range(50)) and sorted(second) == list(range(50))
    assert not np.array_equal(first, second)  # a new order each epoch


def test_shuffle_is_repeatable_with_a_seeded_generator():
    def run(seed):
        loader = DataLoader(
            index_dataset(), batch_size=8, shuffle=True, generator=nl.Generator().manual_seed(seed)
        )
        return [epoch_indices(loader) for _ in range(3)]

    for a, b in zip(run(3), run(3)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(run(3)[0], run(4)[0])


def test_shuffle_without_generator_follows_manual_seed():
    loader = DataLoader(index_dataset(), batch_size=8, shuffle=True)
    nl.manual_seed(0)
    a = epoch_indices(loader)
    nl.manual_seed(0)
    np.testing.assert_array_equal(a, epoch_indices(loader))


def test_default_collate_and_custom_collate_see_the_same_batches():
    loader = DataLoader(index_dataset(), batch_size=8, shuffle=True, generator=nl.Generator().manual_seed(5))
    custom = DataLoader(
        index_dataset(),
        batch_size=8,
        shuffle=True,
        generator=nl.Generator().manual_seed(5),
        collate_fn=lambda batch: nl.utils.data.default_collate(batch),  # the general path
    )
    np.testing.assert_array_equal(epoch_indices(loader), epoch_indices(custom))


def test_samplers_match_torch_semantics():
    ds = list(range(10))
    assert list(SequentialSampler(ds)) == list(tud.SequentialSampler(ds))
    assert list(BatchSampler(SequentialSampler(ds), 4, False)) == list(
        tud.BatchSampler(tud.SequentialSampler(ds), 4, False)
    )
    assert list(BatchSampler(SequentialSampler(ds), 4, True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(RandomSampler(ds, num_samples=25)) == 25 and len(list(RandomSampler(ds, num_samples=25))) == 25
    drawn = list(
        RandomSampler(ds, replacement=True, num_samples=100, generator=nl.Generator().manual_seed(0))
    )
    assert len(drawn) == 100 and set(drawn) <= set(ds)
    assert sorted(SubsetRandomSampler([2, 5, 9])) == [2, 5, 9]
    weighted = list(WeightedRandomSampler([0.0, 1.0, 0.0, 1.0], 20, generator=nl.Generator().manual_seed(0)))
    assert set(weighted) <= {1, 3}
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(SequentialSampler(ds), 0, False)


def test_custom_sampler_and_batch_sampler():
    ds = index_dataset(10)
    got = epoch_indices(DataLoader(ds, batch_size=3, sampler=list(range(9, -1, -1))))
    assert got.tolist() == list(range(9, -1, -1))
    got = [y.tolist() for _, y in DataLoader(ds, batch_sampler=[[0, 1], [5], [9, 8, 7]])]
    assert got == [[0, 1], [5], [9, 8, 7]]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"shuffle": True, "sampler": [0]}, "mutually exclusive with shuffle"),
        ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually exclusive"),
        ({"batch_size": None, "drop_last": True}, "batch_size=None"),
        ({"num_workers": -1}, "num_workers"),
        ({"persistent_workers": True}, "persistent_workers"),
    ],
)
def test_invalid_options_raise_like_torch(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(index_dataset(), **kwargs)
    with pytest.raises(ValueError, match=message):
        tud.DataLoader(tud.TensorDataset(torch.arange(3)), **kwargs)


def test_worker_options_are_accepted_and_ignored():
    loader = DataLoader(
        index_dataset(10), batch_size=4, num_workers=2, pin_memory=True, persistent_workers=True
    )
    assert epoch_indices(loader).tolist() == list(range(10))


def test_frozen_attributes():
    loader = DataLoader(index_dataset(10), batch_size=4)
    with pytest.raises(ValueError, match="should not be set"):
        loader.batch_size = 8


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


class TorchStream(tud.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def test_iterable_dataset_batches_like_torch():
    for kwargs in [{"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}]:
        got = [b.tolist() if hasattr(b, "tolist") else b for b in DataLoader(Stream(8), **kwargs)]
        want = [b.tolist() if hasattr(b, "tolist") else b for b in tud.DataLoader(TorchStream(8), **kwargs)]
        assert got == want
        assert len(DataLoader(Stream(8), **kwargs)) == len(tud.DataLoader(TorchStream(8), **kwargs))
    with pytest.raises(ValueError, match="shuffle"):
        DataLoader(Stream(8), shuffle=True)


def test_gradients_flow_through_batches_of_leaf_tensors():
    X = nl.randn(6, 2, requires_grad=True)
    (xb,) = next(iter(DataLoader(TensorDataset(X), batch_size=3)))
    xb.sum().backward()
    np.testing.assert_array_equal(X.grad.numpy(), np.r_[np.ones((3, 2)), np.zeros((3, 2))])


def test_fast_path_handles_sixty_thousand_samples():
    X = nl.from_numpy(np.zeros((60_000, 784), dtype=np.float32))
    y = nl.from_numpy(np.arange(60_000))
    loader = DataLoader(
        TensorDataset(X, y), batch_size=64, shuffle=True, generator=nl.Generator().manual_seed(0)
    )
    seen = np.concatenate([yb.numpy() for _, yb in loader])  # well under a second
    assert len(loader) == 938 and np.array_equal(np.sort(seen), np.arange(60_000))

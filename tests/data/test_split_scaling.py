"""Stratified three-way split, Standardizer (against scikit-learn) and to_tensor_dataset."""

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

import neuronlab as nl
from neuronlab.datasets import Standardizer, stratified_counts, to_tensor_dataset, train_val_test_split


def labels_with(counts, seed=0):
    y = np.repeat(np.arange(len(counts)), counts)
    return np.random.default_rng(seed).permutation(y)


@pytest.mark.parametrize(
    "counts, val_size, test_size",
    [
        ([50, 50], 0.2, 0.2),
        ([90, 10], 0.15, 0.15),
        ([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 0.15, 0.15),
        ([1, 2, 3, 5, 8, 13, 21], 0.3, 0.1),
        ([7, 3, 1], 3, 2),
    ],
)
def test_stratified_split_keeps_class_proportions_within_one_sample(counts, val_size, test_size):
    y = labels_with(counts)
    n = len(y)
    X = np.arange(n)[:, None]  # X holds the sample's index, to check disjointness
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(X, y, val_size, test_size, random_state=0)
    indices = np.concatenate([X_tr[:, 0], X_val[:, 0], X_te[:, 0]])
    assert sorted(indices) == list(range(n))  # disjoint and complete
    np.testing.assert_array_equal(np.concatenate([y_tr, y_val, y_te]), y[indices])
    n_val = val_size if isinstance(val_size, int) else int(np.ceil(val_size * n - 1e-9))
    n_test = test_size if isinstance(test_size, int) else int(np.ceil(test_size * n - 1e-9))
    assert (len(y_val), len(y_te), len(y_tr)) == (n_val, n_test, n - n_val - n_test)
    for part in (y_tr, y_val, y_te):
        got = np.bincount(part, minlength=len(counts))
        quota = np.asarray(counts) * len(part) / n
        assert np.all(np.abs(got - quota) < 1), (got, quota)


def test_stratified_counts_random_tables():
    rng = np.random.default_rng(0)
    for _ in range(300):
        counts = rng.integers(1, 30, rng.integers(1, 12))
        n = counts.sum()
        cuts = np.sort(rng.integers(0, n + 1, 2))
        sizes = np.diff(np.r_[0, cuts, n])
        table = stratified_counts(counts, sizes, rng)
        np.testing.assert_array_equal(table.sum(1), counts)
        np.testing.assert_array_equal(table.sum(0), sizes)
        assert np.all(np.abs(table - np.outer(counts, sizes) / n) < 1)


def test_split_is_repeatable_and_unstratified_split_works_for_regression():
    X, y = np.arange(100)[:, None], np.linspace(0, 1, 100)
    a = train_val_test_split(X, y, 0.1, 0.2, stratify=False, random_state=1)
    b = train_val_test_split(X, y, 0.1, 0.2, stratify=False, random_state=1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert [len(p) for p in a[:3]] == [70, 10, 20]
    with pytest.raises(ValueError, match="not integers.*regression"):
        train_val_test_split(X, y, 0.1, 0.2, random_state=1)


def test_split_rejects_bad_sizes():
    X, y = np.zeros((10, 1)), np.arange(10) % 2
    with pytest.raises(ValueError, match="leave 0 training samples"):
        train_val_test_split(X, y, 5, 5)
    with pytest.raises(ValueError, match="val_size=1.5"):
        train_val_test_split(X, y, 1.5, 0.1)
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        train_val_test_split(X, y[:9])


def test_standardizer_matches_sklearn_and_handles_constant_columns():
    rng = np.random.default_rng(0)
    X_train = np.c_[rng.normal(3, 2, 50), rng.normal(-1, 0.1, 50), np.full(50, 7.0)]
    X_test = rng.normal(0, 1, (10, 3))
    ours = Standardizer().fit(X_train)
    ref = StandardScaler().fit(X_train)
    np.testing.assert_allclose(ours.mean_, ref.mean_)
    np.testing.assert_allclose(ours.scale_, ref.scale_)
    np.testing.assert_allclose(ours.transform(X_test), ref.transform(X_test))
    z = ours.transform(X_train)
    assert np.isfinite(z).all() and np.all(z[:, 2] == 0)
    np.testing.assert_allclose(z[:, :2].mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(z[:, :2].std(0), 1)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X_test)), X_test)


def test_standardizer_uses_training_statistics_only_and_keeps_types():
    X_train = np.array([[0.0], [2.0]], dtype=np.float32)
    scaler = Standardizer()
    assert scaler.fit_transform(X_train).dtype == np.float32
    np.testing.assert_allclose(scaler.transform(np.array([[4.0]], dtype=np.float32)), [[3.0]])
    out = scaler.transform(nl.tensor([[1.0]]))
    assert isinstance(out, nl.Tensor) and out.tolist() == [[0.0]]
    with pytest.raises(ValueError, match="fitted on 1 features"):
        scaler.transform(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="not fitted"):
        Standardizer().transform(X_train)
    with pytest.raises(ValueError, match="NaN"):
        Standardizer().fit(np.array([[np.nan], [1.0]]))


def test_to_tensor_dataset_checks_and_converts():
    X = np.arange(6, dtype=np.float64).reshape(3, 2)
    ds = to_tensor_dataset(X, np.array([0, 1, 1]))
    x, y = ds[1]
    assert x.dtype == nl.float32 and y.dtype == nl.int64 and x.tolist() == [2.0, 3.0]
    _, target = to_tensor_dataset(X, np.array([0.5, 1.5, 2.5]))[0]
    assert target.dtype == nl.float32
    assert len(to_tensor_dataset(X)) == 3
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        to_tensor_dataset(X, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"label\(s\) >= n_classes=2"):
        to_tensor_dataset(X, np.array([0, 1, 2]), n_classes=2)
    with pytest.raises(ValueError, match="1 NaN"):
        to_tensor_dataset(np.array([[np.nan, 0.0]]), np.array([0]))

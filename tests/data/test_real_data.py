"""scikit-learn's digits, MNIST-1D, and the IDX reader for MNIST / Fashion-MNIST."""

import gzip
import random
import struct

import numpy as np
import pytest

import neuronlab.datasets.mnist1d as mnist1d_module
from neuronlab.datasets import load_digits, load_mnist, load_mnist1d, read_idx, write_idx


def test_digits_shape_and_range():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))
    images, _ = load_digits(images=True)
    assert images.shape == (1797, 1, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)


@pytest.mark.slow  # importing mnist1d (matplotlib, scipy) and generating takes 3-5 s
def test_mnist1d_shapes_and_global_random_state(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURONLAB_CACHE", str(tmp_path))
    monkeypatch.setattr(mnist1d_module, "_MEMORY", {})
    np.random.seed(123)
    random.seed(123)
    expected_np, expected_py = np.random.random(), random.random()
    np.random.seed(123)
    random.seed(123)
    X_train, y_train, X_test, y_test = load_mnist1d()
    assert np.random.random() == expected_np and random.random() == expected_py  # global streams untouched
    assert X_train.shape == (4000, 40) and X_test.shape == (1000, 40)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert set(np.unique(y_train)) == set(range(10)) and y_test.shape == (1000,)
    assert (tmp_path / "mnist1d_seed42.npz").is_file()
    monkeypatch.setattr(mnist1d_module, "_MEMORY", {})
    np.testing.assert_array_equal(load_mnist1d().X_train, X_train)  # read back from the .npz


def test_mnist1d_cache_in_memory_and_on_disk(tmp_path, monkeypatch):
    calls = []

    def fake_generate(seed):
        calls.append(seed)
        rng = np.random.default_rng(seed)
        return (
            rng.standard_normal((8, 40)),
            rng.integers(0, 10, 8),
            rng.standard_normal((2, 40)),
            np.arange(2),
        )

    monkeypatch.setenv("NEURONLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist1d_module, "_MEMORY", {})
    monkeypatch.setattr(mnist1d_module, "_generate", fake_generate)
    first = load_mnist1d(seed=3)
    assert calls == [3] and (tmp_path / "cache" / "mnist1d_seed3.npz").is_file()
    first.X_train[:] = 0  # callers get copies: the cache is not changed
    assert load_mnist1d(seed=3).X_train.any() and calls == [3]
    monkeypatch.setattr(mnist1d_module, "_MEMORY", {})
    from_disk = load_mnist1d(seed=3)
    assert calls == [3] and from_disk.X_train.dtype == np.float32 and from_disk.y_train.dtype == np.int64
    load_mnist1d(seed=4, cache=False)
    assert calls == [3, 4] and not (tmp_path / "cache" / "mnist1d_seed4.npz").exists()


def write_raw_idx(path, array: np.ndarray, code: int) -> None:
    """An IDX file written by hand from the format's definition (not with write_idx)."""
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.astype(array.dtype.newbyteorder(">")).tobytes())


def fake_mnist(folder, n, gz, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    suffix = ".gz" if gz else ""
    folder.mkdir(parents=True, exist_ok=True)
    write_raw_idx(folder / f"train-images-idx3-ubyte{suffix}", images, 0x08)
    write_raw_idx(folder / f"train-labels-idx1-ubyte{suffix}", labels, 0x08)
    return images, labels


@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_reads_idx_files(tmp_path, gz):
    images, labels = fake_mnist(tmp_path, 5, gz)
    X, y = load_mnist(tmp_path, train=True)
    assert X.shape == (5, 784) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(X, images.reshape(5, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    assert load_mnist(tmp_path, images=True)[0].shape == (5, 1, 28, 28)


def test_load_fashion_mnist_from_torchvision_layout(tmp_path):
    images, _ = fake_mnist(tmp_path / "FashionMNIST" / "raw", 3, gz=True)
    X, _ = load_mnist(tmp_path, kind="fashion-mnist")
    np.testing.assert_allclose(X.reshape(3, 28, 28), images / 255.0, rtol=1e-6)


def test_missing_files_say_what_and_where(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path, train=False)
    message = str(info.value)
    assert "t10k-images-idx3-ubyte" in message and str(tmp_path) in message
    assert "train-labels-idx1-ubyte.gz" in message and "https://" in message
    with pytest.raises(FileNotFoundError, match="fashion-mnist"):
        load_mnist(tmp_path, kind="fashion-mnist")
    with pytest.raises(ValueError, match="kind"):
        load_mnist(tmp_path, kind="kmnist")


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_idx_round_trip(tmp_path, dtype, name):
    array = (np.random.default_rng(0).standard_normal((3, 4, 5)) * 50).astype(dtype)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)


def test_idx_reader_matches_hand_written_file_and_rejects_corrupt_ones(tmp_path):
    array = np.arange(24, dtype=np.int32).reshape(2, 3, 4) - 5
    write_raw_idx(tmp_path / "x.idx", array, 0x0C)
    np.testing.assert_array_equal(read_idx(tmp_path / "x.idx"), array)
    raw = (tmp_path / "x.idx").read_bytes()
    (tmp_path / "short.idx").write_bytes(raw[:-3])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short.idx")
    (tmp_path / "bad.idx").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad.idx")
    with pytest.raises(ValueError, match="cannot store dtype"):
        write_idx(tmp_path / "c.idx", np.zeros(2, dtype=np.complex64))

"""MNIST-1D (Greydanus 2020): ten 1-D "digit" templates of length 40, shifted, scaled,
sheared and noised. Generated procedurally by the ``mnist1d`` package: no download.

Generating takes about two seconds, so results are kept in memory for the process and, unless
``cache=False``, as a NumPy ``.npz`` file (no pickle) in the user's cache folder:
``$NEURONLAB_CACHE``, else ``$XDG_CACHE_HOME/neuronlab``, else ``~/.cache/neuronlab``.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import NamedTuple

import numpy as np

_MEMORY: dict[int, tuple[np.ndarray, ...]] = {}


class TrainTest(NamedTuple):
    """A data set delivered already split: ``X_train, y_train, X_test, y_test``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def cache_dir() -> Path:
    """Where neuronlab keeps generated data: $NEURONLAB_CACHE, $XDG_CACHE_HOME/neuronlab or ~/.cache/neuronlab."""
    if os.environ.get("NEURONLAB_CACHE"):
        return Path(os.environ["NEURONLAB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "neuronlab"


def _generate(seed: int) -> tuple[np.ndarray, ...]:
    try:
        from mnist1d.data import get_dataset_args, make_dataset
    except ImportError as error:  # pragma: no cover - mnist1d ships with the lab extra
        raise ImportError("load_mnist1d needs the mnist1d package: pip install 'neuronlab[lab]'") from error
    args = get_dataset_args()
    args.seed = seed
    # mnist1d seeds the global `random` and `np.random` streams; put them back afterwards.
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        data = make_dataset(args)
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    return data["x"], data["y"], data["x_test"], data["y_test"]


def _cached(seed: int, use_disk: bool) -> tuple[np.ndarray, ...]:
    if seed in _MEMORY:
        return _MEMORY[seed]
    path = cache_dir() / f"mnist1d_seed{seed}.npz"
    if use_disk and path.is_file():
        with np.load(path, allow_pickle=False) as f:
            arrays = tuple(f[k] for k in ("x", "y", "x_test", "y_test"))
    else:
        arrays = _generate(seed)
        if use_disk:
            _write_quietly(path, arrays)
    _MEMORY[seed] = arrays
    return arrays


def _write_quietly(path: Path, arrays: tuple[np.ndarray, ...]) -> None:
    """Write atomically; a cache that cannot be written (read-only home) is simply skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **dict(zip(("x", "y", "x_test", "y_test"), arrays)))
        os.replace(tmp, path)
    except OSError:
        pass


def load_mnist1d(seed: int = 42, cache: bool = True) -> TrainTest:
    """MNIST-1D as ``TrainTest(X_train, y_train, X_test, y_test)``.

    ``mnist1d.data.make_dataset(get_dataset_args())`` with the given seed (42 is the
    published data set): 4,000 training and 1,000 test signals of length 40, float32,
    standardised over the whole data set; labels int64 in 0..9.

    Example:
        >>> X_train, y_train, X_test, y_test = load_mnist1d()
        >>> X_train.shape, X_test.shape
        ((4000, 40), (1000, 40))
    """
    x, y, x_test, y_test = _cached(int(seed), cache)
    return TrainTest(
        x.astype(np.float32), y.astype(np.int64), x_test.astype(np.float32), y_test.astype(np.int64)
    )

"""scikit-learn's handwritten digits: 1,797 images of 8x8 pixels, 10 classes, shipped with
scikit-learn (no download).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def load_digits(images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The digits as ``(X, y)``: X float32 in [0, 1] (pixel / 16), y int64 in 0..9.

    ``X`` has shape ``(1797, 64)``, or ``(1797, 1, 8, 8)`` with ``images=True`` (for ``Conv2d``).

    Example:
        >>> X, y = load_digits()
        >>> X.shape, float(X.max()), y[:5]
        ((1797, 64), 1.0, array([0, 1, 2, 3, 4]))
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as error:  # pragma: no cover - scikit-learn ships with the lab extra
        raise ImportError(
            "load_digits uses scikit-learn; install it with pip install 'neuronlab[lab]'"
        ) from error
    bunch = sklearn_load_digits()
    X = (bunch.data / 16.0).astype(np.float32)
    if images:
        X = X.reshape(-1, 1, 8, 8)
    return X, bunch.target.astype(np.int64)


class DigitsSplit(NamedTuple):
    """The digits in three stratified parts (features float32 in [0, 1], labels int64)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def digits_split(seed: int, val_size: float = 0.2, test_size: float = 0.2, n_train: int | None = None,
                 images: bool = False) -> DigitsSplit:  # fmt: skip
    """The digits split into training / validation / test parts, stratified, shuffled by ``seed``.

    Choose settings (learning rates, λ) on the validation part and report the test part once;
    ``val_size=0`` gives the reference recipe's 80/20 split. ``n_train`` keeps only the first
    training images (quick runs).

    Example:
        >>> s = digits_split(0)
        >>> len(s.y_train), len(s.y_val), len(s.y_test)
        (1077, 360, 360)
    """
    from neuronlab.datasets.split import train_val_test_split

    X, y = load_digits(images=images)
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(
        X, y, val_size=val_size, test_size=test_size, random_state=seed
    )
    if n_train is not None:
        X_tr, y_tr = X_tr[:n_train], y_tr[:n_train]
    return DigitsSplit(X_tr, y_tr, X_val, y_val, X_te, y_te)

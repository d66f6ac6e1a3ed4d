"""Kept only for ``initialization`` (not converted yet), which still imports ``digits_split`` from here:
the old 80/20 split as ``X_train, y_train, X_test, y_test``. gd-variants and batch-size now use
``neuronlab.datasets.digits_split``; delete this file when initialization converts."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import load_digits, train_val_test_split


def digits_split(seed: int, n_train: int | None = None) -> tuple[np.ndarray, ...]:
    """Digits as ``X_train, y_train, X_test, y_test`` (stratified 80/20 split), optionally only
    the first ``n_train`` training images (quick runs)."""
    X, y = load_digits()
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X, y, val_size=0, test_size=0.2, random_state=seed)
    if n_train is not None:
        X_tr, y_tr = X_tr[:n_train], y_tr[:n_train]
    return X_tr, y_tr, X_te, y_te

"""``Standardizer``: zero mean and unit variance per feature, learned from training data only.

    z = (x - mean_) / scale_,   x = z * scale_ + mean_

Fit it on the training part and apply the same ``mean_`` and ``scale_`` to validation and
test data; fitting on all data leaks test statistics into training.
"""

from __future__ import annotations

import numpy as np

from neuronlab.datasets.validation import check_features
from neuronlab.engine.tensor import Tensor


def _like(result: np.ndarray, original):
    """Return a Tensor when a Tensor came in, a NumPy array otherwise."""
    return Tensor._wrap(result) if isinstance(original, Tensor) else result


class Standardizer:
    """Scikit-learn's ``StandardScaler`` for NumPy arrays and neuronlab tensors.

    ``mean_`` and ``scale_`` (the population standard deviation, ddof=0) are computed per
    column in float64; a constant column gets ``scale_ = 1`` so it maps to 0 instead of
    NaN. Floating inputs keep their dtype; integer inputs become float32.

    Example:
        >>> X_train, X_test = np.array([[0.0, 5.0], [2.0, 5.0]]), np.array([[4.0, 6.0]])
        >>> scaler = Standardizer().fit(X_train)          # statistics of the training data only
        >>> scaler.transform(X_test)                      # the constant column is shifted, not divided by 0
        array([[3., 1.]])
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True) -> None:
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None) -> Standardizer:
        """Learn ``mean_``, ``var_`` and ``scale_`` from ``X`` (samples in rows)."""
        array = check_features(X).astype(np.float64)
        if array.ndim != 2 or len(array) == 0:
            raise ValueError(
                f"Standardizer.fit expects a non-empty 2-D array (samples, features), got shape {array.shape}"
            )
        self.n_features_in_ = array.shape[1]
        self.n_samples_seen_ = array.shape[0]
        self.mean_ = array.mean(axis=0)
        self.var_ = array.var(axis=0)
        std = np.sqrt(self.var_)
        # Constant columns (up to rounding) would divide by ~0: leave them unscaled.
        constant = std <= 10 * np.finfo(np.float64).eps * np.maximum(1.0, np.abs(self.mean_))
        self.scale_ = np.where(constant, 1.0, std)
        return self

    def _check(self, X) -> tuple[np.ndarray, np.dtype]:
        if not hasattr(self, "mean_"):
            raise RuntimeError("This Standardizer is not fitted yet; call fit(X_train) first")
        array = check_features(X)
        if array.ndim != 2 or array.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has shape {array.shape}, but this Standardizer was fitted on {self.n_features_in_} features"
            )
        return array, array.dtype if array.dtype.kind == "f" else np.dtype(np.float32)

    def transform(self, X):
        """(X - mean_) / scale_."""
        array, dtype = self._check(X)
        out = array.astype(np.float64)
        if self.with_mean:
            out = out - self.mean_
        if self.with_std:
            out = out / self.scale_
        return _like(out.astype(dtype), X)

    def inverse_transform(self, X):
        """X * scale_ + mean_: back to the original units."""
        array, dtype = self._check(X)
        out = array.astype(np.float64)
        if self.with_std:
            out = out * self.scale_
        if self.with_mean:
            out = out + self.mean_
        return _like(out.astype(dtype), X)

    def fit_transform(self, X, y=None):
        """fit(X) then transform(X)."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        return f"Standardizer(with_mean={self.with_mean}, with_std={self.with_std})"

"""``to_tensor_dataset``: NumPy arrays to a checked ``TensorDataset`` in one line."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets.validation import check_classification_targets, check_features, check_lengths
from neuronlab.engine.dtypes import get_default_dtype
from neuronlab.engine.tensor import Tensor
from neuronlab.utils.data.dataset import TensorDataset


def _float(array: np.ndarray) -> np.ndarray:
    return array.astype(get_default_dtype().numpy, copy=False)


def to_tensor_dataset(X, y=None, n_classes: int | None = None) -> TensorDataset:
    """``TensorDataset(X, y)`` after the checks ``TensorDataset`` itself does not make.

    ``X`` must be finite (``check_features``) and becomes the default float dtype (float32).
    Integer ``y`` is taken as class indices: checked (``check_classification_targets``, with
    ``n_classes`` when given) and stored as int64. Floating ``y`` is a regression target:
    checked for NaN/inf and stored as float32. ``X`` and ``y`` must have the same length.

    Example:
        >>> ds = to_tensor_dataset(*make_moons(200, noise=0.1, random_state=0))
        >>> x, y = ds[0]
        >>> x.dtype, y.dtype
        (neuronlab.float32, neuronlab.int64)
    """
    X_array = _float(check_features(X))
    if y is None:
        return TensorDataset(Tensor._wrap(X_array))
    check_lengths(X_array, y)
    y_array = y.detach().numpy() if isinstance(y, Tensor) else np.asarray(y)
    if y_array.dtype.kind in "biu":
        y_array = check_classification_targets(y_array, n_classes)
    else:
        y_array = _float(check_features(y_array, name="y"))
    return TensorDataset(Tensor._wrap(X_array), Tensor._wrap(y_array))

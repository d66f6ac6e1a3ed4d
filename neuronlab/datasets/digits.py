"""scikit-learn's handwritten digits: 1,797 images of 8x8 pixels, 10 classes, shipped with
scikit-learn (no download).
"""

from __future__ import annotations

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

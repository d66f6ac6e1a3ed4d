"""Input checks for data: finite features, valid class labels, matching lengths, random states.

Each check raises a ``ValueError`` that says what is wrong, where, and what to change;
``TensorDataset`` itself stays as permissive as PyTorch's, so the dataset helpers call these.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.random import Generator, rng_of
from neuronlab.engine.tensor import Tensor

_SHOWN = 5  # how many offending positions an error message lists


def _as_array(a, name: str) -> np.ndarray:
    if isinstance(a, Tensor):
        return a.detach().numpy()
    array = np.asarray(a)
    if array.dtype == object:
        raise ValueError(
            f"{name} must be a numeric array; got an array of Python objects (ragged or mixed data?)"
        )
    return array


def _positions(mask: np.ndarray) -> str:
    where = np.argwhere(mask)[:_SHOWN]
    text = ", ".join(str(tuple(int(i) for i in w)) if len(w) > 1 else str(int(w[0])) for w in where)
    return text + (", ..." if mask.sum() > _SHOWN else "")


def check_features(X, name: str = "X") -> np.ndarray:
    """``X`` as a NumPy array after checking that it is numeric and holds no NaN or infinity.

    Example:
        >>> check_features(np.array([[1.0, np.nan], [np.inf, 0.0]]))
        Traceback (most recent call last):
        ValueError: X contains 1 NaN and 1 infinite value(s) out of 4 at positions (0, 1), (1, 0); ...
    """
    array = _as_array(X, name)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers; got dtype {array.dtype}")
    if array.dtype.kind != "f":
        return array
    bad = ~np.isfinite(array)
    if bad.any():
        n_nan, n_inf = int(np.isnan(array).sum()), int(np.isinf(array).sum())
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite value(s) out of {array.size} at "
            f"positions {_positions(bad)}; remove or impute those entries before training "
            "(e.g. drop the rows, or replace them with the column mean of the training data)"
        )
    return array


def check_classification_targets(y, n_classes: int | None = None, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D int64 array of class indices in ``0 .. n_classes - 1``.

    Integer-valued floats (``1.0``) are accepted; fractional values, negatives and labels
    ``>= n_classes`` raise a ``ValueError`` naming how many and where.
    """
    array = _as_array(y, name)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of class indices, got shape {array.shape}"
            + ("; for one-hot labels use y.argmax(1)" if array.ndim == 2 else "")
        )
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold integer class indices 0..C-1; got dtype {array.dtype}")
    if array.dtype.kind == "f":
        fractional = ~np.isfinite(array) | (array != np.round(array))
        if fractional.any():
            raise ValueError(
                f"{name} must hold integer class indices; {int(fractional.sum())} value(s) are not integers, "
                f"at positions {_positions(fractional)} (e.g. {array[fractional][0]!r}); for regression "
                "targets use a regression loss, not class labels"
            )
    labels = array.astype(np.int64)
    negative = labels < 0
    if negative.any():
        raise ValueError(
            f"{name} holds {int(negative.sum())} negative label(s) at positions {_positions(negative)}; "
            "class indices must be 0..C-1 (map -1/+1 labels to 0/1 with (y + 1) // 2)"
        )
    if n_classes is not None:
        too_big = labels >= n_classes
        if too_big.any():
            raise ValueError(
                f"{name} holds {int(too_big.sum())} label(s) >= n_classes={n_classes} (largest "
                f"{int(labels.max())}) at positions {_positions(too_big)}; labels must be 0..{n_classes - 1}"
            )
    return labels


def check_lengths(X, y) -> int:
    """The number of samples, after checking that ``X`` and ``y`` have the same first dimension."""
    n_x, n_y = len(X), len(y)
    if n_x != n_y:
        raise ValueError(
            f"X has {n_x} samples but y has {n_y}; X and y must have the same first dimension (one label per row)"
        )
    return n_x


def check_fraction_or_count(size, n: int, name: str) -> int:
    """A split size given as a fraction in [0, 1) or a count in [0, n], as a count."""
    if isinstance(size, float):
        if not 0.0 <= size < 1.0:
            raise ValueError(f"{name}={size} must be a fraction in [0, 1) or a sample count")
        return int(np.ceil(size * n - 1e-9))  # 0.15 * 100 is 15.000000000000002 in floating point
    if isinstance(size, int | np.integer) and not isinstance(size, bool) and 0 <= size <= n:
        return int(size)
    raise ValueError(f"{name}={size!r} must be a fraction in [0, 1) or a sample count in [0, {n}]")


def check_random_state(random_state) -> np.random.Generator:
    """A NumPy generator from ``random_state`` (scikit-learn's convention, NumPy's new API).

    ``None``: the generator ``neuronlab.manual_seed`` seeds (so a seeded run repeats);
    an int: a fresh ``np.random.default_rng(seed)``; a ``neuronlab.Generator`` or a
    ``np.random.Generator``: used as is.
    """
    if random_state is None or isinstance(random_state, Generator):
        return rng_of(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be non-negative, got {random_state}")
        return np.random.default_rng(int(random_state))
    raise ValueError(
        f"random_state must be None, an int, a neuronlab.Generator or a numpy Generator; got {random_state!r}"
    )


def seed_from(random_state) -> int:
    """An int seed for libraries that take one (scikit-learn): ints pass through, else one draw."""
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        check_random_state(random_state)  # rejects negative seeds
        return int(random_state)
    return int(check_random_state(random_state).integers(2**31 - 1))

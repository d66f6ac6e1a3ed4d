"""Two-dimensional toy classification data: two moons, circles, XOR and spirals.

Every function returns ``(X, y)``: ``X`` a float32 array of shape ``(n_samples, 2)``,
``y`` an int64 array of class indices of shape ``(n_samples,)``. Moons and circles are
scikit-learn's generators (the ones the course uses); XOR and spirals are written here.
"""

from __future__ import annotations

import numpy as np

from neuronlab.datasets.validation import check_random_state, seed_from

# Course seed 004 (7) shifts the upper moon (class 0) up by one unit so that a straight
# line separates the classes:  ``X[y == 0, 1] += 1``.
SEED_MOONS_SHIFT = 1.0


def _sklearn_datasets():
    try:
        from sklearn import datasets
    except ImportError as error:  # pragma: no cover - scikit-learn ships with the lab extra
        raise ImportError(
            "make_moons and make_circles use scikit-learn; install it with pip install 'neuronlab[lab]'"
        ) from error
    return datasets


def _finish(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return X.astype(np.float32), y.astype(np.int64)


def make_moons(
    n_samples: int = 100,
    noise: float | None = None,
    random_state=None,
    shift: float | tuple[float, float] | None = None,
    *,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons``), optionally pulled apart.

    Class 0 is the upper moon (cos t, sin t), class 1 the lower one (1 - cos t, 0.5 - sin t),
    t in [0, pi], plus Gaussian noise of standard deviation ``noise``. ``shift`` moves class 0:
    a number moves it up by that much, a pair ``(dx, dy)`` by that vector. The course's
    double moon (seed 004 (7)) is ``shift=SEED_MOONS_SHIFT`` (1.0), which makes the classes
    linearly separable at ``noise=0.1``; unshifted moons are not.

    ``random_state``: None (the generator ``manual_seed`` seeds), an int, or a generator.

    Example:
        >>> X, y = make_moons(1000, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)  # the seed's data
        >>> X.shape, X.dtype, y.dtype
        ((1000, 2), dtype('float32'), dtype('int64'))
    """
    X, y = _sklearn_datasets().make_moons(
        n_samples=n_samples, shuffle=shuffle, noise=noise, random_state=seed_from(random_state)
    )
    if shift is not None:
        dx, dy = (0.0, shift) if np.isscalar(shift) else shift
        X[y == 0, 0] += dx
        X[y == 0, 1] += dy
    return _finish(X, y)


def make_circles(
    n_samples: int = 100,
    noise: float | None = None,
    random_state=None,
    factor: float = 0.8,
    *,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (class 1, radius ``factor``) inside a large one (class 0, radius 1).

    scikit-learn's ``make_circles``; not linearly separable for any noise, separable by the
    radius (a feature x1² + x2², or one hidden layer).
    """
    X, y = _sklearn_datasets().make_circles(
        n_samples=n_samples, shuffle=shuffle, noise=noise, random_state=seed_from(random_state), factor=factor
    )
    return _finish(X, y)


def make_xor(
    n_samples: int = 4, noise: float = 0.0, random_state=None, *, shuffle: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: corners (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0.

    Sample i sits at corner i mod 4 plus Gaussian noise of standard deviation ``noise``; the
    default (4 samples, no noise, no shuffle) is the truth table of course seed 004 (9). No
    single line separates the classes; one hidden layer does.

    Example:
        >>> make_xor()[1]
        array([0, 1, 1, 0])
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}")
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    which = np.arange(n_samples) % 4
    X, y = corners[which], np.array([0, 1, 1, 0])[which]
    rng = check_random_state(random_state) if noise > 0 or shuffle else None
    if noise > 0:
        X = X + rng.normal(0.0, noise, X.shape)
    if shuffle:
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
    return _finish(X, y)


def make_spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, random_state=None, *, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the CS231n spiral data).

    Arm k has points at radius r in [0, 1] and angle t = 2πk/K + 4r + noise·N(0, 1):
    x = (r sin t, r cos t). Classes get n_samples // n_classes points each (the first ones
    one more when it does not divide). ``noise`` perturbs the angle, in radians.
    """
    if n_classes < 1 or n_samples < n_classes:
        raise ValueError(f"need n_classes >= 1 and n_samples >= n_classes, got {n_samples=} and {n_classes=}")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}")
    rng = check_random_state(random_state)
    per_class = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    X, y = [], []
    for k, m in enumerate(per_class):
        r = np.linspace(0.0, 1.0, m)
        t = 2 * np.pi * k / n_classes + 4.0 * r + noise * rng.standard_normal(m)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(m, k))
    X, y = np.concatenate(X), np.concatenate(y)
    if shuffle:
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
    return _finish(X, y)

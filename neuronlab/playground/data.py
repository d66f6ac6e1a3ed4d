"""The playground's data: TF Playground's generators, the course's double moon, and CSV uploads.

Each generator is a plain NumPy function ``(n, noise, rng, classes) -> (X, y)`` that uses
nothing but NumPy, so the exported script copies its source and runs without neuronlab
(``export.py``). ``X`` is float32 (n, 2); ``y`` holds int64 class indices or, for regression,
float32 targets in [-1, 1] of shape (n,).
"""

from __future__ import annotations

import csv
import io

import numpy as np

__all__ = ["GENERATORS", "CSVError", "feature_matrix", "make_data", "parse_csv", "split"]

MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 5000
MAX_CSV_CLASSES = 6


def circle(n, noise, rng, classes=2):
    """TF Playground's circle: class 1 inside radius 2.5, class 0 on a ring from 3.5 to 5."""
    r_in = rng.uniform(0, 2.5, n // 2)
    r_out = rng.uniform(3.5, 5.0, n - n // 2)
    r = np.concatenate([r_in, r_out])
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([r * np.cos(t), r * np.sin(t)], 1) + rng.uniform(-5, 5, (n, 2)) * noise
    y = np.concatenate([np.ones(n // 2), np.zeros(n - n // 2)])
    return X.astype(np.float32), y.astype(np.int64)


def xor(n, noise, rng, classes=2):
    """TF Playground's XOR: uniform points in the four quadrants, class 1 where x₁x₂ > 0."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # a gap around the axes
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X.astype(np.float32), y


def gauss(n, noise, rng, classes=2):
    """Gaussian clusters: two at (2, 2) and (-2, -2), or ``classes`` on a circle of radius 3.5."""
    if classes == 2:
        centers = np.array([[-2.0, -2.0], [2.0, 2.0]])
    else:
        angle = 2 * np.pi * np.arange(classes) / classes
        centers = 3.5 * np.stack([np.cos(angle), np.sin(angle)], 1)
    y = np.arange(n) % classes
    X = centers[y] + rng.normal(0, 0.5 + 3 * noise, (n, 2))
    return X.astype(np.float32), y.astype(np.int64)


def spiral(n, noise, rng, classes=2):
    """Interleaved spiral arms, one per class (TF Playground's two, or more)."""
    y = np.arange(n) % classes
    s = rng.uniform(0, 1, n)
    r = 5 * s
    t = 1.75 * 2 * np.pi * s + 2 * np.pi * y / classes
    X = np.stack([r * np.sin(t), r * np.cos(t)], 1) + rng.uniform(-1, 1, (n, 2)) * 5 * noise
    return X.astype(np.float32), y.astype(np.int64)


def moons(n, noise, rng, classes=2):
    """The course's double moon (seed 004 (7)): scikit-learn's two moons with the upper moon
    (class 0) moved up by 1, so that a straight line separates them at low noise."""
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    upper = np.stack([np.cos(t0), np.sin(t0) + 1.0], 1)  # + 1.0: the course's shift
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)
    X = np.concatenate([upper, lower]) + rng.normal(0, 0.1 + noise, (n, 2))
    y = np.concatenate([np.zeros(n0), np.ones(n - n0)])
    return X.astype(np.float32), y.astype(np.int64)


def plane(n, noise, rng, classes=2):
    """Regression on a tilted plane: y = (x₁ + x₂) / 10, in [-1, 1]."""
    X = rng.uniform(-5, 5, (n, 2))
    y = (X[:, 0] + X[:, 1]) / 10 + rng.uniform(-1, 1, n) * noise
    return X.astype(np.float32), y.astype(np.float32)


def multigauss(n, noise, rng, classes=2):
    """Regression on a landscape of six Gaussian bumps of either sign."""
    centers = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])
    X = rng.uniform(-5, 5, (n, 2))
    d2 = ((X[:, None, :] - centers[None, :, :2]) ** 2).sum(-1)
    y = (centers[:, 2] * np.exp(-d2 / 2)).sum(1) + rng.uniform(-1, 1, n) * noise
    return X.astype(np.float32), np.clip(y, -1, 1).astype(np.float32)


GENERATORS = {"circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral, "moons": moons,
              "plane": plane, "multigauss": multigauss}  # fmt: skip


def make_data(name: str, n: int, noise: float, seed: int, classes: int = 2):
    """``(X, y)`` from the generator ``name``, drawn from ``np.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return GENERATORS[name](n, noise, rng, classes)


def split(X, y, train_ratio: float, seed: int):
    """A random train/test split (the test part is at least one point)."""
    order = np.random.default_rng(seed + 1).permutation(len(X))
    n_train = min(max(1, round(len(X) * train_ratio)), len(X) - 1)
    tr, te = order[:n_train], order[n_train:]
    return X[tr], y[tr], X[te], y[te]


def feature_matrix(X: np.ndarray, features) -> np.ndarray:
    """The chosen input features of TF Playground: x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂."""
    x1, x2 = X[:, 0], X[:, 1]
    table = {"x1": x1, "x2": x2, "x1sq": x1 * x1, "x2sq": x2 * x2, "x1x2": x1 * x2,
             "sinx1": np.sin(x1), "sinx2": np.sin(x2)}  # fmt: skip
    return np.stack([table[f] for f in features], 1).astype(np.float32)


# -- the user's own data ---------------------------------------------------------------------


class CSVError(ValueError):
    """An uploaded CSV file the playground cannot use (the message says where and why)."""


def parse_csv(text: str, problem: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``x1,x2,label`` (an optional header line first) → ``(X, y)``.

    Classification labels are integers 0…K−1 with 2 ≤ K ≤ 6; regression targets are numbers,
    scaled into [-1, 1]. Limits: 1 MB, 10 to 5,000 rows. Raises ``CSVError`` naming the line.
    """
    if len(text.encode("utf-8", "replace")) > MAX_CSV_BYTES:
        raise CSVError(f"the file is larger than {MAX_CSV_BYTES // 1000} kB")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(cell.strip() for cell in r)]
    if rows and not _numeric(rows[0][0]):
        rows = rows[1:]  # a header line
    if len(rows) < 10:
        raise CSVError(f"need at least 10 data rows of x1,x2,label; found {len(rows)}")
    if len(rows) > MAX_CSV_ROWS:
        raise CSVError(f"at most {MAX_CSV_ROWS} rows; found {len(rows)}")
    values = np.empty((len(rows), 3))
    for i, row in enumerate(rows):
        if len(row) != 3:
            raise CSVError(f"row {i + 1}: expected 3 columns x1,x2,label, found {len(row)}")
        for j, cell in enumerate(row):
            if not _numeric(cell):
                raise CSVError(f"row {i + 1}, column {j + 1}: {cell.strip()[:20]!r} is not a number")
            values[i, j] = float(cell)
    X, y = values[:, :2].astype(np.float32), values[:, 2]
    if problem == "regression":
        scale = np.abs(y).max() or 1.0
        return X, (y / scale).astype(np.float32)
    return X, _class_labels(y)


def _numeric(cell: str) -> bool:
    try:
        return np.isfinite(float(cell))
    except ValueError:
        return False


def _class_labels(y: np.ndarray) -> np.ndarray:
    if np.any(y != np.round(y)):
        raise CSVError("labels must be whole numbers 0, 1, … for classification (or choose regression)")
    classes = np.unique(y)
    if not (2 <= len(classes) <= MAX_CSV_CLASSES) or classes[0] != 0 or classes[-1] != len(classes) - 1:
        raise CSVError(
            f"labels must be 0 … K-1 with 2 ≤ K ≤ {MAX_CSV_CLASSES}; found {classes[:8].astype(int).tolist()}"
        )
    return y.astype(np.int64)

"""The synthetic regression problems of d2l chapter 4 (course seed 003 sections 4.4 and 4.5).

Both return a named tuple of NumPy arrays (float32 unless ``dtype`` says otherwise) with the
targets as a column, shape ``(n, 1)``, ready for ``MSELoss`` against a ``Linear(d, 1)``
output, and the true parameters the data were generated from.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from neuronlab.datasets.validation import check_random_state

D2L_POLYNOMIAL = (5.0, 1.2, -3.4, 5.6)  # y = 5 + 1.2x - 3.4x²/2! + 5.6x³/3! + ε


class PolynomialData(NamedTuple):
    """Features (powers of x), targets, the true weights and the raw x, for train and test."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    true_w: np.ndarray
    x_train: np.ndarray
    x_test: np.ndarray


class RegressionData(NamedTuple):
    """Features, targets and the true weights and bias, for train and test."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    true_w: np.ndarray
    true_b: float


def make_polynomial(
    n_train: int = 100,
    n_test: int = 100,
    max_degree: int = 20,
    noise: float = 0.1,
    scale: bool = True,
    random_state=None,
    coefficients=D2L_POLYNOMIAL,
    dtype=np.float32,
) -> PolynomialData:
    """d2l's polynomial regression data (seed 003 4.4).

        y = 5 + 1.2 x - 3.4 x²/2! + 5.6 x³/3! + ε,   x ~ N(0, 1),  ε ~ N(0, noise²)

    The features are the ``max_degree`` columns xⁱ/i! for i = 0 .. max_degree - 1 (column 0
    is the constant 1, so the bias is ``true_w[0]``). With ``scale=False`` they are the raw
    powers xⁱ: the targets are the same function, and ``true_w[i]`` becomes cᵢ/i!, the
    weights in those coordinates (the columns then span many orders of magnitude, which is
    what seed 003 4.4 question 3 asks about). ``noise=0`` gives exact targets, so
    ``X @ true_w == y``. The first ``n_train`` draws are the training set.

    Example:
        >>> data = make_polynomial(random_state=0)
        >>> data.X_train.shape, data.y_train.shape, data.true_w[:4]
        ((100, 20), (100, 1), array([ 5. ,  1.2, -3.4,  5.6], dtype=float32))
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    if max_degree < len(coefficients):
        raise ValueError(
            f"max_degree={max_degree} cannot hold the {len(coefficients)} true coefficients; "
            "to fit fewer terms generate with the full degree and use X[:, :k]"
        )
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}")
    rng = check_random_state(random_state)
    x = rng.standard_normal(n_train + n_test)
    factorials = np.array([math.factorial(i) for i in range(max_degree)], dtype=np.float64)
    powers = x[:, None] ** np.arange(max_degree)
    true_w = np.zeros(max_degree)
    true_w[: len(coefficients)] = coefficients
    y = (powers / factorials) @ true_w + noise * rng.standard_normal(len(x))
    features = powers / factorials if scale else powers
    w = true_w if scale else true_w / factorials
    X, y = features.astype(dtype), y.astype(dtype)[:, None]
    x = x.astype(dtype)
    return PolynomialData(
        X[:n_train], y[:n_train], X[n_train:], y[n_train:], w.astype(dtype), x[:n_train], x[n_train:]
    )


def make_linear_regression(
    num_inputs: int = 200,
    n_train: int = 20,
    n_test: int = 100,
    w: float = 0.01,
    b: float = 0.05,
    noise: float = 0.01,
    random_state=None,
    dtype=np.float32,
) -> RegressionData:
    """d2l's high-dimensional linear regression for weight decay (seed 003 4.5).

        y = 0.05 + Σᵢ 0.01 xᵢ + ε,   x ~ N(0, I_200),  ε ~ N(0, 0.01²)

    With 200 inputs and only 20 training samples an unregularised model overfits badly;
    weight decay is the remedy the seed studies. ``true_w`` has shape ``(num_inputs, 1)``.
    """
    if min(num_inputs, n_train, n_test) < 0 or num_inputs == 0:
        raise ValueError(
            f"need num_inputs >= 1 and non-negative sizes, got {num_inputs=}, {n_train=}, {n_test=}"
        )
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}")
    rng = check_random_state(random_state)
    true_w = np.full((num_inputs, 1), w)
    X = rng.standard_normal((n_train + n_test, num_inputs))
    y = X @ true_w + b + noise * rng.standard_normal((len(X), 1))
    X, y = X.astype(dtype), y.astype(dtype)
    return RegressionData(X[:n_train], y[:n_train], X[n_train:], y[n_train:], true_w.astype(dtype), float(b))

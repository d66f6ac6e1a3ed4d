"""Toy classification data: the seed's double moon is linearly separable, the others are not."""

import numpy as np
import pytest
from scipy.optimize import linprog
from sklearn import datasets as skd

import neuronlab as nl
from neuronlab.datasets import SEED_MOONS_SHIFT, make_circles, make_moons, make_spirals, make_xor


def linearly_separable(X, y) -> bool:
    """Exact test: is there (w, b) with (2y - 1)(w·x + b) >= 1 for every sample? (an LP)."""
    s = 2.0 * y - 1.0
    A = -s[:, None] * np.c_[X.astype(np.float64), np.ones(len(X))]
    result = linprog(
        np.zeros(X.shape[1] + 1), A_ub=A, b_ub=-np.ones(len(X)), bounds=(None, None), method="highs"
    )
    return result.status == 0


def test_seed_double_moon_is_reproduced_exactly():
    # Seed 004 (7):  X, y = make_moons(n_samples=1000, noise=0.1, random_state=123); X[y == 0, 1] += 1
    X_ref, y_ref = skd.make_moons(n_samples=1000, noise=0.1, random_state=123)
    X_ref[y_ref == 0, 1] += 1
    X, y = make_moons(1000, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)
    assert X.dtype == np.float32 and y.dtype == np.int64 and X.shape == (1000, 2)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_allclose(X, X_ref, rtol=1e-6)


@pytest.mark.parametrize("random_state", [123, 0, 1])
def test_shifted_moons_are_linearly_separable_and_plain_moons_are_not(random_state):
    X, y = make_moons(1000, noise=0.1, random_state=random_state, shift=SEED_MOONS_SHIFT)
    assert linearly_separable(X, y)
    X, y = make_moons(1000, noise=0.1, random_state=random_state)
    assert not linearly_separable(X, y)


def test_moons_shift_as_vector_and_default_random_state_follows_manual_seed():
    X0, y0 = make_moons(50, random_state=0)
    X1, _ = make_moons(50, random_state=0, shift=(2.0, -1.0))
    np.testing.assert_allclose(
        X1[y0 == 0] - X0[y0 == 0], np.tile([2.0, -1.0], ((y0 == 0).sum(), 1)), atol=1e-6
    )
    np.testing.assert_array_equal(X1[y0 == 1], X0[y0 == 1])
    nl.manual_seed(7)
    a = make_moons(30, noise=0.2)[0]
    nl.manual_seed(7)
    np.testing.assert_array_equal(a, make_moons(30, noise=0.2)[0])


def test_xor_is_the_truth_table_and_not_linearly_separable():
    X, y = make_xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    assert not linearly_separable(X, y)
    X, y = make_xor(400, noise=0.1, random_state=0, shuffle=True)
    assert X.shape == (400, 2) and np.bincount(y).tolist() == [200, 200]
    assert not linearly_separable(X, y)


def test_circles_are_not_linearly_separable_but_separable_by_radius():
    X, y = make_circles(200, noise=0.0, random_state=0, factor=0.5)
    assert not linearly_separable(X, y)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-6)
    np.testing.assert_allclose(radius[y == 1], 0.5, rtol=1e-6)


def test_spirals_follow_their_formula():
    X, y = make_spirals(301, n_classes=4, noise=0.0, random_state=0, shuffle=False)
    assert X.shape == (301, 2) and X.dtype == np.float32 and np.bincount(y).tolist() == [76, 75, 75, 75]
    r = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 0], X[:, 1])  # x = (r sin t, r cos t)
    expected = 2 * np.pi * y / 4 + 4 * r
    moved = r > 1e-3
    np.testing.assert_allclose(np.cos(angle[moved] - expected[moved]), 1.0, atol=1e-4)
    assert not linearly_separable(*make_spirals(300, n_classes=2, noise=0.1, random_state=0))
    with pytest.raises(ValueError, match="n_classes"):
        make_spirals(2, n_classes=3)

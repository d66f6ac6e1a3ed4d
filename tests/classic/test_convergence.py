"""Novikoff's theorem: on separable data the perceptron makes at most (R/γ)² mistakes."""

import numpy as np
import pytest

from neuronlab.classic import Perceptron, margin_and_radius, max_margin_hyperplane, mistake_bound
from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons, make_xor

pytest.importorskip("scipy")


def separable(seed: int, n: int = 200, d: int = 2, fit_intercept: bool = True, gap: float = 0.05):
    """Gaussian points labelled by a random hyperplane, with a band of width 2·gap removed."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=d)
    b = rng.uniform(-1.0, 1.0) * np.linalg.norm(w) if fit_intercept else 0.0  # the plane crosses the cloud
    X = rng.normal(size=(4 * n, d))
    distance = (X @ w + b) / np.linalg.norm(w)
    keep = np.abs(distance) > gap
    X, distance = X[keep][:n], distance[keep][:n]
    return X, (distance > 0).astype(int)


def test_worked_example():
    # x̃ = (1, 0, 0) with y = -1 and (1, 0, 2) with y = +1: best u ∝ (-1, 0, 1), γ = 1/√2, R = √5
    X, y = np.array([[0.0, 0.0], [0.0, 2.0]]), [0, 1]
    gamma, radius = margin_and_radius(X, y)
    assert gamma == pytest.approx(1 / np.sqrt(2)) and radius == pytest.approx(np.sqrt(5))
    np.testing.assert_allclose(
        max_margin_hyperplane(X, y), np.array([-1.0, 0.0, 1.0]) / np.sqrt(2), atol=1e-6
    )
    assert mistake_bound(X, y) == pytest.approx(10.0)


def test_bound_holds_on_the_seeds_double_moon():
    X, y = make_moons(1000, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)
    bound = mistake_bound(X, y)
    for random_state in range(5):
        clf = Perceptron(random_state=random_state).fit(X, y)
        assert clf.converged_ and clf.n_updates_ <= bound
    assert Perceptron(shuffle=False).fit(X, y).n_updates_ <= bound


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("d", "fit_intercept"), [(2, True), (5, True), (3, False)])
def test_bound_holds_on_random_separable_sets(seed, d, fit_intercept):
    X, y = separable(seed, d=d, fit_intercept=fit_intercept)
    bound = mistake_bound(X, y, fit_intercept=fit_intercept)
    clf = Perceptron(random_state=seed, fit_intercept=fit_intercept, max_iter=10_000).fit(X, y)
    assert clf.converged_ and clf.score(X, y) == 1.0
    assert clf.n_updates_ <= bound


def test_the_maximum_margin_beats_any_other_separator():
    X, y = separable(0, d=2)
    gamma, _ = margin_and_radius(X, y)
    clf = Perceptron(random_state=0).fit(X, y)
    w = np.r_[clf.intercept_, clf.coef_[0]]
    gamma_perceptron, _ = margin_and_radius(X, y, w=w)
    assert 0 < gamma_perceptron <= gamma + 1e-12
    # The bound from any separator is valid, just looser.
    assert mistake_bound(X, y, w=w) >= mistake_bound(X, y) >= clf.n_updates_


def test_agrees_with_a_hard_margin_svm():
    svm = pytest.importorskip("sklearn.svm")
    X, y = separable(1, d=3)
    A = np.column_stack([np.ones(len(X)), X])  # the bias as a coordinate, in ‖u‖ like the weights
    linear = svm.LinearSVC(C=1e6, loss="hinge", fit_intercept=False, dual=True, tol=1e-10, max_iter=1_000_000)
    v = linear.fit(A, y).coef_[0]
    s = np.where(y == 1, 1.0, -1.0)
    gamma_svm = np.min(s * (A @ v)) / np.linalg.norm(v)
    gamma, _ = margin_and_radius(X, y)
    assert gamma == pytest.approx(gamma_svm, rel=1e-4)
    np.testing.assert_allclose(max_margin_hyperplane(X, y), v / np.linalg.norm(v), atol=1e-3)


@pytest.mark.parametrize(
    "data",
    [lambda: make_moons(200, noise=0.1, random_state=123), make_xor],
    ids=["unshifted-moons", "xor"],
)
def test_non_separable_data_raise(data):
    X, y = data()
    with pytest.raises(ValueError, match="not linearly separable"):
        mistake_bound(X, y)


def test_a_w_that_does_not_separate_raises():
    X, y = separable(2)
    with pytest.raises(ValueError, match="does not separate"):
        margin_and_radius(X, y, w=[0.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="3 entries"):
        margin_and_radius(X, y, w=[1.0, 1.0])


def test_radius_includes_the_bias_coordinate():
    X, y = np.array([[3.0, 4.0], [-3.0, -4.0]]), [1, 0]
    assert margin_and_radius(X, y)[1] == pytest.approx(np.sqrt(26))
    assert margin_and_radius(X, y, fit_intercept=False)[1] == pytest.approx(5.0)

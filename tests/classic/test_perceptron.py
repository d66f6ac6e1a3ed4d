"""Rosenblatt's perceptron: the claims of seed 004 (6)-(7) and scikit-learn's estimator conventions."""

import warnings

import numpy as np
import pytest

from neuronlab.classic import ConvergenceWarning, NotFittedError, Perceptron
from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons, make_xor


@pytest.fixture(scope="module")
def seed_moons():
    # seed 004 (7): make_moons(n_samples=1000, noise=0.1, random_state=123); X[y == 0, 1] += 1
    return make_moons(1000, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)


def test_converges_on_the_seeds_double_moon(seed_moons):
    X, y = seed_moons
    for random_state in range(3):
        clf = Perceptron(random_state=random_state).fit(X, y)
        assert clf.converged_
        assert clf.mistakes_per_epoch_[-1] == 0 and np.all(clf.mistakes_per_epoch_[:-1] > 0)
        assert clf.n_iter_ == len(clf.mistakes_per_epoch_) == len(clf.mse_per_epoch_)
        assert clf.n_updates_ == clf.mistakes_per_epoch_.sum()
        assert clf.score(X, y) == 1.0
        assert clf.mse_per_epoch_[-1] == 0.0


@pytest.mark.parametrize(
    "data",
    [
        lambda: make_moons(1000, noise=0.1, random_state=123),  # the unshifted moons interleave
        lambda: make_xor(),
        lambda: make_xor(40, noise=0.05, random_state=0),
    ],
    ids=["unshifted-moons", "xor", "noisy-xor"],
)
def test_does_not_converge_on_non_separable_data(data):
    X, y = data()
    with pytest.warns(ConvergenceWarning, match="may not be linearly separable"):
        clf = Perceptron(max_iter=20, random_state=0).fit(X, y)
    assert not clf.converged_
    assert clf.n_iter_ == 20 and np.all(clf.mistakes_per_epoch_ > 0)
    assert clf.score(X, y) < 1.0


def test_mse_is_the_squared_error_of_the_pm1_outputs(seed_moons):
    X, y = make_moons(300, noise=0.1, random_state=1)
    with pytest.warns(ConvergenceWarning):
        clf = Perceptron(max_iter=5, random_state=0).fit(X, y)
    s = np.where(y == 1, 1.0, -1.0)
    s_hat = np.where(clf.decision_function(X) >= 0, 1.0, -1.0)
    assert clf.mse_per_epoch_[-1] == pytest.approx(np.mean((s - s_hat) ** 2))
    assert clf.mse_per_epoch_[-1] == pytest.approx(4 * (1 - clf.score(X, y)))


def test_same_random_state_same_weights(seed_moons):
    X, y = seed_moons
    a, b = Perceptron(random_state=7).fit(X, y), Perceptron(random_state=7).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)
    np.testing.assert_array_equal(a.mistakes_per_epoch_, b.mistakes_per_epoch_)


def test_learning_rate_only_scales_the_weights(seed_moons):
    # From w = 0 every update is a multiple of eta: same mistakes, weights scaled by eta.
    X, y = seed_moons
    a, b = Perceptron(eta0=1.0, random_state=3).fit(X, y), Perceptron(eta0=0.1, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.mistakes_per_epoch_, b.mistakes_per_epoch_)
    np.testing.assert_allclose(b.coef_, 0.1 * a.coef_, rtol=1e-9)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


@pytest.mark.parametrize(
    ("labels", "negative", "positive"),
    [((-1, 1), -1, 1), ((0, 1), 0, 1), (("cat", "dog"), "cat", "dog")],
)
def test_any_two_labels(labels, negative, positive):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 3.0], [3.0, 4.0]])
    y = np.array([labels[0], labels[0], labels[1], labels[1]])
    clf = Perceptron(random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, [negative, positive])
    np.testing.assert_array_equal(clf.predict(X), y)
    assert np.all((clf.decision_function(X) > 0) == (y == positive))


def test_without_intercept_the_line_goes_through_the_origin():
    X = np.array([[1.0, 2.0], [2.0, 1.0], [-1.0, -1.5], [-2.0, -0.5]])
    clf = Perceptron(fit_intercept=False, shuffle=False).fit(X, [1, 1, 0, 0])
    assert clf.converged_ and clf.intercept_[0] == 0.0
    assert clf.decision_function(np.zeros((1, 2)))[0] == 0.0


def test_matches_scikit_learn(seed_moons):
    sklearn_linear = pytest.importorskip("sklearn.linear_model")
    X, y = seed_moons
    ours = Perceptron(shuffle=False).fit(X, y)
    # scikit-learn's Perceptron is the same rule (update when y·f <= 0, eta0 = 1, no penalty):
    # without shuffling both visit the samples in the same order and end on the same weights.
    theirs = sklearn_linear.Perceptron(shuffle=False, tol=None, max_iter=10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-5)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-5)
    shuffled = sklearn_linear.Perceptron(random_state=0).fit(X, y)
    assert ours.score(X, y) == shuffled.score(X, y) == 1.0
    np.testing.assert_array_equal(ours.predict(X), shuffled.predict(X))


def test_estimator_conventions(seed_moons):
    X, y = seed_moons
    clf = Perceptron(eta0=0.5, max_iter=50, shuffle=False, random_state=1, fit_intercept=True)
    assert clf.get_params() == {
        "eta0": 0.5,
        "max_iter": 50,
        "shuffle": False,
        "random_state": 1,
        "fit_intercept": True,
    }
    assert not [name for name in vars(clf) if name.endswith("_")]  # __init__ stores hyperparameters only
    assert clf.set_params(max_iter=60) is clf and clf.max_iter == 60
    with pytest.raises(ValueError, match="invalid parameter"):
        clf.set_params(lr=1)
    assert repr(clf) == "Perceptron(eta0=0.5, max_iter=60, shuffle=False, random_state=1)"
    assert clf.fit(X, y) is clf
    learned = {name for name in vars(clf) if name not in clf.get_params()}
    assert learned and all(name.endswith("_") for name in learned)
    assert clf.coef_.shape == (1, 2) and clf.intercept_.shape == (1,) and clf.n_features_in_ == 2


def test_scikit_learn_clone(seed_moons):
    base = pytest.importorskip("sklearn.base")
    X, y = seed_moons
    fitted = Perceptron(eta0=0.1, random_state=0).fit(X, y)
    copy = base.clone(fitted)  # get_params / __init__ round trip, learned state dropped
    assert copy.get_params() == fitted.get_params() and not hasattr(copy, "coef_")
    np.testing.assert_array_equal(copy.fit(X, y).coef_, fitted.coef_)


def test_predict_before_fit_raises():
    clf = Perceptron()
    for method in (clf.predict, clf.decision_function):
        with pytest.raises(NotFittedError, match="not fitted"):
            method(np.zeros((1, 2)))
    assert issubclass(NotFittedError, ValueError)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"eta0": 0.0}, "eta0"),
        ({"eta0": -1}, "eta0"),
        ({"max_iter": 0}, "max_iter"),
        ({"max_iter": 2.5}, "max_iter"),
    ],
)
def test_bad_hyperparameters_raise_in_fit(params, message):
    X, y = make_xor()
    with pytest.raises(ValueError, match=message):
        Perceptron(**params).fit(X, y)


def test_bad_data_raise():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="exactly 2 classes"):
        Perceptron().fit(X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="same first dimension"):
        Perceptron().fit(X, [0, 1, 1])
    with pytest.raises(ValueError, match="NaN"):
        Perceptron().fit(np.array([[np.nan, 0.0], [1.0, 1.0]]), [0, 1])
    clf = Perceptron(random_state=0).fit(*make_moons(50, noise=0.1, random_state=0, shift=2.0))
    with pytest.raises(ValueError, match="3 features"):
        clf.predict(np.zeros((2, 3)))


def test_converged_fit_emits_no_warning(seed_moons):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Perceptron(random_state=0).fit(*seed_moons)

"""The d2l polynomial and high-dimensional linear generators reproduce their formulas."""

import math

import numpy as np
import pytest

from neuronlab.datasets import make_linear_regression, make_polynomial


def cubic(x):
    return 5 + 1.2 * x - 3.4 * x**2 / 2 + 5.6 * x**3 / 6


def test_polynomial_defaults_are_d2l():
    d = make_polynomial(random_state=0)
    assert d.X_train.shape == d.X_test.shape == (100, 20)
    assert d.y_train.shape == d.y_test.shape == (100, 1)
    assert d.X_train.dtype == np.float32
    np.testing.assert_allclose(d.true_w[:4], [5, 1.2, -3.4, 5.6], rtol=1e-6)
    assert not d.true_w[4:].any()


def test_polynomial_features_are_scaled_powers_and_noise_free_targets_are_exact():
    d = make_polynomial(noise=0.0, random_state=1, dtype=np.float64)
    x = np.r_[d.x_train, d.x_test]
    X = np.r_[d.X_train, d.X_test]
    for i in range(20):
        np.testing.assert_allclose(X[:, i], x**i / math.factorial(i), rtol=1e-12)
    np.testing.assert_allclose(np.r_[d.y_train, d.y_test][:, 0], cubic(x), rtol=1e-12)
    np.testing.assert_allclose(X @ d.true_w, cubic(x), rtol=1e-12)


def test_unscaled_features_keep_the_same_function():
    scaled = make_polynomial(noise=0.0, random_state=2, dtype=np.float64)
    raw = make_polynomial(noise=0.0, random_state=2, dtype=np.float64, scale=False)
    np.testing.assert_array_equal(scaled.y_train, raw.y_train)
    np.testing.assert_allclose(raw.X_train[:, 5], raw.x_train**5)
    np.testing.assert_allclose(raw.true_w[:4], [5, 1.2, -1.7, 5.6 / 6])
    np.testing.assert_allclose(raw.X_train @ raw.true_w, raw.y_train[:, 0], rtol=1e-10)


def test_noise_has_the_stated_scale_and_regression_recovers_the_weights():
    d = make_polynomial(n_train=5000, n_test=10, noise=0.1, random_state=3, dtype=np.float64)
    w, *_ = np.linalg.lstsq(d.X_train[:, :4], d.y_train[:, 0], rcond=None)
    np.testing.assert_allclose(w, [5, 1.2, -3.4, 5.6], atol=0.02)
    residual = d.y_train[:, 0] - d.X_train @ d.true_w
    assert 0.09 < residual.std() < 0.11


def test_polynomial_rejects_too_small_degree():
    with pytest.raises(ValueError, match="X\\[:, :k\\]"):
        make_polynomial(max_degree=3)


def test_linear_regression_defaults_are_d2l():
    d = make_linear_regression(random_state=0)
    assert d.X_train.shape == (20, 200) and d.X_test.shape == (100, 200)
    assert d.y_train.shape == (20, 1) and d.true_w.shape == (200, 1) and d.true_b == 0.05
    np.testing.assert_allclose(d.true_w, 0.01)
    exact = make_linear_regression(noise=0.0, random_state=0, dtype=np.float64)
    np.testing.assert_allclose(exact.X_test @ exact.true_w + 0.05, exact.y_test, rtol=1e-12)
    noisy = make_linear_regression(n_test=20000, random_state=0, dtype=np.float64)
    assert 0.009 < (noisy.y_test - noisy.X_test @ noisy.true_w - 0.05).std() < 0.011


def test_same_seed_same_data():
    a, b = make_polynomial(random_state=5), make_polynomial(random_state=5)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, make_polynomial(random_state=6).X_train)

"""Input checks say what is wrong, how much of it, and where."""

import numpy as np
import pytest

import neuronlab as nl
from neuronlab.datasets import check_classification_targets, check_features, check_lengths, check_random_state


def test_check_features_names_counts_and_positions():
    X = np.zeros((4, 3))
    X[1, 2], X[3, 0], X[3, 1] = np.nan, np.inf, -np.inf
    with pytest.raises(ValueError) as info:
        check_features(X)
    message = str(info.value)
    assert "1 NaN and 2 infinite" in message and "(1, 2)" in message and "(3, 0)" in message
    with pytest.raises(ValueError, match="X_test contains 1 NaN"):
        check_features([1.0, float("nan")], name="X_test")
    with pytest.raises(ValueError, match="must hold numbers"):
        check_features(np.array(["a", "b"]))
    np.testing.assert_array_equal(check_features(nl.tensor([[1.0, 2.0]])), [[1.0, 2.0]])
    assert check_features(np.arange(3)).dtype == np.int64


def test_check_classification_targets():
    np.testing.assert_array_equal(check_classification_targets([0, 2, 1], n_classes=3), [0, 2, 1])
    assert check_classification_targets(np.array([1.0, 0.0])).dtype == np.int64
    with pytest.raises(ValueError, match="1 value\\(s\\) are not integers, at positions 1"):
        check_classification_targets([0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="2 negative label\\(s\\) at positions 0, 2.*\\(y \\+ 1\\) // 2"):
        check_classification_targets([-1, 1, -1])
    with pytest.raises(ValueError, match="1 label\\(s\\) >= n_classes=3 \\(largest 3\\) at positions 2"):
        check_classification_targets([0, 1, 3], n_classes=3)
    with pytest.raises(ValueError, match="1-D.*argmax"):
        check_classification_targets(np.eye(3))
    with pytest.raises(ValueError, match="must hold integer class indices"):
        check_classification_targets(np.array(["cat", "dog"]))


def test_check_lengths_and_random_state():
    assert check_lengths(np.zeros((3, 2)), [0, 1, 2]) == 3
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        check_lengths(np.zeros((3, 2)), [0, 1])
    assert check_random_state(0).random() == np.random.default_rng(0).random()
    g = nl.Generator().manual_seed(1)
    assert check_random_state(g) is g.rng
    with pytest.raises(ValueError, match="random_state"):
        check_random_state("seed")
    with pytest.raises(ValueError, match="non-negative"):
        check_random_state(-1)

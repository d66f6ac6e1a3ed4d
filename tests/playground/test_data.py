"""Generators give the promised shapes and labels; a CSV upload is validated with clear messages."""

import numpy as np
import pytest

from neuronlab.playground.data import GENERATORS, CSVError, feature_matrix, make_data, parse_csv, split


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators(name):
    X, y = make_data(name, 101, 0.1, seed=3, classes=3)
    assert X.shape == (101, 2) and X.dtype == np.float32 and np.isfinite(X).all()
    if name in ("plane", "multigauss"):
        assert y.dtype == np.float32 and np.abs(y).max() <= 1.5
    else:
        assert y.dtype == np.int64 and set(np.unique(y)) <= {0, 1, 2}
    X2, y2 = make_data(name, 101, 0.1, seed=3, classes=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)  # the seed repeats the data


def test_course_double_moon_is_shifted_up():
    X, y = make_data("moons", 400, 0.0, seed=0)
    assert X[y == 0, 1].mean() > X[y == 1, 1].mean() + 1.0


def test_split_and_features():
    X, y = make_data("xor", 100, 0.0, seed=0)
    Xtr, ytr, Xte, yte = split(X, y, 0.7, seed=0)
    assert len(Xtr) == 70 and len(Xte) == 30
    F = feature_matrix(Xtr, ["x1", "x1x2", "sinx2"])
    assert np.allclose(F[:, 1], Xtr[:, 0] * Xtr[:, 1]) and np.allclose(F[:, 2], np.sin(Xtr[:, 1]))


def good_csv(n=20, header=True):
    rows = [f"{i * 0.1},{-i * 0.2},{i % 3}" for i in range(n)]
    return "\n".join((["x1,x2,label"] if header else []) + rows)


def test_csv_good():
    X, y = parse_csv(good_csv(), "classification")
    assert X.shape == (20, 2) and y.tolist()[:4] == [0, 1, 2, 0]
    X, y = parse_csv(good_csv(header=False), "regression")
    assert np.abs(y).max() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "text, words",
    [
        ("x1,x2,label\n1,2,0", "at least 10"),
        (good_csv().replace("0.5,-1.0,2", "0.5,abc,2"), "row 6, column 2: 'abc' is not a number"),
        (good_csv().replace("0.5,-1.0,2", "0.5,-1.0"), "row 6: expected 3 columns"),
        (good_csv().replace("0.5,-1.0,2", "0.5,-1.0,nan"), "is not a number"),
        (good_csv().replace("0.5,-1.0,2", "0.5,-1.0,1.5"), "whole numbers"),
        (good_csv().replace("0.5,-1.0,2", "0.5,-1.0,9"), "0 … K-1"),
        ("\n".join("1,1,0" for _ in range(6000)), "at most 5000 rows"),
        ("1" * 1_000_001, "larger than"),
    ],
)
def test_csv_errors(text, words):
    with pytest.raises(CSVError, match=words.replace("(", r"\(")):
        parse_csv(text, "classification")

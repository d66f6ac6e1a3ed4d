"""``NeuralNetClassifier``/``NeuralNetRegressor``: a neuronlab module + ``Trainer`` as scikit-learn
estimators (issue 14, "Interop users expect"): ``check_estimator``, then the tools users reach for."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import neuronlab as nl
from neuronlab import nn
from neuronlab.datasets import load_digits, make_moons
from neuronlab.train import NeuralNetClassifier, NeuralNetRegressor

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402


@pytest.mark.parametrize(
    "estimator", [NeuralNetClassifier(), NeuralNetRegressor()], ids=lambda e: type(e).__name__
)
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, on_fail=None)
    assert len(results) > 40  # the checks ran (the classifier's include multiclass ones)
    assert [f"{r['check_name']}: {r['exception']!r}" for r in results if r["status"] == "failed"] == []


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X[:900], y[:900]  # 10 classes, ~90 per class: a second, not minutes


def test_cross_val_score_on_digits(digits):
    X, y = digits
    scores = cross_val_score(make_pipeline(StandardScaler(), NeuralNetClassifier(random_state=0)), X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8 and scores.mean() > 0.85  # chance is 0.1


def test_grid_search_on_moons():
    X, y = make_moons(300, noise=0.2, random_state=0)
    grid = {"hidden_layer_sizes": [(2,), (32,)], "lr": [1e-4, 1e-2]}
    search = GridSearchCV(NeuralNetClassifier(max_epochs=30, random_state=0), grid, cv=3).fit(X, y)
    # a curved boundary needs width, and 1e-4 barely moves the weights in 30 epochs
    assert search.best_params_ == {"hidden_layer_sizes": (32,), "lr": 1e-2}
    assert search.best_score_ > 0.9 and search.best_estimator_.module_ is not None


def test_pipeline_on_digits(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(hidden_layer_sizes=(64,), random_state=0))
    pipe.fit(X[:600], y[:600])
    assert pipe.score(X[600:], y[600:]) > 0.85
    assert pipe.predict_proba(X[:5]).shape == (5, 10) and np.allclose(pipe.predict_proba(X[:5]).sum(1), 1)
    assert pipe[-1].n_features_in_ == 64 and list(pipe[-1].classes_) == list(range(10))


def test_random_state_repeats_and_leaves_the_global_stream_alone():
    X, y = make_moons(100, noise=0.2, random_state=1)
    nl.manual_seed(5)
    expected = nl.rand(3)
    nl.manual_seed(5)
    first = NeuralNetClassifier(max_epochs=5, random_state=3).fit(X, y)
    assert nl.equal(nl.rand(3), expected)  # fit drew from its own seeded stream
    second = clone(first).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    other = NeuralNetClassifier(max_epochs=5, random_state=4).fit(X, y)
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))


def test_module_as_callable_or_instance():
    X, y = make_moons(100, noise=0.1, random_state=0)
    labels = np.array(["blue", "red"])[y]

    def two_layers(n_features, n_outputs):
        return nn.Sequential(nn.Linear(n_features, 16), nn.Tanh(), nn.Linear(16, n_outputs))

    clf = NeuralNetClassifier(two_layers, max_epochs=40, random_state=0).fit(X, labels)
    assert clf.score(X, labels) > 0.9 and set(clf.predict(X)) <= {"blue", "red"}
    assert len(clf.history_.epochs) == 40 == clf.n_iter_
    given = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    before = [p.detach().numpy().copy() for p in given.parameters()]
    NeuralNetClassifier(given, max_epochs=3, random_state=0).fit(X, y)
    assert all(np.array_equal(b, p.detach().numpy()) for b, p in zip(before, given.parameters()))


def test_regressor_learns_and_scores_r2():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.05 * rng.normal(size=200)
    reg = NeuralNetRegressor(max_epochs=60, random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.95 and reg.predict(X).shape == (200,)


def test_errors_read_well():
    X, y = make_moons(50, noise=0.1, random_state=0)
    with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
        NeuralNetClassifier().predict(X)
    with pytest.raises(ValueError, match="Unknown label type: continuous.*use a regressor"):
        NeuralNetClassifier().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="X has 3 features, but NeuralNetClassifier is expecting 2"):
        NeuralNetClassifier(max_epochs=1, random_state=0).fit(X, y).predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="activation must be one of"):
        NeuralNetClassifier(activation="softmax").fit(X, y)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        NeuralNetClassifier(optimizer="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="lr is the learning rate"):
        NeuralNetRegressor(lr=float("inf")).fit(X, y)


def test_train_imports_without_sklearn():
    code = "import sys, neuronlab.train; assert 'sklearn' not in sys.modules, 'sklearn imported'"
    subprocess.run([sys.executable, "-c", code], check=True)

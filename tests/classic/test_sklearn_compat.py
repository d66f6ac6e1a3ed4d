"""``classic.Perceptron`` is a scikit-learn estimator: it passes ``check_estimator`` and works in
``cross_val_score``, ``GridSearchCV`` and ``Pipeline`` (issue 14, "Interop users expect")."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from neuronlab.classic import NotFittedError, Perceptron
from neuronlab.datasets import make_moons

sklearn = pytest.importorskip("sklearn")
from sklearn.exceptions import NotFittedError as SklearnNotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402


def failed_checks(estimator) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, on_fail=None)
    assert len(results) > 40  # the checks ran, rather than being skipped
    return [f"{r['check_name']}: {r['exception']!r}" for r in results if r["status"] == "failed"]


def test_perceptron_passes_check_estimator():
    assert failed_checks(Perceptron()) == []


@pytest.fixture
def shifted_moons():
    return make_moons(200, noise=0.1, random_state=0, shift=2.0)  # linearly separable


def test_cross_val_score(shifted_moons):
    X, y = shifted_moons
    scores = cross_val_score(Perceptron(random_state=0), X, y, cv=5)
    assert scores.shape == (5,) and scores.mean() > 0.95


def test_grid_search(shifted_moons):
    X, y = shifted_moons
    search = GridSearchCV(
        Perceptron(random_state=0), {"max_iter": [1, 100], "fit_intercept": [False, True]}, cv=3
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=1 does not converge, by design
        search.fit(X, y)
    # the shifted moons are separable only by a line off the origin: the bias is chosen
    assert search.best_params_["fit_intercept"] is True and len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.n_features_in_ == 2 and search.score(X, y) > 0.95


def test_pipeline(shifted_moons):
    X, y = shifted_moons
    pipe = make_pipeline(StandardScaler(), Perceptron(random_state=0)).fit(X, y)
    assert pipe.score(X, y) == 1.0 and pipe[-1].n_features_in_ == 2


def test_not_fitted_error_is_both_libraries():
    for catch in (NotFittedError, SklearnNotFittedError):
        with pytest.raises(catch, match="not fitted yet: call fit"):
            Perceptron().predict(np.zeros((1, 2)))


def test_messages_say_what_to_do(shifted_moons):
    X, y = shifted_moons
    with pytest.raises(ValueError, match="Reshape your data.*reshape\\(-1, 1\\)"):
        Perceptron().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="Unknown label type: continuous.*use a regressor"):
        Perceptron().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="Only binary.*one-vs-rest"):
        Perceptron().fit(X, np.arange(len(X)) % 3)
    with pytest.raises(ValueError, match="X has 3 features, but Perceptron is expecting 2"):
        Perceptron(random_state=0).fit(X, y).predict(np.zeros((1, 3)))
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="sparse input is not supported.*toarray"):
        Perceptron().fit(sparse.csr_matrix(X), y)


def test_classic_imports_without_sklearn():
    code = "import sys, neuronlab.classic; assert 'sklearn' not in sys.modules, 'sklearn imported'"
    subprocess.run([sys.executable, "-c", code], check=True)

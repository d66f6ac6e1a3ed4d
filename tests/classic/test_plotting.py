"""The plotting helpers draw on an Axes and return it (matplotlib's Agg backend, no window)."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuronlab.classic import (  # noqa: E402
    NotFittedError,
    Perceptron,
    plot_decision_boundary,
    plot_mistakes,
    xor_network,
)
from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons, make_xor  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted():
    X, y = make_moons(200, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)
    return Perceptron(random_state=0).fit(X, y), X, y


def test_decision_boundary_of_a_perceptron_is_its_line(fitted):
    clf, X, y = fitted
    ax = plot_decision_boundary(clf, X, y)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert len(ax.collections) >= 3  # regions, the boundary line, one scatter per class
    # The drawn boundary is the zero level of decision_function: the line w·x + b = 0.
    (boundary,) = [c for c in ax.collections if list(getattr(c, "levels", [])) == [0.0]]
    vertices = np.concatenate([p.vertices for p in boundary.get_paths() if len(p.vertices)])
    np.testing.assert_allclose(clf.decision_function(vertices), 0.0, atol=1e-6)


def test_decision_boundary_on_given_axes_and_predict_only_models():
    X, y = make_xor()
    _, ax = plt.subplots()
    assert plot_decision_boundary(xor_network(), X, y, ax=ax) is ax
    assert ax.get_legend() is not None


def test_decision_boundary_of_a_scikit_learn_model(fitted):
    linear = pytest.importorskip("sklearn.linear_model")
    _, X, y = fitted
    ax = plot_decision_boundary(linear.LogisticRegression().fit(X, y), X, y)
    assert isinstance(ax, matplotlib.axes.Axes)


def test_decision_boundary_needs_2d_data(fitted):
    clf, _, _ = fitted
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot_decision_boundary(clf, np.zeros((3, 3)), [0, 1, 0])


def test_plot_mistakes(fitted):
    clf, _, _ = fitted
    ax = plot_mistakes(clf, show_mse=True)
    assert isinstance(ax, matplotlib.axes.Axes)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), clf.mistakes_per_epoch_)
    assert "converged" in ax.get_title()
    with pytest.raises(NotFittedError):
        plot_mistakes(Perceptron())


def test_decision_boundary_of_any_module():
    import neuronlab as nl
    from neuronlab import nn

    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    nl.manual_seed(0)
    for model in (nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2)), nn.Linear(2, 1)):
        model.train()
        ax = plot_decision_boundary(model, X, [0, 1, 1, 0])
        assert ax.get_title().endswith("decision boundary") and model.training  # mode restored

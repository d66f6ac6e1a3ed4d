"""Figures for the classic models: a 2-D decision boundary and the perceptron's mistakes per epoch.

matplotlib is imported inside the functions, so ``import neuronlab.classic`` never needs it.
Both functions draw on ``ax`` (a new figure when None) and return the Axes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from neuronlab.classic.perceptron import NotFittedError
from neuronlab.engine.grad_mode import no_grad
from neuronlab.ops.creation import from_numpy

if TYPE_CHECKING:  # annotations only: matplotlib is imported when a function draws
    from matplotlib.axes import Axes


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 4))
    return ax


def _grid(X: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-3)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    return np.meshgrid(xs, ys)


def _module_scores(model: Any, points: np.ndarray) -> np.ndarray:
    """A module's outputs on the grid (eval mode, no gradients): one column is read as a logit
    (boundary at 0), several as class scores (boundary where the argmax changes)."""
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with no_grad():
            out = model(from_numpy(points.astype(np.float32)))
    finally:
        if hasattr(model, "train"):
            model.train(was_training)
    scores = np.asarray(out.numpy() if hasattr(out, "numpy") else out, dtype=np.float64)
    return scores[:, 0] if scores.ndim == 2 and scores.shape[1] == 1 else scores


def _scores(model: Any, points: np.ndarray) -> np.ndarray | None:
    """Scores to contour: ``decision_function``, or a module's outputs; None for a model that
    only predicts labels."""
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(points), dtype=np.float64)
    if not hasattr(model, "predict") and callable(model):
        return _module_scores(model, points)
    return None


def _surface(model: Any, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """``(values, regions, levels)`` over the grid: what to contour, the class regions, the boundary levels."""
    scores = _scores(model, points)
    if scores is None:
        _, codes = np.unique(np.asarray(model.predict(points)), return_inverse=True)
    elif scores.ndim == 1:  # one score per sample: the boundary is its zero level
        return scores, (scores >= 0).astype(np.float64), [0.0]
    else:
        codes = scores.argmax(axis=1)  # several classes: the edges between argmax regions
    codes = codes.astype(np.float64)
    return codes, codes, [k + 0.5 for k in range(int(codes.max()))]


def plot_decision_boundary(
    model: Any, X: ArrayLike, y: ArrayLike, ax: Axes | None = None, resolution: int = 200
) -> Axes:
    """Scatter 2-D data coloured by class and draw the model's decision boundary and regions.

    The boundary is the zero level of ``decision_function`` when the model has one with one
    score per sample (a line w·x + b = 0 for ``Perceptron``), otherwise the edges between the
    regions ``predict`` assigns to different classes (``MPNetwork``, any classifier). Any
    ``nn.Module`` (``nn.Sequential`` included) works too: one output is read as a logit (boundary
    at 0), several as class scores.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from neuronlab.classic import xor_network
        >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> plot_decision_boundary(xor_network(), X, [0, 1, 1, 0]).get_xlabel()
        'x1'
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary draws 2-D data: X must have shape (n, 2), got {X.shape}")
    ax = _axes(ax)
    gx, gy = _grid(X, resolution)
    values, regions, levels = _surface(model, np.column_stack([gx.ravel(), gy.ravel()]))
    values, regions = values.reshape(gx.shape), regions.reshape(gx.shape)
    if regions.min() < regions.max():  # shade the class regions (a constant one has nothing to show)
        ax.contourf(gx, gy, regions, alpha=0.15, cmap="coolwarm")
    if levels and values.min() < max(levels) and values.max() > min(levels):  # the boundary is in view
        ax.contour(gx, gy, values, levels=levels, colors="k", linewidths=1.5)
    for k, label in enumerate(np.unique(y)):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=12, label=f"class {label}", color=f"C{k}", edgecolor="none")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(f"{type(model).__name__}: decision boundary")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_mistakes(perceptron: Any, ax: Axes | None = None, show_mse: bool = False) -> Axes:
    """Plot a fitted perceptron's mistakes (weight updates) per epoch; optionally its MSE too.

    The curve reaches 0 in the last epoch when the perceptron converged (``converged_``);
    ``show_mse`` adds ``mse_per_epoch_`` on a second y-axis.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from neuronlab.classic import Perceptron
        >>> clf = Perceptron(random_state=0).fit(np.array([[0.0], [1.0]]), [0, 1])
        >>> plot_mistakes(clf).get_ylabel()
        'mistakes (updates) in the epoch'
    """
    if not hasattr(perceptron, "mistakes_per_epoch_"):
        raise NotFittedError("plot_mistakes needs a fitted perceptron: call fit(X, y) first")
    ax = _axes(ax)
    mistakes = np.asarray(perceptron.mistakes_per_epoch_)
    epochs = np.arange(1, mistakes.size + 1)
    ax.plot(epochs, mistakes, marker="o", markersize=3, color="C0", label="mistakes")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes (updates) in the epoch")
    state = "converged" if getattr(perceptron, "converged_", False) else "did not converge"
    ax.set_title(f"Perceptron: {int(mistakes.sum())} mistakes in {mistakes.size} epochs ({state})")
    if show_mse:
        twin = ax.twinx()
        twin.plot(epochs, perceptron.mse_per_epoch_, color="C3", linestyle="--", label="MSE (±1 outputs)")
        twin.set_ylabel("MSE after the epoch", color="C3")
    return ax

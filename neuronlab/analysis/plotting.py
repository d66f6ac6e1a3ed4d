"""Figures of loss-landscape slices (the analysis functions compute; these only draw).

matplotlib is imported inside each function, so ``neuronlab.analysis`` works without it.
"""

from __future__ import annotations

import numpy as np

from neuronlab.analysis.landscape import Landscape

__all__ = ["plot_contour", "plot_landscape", "plot_surface"]


def plot_surface(result: Landscape, ax=None, cmap: str = "viridis"):
    """A 3-D surface of a 2-D slice: the loss above the (α, β) plane. Returns the Axes.

    ``ax`` must be a 3-D Axes (``fig.add_subplot(projection="3d")``); a new figure is made
    when it is None.

    Example:
        >>> a = np.linspace(-1, 1, 9)
        >>> bowl = Landscape((a, a), np.add.outer(a**2, 2 * a**2), ("w", "b"), {"loss": "mse"})
        >>> plot_surface(bowl).get_zlabel()
        'loss (mse)'
    """
    import matplotlib.pyplot as plt

    _check_2d(result)
    if ax is None:
        ax = plt.figure(figsize=(6, 5)).add_subplot(projection="3d")
    a, b = np.meshgrid(result.axes[0], result.axes[1], indexing="ij")  # values are (i, j) = (α, β)
    ax.plot_surface(a, b, result.values, cmap=cmap, linewidth=0, antialiased=True)
    ax.set_xlabel(result.labels[0])
    ax.set_ylabel(result.labels[1])
    ax.set_zlabel(f"loss ({result.metadata.get('loss', '')})")
    return ax


def plot_contour(result: Landscape, ax=None, levels: int = 30, cmap: str = "viridis"):
    """Filled contours of a 2-D slice with a colour bar, the grid minimum marked. Returns the Axes.

    Example:
        >>> a = np.linspace(-1, 1, 9)
        >>> plot_contour(Landscape((a, a), np.add.outer(a**2, a**2), ("α", "β"))).get_xlabel()
        'α'
    """
    import matplotlib.pyplot as plt

    _check_2d(result)
    if ax is None:
        ax = plt.figure(figsize=(5, 4)).add_subplot()
    a, b = np.meshgrid(result.axes[0], result.axes[1], indexing="ij")
    filled = ax.contourf(a, b, result.values, levels=levels, cmap=cmap)
    ax.contour(a, b, result.values, levels=levels, colors="k", linewidths=0.3)
    ax.figure.colorbar(filled, ax=ax, label="loss")
    i, j = np.unravel_index(int(np.argmin(result.values)), result.values.shape)
    ax.plot(result.axes[0][i], result.axes[1][j], "r*", markersize=10, label="grid minimum")
    ax.set_xlabel(result.labels[0])
    ax.set_ylabel(result.labels[1])
    ax.legend(loc="upper right")
    return ax


def plot_landscape(result: Landscape, title: str | None = None):
    """A figure with the surface and the contours side by side (a line plot for a 1-D
    slice). Returns the Figure.

    Example:
        >>> a = np.linspace(-1, 1, 9)
        >>> fig = plot_landscape(Landscape((a, a), np.add.outer(a**2, a**2), ("w", "b")), title="a bowl")
        >>> len(fig.axes)  # surface, contours and the colour bar
        3
        >>> fig.savefig("landscape.png")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if result.ndim == 1:
        fig, ax = plt.subplots(figsize=(5, 4))
        ax.plot(result.axes[0], result.values)
        ax.set_xlabel(result.labels[0])
        ax.set_ylabel(f"loss ({result.metadata.get('loss', '')})")
    else:
        fig = plt.figure(figsize=(11, 4.5))
        plot_surface(result, fig.add_subplot(1, 2, 1, projection="3d"))
        plot_contour(result, fig.add_subplot(1, 2, 2))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _check_2d(result: Landscape) -> None:
    if result.ndim != 2:
        raise ValueError(f"this plot needs a 2-D slice, got {result.ndim}-D (use plot_landscape)")

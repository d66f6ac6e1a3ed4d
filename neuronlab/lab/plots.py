"""Figures for lab reports, made without pyplot (no global state, no GUI backend needed)."""

from __future__ import annotations


def new_figure(nrows: int = 1, ncols: int = 1, width: float = 5.0, height: float = 3.6, **kwargs):
    """A matplotlib ``Figure`` and its axes (an array when there are several), sized per panel.

    Example:
        >>> fig, ax = new_figure()
        >>> ax.plot([0, 1], [1, 0])
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def save_figure(fig, path) -> None:
    """Save ``fig`` as a PNG at 110 dpi."""
    fig.savefig(path, dpi=110)

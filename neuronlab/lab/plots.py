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


def mean_band(ax, x, values, label: str | None = None, *, center: str = "mean", alpha: float = 0.2, **style):
    """Plot what several seeds measured: a line at their centre and a band from the lowest
    to the highest seed. Returns the line.

    ``values`` has one row per seed and one column per ``x``. ``center`` is ``"mean"``,
    ``"geometric"`` (the mean of the logarithms: for values spread over decades) or
    ``"median"``. NaN entries (a seed that diverged) are left out of every statistic.

    Example:
        >>> fig, ax = new_figure()
        >>> line = mean_band(ax, [1, 2, 3], [[1.0, 2.0, 3.0], [1.5, 2.5, 2.5]], "loss")
    """
    import warnings

    import numpy as np

    values = np.asarray(values, dtype=float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # a column where every seed is NaN
        if center == "mean":
            middle = np.nanmean(values, 0)
        elif center == "geometric":
            middle = np.exp(np.nanmean(np.log(values), 0))
        elif center == "median":
            middle = np.nanmedian(values, 0)
        else:
            raise ValueError(f"mean_band: center must be 'mean', 'geometric' or 'median', got {center!r}")
        low, high = np.nanmin(values, 0), np.nanmax(values, 0)
    line = ax.plot(x, middle, label=label, **style)[0]
    ax.fill_between(x, low, high, color=line.get_color(), alpha=alpha)
    return line

"""Figures of ``LayerStats`` records: curves over training and bars over depth.

Kept apart from ``stats`` (STYLE 16): computing never needs matplotlib, which is imported
only when a figure is drawn.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence

import numpy as np

from neuronlab.analysis.stats import LayerStats

__all__ = ["plot_layer_stats", "plot_per_layer"]


def _series(stats) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list[str]]:
    """(values, steps, key order) from a ``LayerStats`` or a ``{key: values}`` mapping."""
    if isinstance(stats, LayerStats):
        return stats.history, stats.steps, stats.keys()
    if isinstance(stats, Mapping):
        values = {k: np.asarray(v, dtype=np.float64) for k, v in stats.items()}
        return values, {k: np.arange(1, len(v) + 1) for k, v in values.items()}, list(values)
    raise TypeError(f"expected a LayerStats or a {{key: values}} mapping, got {type(stats).__name__}")


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(6.4, 4.0))[1]


def plot_layer_stats(
    stats, keys: str | Sequence[str] = "*/activation/var", ax=None, logy: bool | None = None
):
    """One curve per matching key over training steps.

    ``keys`` is a glob pattern (``"*/output/grad/norm"``) or a list of keys or patterns.
    ``logy`` defaults to a log scale when every value is positive and they span more than
    two decades (vanishing/exploding gradients). Returns the matplotlib ``Axes``.

    Example:
        >>> ax = plot_layer_stats(stats, "*/output/grad/norm")   # doctest: +SKIP
    """
    values, steps, order = _series(stats)
    patterns = [keys] if isinstance(keys, str) else list(keys)
    chosen = [k for k in order if any(fnmatch.fnmatchcase(k, p) for p in patterns)]
    if not chosen:
        raise ValueError(f"plot_layer_stats(): no recorded key matches {patterns}; keys are {order[:8]}...")
    ax = _axes(ax)
    for key in chosen:
        ax.plot(steps[key], values[key], label=key)
    joined = np.concatenate([values[k] for k in chosen])
    finite = joined[np.isfinite(joined)]
    if logy is None:
        logy = finite.size > 0 and finite.min() > 0 and finite.max() / finite.min() > 100
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(patterns[0] if len(patterns) == 1 else "value")
    ax.legend(fontsize="small")
    return ax


def plot_per_layer(stats, metric: str = "activation/var", step: int = -1, ax=None, logy: bool = False):
    """A bar per layer (in depth order) of ``metric`` (e.g. ``"output/grad/norm"``) at one
    recorded ``step`` (a step number, or -1 for the last). Returns the ``Axes``.

    Example:
        >>> ax = plot_per_layer(stats, "weight/grad/norm")   # doctest: +SKIP
    """
    if not isinstance(stats, LayerStats):
        raise TypeError(f"plot_per_layer() needs a LayerStats, got {type(stats).__name__}")
    values = stats.per_layer(metric, step)
    if not values:
        raise ValueError(f"plot_per_layer(): no layer recorded {metric!r} at step {step}")
    ax = _axes(ax)
    names = list(values)
    ax.bar(range(len(names)), list(values.values()))
    ax.set_xticks(range(len(names)), names, rotation=45 if len(names) > 6 else 0)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} by layer, step {step if step >= 0 else 'last'}")
    return ax

"""The loss landscape around the current weights: ``neuronlab.analysis.landscape_2d`` along two
filter-normalized random directions (Li et al., 2018), drawn as a heat map with the current
weights at its centre."""

from __future__ import annotations

from typing import Any

import numpy as np

import neuronlab
from neuronlab.analysis import landscape_2d
from neuronlab.playground.config import ConfigError
from neuronlab.playground.render import b64
from neuronlab.playground.training import NetworkRun

__all__ = ["landscape_frame"]

RESOLUTION = 25
# A perceptually ordered ramp (dark blue → yellow) for loss values, low to high.
_RAMP = np.array([[48, 18, 59], [65, 105, 225], [30, 170, 170], [120, 200, 80], [250, 230, 60]], dtype=float)


def _colors(values: np.ndarray) -> np.ndarray:
    v = np.log1p(np.nan_to_num(values, nan=np.nanmax(values), posinf=np.nanmax(values)))
    t = (v - v.min()) / ((v.max() - v.min()) or 1.0) * (len(_RAMP) - 1)
    lo = np.floor(t).astype(int).clip(0, len(_RAMP) - 2)
    rgb = _RAMP[lo] + (_RAMP[lo + 1] - _RAMP[lo]) * (t - lo)[..., None]
    return np.concatenate([rgb, np.full(rgb.shape[:-1] + (1,), 255.0)], -1)


def landscape_frame(run: Any) -> dict:
    """The training loss on a 25 × 25 grid of θ + α d₁ + β d₂, α, β ∈ [−1, 1]."""
    if not isinstance(run, NetworkRun):
        raise ConfigError("the loss landscape works in the network mode")
    run.model.eval()
    plain = all(not isinstance(m, neuronlab.nn.BatchNorm1d | neuronlab.nn.Dropout) for m in run.model)
    if run.regression:
        loss, y = "mse", run.y_train.reshape(-1, 1)
    elif run.n_out == 1:
        loss, y = "bce_with_logits", run.y_train.reshape(-1, 1).astype(np.float32)
    else:
        loss, y = "cross_entropy", run.y_train
    surface = landscape_2d(
        run.model, None, (-1.0, 1.0), RESOLUTION, (run.F_train, y), loss,
        seed=run.config["seed"], vectorized=plain,
    )  # fmt: skip
    values = surface.values
    # Row 0 is drawn at the top: the largest β first; columns are α.
    image = _colors(values.T[::-1])
    centre = values[RESOLUTION // 2, RESOLUTION // 2]
    return {
        "type": "landscape",
        "size": RESOLUTION,
        "image": b64(image),
        "min": float(np.nanmin(values)),
        "max": float(np.nanmax(values)),
        "centre": float(centre),
        "seconds": round(surface.metadata["seconds"], 3),
    }

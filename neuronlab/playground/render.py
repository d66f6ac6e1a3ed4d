"""Colours for the pictures the page draws: values in [-1, 1] → TF Playground's orange-white-blue,
class probabilities → a palette, all sent as base64 bytes the page paints into a canvas."""

from __future__ import annotations

import base64

import numpy as np

__all__ = ["CLASS_COLORS", "b64", "class_rgba", "diverging_rgba", "gray_bytes"]

ORANGE, WHITE, BLUE = np.array([245, 147, 34]), np.array([250, 250, 250]), np.array([8, 119, 189])
# Class 0 orange and class 1 blue as in TF Playground; more classes take the next colours.
CLASS_COLORS = np.array(
    [[245, 147, 34], [8, 119, 189], [60, 160, 70], [150, 80, 190], [210, 50, 60], [0, 160, 160]]
)


def b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.uint8).tobytes()).decode("ascii")


def diverging_rgba(values: np.ndarray) -> np.ndarray:
    """(H, W) values in [-1, 1] → (H, W, 4) uint8: −1 orange, 0 white, +1 blue."""
    v = np.clip(np.nan_to_num(values), -1, 1)[..., None]
    rgb = np.where(v < 0, WHITE + (ORANGE - WHITE) * -v, WHITE + (BLUE - WHITE) * v)
    return _with_alpha(rgb)


def class_rgba(probs: np.ndarray) -> np.ndarray:
    """(H, W, K) class probabilities → the winning class's colour, paler where it is less sure."""
    k = probs.shape[-1]
    top = probs.argmax(-1)
    sure = ((probs.max(-1) - 1 / k) / (1 - 1 / k))[..., None]
    rgb = WHITE + (CLASS_COLORS[top % len(CLASS_COLORS)] - WHITE) * np.clip(sure, 0, 1) * 0.8
    return _with_alpha(rgb)


def gray_bytes(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] → bytes 0…255 (the page colours them with the same orange-white-blue)."""
    return np.round((np.clip(np.nan_to_num(values), -1, 1) + 1) * 127.5).astype(np.uint8)


def _with_alpha(rgb: np.ndarray) -> np.ndarray:
    alpha = np.full(rgb.shape[:-1] + (1,), 255)
    return np.concatenate([rgb, alpha], -1).astype(np.uint8)

"""Copies of training state that do not share memory with the live objects, for rollback
(``DivergenceGuard``, ``EarlyStopping(restore_best_weights=True)``) and checkpoints."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.tensor import Tensor


def deep_copy(state):
    """A copy of a (nested) state dict in which every tensor and array owns its memory."""
    if isinstance(state, Tensor):
        return Tensor._wrap(state._data.copy())
    if isinstance(state, np.ndarray):
        return state.copy()
    if isinstance(state, dict):
        return {k: deep_copy(v) for k, v in state.items()}
    if isinstance(state, list | tuple):
        return type(state)(deep_copy(v) for v in state)
    return state

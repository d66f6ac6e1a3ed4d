"""Functional forms of the linear layer and of one-hot encoding."""

from __future__ import annotations

from neuronlab.ops.indexing import one_hot
from neuronlab.ops.linalg import linear

__all__ = ["linear", "one_hot"]

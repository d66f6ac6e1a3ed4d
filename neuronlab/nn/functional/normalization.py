"""Normalization in functional form (``F.batch_norm``, ``F.layer_norm``), with PyTorch's
signatures. The fused ops live in ``neuronlab.ops.normalization``."""

from __future__ import annotations

from neuronlab.ops.normalization import batch_norm, layer_norm

__all__ = ["batch_norm", "layer_norm"]

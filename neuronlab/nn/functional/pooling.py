"""Pooling in functional form (``F.max_pool2d``, ``F.avg_pool2d``,
``F.adaptive_avg_pool2d``), with PyTorch's signatures. The ops live in
``neuronlab.ops.pooling``."""

from __future__ import annotations

from neuronlab.ops.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d

__all__ = ["adaptive_avg_pool2d", "avg_pool2d", "max_pool2d"]

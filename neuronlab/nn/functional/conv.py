"""Convolution and padding in functional form (``F.conv2d``, ``F.pad``, ``F.unfold``,
``F.fold``), with PyTorch's signatures. The ops themselves live in ``neuronlab.ops.conv``."""

from __future__ import annotations

from neuronlab.ops.conv import conv2d, fold, pad, unfold

__all__ = ["conv2d", "fold", "pad", "unfold"]

"""Cross products of 3-vectors: ``torch.linalg.cross`` and the old ``torch.cross``, compositions
of products of components (their gradients are those products' gradients)."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import ShapeError
from neuronlab.engine.out_argument import write_out
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.join import stack


def cross(input, other, *, dim: int = -1, out=None) -> Tensor:
    """``torch.linalg.cross``: the cross product of 3-vectors along ``dim`` (batch dims broadcast),
    a composition of products of components (its gradient is theirs)."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise ShapeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and {other.shape[dim]}"
        )
    d = input._dim(dim)
    before = (slice(None),) * d
    a = [input[(*before, i)] for i in range(3)]
    b = [other[(*before, i)] for i in range(3)]
    parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    return write_out(stack(parts, d), out, "linalg_cross")


def cross_old(input, other, dim=None, *, out=None) -> Tensor:
    """``torch.cross``: as ``linalg.cross``, but ``dim=None`` means the first dim of size 3
    (PyTorch's deprecated default)."""
    if dim is None:
        dim = next((i for i, s in enumerate(np.broadcast_shapes(input.shape, other.shape)) if s == 3), -1)
    return cross(input, other, dim=dim, out=out)

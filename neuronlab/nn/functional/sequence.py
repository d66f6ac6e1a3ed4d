"""Sequence layers in functional form: ``F.embedding`` and ``F.conv1d``, built from existing
ops (indexing; ``conv2d`` on a height-1 image), so their gradients are those ops' gradients."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import named
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.conv import conv2d
from neuronlab.ops.indexing import where

__all__ = ["conv1d", "embedding"]


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer ``input``: out[...] = W[input[...]].

    The gradient adds ``grad`` into the picked rows; rows at ``padding_idx`` get none. With
    ``max_norm``, each picked row whose ``norm_type``-norm exceeds it is first rescaled in place
    to norm max_norm (PyTorch's ``embedding_renorm_``: W[i] *= max_norm / (‖W[i]‖ + 1e-7)).

    Shape: input (*), output (*, dim).

    Example:
        >>> F.embedding(neuronlab.tensor([[0, 2]]), neuronlab.eye(3)).shape
        neuronlab.Size([1, 2, 3])
    """
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse gradients are not supported")
    index = input._data if isinstance(input, Tensor) else np.asarray(input)
    if not np.issubdtype(index.dtype, np.integer):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have an integer scalar type (Long or Int)"
        )
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    if max_norm is not None:
        _renorm_rows(weight, np.unique(index), max_norm, norm_type)
    out = weight[Tensor._wrap(index.astype(np.int64, copy=False))]
    if padding_idx is not None:  # same values, but no gradient reaches the padding row
        pad = Tensor._wrap((index == padding_idx)[..., None])
        out = where(pad, out.detach(), out)
    return named(out, "EmbeddingBackward0")


def _renorm_rows(weight: Tensor, rows: np.ndarray, max_norm: float, norm_type: float) -> None:
    data = weight._data
    # PyTorch: the norm in the weight's dtype, the scale in double, the product in the dtype
    norms = np.linalg.norm(data[rows], ord=norm_type, axis=1).astype(np.float64)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(data.dtype)[:, None]
        with no_grad():
            weight._data[rows[big]] = data[rows[big]] * scale
            weight._version[0] += 1


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:  # fmt: skip
    """1-D cross-correlation of ``input`` (N, C, L) or (C, L) with ``weight`` (Co, C, k):

        out[n, o, t] = b[o] + Σ_{c,i} W[o, c, i] · x_pad[n, c, s·t + d·i]

    computed as ``conv2d`` on images of height 1 (the same op, so double backward works).

    Shape: (N, Co, ⌊(L + 2p - d(k - 1) - 1) / s⌋ + 1).
    """
    unbatched = input.ndim == 2
    if unbatched:
        input = input.unsqueeze(0)
    pad = padding if isinstance(padding, str) else (0, _single(padding))
    out = conv2d(input.unsqueeze(2), weight.unsqueeze(2), bias, (1, _single(stride)), pad,
                 (1, _single(dilation)), groups)  # fmt: skip
    out = named(out.squeeze(2), "ConvolutionBackward0")
    return out.squeeze(0) if unbatched else out


def _single(value) -> int:
    return int(value[0]) if isinstance(value, tuple | list) else int(value)

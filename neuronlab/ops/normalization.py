"""Batch normalization and layer normalization, each one fused op with its analytic backward.

Fused for speed and for a single well-conditioned formula (STYLE rule 7): composed from
primitives, batch norm records about ten ops, each with its own full-size temporaries.
Both share the same backward: with x̂ = (x - μ)/σ normalised over M values and
g = grad·γ,

    dx = (1/(M σ)) · (M·g - Σg - x̂·Σ(g·x̂)),   dγ = Σ grad·x̂,   dβ = Σ grad

(Ioffe & Szegedy 2015, section 3). Batch norm sums over the batch and spatial dims of each
channel, layer norm over the trailing ``normalized_shape`` dims of each sample.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import mean as mean_of
from neuronlab.engine.array_or_tensor import sum as sum_of
from neuronlab.engine.function import Function, ShapeError, named
from neuronlab.engine.tensor import Tensor

__all__ = ["batch_norm", "layer_norm"]


class BatchNorm(Function):
    """Training-mode batch norm: out = γ·(x - μ_B)/√(σ²_B + ε) + β, with the mean μ_B and
    biased variance σ²_B of each channel over (N, *spatial); gradients as in the module
    docstring, summed over the same dims. Inputs (x, γ, β), each of γ, β of shape (C,).

    The backward has two forms. ``backward`` (recorded under ``create_graph``) recomputes x̂
    and 1/σ from x with tensor ops, so that the graph reaches x through them.
    ``backward_arrays`` (an ordinary backward pass) reuses the x̂ and 1/σ the forward pass
    kept and sums per channel with ``einsum`` over an (N, C, L) view, about 3x faster than
    ``sum(axis=(0, 2, 3))``: the array code must differ to be fast.
    """

    grad_fn_name = "NativeBatchNormBackward0"

    def forward(self, x, weight, bias, *, eps, stats_sink=None):
        self.eps = eps
        n, c = x.shape[:2]
        count = x.size // c
        shape = channel_shape(x.ndim, c)
        mean = np.einsum("ncl->c", x.reshape(n, c, -1)) / count
        centered = x - mean.reshape(shape)
        flat = centered.reshape(n, c, -1)
        var = np.einsum("ncl,ncl->c", flat, flat) / count
        invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        centered *= invstd.reshape(shape)
        self.xhat, self.invstd = centered, invstd
        if stats_sink is not None:  # batch_norm() updates the running statistics from these
            stats_sink.extend([mean, var])
        out = centered * weight.reshape(shape)
        out += bias.reshape(shape)
        return out

    def backward(self, grad, x, weight, bias):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = channel_shape(x.ndim, x.shape[1])
        centered = x - x.mean(axes, keepdim=True)
        invstd = ((centered * centered).mean(axes, keepdim=True) + self.eps).rsqrt()
        xhat = centered * invstd
        g_bias = grad.sum(axes)
        g_weight = (grad * xhat).sum(axes)
        gx = None
        if self.needs_input_grad[0]:
            count = x.numel() // x.shape[1]
            scale = weight.reshape(shape) * invstd  # γ/σ per channel
            gx = (
                grad * scale
                - xhat * (scale * g_weight.reshape(shape) / count)
                - scale * g_bias.reshape(shape) / count
            )
        return gx, g_weight, g_bias

    def backward_arrays(self, grad, x, weight, bias):
        xhat = self.xhat
        n, c = grad.shape[:2]
        count = grad.size // c
        shape = channel_shape(grad.ndim, c)
        g_bias = np.einsum("ncl->c", grad.reshape(n, c, -1))
        g_weight = np.einsum("ncl,ncl->c", grad.reshape(n, c, -1), xhat.reshape(n, c, -1))
        gx = None
        if self.needs_input_grad[0]:
            scale = weight * self.invstd  # γ/σ per channel
            gx = grad * scale.reshape(shape)
            gx -= xhat * (scale * g_weight / count).reshape(shape)
            gx -= (scale * g_bias / count).reshape(shape)
        return gx, g_weight, g_bias


class LayerNorm(Function):
    """out = γ·(x - μ)/√(σ² + ε) + β with μ, σ² the mean and biased variance over the trailing
    ``len(γ.shape)`` dims of each sample; gradients as in the module docstring.

    Two forms of the backward, as for ``BatchNorm``: ``backward`` recomputes x̂ and 1/σ from x
    (recorded, so the graph reaches x through them); ``backward_arrays`` reuses the ones the
    forward pass kept.
    """

    grad_fn_name = "NativeLayerNormBackward0"

    def forward(self, x, weight, bias, *, eps, dims):
        self.eps, self.dims = eps, dims
        count = int(np.prod(x.shape[x.ndim - dims :]))
        rows = x.reshape(-1, count)
        centered = rows - rows.mean(axis=1, keepdims=True)
        invstd = 1.0 / np.sqrt(np.mean(np.square(centered), axis=1, keepdims=True) + eps)
        centered *= invstd
        self.xhat, self.invstd = (
            centered.reshape(x.shape),
            invstd.reshape(x.shape[: x.ndim - dims] + (1,) * dims),
        )
        out = self.xhat * weight
        out += bias
        return out

    def backward(self, grad, x, weight, bias):
        axes = tuple(range(x.ndim - self.dims, x.ndim))
        centered = x - x.mean(axes, keepdim=True)
        invstd = ((centered * centered).mean(axes, keepdim=True) + self.eps).rsqrt()
        return self._grads(grad, weight, centered * invstd, invstd)

    def backward_arrays(self, grad, x, weight, bias):
        return self._grads(grad, weight, self.xhat, self.invstd)

    def _grads(self, grad, weight, xhat, invstd) -> tuple:
        """The gradients from x̂ and 1/σ, one formula for arrays and tensors."""
        inner = tuple(range(grad.ndim - self.dims, grad.ndim))
        outer = tuple(range(grad.ndim - self.dims))
        g_weight = sum_of(grad * xhat, outer) if outer else grad * xhat
        g_bias = sum_of(grad, outer) if outer else grad
        gx = None
        if self.needs_input_grad[0]:
            g = grad * weight
            gx = (
                g - mean_of(g, inner, keepdim=True) - xhat * mean_of(g * xhat, inner, keepdim=True)
            ) * invstd
        return gx, g_weight, g_bias


def channel_shape(ndim: int, channels: int) -> tuple[int, ...]:
    """(1, C, 1, ...): a per-channel vector shaped to broadcast against (N, C, *spatial)."""
    return (1, channels) + (1,) * (ndim - 2)


def _constant(value: float, n: int, like: Tensor) -> Tensor:
    return Tensor._wrap(np.full(n, value, dtype=like._data.dtype))


def _update_running(buffer: Tensor, batch_value: np.ndarray, momentum: float) -> None:
    """buffer ← (1 - momentum)·buffer + momentum·batch_value, in place."""
    data = buffer._data
    data *= 1.0 - momentum
    data += (momentum * batch_value).astype(data.dtype, copy=False)
    buffer._version[0] += 1


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Batch normalization over dim 1 of (N, C, *): out = γ (x - μ)/√(σ² + ε) + β.

    Training uses the batch's statistics and, when running buffers are given, updates them
    in place: running ← (1 - momentum)·running + momentum·batch, with the unbiased batch
    variance (M/(M - 1)·σ²_B) for ``running_var``, as PyTorch does. Evaluation uses the
    running statistics.

    Example:
        >>> mean, var = neuronlab.zeros(2), neuronlab.ones(2)
        >>> y = F.batch_norm(neuronlab.tensor([[1.0, 2.0], [3.0, 6.0]]), mean, var, training=True)
        >>> mean  # 0.9·0 + 0.1·(2, 4)
        tensor([0.2000, 0.4000])
    """
    if input.ndim < 2:
        raise ShapeError(
            f"batch_norm(): expected an input with at least 2 dims (N, C, ...), got shape {tuple(input.shape)}"
        )
    channels = input.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.numel() != channels:
            raise ShapeError(f"{name} should contain {channels} elements not {t.numel()}")
    weight = weight if weight is not None else _constant(1.0, channels, input)
    bias = bias if bias is not None else _constant(0.0, channels, input)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        shape = channel_shape(input.ndim, channels)
        scale = weight * (running_var.to(input.dtype) + eps).rsqrt()
        shift = bias - running_mean.to(input.dtype) * scale
        return named(input * scale.reshape(shape) + shift.reshape(shape), "NativeBatchNormBackward0")
    count = input.numel() // channels
    if count <= 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {input.shape}"
        )
    if momentum is None:
        raise ValueError(
            "batch_norm(): momentum must be a number (BatchNorm modules turn momentum=None into 1/num_batches_tracked)"
        )
    stats: list[np.ndarray] = []
    out = BatchNorm.apply(input, weight, bias, eps=eps, stats_sink=stats)
    mean, var = stats
    if running_mean is not None:
        _update_running(running_mean, mean, momentum)
    if running_var is not None:
        _update_running(running_var, var * (count / (count - 1)), momentum)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    """Layer normalization over the trailing ``normalized_shape`` dims of each sample:
    out = γ (x - μ)/√(σ² + ε) + β (biased variance), γ and β of shape ``normalized_shape``.

    Example:
        >>> F.layer_norm(neuronlab.tensor([[1.0, 3.0]]), (2,))
        tensor([[-1.0000,  1.0000]])
    """
    if isinstance(normalized_shape, int | np.integer):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    dims = len(normalized_shape)
    if dims == 0 or tuple(input.shape[input.ndim - dims :]) != normalized_shape or input.ndim < dims:
        raise ShapeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(input.shape)}"
        )
    count = int(np.prod(normalized_shape))
    weight = weight if weight is not None else _constant(1.0, count, input).reshape(normalized_shape)
    bias = bias if bias is not None else _constant(0.0, count, input).reshape(normalized_shape)
    return LayerNorm.apply(input, weight, bias, eps=eps, dims=dims)

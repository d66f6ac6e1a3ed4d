"""Normalization layers: ``BatchNorm1d``, ``BatchNorm2d``, ``BatchNorm3d`` and ``LayerNorm``."""

from __future__ import annotations

from neuronlab.engine import dtypes
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parameter import Parameter
from neuronlab.ops.creation import ones, tensor, zeros

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm"]


class _BatchNorm(Module):
    """Batch normalization (Ioffe & Szegedy 2015): y = γ (x - μ)/√(σ² + ε) + β per channel.

    In training mode μ, σ² are the batch's mean and biased variance over every dim but the
    channel dim, and the buffers are updated as
    running ← (1 - momentum)·running + momentum·batch (unbiased variance for running_var;
    ``momentum=None`` gives the cumulative average 1/num_batches_tracked). In evaluation
    mode the running statistics are used. γ starts at 1, β at 0.
    """

    _expected_dims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"{type(self).__name__}: num_features must be positive, got {num_features}")
        if eps < 0:
            raise ValueError(f"{type(self).__name__}: eps must be non-negative, got {eps}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{type(self).__name__}: momentum must be in [0, 1] or None, got {momentum}")
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(ones(num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=dtypes.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """running_mean ← 0, running_var ← 1, num_batches_tracked ← 0."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics, γ to 1 and β to 0."""
        self.reset_running_stats()
        with no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.zero_()

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._expected_dims:
            expected = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(f"expected {expected} input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                            self.weight, self.bias, use_batch_stats, factor, self.eps)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs over N (and L), per channel C.

    Example:
        >>> bn = nn.BatchNorm1d(3)
        >>> y = bn(neuronlab.randn(16, 3))  # each column of y has mean 0, variance ≈ 1
        >>> list(bn.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs over N, H, W, per channel C.

    Example:
        >>> nn.BatchNorm2d(16)(neuronlab.randn(8, 16, 5, 5)).shape
        neuronlab.Size([8, 16, 5, 5])
    """

    _expected_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) inputs over N, D, H, W, per channel C."""

    _expected_dims = (5,)


class LayerNorm(Module):
    """Layer normalization (Ba et al. 2016): y = γ (x - μ)/√(σ² + ε) + β, with μ, σ² the
    mean and biased variance over the trailing ``normalized_shape`` dims of each sample
    (the same in training and evaluation). γ starts at 1, β at 0, both of shape
    ``normalized_shape``.

    Example:
        >>> nn.LayerNorm(8)(neuronlab.randn(4, 10, 8)).shape
        neuronlab.Size([4, 10, 8])
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None) -> None:  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """γ ← 1, β ← 0."""
        with no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.zero_()

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )

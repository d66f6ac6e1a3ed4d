"""Column- and row-parallel ``Linear`` layers: one layer's weight split over the ranks
(Megatron-LM's ``ColumnParallelLinear`` / ``RowParallelLinear``; 003 §4.7 ex. 6, model
parallelism).

With ``W`` of shape (out, in) as in ``nn.Linear`` and N ranks:

* **column-parallel**: rank r holds the rows ``W[r·out/N : (r+1)·out/N]`` — a block of *output*
  features (the columns of ``Wᵀ``, hence the name). ``y_r = x W_rᵀ + b_r``; the full ``y`` is the
  all-gather of the ``y_r`` (``gather_output=True``), or the slices stay apart for a following
  row-parallel layer. Backward all-reduces the input gradient.
* **row-parallel**: rank r holds ``W[:, r·in/N : (r+1)·in/N]`` — a block of *input* features,
  and so needs only its slice ``x_r`` of the input. ``y = Σ_r x_r W_rᵀ + b``: an all-reduce.

A 1-hidden-layer MLP split as column → activation → row needs one all-reduce forward and one
backward, and each rank stores 1/N of both weight matrices.

Both layers draw the *full* weight with ``nn.Linear``'s initialization and keep their shard,
so after the same ``manual_seed`` on every rank the split layer equals the unsplit one.
"""

from __future__ import annotations

import numpy as np

import neuronlab.distributed as dist
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional.linear import linear
from neuronlab.nn.modules.linear import Linear
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parallel.mappings import (
    copy_to_parallel_region,
    gather_from_parallel_region,
    reduce_from_parallel_region,
    scatter_to_parallel_region,
)
from neuronlab.nn.parameter import Parameter


def _shard_size(features: int, what: str) -> int:
    size = dist.get_world_size()
    if features % size:
        raise ValueError(f"{what}={features} must be divisible by the world size {size} to split it evenly")
    return features // size


class ColumnParallelLinear(Module):
    """``nn.Linear`` with its output features split over the ranks.

    Args:
        gather_output: all-gather the output slices so that every rank has the full ``y``
            (set False before a ``RowParallelLinear(input_is_parallel=True)``).

    Shape: input (*, in_features); output (*, out_features), or (*, out_features / N) when not
    gathered.

    Example (under ``mpirun -n 2``):
        >>> layer = ColumnParallelLinear(4, 6)       # weight (3, 4) on each rank
        >>> layer(neuronlab.randn(5, 4)).shape
        (5, 6)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, gather_output: bool = True,
                 dtype=None) -> None:  # fmt: skip
        super().__init__()
        width = _shard_size(out_features, "ColumnParallelLinear: out_features")
        full = Linear(in_features, out_features, bias=bias, dtype=dtype)
        rows = slice(dist.get_rank() * width, (dist.get_rank() + 1) * width)
        self.in_features, self.out_features, self.gather_output = in_features, out_features, gather_output
        self.weight = Parameter(Tensor._wrap(full.weight._data[rows].copy()))
        self.bias = None if full.bias is None else Parameter(Tensor._wrap(full.bias._data[rows].copy()))

    @classmethod
    def from_linear(cls, layer: Linear, gather_output: bool = True) -> ColumnParallelLinear:
        """This rank's shard of an existing (replicated) ``nn.Linear``."""
        split = cls(
            layer.in_features, layer.out_features, layer.bias is not None, gather_output, layer.weight.dtype
        )
        width = split.weight.shape[0]
        rows = slice(dist.get_rank() * width, (dist.get_rank() + 1) * width)
        split.weight._data[...] = layer.weight._data[rows]
        if layer.bias is not None:
            split.bias._data[...] = layer.bias._data[rows]
        return split

    def forward(self, input: Tensor) -> Tensor:
        out = linear(copy_to_parallel_region(input), self.weight, self.bias)
        return gather_from_parallel_region(out) if self.gather_output else out

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features} (this rank: "
            f"{self.weight.shape[0]}), bias={self.bias is not None}, gather_output={self.gather_output}"
        )


class RowParallelLinear(Module):
    """``nn.Linear`` with its input features split over the ranks; the partial products are
    summed by an all-reduce and the (replicated) bias added after it.

    Args:
        input_is_parallel: the input already is this rank's slice (the output of a
            ``ColumnParallelLinear(gather_output=False)``); otherwise the full input is sliced here.

    Shape: input (*, in_features), or (*, in_features / N) when parallel; output (*, out_features).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, input_is_parallel: bool = False,
                 dtype=None) -> None:  # fmt: skip
        super().__init__()
        width = _shard_size(in_features, "RowParallelLinear: in_features")
        full = Linear(in_features, out_features, bias=bias, dtype=dtype)
        cols = slice(dist.get_rank() * width, (dist.get_rank() + 1) * width)
        self.in_features, self.out_features, self.input_is_parallel = (
            in_features,
            out_features,
            input_is_parallel,
        )
        self.weight = Parameter(Tensor._wrap(np.ascontiguousarray(full.weight._data[:, cols])))
        self.bias = None if full.bias is None else Parameter(Tensor._wrap(full.bias._data.copy()))

    @classmethod
    def from_linear(cls, layer: Linear, input_is_parallel: bool = False) -> RowParallelLinear:
        """This rank's shard of an existing (replicated) ``nn.Linear``."""
        split = cls(
            layer.in_features,
            layer.out_features,
            layer.bias is not None,
            input_is_parallel,
            layer.weight.dtype,
        )
        width = split.weight.shape[1]
        cols = slice(dist.get_rank() * width, (dist.get_rank() + 1) * width)
        split.weight._data[...] = layer.weight._data[:, cols]
        if layer.bias is not None:
            split.bias._data[...] = layer.bias._data
        return split

    def forward(self, input: Tensor) -> Tensor:
        x = input if self.input_is_parallel else scatter_to_parallel_region(input)
        out = reduce_from_parallel_region(linear(x, self.weight))
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features} (this rank: {self.weight.shape[1]}), out_features={self.out_features}, "
            f"bias={self.bias is not None}, input_is_parallel={self.input_is_parallel}"
        )

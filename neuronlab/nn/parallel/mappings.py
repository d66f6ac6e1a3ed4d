"""The four differentiable hand-overs of tensor (model) parallelism, as in Megatron-LM
(Shoeybi et al. 2019, "Megatron-LM", §3; its ``mappings.py``).

Outside a parallel region every rank computes the same thing (replicated); inside, each rank
holds one slice of the features. Crossing the border costs a collective in forward or in
backward, never both:

=============================  ======================  ==========================
function                       forward                 backward
=============================  ======================  ==========================
``copy_to_parallel_region``    identity                all-reduce (sum) of grad
``reduce_from_parallel_region`` all-reduce (sum)       identity
``scatter_to_parallel_region`` keep own slice (last    all-gather grad slices
                               dim)
``gather_from_parallel_region`` all-gather slices      keep own slice of grad
=============================  ======================  ==========================

Why the backward of a gather is a slice and not a reduce-scatter: after the gather every rank
computes the same loss, so each rank's gradient is already the full gradient.
"""

from __future__ import annotations

import numpy as np

import neuronlab.distributed as dist
from neuronlab.autograd.custom import Function
from neuronlab.engine.tensor import Tensor


def _all_reduce_array(array: np.ndarray) -> Tensor:
    out = Tensor._wrap(np.array(array, copy=True))
    dist.all_reduce(out, op=dist.ReduceOp.SUM)
    return out


def _gather_last_dim(array: np.ndarray) -> Tensor:
    size = dist.get_world_size()
    parts = [Tensor._wrap(np.empty_like(array)) for _ in range(size)]
    dist.all_gather(parts, Tensor._wrap(np.ascontiguousarray(array)))
    return Tensor._wrap(np.concatenate([p._data for p in parts], axis=-1))


def _own_slice_last_dim(array: np.ndarray) -> Tensor:
    size, rank = dist.get_world_size(), dist.get_rank()
    if array.shape[-1] % size:
        raise ValueError(
            f"tensor parallelism: the last dimension ({array.shape[-1]}) must divide evenly over {size} ranks"
        )
    width = array.shape[-1] // size
    return Tensor._wrap(np.ascontiguousarray(array[..., rank * width : (rank + 1) * width]))


class _CopyToParallelRegion(Function):
    @staticmethod
    def forward(ctx, x):
        return Tensor._wrap(x._data)

    @staticmethod
    def backward(ctx, grad):
        return _all_reduce_array(grad._data)


class _ReduceFromParallelRegion(Function):
    @staticmethod
    def forward(ctx, x):
        return _all_reduce_array(x._data)

    @staticmethod
    def backward(ctx, grad):
        return grad


class _ScatterToParallelRegion(Function):
    @staticmethod
    def forward(ctx, x):
        return _own_slice_last_dim(x._data)

    @staticmethod
    def backward(ctx, grad):
        return _gather_last_dim(grad._data)


class _GatherFromParallelRegion(Function):
    @staticmethod
    def forward(ctx, x):
        return _gather_last_dim(x._data)

    @staticmethod
    def backward(ctx, grad):
        return _own_slice_last_dim(grad._data)


def copy_to_parallel_region(x: Tensor) -> Tensor:
    """Identity forward; the input gradients of all ranks summed in backward."""
    return _CopyToParallelRegion.apply(x)


def reduce_from_parallel_region(x: Tensor) -> Tensor:
    """Sum over ranks forward (all-reduce); identity backward."""
    return _ReduceFromParallelRegion.apply(x)


def scatter_to_parallel_region(x: Tensor) -> Tensor:
    """This rank's slice of the last dimension forward; the slices' gradients gathered backward."""
    return _ScatterToParallelRegion.apply(x)


def gather_from_parallel_region(x: Tensor) -> Tensor:
    """All ranks' slices concatenated along the last dimension forward; own slice backward."""
    return _GatherFromParallelRegion.apply(x)

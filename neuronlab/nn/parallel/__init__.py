"""``nn.parallel``: data parallelism (``DistributedDataParallel``) and tensor-parallel ``Linear``
layers over ``neuronlab.distributed``. See docs/distributed.md."""

from neuronlab.nn.parallel.distributed import DistributedDataParallel
from neuronlab.nn.parallel.mappings import (
    copy_to_parallel_region,
    gather_from_parallel_region,
    reduce_from_parallel_region,
    scatter_to_parallel_region,
)
from neuronlab.nn.parallel.tensor_parallel import ColumnParallelLinear, RowParallelLinear

__all__ = [
    "ColumnParallelLinear", "DistributedDataParallel", "RowParallelLinear", "copy_to_parallel_region",
    "gather_from_parallel_region", "reduce_from_parallel_region", "scatter_to_parallel_region",
]  # fmt: skip

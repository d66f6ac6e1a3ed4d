"""``neuronlab.distributed``: ``torch.distributed``'s process group and collectives over MPI.

Install with ``pip install "neuronlab[distributed]"`` (mpi4py and the Open MPI wheel, which
brings ``mpirun``), launch with ``mpirun -n N python script.py`` (or ``neuronlab run -n N
script.py``). Data parallelism is ``neuronlab.nn.parallel.DistributedDataParallel``, model
parallelism ``nn.parallel.ColumnParallelLinear`` / ``RowParallelLinear``, sharding of a data set
``neuronlab.utils.data.DistributedSampler``. See docs/distributed.md.

Example:
    >>> import neuronlab as torch
    >>> import neuronlab.distributed as dist
    >>> dist.init_process_group(backend="mpi")
    >>> t = torch.tensor([float(dist.get_rank())])
    >>> dist.all_reduce(t, op=dist.ReduceOp.SUM)     # every rank: 0 + 1 + … + (N − 1)
"""

from neuronlab.distributed.collectives import (
    ReduceOp,
    Work,
    all_gather,
    all_gather_into_tensor,
    all_gather_object,
    all_reduce,
    barrier,
    broadcast,
    broadcast_object_list,
    comm_stats,
    reduce_scatter,
    reduce_scatter_tensor,
    reset_comm_stats,
)
from neuronlab.distributed.process_group import (
    DistBackendError,
    destroy_process_group,
    get_backend,
    get_rank,
    get_world_size,
    init_process_group,
    is_available,
    is_initialized,
    is_mpi_available,
)

__all__ = [
    "DistBackendError", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor", "all_gather_object",
    "all_reduce", "barrier", "broadcast", "broadcast_object_list", "comm_stats", "destroy_process_group",
    "get_backend", "get_rank", "get_world_size", "init_process_group", "is_available", "is_initialized",
    "is_mpi_available", "reduce_scatter", "reduce_scatter_tensor", "reset_comm_stats",
]  # fmt: skip

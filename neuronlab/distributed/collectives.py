"""Collectives with ``torch.distributed``'s names and in-place semantics, over MPI.

Each one is an MPI non-blocking collective (``Iallreduce``, ``Ibcast``…) that this process
polls until it completes or the group's timeout passes; so a rank that died or never joins
turns into a ``DistBackendError`` on the others, with a message, instead of a hang.
``async_op=True`` returns the ``Work`` at once (``work.wait()`` finishes it), which is how
``DistributedDataParallel`` overlaps its bucketed all-reduce with the rest of backward.

Every call is counted (``comm_stats()``): calls, payload bytes and seconds spent waiting, for
the communication measurements of docs/distributed.md.
"""

from __future__ import annotations

import pickle
import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from neuronlab.distributed.process_group import DistBackendError, _import_mpi, world
from neuronlab.engine.tensor import Tensor


class ReduceOp:
    """How ``all_reduce`` / ``reduce_scatter`` combine the ranks' tensors."""

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"


_MPI_OPS = {ReduceOp.SUM: "SUM", ReduceOp.AVG: "SUM", ReduceOp.PRODUCT: "PROD", ReduceOp.MIN: "MIN",
            ReduceOp.MAX: "MAX"}  # fmt: skip

_STATS: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # op -> [calls, bytes, seconds]


class Work:
    """A collective in flight (PyTorch's ``Work``): ``wait()`` blocks until it is done."""

    def __init__(self, name: str, request, finish: Callable[[], None] | None = None) -> None:
        self.name, self.request, self.finish = name, request, finish
        self.done = False

    def is_completed(self) -> bool:
        if not self.done and self.request.Test():
            self._complete(0.0)
        return self.done

    def wait(self, timeout=None) -> bool:
        if self.done:
            return True
        group = world(caller=self.name)
        limit = group.timeout if timeout is None else _seconds(timeout)
        start = time.perf_counter()
        deadline = start + limit
        pause, polls = 0.0, 0
        while not self.request.Test():
            now = time.perf_counter()
            if now > deadline:
                raise DistBackendError(
                    f"neuronlab.distributed.{self.name}() on rank {group.rank} of {group.size} timed out after "
                    f"{limit:g} s: at least one rank did not join this collective — it may have died (see its "
                    "output) or be stuck elsewhere. The group cannot be used any more; stop this process."
                )
            polls += 1
            if polls > 200:  # spin briefly (small messages finish in microseconds), then back off
                pause = min(max(pause * 2, 5e-5), 2e-3)
                time.sleep(pause)
        self._complete(time.perf_counter() - start)
        return True

    def _complete(self, seconds: float) -> None:
        self.done = True
        _STATS[self.name][2] += seconds
        if self.finish is not None:
            self.finish()


def comm_stats() -> dict[str, dict[str, float]]:
    """Per collective: ``calls``, payload ``bytes`` handed to it and ``seconds`` spent waiting
    (a neuronlab addition, for measuring communication; not in PyTorch)."""
    return {name: {"calls": c, "bytes": b, "seconds": s} for name, (c, b, s) in _STATS.items()}


def reset_comm_stats() -> None:
    _STATS.clear()


def barrier(group=None, async_op: bool = False, device_ids=None):
    """Wait until every rank of the group has reached this call."""
    comm = world(caller="barrier").comm
    return _run("barrier", comm.Ibarrier(), 0, async_op)


def all_reduce(tensor: Tensor, op: str = ReduceOp.SUM, group=None, async_op: bool = False):
    """Replace ``tensor`` on every rank by the reduction (sum, avg, product, min, max) of all
    ranks' ``tensor``, in place.

    Example:
        >>> t = neuronlab.tensor([float(dist.get_rank() + 1)])
        >>> dist.all_reduce(t, op=dist.ReduceOp.SUM)      # world size 2: tensor([3.])
    """
    group_ = world(caller="all_reduce")
    MPI = _import_mpi()
    send = _contiguous(tensor)
    receive = np.empty_like(send)
    request = group_.comm.Iallreduce(send, receive, op=getattr(MPI, _MPI_OPS[_check_op(op)]))

    def finish() -> None:
        _write(tensor, _average(receive, group_.size) if op == ReduceOp.AVG else receive)

    return _run("all_reduce", request, send.nbytes, async_op, finish)


def broadcast(tensor: Tensor, src: int = 0, group=None, async_op: bool = False):
    """Copy ``tensor`` of rank ``src`` into ``tensor`` on every rank, in place."""
    group_ = world(caller="broadcast")
    _check_rank(src, group_.size, "broadcast")
    buffer = _contiguous(tensor).copy()
    request = group_.comm.Ibcast(buffer, root=src)
    return _run("broadcast", request, buffer.nbytes, async_op, lambda: _write(tensor, buffer))


def all_gather(tensor_list: list[Tensor], tensor: Tensor, group=None, async_op: bool = False):
    """Fill ``tensor_list`` (one tensor per rank, in rank order) with every rank's ``tensor``."""
    group_ = world(caller="all_gather")
    if len(tensor_list) != group_.size:
        raise ValueError(
            f"all_gather(): tensor_list has {len(tensor_list)} tensors but the world size is {group_.size}"
        )
    send = _contiguous(tensor)
    receive = np.empty((group_.size, *send.shape), dtype=send.dtype)
    request = group_.comm.Iallgather(send, receive)

    def finish() -> None:
        for out, part in zip(tensor_list, receive):
            _write(out, part)

    return _run("all_gather", request, send.nbytes, async_op, finish)


def all_gather_into_tensor(output_tensor: Tensor, input_tensor: Tensor, group=None, async_op: bool = False):
    """Every rank's ``input_tensor`` concatenated along dimension 0, into ``output_tensor``."""
    group_ = world(caller="all_gather_into_tensor")
    send = _contiguous(input_tensor)
    receive = np.empty((group_.size * send.shape[0], *send.shape[1:]), dtype=send.dtype)
    if receive.shape != tuple(output_tensor.shape):
        raise ValueError(
            f"all_gather_into_tensor(): output has shape {tuple(output_tensor.shape)}, expected {receive.shape} "
            f"(world size {group_.size} × input shape {send.shape})"
        )
    request = group_.comm.Iallgather(send, receive)
    return _run("all_gather", request, send.nbytes, async_op, lambda: _write(output_tensor, receive))


def reduce_scatter(output: Tensor, input_list: list[Tensor], op: str = ReduceOp.SUM, group=None,
                   async_op: bool = False):  # fmt: skip
    """Reduce ``input_list[i]`` over all ranks and leave the result in ``output`` on rank i."""
    group_ = world(caller="reduce_scatter")
    if len(input_list) != group_.size:
        raise ValueError(
            f"reduce_scatter(): input_list has {len(input_list)} tensors but the world size is {group_.size}"
        )
    shapes = {tuple(t.shape) for t in input_list}
    if shapes != {tuple(output.shape)}:
        raise ValueError(
            f"reduce_scatter(): every input must have the output's shape {tuple(output.shape)}, got {shapes}"
        )
    stacked = np.ascontiguousarray(np.stack([t._data for t in input_list]))
    return _reduce_scatter(output, stacked, op, group_, async_op)


def reduce_scatter_tensor(output: Tensor, input: Tensor, op: str = ReduceOp.SUM, group=None,
                          async_op: bool = False):  # fmt: skip
    """``input`` split into world-size chunks along dimension 0; rank i gets chunk i reduced."""
    group_ = world(caller="reduce_scatter_tensor")
    send = _contiguous(input)
    if send.shape[0] != group_.size * output.shape[0]:
        raise ValueError(
            f"reduce_scatter_tensor(): input has {send.shape[0]} rows, expected world size {group_.size} × "
            f"{output.shape[0]} output rows"
        )
    return _reduce_scatter(output, send.reshape(group_.size, *output.shape), op, group_, async_op)


def _reduce_scatter(output: Tensor, stacked: np.ndarray, op: str, group_, async_op: bool):
    MPI = _import_mpi()
    receive = np.empty(stacked.shape[1:], dtype=stacked.dtype)
    request = group_.comm.Ireduce_scatter_block(stacked, receive, op=getattr(MPI, _MPI_OPS[_check_op(op)]))

    def finish() -> None:
        _write(output, _average(receive, group_.size) if op == ReduceOp.AVG else receive)

    return _run("reduce_scatter", request, stacked.nbytes, async_op, finish)


def all_gather_object(object_list: list, obj, group=None) -> None:
    """Fill ``object_list`` with every rank's picklable ``obj``, in rank order."""
    group_ = world(caller="all_gather_object")
    if len(object_list) != group_.size:
        raise ValueError(f"all_gather_object(): object_list must have world size {group_.size} entries")
    payload = np.frombuffer(pickle.dumps(obj), dtype=np.uint8)
    sizes = np.empty(group_.size, dtype=np.int64)
    Work("all_gather_object", group_.comm.Iallgather(np.array([payload.size], dtype=np.int64), sizes)).wait()
    receive = np.empty(int(sizes.sum()), dtype=np.uint8)
    MPI = _import_mpi()
    request = group_.comm.Iallgatherv(payload, [receive, sizes, MPI.BYTE])
    _run("all_gather_object", request, payload.nbytes, False)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    for i in range(group_.size):
        object_list[i] = pickle.loads(receive[offsets[i] : offsets[i + 1]].tobytes())


def broadcast_object_list(object_list: list, src: int = 0, group=None) -> None:
    """Replace ``object_list``'s items on every rank by those of rank ``src``."""
    group_ = world(caller="broadcast_object_list")
    _check_rank(src, group_.size, "broadcast_object_list")
    payload = np.frombuffer(pickle.dumps(list(object_list)), dtype=np.uint8) if group_.rank == src else None
    size = np.array([0 if payload is None else payload.size], dtype=np.int64)
    Work("broadcast_object_list", group_.comm.Ibcast(size, root=src)).wait()
    buffer = payload.copy() if payload is not None else np.empty(int(size[0]), dtype=np.uint8)
    _run("broadcast_object_list", group_.comm.Ibcast(buffer, root=src), buffer.nbytes, False)
    object_list[:] = pickle.loads(buffer.tobytes())


# -- helpers -------------------------------------------------------------------------------------------
def _run(name: str, request, nbytes: int, async_op: bool, finish: Callable[[], None] | None = None):
    stats = _STATS[name]
    stats[0] += 1
    stats[1] += nbytes
    work = Work(name, request, finish)
    if async_op:
        return work
    work.wait()
    return None


def _contiguous(tensor: Tensor) -> np.ndarray:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"expected a neuronlab Tensor, got {type(tensor).__name__}")
    data = tensor._data
    return data if data.flags.c_contiguous else data.copy(order="C")  # (ascontiguousarray makes 0-d 1-d)


def _write(tensor: Tensor, values: np.ndarray) -> None:
    """In place, as PyTorch's collectives: views of ``tensor`` see the result."""
    if tuple(tensor.shape) != values.shape:
        raise ValueError(
            f"collective result has shape {values.shape} but the tensor has shape {tuple(tensor.shape)}"
        )
    tensor._data[...] = values
    tensor._version[0] += 1


def _average(total: np.ndarray, size: int) -> np.ndarray:
    """The sum divided by the world size, in the tensor's dtype (integers: floor, as PyTorch)."""
    return total / size if np.issubdtype(total.dtype, np.floating) else total // size


def _check_op(op: str) -> str:
    if op not in _MPI_OPS:
        raise ValueError(f"unknown reduce op {op!r}; use one of ReduceOp.SUM, AVG, PRODUCT, MIN, MAX")
    return op


def _check_rank(src: int, size: int, name: str) -> None:
    if not 0 <= src < size:
        raise ValueError(f"{name}(): src={src} is not a rank of a world of size {size}")


def _seconds(timeout) -> float:
    return timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)

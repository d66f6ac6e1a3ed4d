"""``DistributedDataParallel``: data parallelism with PyTorch's interface (003 §4.7 ex. 6).

Every rank holds the whole model and runs forward and backward on its own part of the global
batch; the gradients are then averaged over the ranks, so each rank's optimizer takes the same
step as one process would on the whole batch (for a mean-reduced loss and equal local batches).

How the averaging hooks into autograd (PyTorch's reducer, Li et al. 2020, "PyTorch Distributed",
§3.2, made small):

1. At wrap time rank 0's parameters and buffers are broadcast, so all replicas start equal.
2. The parameters are grouped into buckets of about ``bucket_cap_mb`` in reverse order (the
   order in which backward produces their gradients).
3. After each forward in grad mode, the graph is walked once to count how many gradient
   deliveries each parameter will receive (a parameter the output does not use gets none and is
   ready at once, PyTorch's ``find_unused_parameters``).
4. A gradient hook on each parameter adds the arriving gradient into the bucket's flat buffer
   (on top of the gradient already in ``.grad``, so accumulation with ``no_sync()`` works) and
   hands autograd a zero instead. When a bucket's last gradient has arrived its all-reduce starts
   (asynchronously: it overlaps the rest of backward); when the last bucket is ready, all are
   waited for, divided by the world size, and written into ``.grad``.

So a plain loop — ``loss.backward(); optimizer.step()`` — trains correctly, as in PyTorch.
Inside ``with ddp.no_sync():`` nothing is communicated and gradients accumulate locally; the
first backward after it averages the accumulated gradients.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

import neuronlab.distributed as dist
from neuronlab.engine.function import Function
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules.module import Module


class _Bucket:
    """Parameters whose gradients are all-reduced together, in one flat buffer."""

    def __init__(self, params: list[Tensor]) -> None:
        self.params = params
        dtype = np.result_type(*[p._data.dtype for p in params])
        self.offsets = np.cumsum([0] + [p._data.size for p in params])
        self.buffer = np.zeros(int(self.offsets[-1]), dtype=dtype)
        self.pending = 0
        self.work = None

    def view(self, i: int) -> np.ndarray:
        return self.buffer[self.offsets[i] : self.offsets[i + 1]].reshape(self.params[i]._data.shape)


class DistributedDataParallel(Module):
    """Wrap ``module`` for data-parallel training over the default process group.

    Args:
        module: the model (every rank builds the same architecture).
        broadcast_buffers: broadcast rank 0's buffers (BatchNorm statistics) before each forward.
        bucket_cap_mb: the size of a gradient bucket in MiB (PyTorch's default: 25).

    Example (``mpirun -n 2 python train.py``):
        >>> dist.init_process_group("mpi")
        >>> model = nn.parallel.DistributedDataParallel(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)))
        >>> loss = nn.functional.cross_entropy(model(x_local), y_local)
        >>> loss.backward()            # gradients are averaged over the 2 ranks here
        >>> optimizer.step()
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0,
                 broadcast_buffers: bool = True, bucket_cap_mb: float = 25.0,
                 find_unused_parameters: bool = False) -> None:  # fmt: skip
        super().__init__()
        if not dist.is_initialized():
            raise RuntimeError(
                "DistributedDataParallel: the default process group has not been initialized; call "
                "neuronlab.distributed.init_process_group(backend='mpi') first"
            )
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self.world_size = dist.get_world_size()
        self.require_backward_grad_sync = True
        params = [p for p in module.parameters() if p.requires_grad]
        self._sync_state(src=0)
        self._buckets = _make_buckets(params, int(bucket_cap_mb * 2**20))
        self._where = {id(p): (b, i) for b in self._buckets for i, p in enumerate(b.params)}
        self._expected: dict[int, int] = {}
        self._buckets_left = 0
        for p in params:
            p.register_hook(self._make_hook(p))

    # -- forward ------------------------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self._buckets_left:
            raise RuntimeError(
                "DistributedDataParallel: expected to have finished reducing the gradients of the previous "
                "iteration before starting a new one: its output was not backpropagated (wrap evaluation in "
                "neuronlab.no_grad(), or call backward on every training output)"
            )
        if self.broadcast_buffers and self.world_size > 1:
            for buffer in self.module.buffers():
                dist.broadcast(buffer, src=0)
        out = self.module(*inputs, **kwargs)
        if STATE.enabled and self.require_backward_grad_sync and self.training:
            self._prepare_for_backward(out)
        return out

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Backward passes inside accumulate gradients locally, without communication."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    # -- the reducer ------------------------------------------------------------------------------------
    def _prepare_for_backward(self, out) -> None:
        counts = _deliveries(out)
        self._expected = {key: counts.get(key, 0) for key in self._where}
        self._buckets_left = len(self._buckets)
        for bucket in self._buckets:
            bucket.pending = len(bucket.params)
            for i, p in enumerate(bucket.params):
                bucket.view(i)[...] = 0 if p._grad is None else p._grad._data
        for key, count in self._expected.items():
            if count == 0:  # unused in this forward: its gradient is zero, it is ready now
                self._mark_ready(*self._where[key])

    def _make_hook(self, param: Tensor):
        key = id(param)

        def hook(grad: Tensor):
            if not self._expected.get(key):
                return None  # no_sync, or a backward the forward did not prepare: plain accumulation
            bucket, i = self._where[key]
            bucket.view(i)[...] += grad._data
            self._expected[key] -= 1
            if self._expected[key] == 0:
                self._mark_ready(bucket, i)
            return Tensor._wrap(np.zeros_like(grad._data))

        return hook

    def _mark_ready(self, bucket: _Bucket, i: int) -> None:
        bucket.pending -= 1
        if bucket.pending:
            return
        if self.world_size > 1:
            bucket.work = dist.all_reduce(Tensor._wrap(bucket.buffer), op=dist.ReduceOp.SUM, async_op=True)
        self._buckets_left -= 1
        if self._buckets_left == 0:
            self._finish_reduction()

    def _finish_reduction(self) -> None:
        for bucket in self._buckets:
            if bucket.work is not None:
                bucket.work.wait()
                bucket.work = None
                bucket.buffer /= self.world_size
            for i, p in enumerate(bucket.params):
                if p._grad is None or p._grad._data.shape != p._data.shape:
                    p._grad = Tensor._wrap(bucket.view(i).copy())
                else:
                    p._grad._data[...] = bucket.view(i)
        self._expected = {}

    def _sync_state(self, src: int) -> None:
        if self.world_size == 1:
            return
        for tensor in [*self.module.parameters(), *self.module.buffers()]:
            dist.broadcast(tensor, src=src)


def _make_buckets(params: list[Tensor], cap_bytes: int) -> list[_Bucket]:
    buckets, current, size = [], [], 0
    for p in reversed(params):  # backward produces the last layer's gradients first
        current.append(p)
        size += p._data.nbytes
        if size >= cap_bytes:
            buckets.append(_Bucket(current))
            current, size = [], 0
    if current:
        buckets.append(_Bucket(current))
    return buckets


def _deliveries(out) -> dict[int, int]:
    """How many gradients each leaf of ``out``'s graph will receive in one backward: one per
    edge from a recorded op to it (shared parameters receive several)."""
    counts: dict[int, int] = {}
    roots = [t.grad_fn for t in _tensors(out) if t.grad_fn is not None]
    seen, stack = set(map(id, roots)), list(roots)
    while stack:
        fn = stack.pop()
        for parent in fn.parents:
            if isinstance(parent, Function):
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
            elif parent is not None:
                counts[id(parent)] = counts.get(id(parent), 0) + 1
    return counts


def _tensors(out) -> list[Tensor]:
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, list | tuple):
        return [t for item in out for t in _tensors(item)]
    return []

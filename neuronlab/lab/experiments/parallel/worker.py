"""The measurements of the ``parallel`` experiment that need several processes, run under a real
``mpirun -n N`` (``python -m neuronlab.lab.experiments.parallel.worker SETTINGS.json OUT.json``).

Every rank runs every function below in the same order (they are collective); rank 0 writes the
numbers to ``OUT.json``. The one-process references are computed by rank 0 alone, on the whole
global batch, while the other ranks wait at a barrier. All of one seed's measurements share one
launch (starting MPI costs about a second).
"""

from __future__ import annotations

import copy
import json
import sys
import time
import tracemalloc
from types import SimpleNamespace

import numpy as np

import neuronlab as torch
import neuronlab.distributed as dist
from neuronlab import nn, optim
from neuronlab.lab.experiments.parallel.model import (
    CLASSES,
    FEATURES,
    WEIGHT_DECAY,
    flat_parameters,
    mlp,
    model_parallel_mlp,
    unsplit_parameters,
)
from neuronlab.lab.tuning import tune
from neuronlab.nn.parallel import DistributedDataParallel


def _rank_slice(n: int) -> slice:
    """This rank's contiguous part of a global batch of ``n`` rows."""
    rank, world = dist.get_rank(), dist.get_world_size()
    return slice(rank * n // world, (rank + 1) * n // world)


def _rows(X: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` rows of ``X``, cycling through it again when ``n`` exceeds its length (timing and
    byte counts need large batches, not new samples)."""
    return X[np.arange(n) % len(X)]


def _step(model, opt, x, y) -> None:
    opt.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    opt.step()


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| / max |b| (0 when equal)."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


# ---------------------------------------------------------------- data parallelism


def dp_equality(X, y, s: dict, seed: int) -> dict:
    """K SGD steps (weight decay, float64) of DDP, each rank on its half of every global batch,
    against one process on the whole batch; and the same steps inside ``no_sync()`` (no
    all-reduce: each replica steps on its own half)."""
    b, steps = s["equality_batch"], s["equality_steps"]
    x_all, y_all = torch.tensor(X[: b * steps].astype(np.float64)), torch.tensor(y[: b * steps])
    out = {}
    for variant in ("all_reduce", "no_sync"):
        torch.manual_seed(seed)
        base = mlp(s["hidden"]).double()
        reference = copy.deepcopy(base)
        start = flat_parameters(base)
        ddp = DistributedDataParallel(base)
        opt = optim.SGD(ddp.parameters(), lr=s["equality_lr"], weight_decay=WEIGHT_DECAY)
        for k in range(steps):
            rows = slice(k * b, (k + 1) * b)
            mine = slice(rows.start + _rank_slice(b).start, rows.start + _rank_slice(b).stop)
            if variant == "all_reduce":
                _step(ddp, opt, x_all[mine], y_all[mine])
            else:
                with ddp.no_sync():
                    _step(ddp, opt, x_all[mine], y_all[mine])
        update = flat_parameters(base) - start
        updates = [None] * dist.get_world_size()
        dist.all_gather_object(updates, update)
        if dist.get_rank() == 0:
            ref_opt = optim.SGD(reference.parameters(), lr=s["equality_lr"], weight_decay=WEIGHT_DECAY)
            for k in range(steps):
                rows = slice(k * b, (k + 1) * b)
                _step(reference, ref_opt, x_all[rows], y_all[rows])
            one = flat_parameters(reference) - start
            out[variant] = {
                "vs_one_process": max(_relative(u, one) for u in updates),
                "replica_spread": max(_relative(u, updates[0]) for u in updates),
                "update_norm": float(np.linalg.norm(one)),
            }
        dist.barrier()
    return out


def _timed(fn, inner: int) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) per call, over ``inner`` calls."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - wall) / inner, (time.process_time() - cpu) / inner


def dp_timing(X, y, s: dict, seed: int, batch: int, inner: int) -> dict:
    """One process on the global batch against DDP (each rank on its part), float32, timed
    alternately: every repeat times ``inner`` one-process steps (rank 0; the others wait at a
    barrier), then ``inner`` DDP steps. Also the bytes all-reduced per DDP step."""
    torch.manual_seed(seed)
    base = mlp(s["hidden"])
    single = copy.deepcopy(base)
    ddp = DistributedDataParallel(base)
    opt_ddp = optim.SGD(ddp.parameters(), lr=1e-3, weight_decay=WEIGHT_DECAY)
    opt_one = optim.SGD(single.parameters(), lr=1e-3, weight_decay=WEIGHT_DECAY)
    x, t = torch.tensor(_rows(X, batch)), torch.tensor(_rows(y, batch))
    mine = _rank_slice(batch)
    x_mine, t_mine = x[mine], t[mine]
    for _ in range(2):  # warm-up (buckets, caches)
        _step(ddp, opt_ddp, x_mine, t_mine)
        if dist.get_rank() == 0:
            _step(single, opt_one, x, t)
    one, both, cpu_one, cpu_both, waits = [], [], [], [], []
    for _ in range(s["timing_repeats"]):
        dist.barrier()
        if dist.get_rank() == 0:
            wall, cpu = _timed(lambda: _step(single, opt_one, x, t), inner)
            one.append(wall)
            cpu_one.append(cpu)
        dist.barrier()
        dist.reset_comm_stats()
        wall, cpu = _timed(lambda: _step(ddp, opt_ddp, x_mine, t_mine), inner)
        stats = dist.comm_stats().get("all_reduce", {"bytes": 0, "seconds": 0.0})
        both.append(wall)
        waits.append(stats["seconds"] / inner)
        cpus = [None] * dist.get_world_size()
        dist.all_gather_object(cpus, cpu)
        cpu_both.append(float(np.sum(cpus)))
        bytes_per_step = stats["bytes"] / inner
    return {"one_process_seconds": one, "ddp_seconds": both, "ddp_allreduce_wait_seconds": waits,
            "one_process_cpu_seconds": cpu_one, "ddp_cpu_seconds_all_ranks": cpu_both,
            "ddp_bytes_per_step": bytes_per_step}  # fmt: skip


def _traced_peak(make, x, t, lr: float) -> int:
    """Peak bytes traced by tracemalloc during the second training step of a model made after
    tracing started (the first creates the gradients)."""
    tracemalloc.start()
    try:
        model = make()
        opt = optim.SGD(model.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)
        _step(model, opt, x, t)
        tracemalloc.reset_peak()
        _step(model, opt, x, t)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def memory(X, y, s: dict, seed: int) -> dict:
    """Peak traced bytes of a training step per process (float32, global batch ``memory_batch``):
    one process with the unsplit MLP; DDP (each rank: the whole model, its part of the batch);
    model parallel (each rank: its shard of W and V, the whole batch). And the parameter bytes
    each process holds."""
    batch = s["memory_batch"]
    x, t = torch.tensor(_rows(X, batch)), torch.tensor(_rows(y, batch))
    mine = _rank_slice(batch)

    def seeded(build):
        def make():
            torch.manual_seed(seed)
            return build()

        return make

    out = {}
    dist.barrier()
    if dist.get_rank() == 0:
        out["one_process"] = _traced_peak(seeded(lambda: mlp(s["hidden"])), x, t, 1e-3)
    dist.barrier()
    peaks = [None] * dist.get_world_size()
    dist.all_gather_object(peaks, _traced_peak(seeded(lambda: DistributedDataParallel(mlp(s["hidden"]))),
                                               x[mine], t[mine], 1e-3))  # fmt: skip
    out["data_parallel"] = peaks
    peaks = [None] * dist.get_world_size()
    dist.all_gather_object(
        peaks, _traced_peak(seeded(lambda: model_parallel_mlp(s["hidden"], "rows")), x, t, 1e-3)
    )
    out["model_parallel"] = peaks
    torch.manual_seed(seed)
    split = model_parallel_mlp(s["hidden"], "rows")
    held = [None] * dist.get_world_size()
    dist.all_gather_object(held, sum(p._data.nbytes for p in split.parameters()))
    out["model_parallel_parameter_bytes"] = held
    out["unsplit_parameter_bytes"] = sum(p._data.nbytes for p in mlp(s["hidden"]).parameters())
    return out


# ---------------------------------------------------------------- model parallelism


def mp_equality(X, y, s: dict, seed: int) -> dict:
    """The MLP with W split by columns over the ranks (each rank: a block of hidden units), V split
    by rows ("rows": one all-reduce of the output) or by columns after an all-gather of the hidden
    activations (the seed's "all-gather"), against the unsplit MLP: the outputs and K SGD steps
    (weight decay, float64); and the payload bytes per step of each arrangement (float32)."""
    b, steps = s["equality_batch"], s["equality_steps"]
    x_all, y_all = torch.tensor(X[: b * steps].astype(np.float64)), torch.tensor(y[: b * steps])
    out = {}
    for arrangement in ("rows", "all_gather"):
        torch.manual_seed(seed)
        unsplit = mlp(s["hidden"]).double()
        torch.manual_seed(seed)
        split = model_parallel_mlp(s["hidden"], arrangement).double()
        start = flat_parameters(unsplit)
        opt_u = optim.SGD(unsplit.parameters(), lr=s["equality_lr"], weight_decay=WEIGHT_DECAY)
        opt_s = optim.SGD(split.parameters(), lr=s["equality_lr"], weight_decay=WEIGHT_DECAY)
        output_gap = 0.0
        for k in range(steps):
            rows = slice(k * b, (k + 1) * b)
            with torch.no_grad():
                output_gap = max(
                    output_gap, _relative(split(x_all[rows]).numpy(), unsplit(x_all[rows]).numpy())
                )
            _step(unsplit, opt_u, x_all[rows], y_all[rows])
            _step(split, opt_s, x_all[rows], y_all[rows])
        gathered = unsplit_parameters(split)  # collective: the shards reassembled on every rank
        one = flat_parameters(unsplit) - start
        out[arrangement] = {"output": output_gap, "update": _relative(gathered - start, one)}
    return out


def mp_bytes(X, y, s: dict, seed: int, batch: int) -> dict:
    """Payload bytes per training step handed to each collective by one rank (float32), for both
    arrangements of the split MLP (``comm_stats`` over one step: every step moves the same)."""
    x, t = torch.tensor(_rows(X, batch)), torch.tensor(_rows(y, batch))
    out = {}
    for arrangement in ("rows", "all_gather"):
        torch.manual_seed(seed)
        split = model_parallel_mlp(s["hidden"], arrangement)
        opt = optim.SGD(split.parameters(), lr=1e-3, weight_decay=WEIGHT_DECAY)
        dist.reset_comm_stats()
        _step(split, opt, x, t)
        out[arrangement] = {op: v["bytes"] for op, v in dist.comm_stats().items() if v["bytes"]}
    return out


# ---------------------------------------------------------------- training: one process against DDP


def _train(model, opt, X, y, batch: int, epochs: int, seed: int, part: slice | None) -> float:
    """Mini-batch SGD for ``epochs`` epochs in a seeded order; ``part`` is this rank's part of each
    global batch (DDP), None for one process. Returns the last epoch's mean training loss."""
    rng = np.random.default_rng(seed)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    n = (len(y) // batch) * batch  # whole batches only, so every rank has a full part
    for _ in range(epochs):
        order = rng.permutation(len(y))[:n]
        losses = []
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            rows = rows[part] if part is not None else rows
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(Xt[rows]), yt[rows])
            loss.backward()
            opt.step()
            losses.append(float(loss.item()))
    return float(np.mean(losses))


def _accuracy(model, X, y) -> float:
    with torch.no_grad():
        return float((model(torch.tensor(X)).numpy().argmax(1) == y).mean())


def training(split, s: dict, seed: int) -> dict:
    """Data-parallel training with the per-process batch kept (so the effective batch is N times
    one process's) against one process, both for the same epochs: each at its own learning rate
    chosen on validation accuracy, and DDP at the one-process choice."""
    batch, epochs = s["train_batch"], s["epochs"]
    world = dist.get_world_size()

    def one_process(lr: float) -> dict:
        torch.manual_seed(seed)
        model = mlp(s["hidden"])
        opt = optim.SGD(model.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)
        with np.errstate(all="ignore"):
            loss = _train(model, opt, split.X_train, split.y_train, batch, epochs, seed, None)
        return {
            "train_loss": loss,
            "val_accuracy": _accuracy(model, split.X_val, split.y_val),
            "test_accuracy": _accuracy(model, split.X_test, split.y_test),
        }

    def one_process_on_rank_0(lr: float) -> dict:
        """A learning rate the grid did not have (``tune`` widening it): rank 0 alone."""
        box = [one_process(lr) if dist.get_rank() == 0 else None]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def data_parallel(lr: float) -> dict:
        torch.manual_seed(seed)
        model = DistributedDataParallel(mlp(s["hidden"]))
        opt = optim.SGD(model.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)
        part = slice(dist.get_rank() * batch, (dist.get_rank() + 1) * batch)
        with np.errstate(all="ignore"):
            loss = _train(model, opt, split.X_train, split.y_train, batch * world, epochs, seed, part)
        losses = [None] * world
        dist.all_gather_object(losses, loss)
        module = model.module
        return {
            "train_loss": float(np.mean(losses)),
            "val_accuracy": _accuracy(module, split.X_val, split.y_val),
            "test_accuracy": _accuracy(module, split.X_test, split.y_test),
        }

    # The one-process runs of the grid are independent: the ranks share them out.
    grid = [float(lr) for lr in s["lr_grid"]]
    mine = {lr: one_process(lr) for lr in grid[dist.get_rank() :: world]}
    shares = [None] * world
    dist.all_gather_object(shares, mine)
    runs = {"one_process": {lr: r for share in shares for lr, r in share.items()}, "data_parallel": {}}

    def scored(kind, fn):
        def score(lr: float) -> float:
            if lr not in runs[kind]:
                runs[kind][lr] = fn(lr)
            return runs[kind][lr]["val_accuracy"]

        return score

    chosen = {"one_process": tune(scored("one_process", one_process_on_rank_0), grid),
              "data_parallel": tune(scored("data_parallel", data_parallel), grid)}  # fmt: skip
    lr_one = chosen["one_process"]["best"]
    same = runs["data_parallel"].get(lr_one) or data_parallel(lr_one)
    return {
        kind: {"lr": c["best"], "lr_interior": c["interior"], "lr_grid": c["grid"], "val_accuracy_by_lr": c["scores"],
               **runs[kind][c["best"]]}
        for kind, c in chosen.items()
    } | {"data_parallel_at_one_process_lr": same, "effective_batch": {"one_process": batch,
                                                                    "data_parallel": batch * world}}  # fmt: skip


# ---------------------------------------------------------------- the launch


def main(settings_path: str, out_path: str) -> None:
    with open(settings_path) as f:
        settings = json.load(f)
    dist.init_process_group("mpi", timeout=float(settings["timeout"]))
    s, seed = settings["sizes"], settings["seed"]
    torch.manual_seed(seed)
    split = SimpleNamespace(**np.load(settings["data"]))
    X, y = split.X_train.astype(np.float32), split.y_train
    assert X.shape[1] == FEATURES and int(y.max()) < CLASSES
    results = {"world_size": dist.get_world_size()}
    sections = {}

    def timed(name, fn):
        start = time.perf_counter()
        results[name] = fn()
        sections[name] = time.perf_counter() - start

    timed("dp_equality", lambda: dp_equality(X, y, s, seed))
    timed("mp_equality", lambda: mp_equality(X, y, s, seed))
    timed(
        "dp_timing", lambda: {str(b): dp_timing(X, y, s, seed, b, inner) for b, inner in s["timing_batches"]}
    )
    timed("mp_bytes", lambda: {str(b): mp_bytes(X, y, s, seed, b) for b, _ in s["timing_batches"]})
    timed("memory", lambda: memory(X, y, s, seed))
    timed("training", lambda: training(split, s, seed))
    results["section_seconds"] = sections
    if dist.get_rank() == 0:
        with open(out_path, "w") as f:
            json.dump(results, f)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*sys.argv[1:3])

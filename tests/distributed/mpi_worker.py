"""Scenarios run by tests/distributed/test_mpi.py under a real ``mpirun -n N``.

``python mpi_worker.py SCENARIO [ARG]``: every rank runs the scenario; a failed check raises
(the process exits non-zero and mpirun reports it). Rank 0 prints ``OK <scenario>`` at the end.
Comparisons against one process are computed by rank 0 alone on the whole batch, in float64.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np

import neuronlab as torch
import neuronlab.distributed as dist
from neuronlab import nn, optim
from neuronlab.nn.parallel import ColumnParallelLinear, DistributedDataParallel, RowParallelLinear
from neuronlab.train import Checkpoint, ProgressBar, Trainer
from neuronlab.utils.data import DataLoader, DistributedSampler, TensorDataset

RANK = WORLD = 0


def close(a, b, what: str, tol: float = 1e-10) -> None:
    a, b = (np.asarray(v.detach().numpy() if isinstance(v, torch.Tensor) else v) for v in (a, b))
    if a.shape != b.shape or not np.allclose(a, b, rtol=tol, atol=tol):
        raise AssertionError(
            f"rank {RANK}: {what} differs: max |Δ| = {np.max(np.abs(a - b)) if a.shape == b.shape else 'shape'}"
        )


def collectives() -> None:
    base = torch.tensor([RANK + 1.0, 2.0 * (RANK + 1)], dtype=torch.float64)
    ranks = np.arange(1, WORLD + 1, dtype=np.float64)
    expected = {
        dist.ReduceOp.SUM: [ranks.sum(), 2 * ranks.sum()],
        dist.ReduceOp.AVG: [ranks.mean(), 2 * ranks.mean()],
        dist.ReduceOp.MAX: [WORLD, 2 * WORLD],
        dist.ReduceOp.MIN: [1, 2],
        dist.ReduceOp.PRODUCT: [ranks.prod(), (2 * ranks).prod()],
    }
    for op, want in expected.items():
        t = base.clone()
        dist.all_reduce(t, op=op)
        close(t.numpy(), want, f"all_reduce {op}")
    t = torch.full((3,), float(RANK))
    dist.broadcast(t, src=WORLD - 1)
    close(t.numpy(), [WORLD - 1] * 3, "broadcast")
    parts = [torch.zeros(2) for _ in range(WORLD)]
    dist.all_gather(parts, torch.full((2,), float(RANK)))
    close(
        np.stack([p.numpy() for p in parts]), np.repeat(np.arange(WORLD), 2).reshape(WORLD, 2), "all_gather"
    )
    out = torch.zeros(2)
    dist.reduce_scatter(out, [torch.full((2,), float(i + RANK)) for i in range(WORLD)])
    close(out.numpy(), [RANK * WORLD + ranks.sum() - WORLD] * 2, "reduce_scatter")
    objects = [None] * WORLD
    dist.all_gather_object(objects, {"rank": RANK})
    assert objects == [{"rank": r} for r in range(WORLD)], objects
    work = dist.all_reduce(torch.ones(4), async_op=True)
    work.wait()
    dist.barrier()
    try:
        dist.all_gather([torch.zeros(1)], torch.zeros(1)) if WORLD > 1 else None
    except ValueError as error:
        assert "world size" in str(error)
    else:
        assert WORLD == 1, "all_gather with a wrong list length must raise"


def mlp(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(6, 12), nn.BatchNorm1d(12), nn.ReLU(), nn.Dropout(0.0), nn.Linear(12, 3)
    ).double()


def data(n: int = 48):
    rng = np.random.default_rng(7)
    X = torch.tensor(rng.normal(size=(n, 6)))
    y = torch.tensor(rng.integers(0, 3, n))
    return TensorDataset(X, y)


def make_optimizer(name: str, params):
    return optim.SGD(params, lr=0.1, momentum=0.9) if name == "sgd" else optim.Adam(params, lr=0.01)


def epoch_batches(ds, epoch: int, rows: int):
    """The union of the ranks' step batches: rank r's share of the sampler's epoch order is
    perm[r::WORLD], and its step k takes ``rows`` of it."""
    order = DistributedSampler(ds, num_replicas=1, rank=0, shuffle=True, seed=3)
    order.set_epoch(epoch)
    perm = np.asarray(order._indices())
    shards = [perm[r::WORLD] for r in range(WORLD)]
    for step in range(len(ds) // (WORLD * rows)):
        yield np.concatenate([s[step * rows : (step + 1) * rows] for s in shards])


def ddp(name: str) -> None:
    """A plain loop with BatchNorm in eval and Dropout off, two micro-batches accumulated under
    ``no_sync``: DDP over WORLD ranks equals one process on the global batch."""
    b, epochs = 4, 2
    ds = data(WORLD * b * 2 * 3)
    model = DistributedDataParallel(mlp(seed=RANK), bucket_cap_mb=0.0005)  # rank 0's weights win; 2+ buckets
    assert len(model._buckets) > 1
    opt = make_optimizer(name, model.parameters())
    sampler = DistributedSampler(ds, shuffle=True, seed=3)
    loader = DataLoader(ds, batch_size=b, sampler=sampler)
    model.train()
    model.module[1].eval()  # BatchNorm in eval: no per-shard statistics
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        batches = iter(loader)
        for (x1, y1), (x2, y2) in zip(batches, batches):
            opt.zero_grad()
            with model.no_sync():
                (loss_fn(model(x1), y1) * 0.5).backward()
            (loss_fn(model(x2), y2) * 0.5).backward()
            opt.step()
    if RANK != 0:
        return
    ref = mlp(seed=0)
    ref_opt = make_optimizer(name, ref.parameters())
    ref.train()
    ref[1].eval()
    for epoch in range(epochs):
        for idx in epoch_batches(ds, epoch, 2 * b):
            # the same samples as the ranks' two micro-batches, weighted as they are
            x, y = ds.tensors[0][idx], ds.tensors[1][idx]
            ref_opt.zero_grad()
            loss_fn(ref(x), y).backward()
            ref_opt.step()
    for (key, p), q in zip(model.module.state_dict().items(), ref.state_dict().values()):
        close(p, q, f"{name}: {key}")


def trainer() -> None:
    """The Trainer under DDP (accumulate=2, so no_sync inside): the weights, and the epoch's loss
    and accuracy reduced over the ranks, equal one process's on the global batches; the progress
    bar is on rank 0 only."""
    b, epochs = 4, 2
    ds = data(WORLD * b * 2 * 3)

    def net(seed):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 3)).double()

    model = DistributedDataParallel(net(RANK))
    fit = Trainer(model, optim.Adam(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), metrics=["accuracy"],
                  progress=True, accumulate=2)  # fmt: skip
    assert (RANK == 0) == any(isinstance(cb, ProgressBar) for cb in fit.callbacks), "progress on rank 0 only"
    history = fit.fit(DataLoader(ds, batch_size=b, sampler=DistributedSampler(ds, seed=3)), epochs=epochs)
    if RANK != 0:
        return
    ref = net(0)
    ref_fit = Trainer(ref, optim.Adam(ref.parameters(), lr=0.01), nn.CrossEntropyLoss(), progress=False)
    for epoch in range(epochs):
        losses, correct = [], 0
        for idx in epoch_batches(ds, epoch, 2 * b):
            record, out = ref_fit.train_step(ds.tensors[0][idx], ds.tensors[1][idx])
            losses.append(record["loss"])
            correct += int((out.argmax(1) == ds.tensors[1][idx]).sum().item())
        close(history.epochs[epoch]["train_loss"], np.mean(losses), "epoch loss over ranks")
        close(history.epochs[epoch]["train_accuracy"], correct / len(ds), "epoch accuracy over ranks")
    for p, q in zip(model.module.parameters(), ref.parameters()):
        close(p, q, "Trainer weights")


def plain_loop() -> None:
    """``loss.backward(); optimizer.step()`` with no Trainer: gradients are averaged by the hooks,
    ``no_sync`` accumulates locally, and a parameter used twice is reduced once."""
    torch.manual_seed(0)
    shared = nn.Linear(3, 3).double()
    model = DistributedDataParallel(nn.Sequential(shared, nn.Tanh(), shared))
    rng = np.random.default_rng(RANK)
    x = torch.tensor(rng.normal(size=(5, 3)))
    model(x).pow(2).sum().backward()
    local = [p.grad.numpy().copy() for p in model.parameters()]
    gathered = [None] * WORLD
    dist.all_gather_object(gathered, RANK)
    for p in model.parameters():  # every rank holds the same averaged gradient
        mean = p.grad.clone()
        dist.all_reduce(mean, op=dist.ReduceOp.AVG)
        close(mean, p.grad, "averaged gradient")
    # reference: the mean of the ranks' local gradients, computed without DDP
    torch.manual_seed(0)
    plain = nn.Linear(3, 3).double()
    net = nn.Sequential(plain, nn.Tanh(), plain)
    net(x).pow(2).sum().backward()
    for g, p in zip(local, net.parameters()):
        t = p.grad.clone()
        dist.all_reduce(t, op=dist.ReduceOp.AVG)
        close(g, t.numpy(), "DDP gradient vs mean of local gradients")
    for p in model.parameters():
        p.grad = None
    with model.no_sync():
        model(x).pow(2).sum().backward()
    for g, p in zip(net.parameters(), model.parameters()):
        close(p.grad.numpy(), g.grad.numpy(), "no_sync keeps the local gradient")


def tensor_parallel() -> None:
    """A 1-hidden-layer MLP split column → ReLU → row equals the unsplit one: output, input
    gradient, weight gradients (as slices) and a few SGD steps."""
    hidden = 12
    torch.manual_seed(1)
    fc1, fc2 = nn.Linear(5, hidden).double(), nn.Linear(hidden, 4).double()
    col = ColumnParallelLinear.from_linear(fc1, gather_output=False)
    row = RowParallelLinear.from_linear(fc2, input_is_parallel=True)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 5)), rng.normal(size=(8, 4))
    shard = slice(RANK * hidden // WORLD, (RANK + 1) * hidden // WORLD)
    opt_full = optim.SGD([*fc1.parameters(), *fc2.parameters()], lr=0.1)
    opt_split = optim.SGD([*col.parameters(), *row.parameters()], lr=0.1)
    for step in range(3):
        x_full, x_split = torch.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
        out_full = fc2(fc1(x_full).relu())
        out_split = row(col(x_split).relu())
        close(out_split, out_full, f"step {step}: output")
        for opt, out in ((opt_full, out_full), (opt_split, out_split)):
            opt.zero_grad()
            ((out - torch.tensor(Y)) ** 2).mean().backward()
        close(x_split.grad.numpy(), x_full.grad.numpy(), "input gradient")
        close(col.weight.grad.numpy(), fc1.weight.grad.numpy()[shard], "column weight gradient")
        close(row.weight.grad.numpy(), fc2.weight.grad.numpy()[:, shard], "row weight gradient")
        close(row.bias.grad.numpy(), fc2.bias.grad.numpy(), "row bias gradient")
        opt_full.step()
        opt_split.step()
    torch.manual_seed(2)
    gathered = ColumnParallelLinear(5, hidden).double()
    torch.manual_seed(2)
    close(gathered(torch.tensor(X)).detach().numpy(), nn.Linear(5, hidden).double()(torch.tensor(X)).detach().numpy(),
          "ColumnParallelLinear(gather_output=True) after the same seed as nn.Linear")  # fmt: skip


def sampler() -> None:
    """Every sample once per epoch across the ranks (n divisible), the same permutation on all
    ranks for one epoch and another for the next; padding repeats the first indices."""
    n = 6 * WORLD
    for epoch in range(2):
        s = DistributedSampler(range(n), shuffle=True, seed=0)
        s.set_epoch(epoch)
        shares = [None] * WORLD
        dist.all_gather_object(shares, list(s))
        everything = sorted(i for share in shares for i in share)
        assert everything == list(range(n)), shares
    n = 3 * WORLD + 1
    shares = [None] * WORLD
    dist.all_gather_object(shares, list(DistributedSampler(range(n), shuffle=False)))
    assert all(len(share) == 4 for share in shares)
    interleaved = [share[k] for k in range(4) for share in shares]
    assert interleaved == (list(range(n)) + list(range(n)))[: 4 * WORLD], interleaved


def resume(path: str) -> None:
    """Checkpoints are written by rank 0 and resumed by every rank: 2 + 2 epochs = 4 epochs."""
    ds = data(WORLD * 8)

    def run(epochs, resume_from=None, callbacks=()):
        model = DistributedDataParallel(mlp(seed=0))
        trainer = Trainer(model, optim.Adam(model.parameters(), lr=0.01), nn.CrossEntropyLoss(),
                          callbacks=list(callbacks), progress=False)  # fmt: skip
        loader = DataLoader(ds, batch_size=4, sampler=DistributedSampler(ds, seed=1))
        trainer.fit(loader, epochs=epochs, resume_from=resume_from)
        return model

    straight = run(4)
    run(2, callbacks=[Checkpoint(path)])
    resumed = run(4, resume_from=path, callbacks=[Checkpoint(path)])
    for p, q in zip(straight.parameters(), resumed.parameters()):
        close(p, q, "resumed weights", tol=0)


def errors() -> None:
    try:
        dist.init_process_group("mpi")
    except RuntimeError as error:
        assert "twice" in str(error)
    else:
        raise AssertionError("a second init_process_group must raise")
    dist.destroy_process_group()
    try:
        dist.init_process_group("mpi", world_size=WORLD + 1)
    except ValueError as error:
        assert f"mpirun started {WORLD}" in str(error), error
    else:
        raise AssertionError("a mismatched world_size must raise")
    dist.init_process_group("mpi")


def die() -> None:
    """The last rank dies before an all-reduce; the others must get an error, not hang."""
    if RANK == WORLD - 1:
        os.kill(os.getpid(), signal.SIGKILL)
    start = time.perf_counter()
    try:
        dist.all_reduce(torch.ones(3))
    except dist.DistBackendError as error:
        print(f"rank {RANK} caught after {time.perf_counter() - start:.1f} s: {error}", flush=True)
        # Leave without MPI_Finalize: with a dead peer Open MPI need not return from it (a CI
        # run under load waited out the test's 60 s there).
        os._exit(3)


SCENARIOS = {"collectives": collectives, "ddp_sgd": lambda: ddp("sgd"), "ddp_adam": lambda: ddp("adam"),
             "trainer": trainer, "plain_loop": plain_loop, "tensor_parallel": tensor_parallel, "sampler": sampler,
             "errors": errors}  # fmt: skip

if __name__ == "__main__":
    dist.init_process_group(backend="mpi")
    RANK, WORLD = dist.get_rank(), dist.get_world_size()
    name = sys.argv[1]
    if name == "die":
        die()
    elif name == "resume":
        resume(sys.argv[2])
    else:
        for scenario in SCENARIOS if name == "all" else [name]:
            SCENARIOS[scenario]()
            dist.barrier()
            if RANK == 0:
                print(f"OK {scenario}", flush=True)
    dist.destroy_process_group()

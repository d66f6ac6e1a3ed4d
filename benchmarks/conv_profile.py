"""Time the CNN hot path -- convolution, pooling and batch-norm layers, and a LeNet-5
training step (zero_grad, forward, cross-entropy, backward, SGD step) at batch 128 -- in
neuronlab and in PyTorch, side by side in one process, and print milliseconds, ratios and
page faults per step.

    python benchmarks/conv_profile.py [--batch 128] [--repeat 20] [--rounds 5]

Both libraries run with two threads (``torch.set_num_threads(2)``, OpenBLAS limited with
threadpoolctl). The machine is shared and noisy, so the libraries alternate: each of
``--rounds`` rounds times neuronlab then PyTorch (the order flips every round), with 0.3 s
of settling before each so that the other library's spinning threads are idle. A round's
figure is the median of ``--repeat`` runs; the table shows the median over rounds, ratio =
neuronlab / PyTorch (lower is better). A layer's backward time is (forward + backward) minus
forward, with a random upstream gradient and the input requiring grad.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import neuronlab as nl
import neuronlab.nn as nn

SETTLE_S = 0.3


def lenet(module):
    """LeNet-5 for 28x28 inputs (conv-pool-conv-pool-fc-fc-fc) built from ``module``
    (``neuronlab.nn`` or ``torch.nn``)."""
    return module.Sequential(
        module.Conv2d(1, 6, 5, padding=2), module.ReLU(), module.MaxPool2d(2),
        module.Conv2d(6, 16, 5), module.ReLU(), module.MaxPool2d(2),
        module.Flatten(),
        module.Linear(400, 120), module.ReLU(), module.Linear(120, 84), module.ReLU(), module.Linear(84, 10),
    )  # fmt: skip


def median_ms(fn, repeat: int) -> float:
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def alternate(fns: dict, repeat: int, rounds: int) -> dict[str, float]:
    """{name: median over rounds of the per-round median ms}, the libraries alternating."""
    results: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(rounds):
        order = list(fns) if r % 2 == 0 else list(fns)[::-1]
        for name in order:
            time.sleep(SETTLE_S)
            results[name].append(median_ms(fns[name], repeat))
    return {name: float(np.median(times)) for name, times in results.items()}


def layer_timings(build, shape, batch: int, repeat: int, rounds: int) -> dict[str, tuple[float, float]]:
    """{'neuronlab': (forward ms, backward ms), 'torch': (...)} for the layer ``build(m)``
    (m = ``neuronlab.nn`` or ``torch.nn``), both starting from the same weights."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, *shape)).astype(np.float32)
    t_layer, n_layer = build(torch.nn), build(nn)
    n_layer.load_state_dict({k: v.detach().numpy() for k, v in t_layer.state_dict().items()})
    forward, forward_backward = {}, {}
    for name, lib, layer in (("neuronlab", nl, n_layer), ("torch", torch, t_layer)):
        xin = lib.tensor(x, requires_grad=True)
        grad = lib.tensor(rng.standard_normal(tuple(layer(xin).shape)).astype(np.float32))
        forward[name] = lambda layer=layer, xin=xin: layer(xin)
        forward_backward[name] = lambda layer=layer, xin=xin, grad=grad: layer(xin).backward(grad)
    fwd = alternate(forward, repeat, rounds)
    both = alternate(forward_backward, repeat, rounds)
    return {name: (fwd[name], both[name] - fwd[name]) for name in fwd}


LAYERS = [
    ("conv1 1->6 5x5 pad 2, 28x28", lambda m: m.Conv2d(1, 6, 5, padding=2), (1, 28, 28)),
    ("conv2 6->16 5x5, 14x14", lambda m: m.Conv2d(6, 16, 5), (6, 14, 14)),
    ("maxpool 2x2, 6x28x28", lambda m: m.MaxPool2d(2), (6, 28, 28)),
    ("batchnorm2d, 16x14x14", lambda m: m.BatchNorm2d(16), (16, 14, 14)),
]


def training_steps(batch: int) -> tuple[dict, float]:
    """({'neuronlab': step, 'torch': step}, largest parameter-gradient difference) for one
    SGD training step (lr 0.05) of LeNet-5 from the same weights and data."""
    rng = np.random.default_rng(0)
    x = rng.random((batch, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    t_model, n_model = lenet(torch.nn), lenet(nn)
    n_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    steps = {}
    for name, lib, model in (("neuronlab", nl, n_model), ("torch", torch, t_model)):
        opt, loss_fn = lib.optim.SGD(model.parameters(), lr=0.05), lib.nn.CrossEntropyLoss()
        xs, ys = lib.from_numpy(x), lib.from_numpy(y)

        def step(model=model, opt=opt, loss_fn=loss_fn, xs=xs, ys=ys):
            opt.zero_grad()
            loss_fn(model(xs), ys).backward()
            opt.step()

        steps[name] = step
    # Gradients of the first step, before either optimizer has moved its weights.
    for lib, model in ((nl, n_model), (torch, t_model)):
        model.zero_grad()
        lib.nn.CrossEntropyLoss()(model(lib.from_numpy(x)), lib.from_numpy(y)).backward()
    gap = max(
        float(np.abs(p.grad.numpy() - q.grad.numpy()).max())
        for p, q in zip(n_model.parameters(), t_model.parameters())
    )
    return steps, gap


def page_faults(step, n: int = 20) -> float:
    """Minor page faults per call of ``step`` (fresh pages the kernel had to map and zero)."""
    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(n):
        step()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--step-only", action="store_true", help="skip the per-layer table")
    args = parser.parse_args()
    torch.set_num_threads(2)
    with threadpool_limits(2, "blas"):
        print(f"batch {args.batch}, median over {args.rounds} alternating rounds of the median of "
              f"{args.repeat} runs; ratio = neuronlab / torch")  # fmt: skip
        print(f"{'':<40}{'neuronlab ms':>13}{'torch ms':>10}{'ratio':>7}")
        for label, build, shape in [] if args.step_only else LAYERS:
            r = layer_timings(build, shape, args.batch, args.repeat, args.rounds)
            for i, phase in enumerate(("forward", "backward")):
                a, b = r["neuronlab"][i], r["torch"][i]
                print(f"{label + ' ' + phase:<40}{a:>13.2f}{b:>10.2f}{a / b:>7.2f}")
        steps, gap = training_steps(args.batch)
        times = alternate(steps, args.repeat, args.rounds)
        a, b = times["neuronlab"], times["torch"]
        print(f"{'LeNet-5 training step':<40}{a:>13.2f}{b:>10.2f}{a / b:>7.2f}")
        faults = {name: page_faults(step) for name, step in steps.items()}
        print(f"{'  page faults per step':<40}{faults['neuronlab']:>13.0f}{faults['torch']:>10.0f}")
        print(f"largest parameter-gradient difference from torch (first step): {gap:.2e}")


if __name__ == "__main__":
    main()

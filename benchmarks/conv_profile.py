"""Time the CNN hot path -- convolution, pooling and batch-norm layers, and a LeNet-5
training step (forward + backward) at batch 128 -- in neuronlab and in PyTorch, side by
side in one process, and print milliseconds and ratios.

    python benchmarks/conv_profile.py [--batch 128] [--repeat 30]

PyTorch runs with ``torch.set_num_threads(2)``. Each number is the median of ``--repeat``
runs after a warm-up; ratio = neuronlab / PyTorch (lower is better). A layer's backward
time is (forward + backward) minus forward, with a random upstream gradient and the input
requiring grad.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

import neuronlab as nl
import neuronlab.nn as nn
import neuronlab.nn.functional as F


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
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def layer_timings(build, shape, batch: int, repeat: int) -> dict[str, tuple[float, float]]:
    """{'neuronlab': (forward ms, backward ms), 'torch': (...)} for the layer ``build(m)``
    (m = ``neuronlab.nn`` or ``torch.nn``), both starting from the same weights."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, *shape)).astype(np.float32)
    t_layer, n_layer = build(torch.nn), build(nn)
    n_layer.load_state_dict({k: v.detach().numpy() for k, v in t_layer.state_dict().items()})
    results = {}
    for name, lib, layer in (("neuronlab", nl, n_layer), ("torch", torch, t_layer)):
        xin = lib.tensor(x, requires_grad=True)
        grad = lib.tensor(rng.standard_normal(tuple(layer(xin).shape)).astype(np.float32))

        def forward(layer=layer, xin=xin):
            return layer(xin)

        def forward_backward(layer=layer, xin=xin, grad=grad):
            layer(xin).backward(grad)

        fwd = median_ms(forward, repeat)
        results[name] = (fwd, median_ms(forward_backward, repeat) - fwd)
    return results


LAYERS = [
    ("conv1 1->6 5x5 pad 2, 28x28", lambda m: m.Conv2d(1, 6, 5, padding=2), (1, 28, 28)),
    ("conv2 6->16 5x5, 14x14", lambda m: m.Conv2d(6, 16, 5), (6, 14, 14)),
    ("maxpool 2x2, 6x28x28", lambda m: m.MaxPool2d(2), (6, 28, 28)),
    ("batchnorm2d, 16x14x14", lambda m: m.BatchNorm2d(16), (16, 14, 14)),
]


def lenet_step(batch: int, repeat: int) -> tuple[float, float, float]:
    """(neuronlab ms, torch ms, largest parameter-gradient difference) for zero_grad +
    forward + cross-entropy + backward of LeNet-5 from the same weights."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    t_model, n_model = lenet(torch.nn), lenet(nn)
    n_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    xt, yt, xn, yn = torch.tensor(x), torch.tensor(y), nl.tensor(x), nl.tensor(y)

    def torch_step():
        t_model.zero_grad()
        torch.nn.functional.cross_entropy(t_model(xt), yt).backward()

    def nl_step():
        n_model.zero_grad()
        F.cross_entropy(n_model(xn), yn).backward()

    nl_step(), torch_step()
    gap = max(
        float(np.abs(p.grad.numpy() - q.grad.numpy()).max())
        for p, q in zip(n_model.parameters(), t_model.parameters())
    )
    return median_ms(nl_step, repeat), median_ms(torch_step, repeat), gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(2)
    print(f"batch {args.batch}, median of {args.repeat} runs; ratio = neuronlab / torch")
    print(f"{'':<40}{'neuronlab ms':>13}{'torch ms':>10}{'ratio':>7}")
    for label, build, shape in LAYERS:
        r = layer_timings(build, shape, args.batch, args.repeat)
        for i, phase in enumerate(("forward", "backward")):
            a, b = r["neuronlab"][i], r["torch"][i]
            print(f"{label + ' ' + phase:<40}{a:>13.2f}{b:>10.2f}{a / b:>7.2f}")
    n_ms, t_ms, gap = lenet_step(args.batch, args.repeat)
    print(f"{'LeNet-5 step (forward + backward)':<40}{n_ms:>13.2f}{t_ms:>10.2f}{n_ms / t_ms:>7.2f}")
    print(f"largest parameter-gradient difference from torch: {gap:.2e}")


if __name__ == "__main__":
    main()

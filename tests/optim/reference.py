"""The test problem for optimizer trajectories: a 2-layer tanh network with softmax
cross-entropy (non-quadratic), built from the same NumPy weights in neuronlab and PyTorch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

import neuronlab
import neuronlab.nn.functional as F
import neuronlab.optim

N, D_IN, HIDDEN, CLASSES = 16, 3, 5, 3
TOLERANCE = {"float32": {"rtol": 1e-5, "atol": 1e-6}, "float64": {"rtol": 1e-10, "atol": 1e-12}}


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Inputs, class labels and initial weights (W1, b1, W2, b2) as float64 arrays."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, D_IN))
    y = rng.integers(0, CLASSES, N)
    init = [
        rng.standard_normal((HIDDEN, D_IN)) * 0.5,
        rng.standard_normal(HIDDEN) * 0.1,
        rng.standard_normal((CLASSES, HIDDEN)) * 0.5,
        rng.standard_normal(CLASSES) * 0.1,
    ]
    return x, y, init


def two_groups(params: list, **options) -> list[dict]:
    """Weights and biases in separate groups: the options go to the weights only, the
    biases get half the default learning rate when ``lr`` is among the options."""
    weights = {"params": [params[0], params[2]], **options}
    biases = {"params": [params[1], params[3]]}
    if "lr" in options:
        biases["lr"] = options["lr"] / 2
    return [weights, biases]


class Run:
    """One framework's copy of the problem: parameters, a loss closure and an optimizer."""

    def __init__(self, lib, dtype: str, seed: int = 0) -> None:
        self.lib = lib
        x, y, init = make_data(seed)
        dt = getattr(lib, dtype)
        self.x = lib.tensor(x, dtype=dt)
        self.y = lib.tensor(y)
        self.params = [lib.tensor(w, dtype=dt, requires_grad=True) for w in init]
        self.functional = F if lib is neuronlab else torch.nn.functional

    def loss(self):
        w1, b1, w2, b2 = self.params
        hidden = self.lib.tanh(self.x @ w1.T + b1)
        return self.functional.cross_entropy(hidden @ w2.T + b2, self.y)

    def backward(self) -> None:
        for p in self.params:
            p.grad = None
        self.loss().backward()

    def values(self) -> list[np.ndarray]:
        return [p.detach().numpy().copy() for p in self.params]


def trajectories(
    name: str,
    kwargs: dict,
    dtype: str,
    steps: int = 30,
    groups: Callable[[list], list] | None = None,
    seed: int = 0,
) -> tuple[list[list[np.ndarray]], list[list[np.ndarray]]]:
    """Parameters after each of ``steps`` optimizer steps, in neuronlab and in PyTorch."""
    result = []
    for lib, optim in ((neuronlab, neuronlab.optim), (torch, torch.optim)):
        run = Run(lib, dtype, seed)
        params = groups(run.params) if groups is not None else run.params
        opt = getattr(optim, name)(params, **kwargs)
        history = []
        for _ in range(steps):
            run.backward()
            opt.step()
            history.append(run.values())
        result.append(history)
    return result[0], result[1]


def assert_same_trajectory(ours, theirs, dtype: str) -> None:
    for step, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for i, (pa, pb) in enumerate(zip(a, b, strict=True)):
            np.testing.assert_allclose(pa, pb, **TOLERANCE[dtype], err_msg=f"step {step + 1}, parameter {i}")

"""memory's measurements: bytes of a training step and of a prediction traced by ``tracemalloc``
(independent of the library's own bookkeeping), against ``estimate_memory`` and against the
seed's formula, for the seed's MLP, d2l §4.7's model, a deeper MLP and LeNet-5."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import numpy as np

from neuronlab import nn, optim
from neuronlab.analysis import estimate_memory
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiment import LabConfig
from neuronlab.nn.utils import l2_penalty

D, H, C = 784, 256, 10  # d2l's MLP on 28×28 Fashion-MNIST: 784 inputs, 256 hidden units, 10 classes
WEIGHT_DECAY = 1e-3
FLOAT = 4  # bytes of a float32


def mlp(depth: int = 1, bias: bool = True) -> nn.Sequential:
    """784 → ``depth`` hidden ReLU layers of 256 → 10."""
    sizes = [D] + [H] * depth
    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out, bias=bias), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], C, bias=bias))


def lenet() -> nn.Sequential:
    """LeNet-5 with ReLU and max pooling on 1×28×28 images (d2l's version)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, C),
    )  # fmt: skip


def seed_formula(d: int, h: int, c: int, b: int) -> dict:
    """The seed's count (003 4.7 ex. 3): parameters = gradients = 4P bytes, P = dh + h + hc + c;
    activations 4b(2h + 2c) for Z, A (b×h) and O, Ŷ (b×c)."""
    p = d * h + h + h * c + c
    return {"n_parameters": p, "parameters": FLOAT * p, "activations": FLOAT * b * (2 * h + 2 * c)}


def _batch(rng: np.random.Generator, b: int, shape) -> tuple[Tensor, Tensor]:
    x = rng.standard_normal((b, *shape)).astype(np.float32)
    return Tensor._wrap(x), Tensor._wrap(rng.integers(0, C, size=b))


def traced_step(make_model: Callable, shape, b: int, seed: int, optimizer: str = "sgd",
                penalty: bool = False) -> dict:  # fmt: skip
    """A real training step measured by ``tracemalloc`` alone: the model, the batch and the
    optimizer are made after tracing starts; after one warm-up step (which creates the
    gradients and the optimizer's state), the second step's ``kept`` = the growth of traced
    memory from before the forward pass to right before ``backward`` (what the graph keeps),
    and ``peak`` = the most bytes traced at once during that step. ``built`` = the bytes traced
    once the model exists."""
    tracemalloc.start()
    try:
        manual_seed(seed)
        model = make_model()
        built = tracemalloc.get_traced_memory()[0]
        x, y = _batch(np.random.default_rng(seed), b, shape)
        kwargs = {"weight_decay": WEIGHT_DECAY} if optimizer == "sgd_weight_decay" else {}
        make = optim.Adam if optimizer == "adam" else optim.SGD
        opt = make(model.parameters(), lr=1e-3, **kwargs)
        ce = nn.CrossEntropyLoss()
        weights = [m.weight for m in model if isinstance(m, nn.Linear)]

        def loss_of(out):
            loss = ce(out, y)
            return loss + WEIGHT_DECAY / 2 * l2_penalty(weights) if penalty else loss

        for step in range(2):
            opt.zero_grad()
            if step == 1:
                tracemalloc.reset_peak()
                before = tracemalloc.get_traced_memory()[0]
            loss = loss_of(model(x))
            after_forward = tracemalloc.get_traced_memory()[0]
            loss.backward()
            del loss
            opt.step()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    predicted = estimate_memory(model, tuple(shape), "adam" if optimizer == "adam" else "sgd", batch_size=b)
    return {"built": built, "kept": after_forward - before, "peak": peak, "predicted": predicted.total,
            "predicted_activations": predicted.activations}  # fmt: skip


def traced_prediction(make_model: Callable, shape, b: int, seed: int) -> dict:
    """A prediction (eval mode, ``no_grad``) measured by ``tracemalloc`` alone: the model and the
    batch are made after tracing starts; ``peak`` = the most bytes traced at once."""
    tracemalloc.start()
    try:
        manual_seed(seed)
        model = make_model()
        x, _ = _batch(np.random.default_rng(seed), b, shape)
        model.eval()
        tracemalloc.reset_peak()
        with no_grad():
            out = model(x)
        del out
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {
        "peak": peak,
        "predicted": estimate_memory(model, tuple(shape), batch_size=b, training=False).total,
    }


def configurations(s: dict) -> list[dict]:
    """The models measured: (label, model maker, sample shape, batch, optimizer)."""
    b = s["batch"]
    return [
        {"label": f"MLP {D}-{H}-{C}, SGD", "make": mlp, "shape": (D,), "batch": b, "optimizer": "sgd"},
        {"label": f"MLP {D}-{H}-{C}, Adam", "make": mlp, "shape": (D,), "batch": b, "optimizer": "adam"},
        {"label": f"MLP {D}-{H}-{C}, SGD, batch {4 * b}", "make": mlp, "shape": (D,), "batch": 4 * b,
         "optimizer": "sgd"},
        {"label": f"MLP, 3 hidden layers of {H}, SGD", "make": lambda: mlp(3), "shape": (D,), "batch": b,
         "optimizer": "sgd"},
        *[{"label": f"LeNet-5, SGD, batch {cb}", "make": lenet, "shape": (1, 28, 28), "batch": cb, "optimizer": "sgd"}
          for cb in s["cnn_batches"]],
    ]  # fmt: skip


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.memory import SIZES

    s = config.sizes(SIZES)
    b = s["batch"]
    rows = []
    for c in configurations(s):
        train = traced_step(c["make"], c["shape"], c["batch"], seed, c["optimizer"])
        predict = traced_prediction(c["make"], c["shape"], c["batch"], seed)
        rows.append({"label": c["label"], "batch": c["batch"], "cnn": c["make"] is lenet, "train": train,
                     "predict": predict})  # fmt: skip
    return {
        "batch": b,
        "formula": seed_formula(D, H, C, b),
        "exercise_3": {
            "weight_decay": traced_step(mlp, (D,), b, seed, "sgd_weight_decay"),
            "plain": rows[0]["train"],
            "predict": rows[0]["predict"],
        },  # fmt: skip
        "exercise_4": {
            "penalty_in_graph": traced_step(lambda: mlp(bias=False), (D,), b, seed, "sgd", penalty=True),
            "weight_decay": traced_step(lambda: mlp(bias=False), (D,), b, seed, "sgd_weight_decay"),
            "predict": traced_prediction(lambda: mlp(bias=False), (D,), b, seed),
        },  # fmt: skip
        "configurations": rows,
    }

"""Computations of the memory experiment: the models, the seed's formula, and predicted
(``estimate_memory``) against measured (``measure_memory``) bytes for each configuration."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.analysis import measure_memory
from neuronlab.analysis.memory import graph_arrays
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.utils import l2_penalty

D, H, C = 784, 256, 10  # d2l's MLP on 28×28 Fashion-MNIST images: 784 inputs, 256 hidden units, 10 classes
BATCH = 256  # d2l's batch size
WEIGHT_DECAY = 1e-3
FLOAT = 4  # bytes of a float32
MIB = 2**20


def mlp(depth: int = 1, width: int = H, bias: bool = True, seed: int = 0) -> nn.Sequential:
    """784 → ``depth`` hidden ReLU layers of ``width`` → 10."""
    manual_seed(seed)
    sizes = [D] + [width] * depth
    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out, bias=bias), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], C, bias=bias))


def lenet(seed: int = 0) -> nn.Sequential:
    """LeNet-5 with ReLU and max pooling on 1×28×28 images (the d2l version)."""
    manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, C),
    )  # fmt: skip


def seed_formula(d: int, h: int, c: int, b: int) -> dict:
    """The seed's count (003 §4.7 ex. 3): parameters = gradients = 4P bytes with P = dh + h + hc + c;
    activations 4b(2h + 2c) for Z, A (b×h) and O, Ŷ (b×c)."""
    p = d * h + h + h * c + c
    return {"parameters": FLOAT * p, "gradients": FLOAT * p, "activations": FLOAT * b * (2 * h + 2 * c),
            "input_batch": FLOAT * b * d, "n_parameters": p}  # fmt: skip


def batch(seed: int, b: int, shape=(D,)) -> tuple[Tensor, Tensor]:
    """A random float32 batch and random labels (memory does not depend on the values)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((b, *shape)).astype(np.float32)
    return Tensor._wrap(x), Tensor._wrap(rng.integers(0, C, size=b))


def report_row(label: str, report, **settings) -> dict:
    """A measured report (with its prediction) as plain numbers, labelled."""
    row = report.as_dict()
    return {"label": label, **settings, **row}


def measure(label: str, model, input_shape, optimizer, b: int, training: bool = True, **settings) -> dict:
    """Predicted and measured bytes of one training step (or one prediction) at batch ``b``."""
    report = measure_memory(
        model, input_shape, nn.CrossEntropyLoss(), optimizer, batch_size=b, training=training
    )
    return report_row(label, report, batch=b, training=training, optimizer=str(optimizer), **settings)


def activation_breakdown(model, x: Tensor, y: Tensor, loss_fn) -> list[dict]:
    """The arrays a training forward pass keeps for backward, grouped by (shape, dtype), largest first."""
    loss = loss_fn(model(x), y)
    exclude = {id(p._data) for p in model.parameters()}
    groups: dict[tuple, dict] = {}
    for a in graph_arrays([loss], exclude).values():
        key = (tuple(a.shape), str(a.dtype))
        entry = groups.setdefault(
            key, {"shape": list(a.shape), "dtype": str(a.dtype), "count": 0, "bytes": 0}
        )
        entry["count"] += 1
        entry["bytes"] += a.nbytes
    return sorted(groups.values(), key=lambda e: -e["bytes"])


def exercise_3(seed: int, b: int = BATCH) -> dict:
    """The seed's model: one hidden layer with biases, weight decay in the optimizer (coupled L2)."""
    model = mlp(seed=seed)
    x, y = batch(seed, b)
    sgd = optim.SGD(model.parameters(), lr=0.1, weight_decay=WEIGHT_DECAY)
    train = measure_memory(model, (D,), nn.CrossEntropyLoss(), sgd, inputs=x, targets=y)
    predict = measure_memory(model, (D,), nn.CrossEntropyLoss(), None, inputs=x, training=False)
    return {"formula": seed_formula(D, H, C, b),
            "train": report_row("ex. 3: MLP 784-256-10", train, batch=b, optimizer="sgd, weight_decay"),
            "predict": report_row("ex. 3: MLP 784-256-10", predict, batch=b, optimizer="-"),
            "breakdown": activation_breakdown(model, x, y, nn.CrossEntropyLoss())}  # fmt: skip


def exercise_4(seed: int, b: int = BATCH) -> dict:
    """d2l §4.7's model: z = W⁽¹⁾x, h = ReLU(z), o = W⁽²⁾h, J = L + λ/2(‖W⁽¹⁾‖² + ‖W⁽²⁾‖²), no biases,
    the penalty part of the graph (as in §4.7's computational graph); against the same model with the
    penalty moved into the optimizer (``weight_decay``)."""
    model = mlp(bias=False, seed=seed)
    x, y = batch(seed, b)
    ce = nn.CrossEntropyLoss()
    weights = [model[0].weight, model[2].weight]

    def penalized(out, target):
        """J = L + λ/2 (‖W⁽¹⁾‖² + ‖W⁽²⁾‖²)."""
        return ce(out, target) + WEIGHT_DECAY / 2 * l2_penalty(weights)

    in_graph = measure_memory(
        model, (D,), penalized, optim.SGD(model.parameters(), lr=0.1), inputs=x, targets=y
    )
    sgd = optim.SGD(model.parameters(), lr=0.1, weight_decay=WEIGHT_DECAY)
    in_optimizer = measure_memory(model, (D,), ce, sgd, inputs=x, targets=y)
    predict = measure_memory(model, (D,), ce, None, inputs=x, training=False)
    label = "ex. 4: §4.7 model, no biases"
    return {"penalty_in_graph": report_row(label, in_graph, batch=b, optimizer="sgd, penalty in the loss"),
            "penalty_in_optimizer": report_row(label, in_optimizer, batch=b, optimizer="sgd, weight_decay"),
            "predict": report_row(label, predict, batch=b, optimizer="-"),
            "weight_bytes": sum(w._data.nbytes for w in weights)}  # fmt: skip


def batch_sweep(model_fn, input_shape, batches, optimizer: str, label: str) -> list[dict]:
    """Training and prediction at each batch size."""
    rows = []
    for b in batches:
        model = model_fn()
        rows.append(measure(label, model, input_shape, optimizer, b, training=True))
        rows.append(measure(label, model, input_shape, optimizer, b, training=False))
    return rows


def depth_sweep(depths, optimizer: str, seed: int, b: int) -> list[dict]:
    """Training and prediction of MLPs with 1, 2, 4... hidden layers of 256 at batch ``b``."""
    rows = []
    for depth in depths:
        model = mlp(depth, seed=seed)
        for training in (True, False):
            rows.append(measure(f"MLP, {depth} hidden", model, (D,), optimizer, b, training, depth=depth))
    return rows


def optimizer_sweep(names, seed: int, b: int) -> list[dict]:
    """The 784-256-10 MLP at batch ``b`` with each optimizer."""
    model = mlp(seed=seed)
    return [measure("MLP 784-256-10", model, (D,), name, b) for name in names]

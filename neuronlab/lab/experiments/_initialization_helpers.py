"""Measurements for the initialization experiment: the initializers' spread against their
formulas, symmetry that training cannot break, and how the scale of the weights carries the
signal forward and the gradient backward through a deep network."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.autograd import grad as autograd_grad
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiments._gd_variants_helpers import digits_split
from neuronlab.ops.creation import empty, from_numpy
from neuronlab.train import Trainer

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
SCALES = ("small", "xavier", "kaiming", "large")
SYMMETRY = ("zero", "constant", "small", "default")
LR, BATCH = 0.1, 64


def init_weights(linear: nn.Linear, scheme: str) -> None:
    """Re-initialize a layer's weight by a named scheme; biases start at 0 (except 'default').

    small: N(0, 0.01²) (d2l's from-scratch MLP); xavier: N(0, 2/(fan_in + fan_out));
    kaiming: N(0, 2/fan_in) (ReLU gain); large: N(0, 1); zero: 0; constant: 0.1;
    default: PyTorch's own (Kaiming-uniform with a = √5, i.e. U(±1/√fan_in)).
    """
    if scheme == "default":
        return
    w = linear.weight
    {
        "small": lambda: nn.init.normal_(w, 0.0, 0.01),
        "xavier": lambda: nn.init.xavier_normal_(w),
        "kaiming": lambda: nn.init.kaiming_normal_(w, nonlinearity="relu"),
        "large": lambda: nn.init.normal_(w, 0.0, 1.0),
        "zero": lambda: nn.init.zeros_(w),
        "constant": lambda: nn.init.constant_(w, 0.1),
    }[scheme]()
    if linear.bias is not None:
        nn.init.zeros_(linear.bias)


def mlp(sizes: list[int], activation: str, scheme: str, seed: int) -> nn.Sequential:
    """Linear layers of the given sizes with an activation between them, initialized by ``scheme``."""
    manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(a, b)
        init_weights(linear, scheme)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def initializer_spread(fan_in: int = 512, fan_out: int = 256, seed: int = 0) -> list[dict]:
    """Measured std and largest |w| of each initializer on a (fan_out, fan_in) weight, next to
    the formula (gain 1 for Xavier, √2 for Kaiming with ReLU)."""
    manual_seed(seed)
    xavier_std = math.sqrt(2 / (fan_in + fan_out))
    kaiming_std = math.sqrt(2 / fan_in)
    cases = [
        ("xavier_uniform_", nn.init.xavier_uniform_, {}, xavier_std, math.sqrt(6 / (fan_in + fan_out))),
        ("xavier_normal_", nn.init.xavier_normal_, {}, xavier_std, None),
        ("kaiming_uniform_ (relu)", nn.init.kaiming_uniform_, {"nonlinearity": "relu"}, kaiming_std,
         math.sqrt(6 / fan_in)),
        ("kaiming_normal_ (relu)", nn.init.kaiming_normal_, {"nonlinearity": "relu"}, kaiming_std, None),
    ]  # fmt: skip
    rows = []
    for name, fn, kwargs, std, bound in cases:
        w = fn(empty(fan_out, fan_in), **kwargs).numpy()
        rows.append({"initializer": name, "formula_std": std, "measured_std": float(w.std()),
                     "formula_bound": bound, "max_abs": float(np.abs(w).max())})  # fmt: skip
    return rows


def unit_spread(weight: np.ndarray) -> dict:
    """How different the rows (units) of a weight matrix are: the largest entrywise difference
    between any two rows, and how many distinct rows there are."""
    diff = float(np.max(weight.max(0) - weight.min(0)))
    distinct = len(np.unique(weight.round(6), axis=0))
    return {"max_difference": diff, "distinct_units": distinct}


def propagation(activation: str, scheme: str, depth: int, width: int, batch: int, seed: int) -> dict:
    """Variance of each hidden layer's activations (forward) and of the gradient reaching each
    layer's activations (backward, random upstream gradient), for standard-normal inputs."""
    net = mlp([width] * (depth + 1), activation, scheme, seed)
    rng = np.random.default_rng(seed)
    x = from_numpy(rng.standard_normal((batch, width)).astype(np.float32))
    acts: list[Tensor] = []
    h = x
    for layer in net:
        h = layer(h)
        if not isinstance(layer, nn.Linear):
            acts.append(h)
    upstream = from_numpy(rng.standard_normal(tuple(h.shape)).astype(np.float32))
    grads = autograd_grad((h * upstream).sum(), acts)
    values = [a.detach().numpy().astype(np.float64) for a in acts]
    return {
        "activation_variance": [_finite(v.var()) for v in values],
        "gradient_variance": [_finite(g.numpy().astype(np.float64).var()) for g in grads],
        "saturated_fraction": [float(np.mean(np.abs(v) > 0.99)) for v in values]
        if activation == "tanh"
        else None,
        "dead_fraction": [float(np.mean(v == 0)) for v in values] if activation == "relu" else None,
    }


def _finite(x) -> float | None:
    """A float, or None for inf/NaN (JSON has no infinities)."""
    return float(x) if math.isfinite(x) else None


def same_kernels_cnn(seed: int, tie_head: bool) -> nn.Sequential:
    """Conv2d(1, 4, 3) whose four kernels (and biases) are one and the same, ReLU, then a linear
    head; with ``tie_head`` the head's weights are equal across the four channels too."""
    manual_seed(seed)
    conv = nn.Conv2d(1, 4, 3)
    head = nn.Linear(4 * 6 * 6, 10)
    with no_grad():
        conv.weight.copy_(conv.weight[:1].expand(4, 1, 3, 3))
        conv.bias.fill_(0.1)
        if tie_head:
            per_channel = head.weight.detach().numpy().reshape(10, 4, 36)[:, :1, :]
            head.weight.copy_(from_numpy(np.repeat(per_channel, 4, axis=1).reshape(10, 144)))
    return nn.Sequential(conv, nn.ReLU(), nn.Flatten(), head)


def channel_and_position_spread(model: nn.Sequential, images: np.ndarray) -> dict:
    """For a batch of images through the first conv: the largest difference between output
    channels at the same position, and the spread over positions within one channel."""
    with no_grad():
        out = model[0](from_numpy(images)).numpy()
    return {"max_channel_difference": float(np.max(out.max(1) - out.min(1))),
            "position_std": float(out[:, 0].reshape(len(out), -1).std(1).mean())}  # fmt: skip


def symmetry_runs(data, seed: int, epochs: int) -> dict:
    """The tanh MLP 64-32-10 from each SYMMETRY start: how distinct its hidden units end up."""
    runs = {}
    for scheme in SYMMETRY:
        model = mlp([64, 32, 10], "tanh", scheme, seed)
        before = unit_spread(model[0].weight.detach().numpy())
        result = fit(model, data, epochs)
        runs[scheme] = {**result, "before": before, "after": unit_spread(model[0].weight.detach().numpy()),
                        "max_abs_hidden_weight": float(np.abs(model[0].weight.detach().numpy()).max())}  # fmt: skip
    return runs


def fit(model, data, epochs: int) -> dict:
    """Train with plain SGD; test accuracy per epoch and at the end, final training loss."""
    X_tr, y_tr, X_te, y_te = data
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=LR), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      progress=False)  # fmt: skip
    history = trainer.fit((X_tr, y_tr), val=(X_te, y_te), epochs=epochs, batch_size=BATCH)
    acc = [x if math.isfinite(x) else None for x in history.column("val_accuracy", per="epoch").tolist()]
    loss = history.column("train_loss", per="epoch")
    reached = next((i + 1 for i, a in enumerate(acc) if a is not None and a >= 0.9), None)
    return {"test_accuracy": acc[-1] or 0.0, "test_accuracy_per_epoch": acc, "epochs_to_90": reached,
            "train_loss": float(loss[-1]) if math.isfinite(loss[-1]) else None}  # fmt: skip


def regression_runs(data, seed: int, epochs: int) -> dict:
    """4.8 exercise 2: softmax and linear regression started from equal weights."""
    out = {}
    for scheme in ("zero", "default"):
        model = mlp([64, 10], "tanh", scheme, seed)
        result = fit(model, data, epochs)
        out[f"softmax_{scheme}"] = {**result, "after": unit_spread(model[0].weight.detach().numpy())}
    rng = np.random.default_rng(seed)
    true_w = rng.standard_normal((1, 5))
    X = rng.standard_normal((200, 5)).astype(np.float32)
    y = (X @ true_w.T + 0.01 * rng.standard_normal((200, 1))).astype(np.float32)
    model = mlp([5, 1], "tanh", "constant", seed)
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=LR), nn.MSELoss(), progress=False)
    trainer.fit((X, y), epochs=2 * epochs, batch_size=BATCH)
    learned = model[0].weight.detach().numpy()
    out["linear_constant"] = {"true_w": true_w.ravel().tolist(), "learned_w": learned.ravel().tolist(),
                              "max_error": float(np.abs(learned - true_w).max())}  # fmt: skip
    return out


def cnn_runs(seed: int, epochs: int, n_train) -> dict:
    """4.8 exercise 1: identical convolution kernels, with a random or a channel-tied head."""
    X_tr, y_tr, X_te, y_te = digits_split(seed, n_train)
    images = (X_tr.reshape(-1, 1, 8, 8), y_tr, X_te.reshape(-1, 1, 8, 8), y_te)
    out = {}
    for tie in (False, True):
        model = same_kernels_cnn(seed, tie)
        at_init = channel_and_position_spread(model, images[0][:64])
        result = fit(model, images, epochs)
        kernels = model[0].weight.detach().numpy().reshape(4, -1)
        out["tied_head" if tie else "random_head"] = {**result, **at_init, "after": unit_spread(kernels)}
    return out


def training_runs(data, seed: int, sizes: dict) -> dict:
    """Deep tanh and ReLU nets under each scale, and the shallow ReLU MLP of d2l 4.3."""
    deep = [64] + [sizes["train_width"]] * sizes["train_depth"] + [10]
    runs = {}
    for activation in ("tanh", "relu"):
        for scheme in SCALES:
            runs[f"{activation}/{scheme}"] = fit(mlp(deep, activation, scheme, seed), data, sizes["epochs"])
    for scheme in ("small", "xavier", "kaiming", "default"):
        model = mlp([64, sizes["shallow_hidden"], 10], "relu", scheme, seed)
        runs[f"shallow/{scheme}"] = fit(model, data, sizes["epochs"])
    return runs

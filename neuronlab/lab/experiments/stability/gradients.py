"""stability's gradient measurements: per-layer ‖∂L/∂W‖ through deep nets at initialization, and
whether the learning rate has anything to do with the size of the gradient (003 §4.8.1)."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.analysis import LayerStats
from neuronlab.engine.random import Generator, manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.tuning import tune
from neuronlab.nn.functional import cross_entropy
from neuronlab.train import Callback, Trainer

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
# (name, activation, init, architecture): the deep nets whose gradients are measured at initialization
GRADIENT_CONFIGS = (
    ("sigmoid, default init", "sigmoid", "default", "plain"),
    ("sigmoid, Xavier", "sigmoid", "xavier", "plain"),
    ("tanh, default init", "tanh", "default", "plain"),
    ("tanh, Xavier", "tanh", "xavier", "plain"),
    ("tanh, N(0, 1)", "tanh", "normal", "plain"),
    ("ReLU, default init", "relu", "default", "plain"),
    ("ReLU, Kaiming", "relu", "kaiming", "plain"),
    ("sigmoid + BatchNorm, default init", "sigmoid", "default", "batchnorm"),
    ("tanh residual, default init", "tanh", "default", "residual"),
)
LR_GRID = [0.03, 0.1, 0.3, 1.0]  # SGD rates tried for the tanh net of the learning-rate question
TOO_SMALL = 100  # the "too small" rate is the tuned one divided by this


def _init(linear: nn.Linear, activation: str, scheme: str) -> None:
    """PyTorch's default (kaiming_uniform with a = √5, i.e. U(±1/√fan_in)) or a named scheme."""
    if scheme == "default":
        return
    if scheme == "xavier":
        nn.init.xavier_normal_(linear.weight, gain=nn.init.calculate_gain(activation))
    elif scheme == "kaiming":
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
    else:
        nn.init.normal_(linear.weight, 0.0, 1.0)
    nn.init.zeros_(linear.bias)


def deep_net(activation: str, scheme: str, arch: str, depth: int, width: int, seed: int) -> nn.Sequential:
    """64 → ``depth`` hidden layers of ``width`` → 10; plain, with BatchNorm before each
    activation, or with each hidden layer h ← h + act(W h + b) as a residual block."""
    manual_seed(seed)
    act = ACTIVATIONS[activation]
    layers = [nn.Linear(64, width), act()]
    for _ in range(depth - 1):
        if arch == "residual":
            layers.append(nn.Residual(nn.Sequential(nn.Linear(width, width), act())))
        elif arch == "batchnorm":
            layers += [nn.Linear(width, width), nn.BatchNorm1d(width), act()]
        else:
            layers += [nn.Linear(width, width), act()]
    model = nn.Sequential(*layers, nn.Linear(width, 10))
    for m in model.modules():
        if isinstance(m, nn.Linear):
            _init(m, activation, scheme)
    return model


def gradient_norms(config, X: Tensor, y: Tensor, depth: int, width: int, seed: int) -> dict:
    """‖∂L/∂W_l‖ for every Linear layer (input side first) after one backward pass at init,
    recorded by ``LayerStats``; ``log10_first_over_last`` compares layer 1 with the last hidden layer."""
    name, activation, scheme, arch = config
    model = deep_net(activation, scheme, arch, depth, width, seed)
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    stats = LayerStats(model, layers=linears, track="weights")
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        cross_entropy(model(X), y).backward()
    stats.step()
    stats.remove()
    norms = [float(v) for v in stats.per_layer("weight/grad/norm").values()]
    hidden = [max(v, 1e-300) for v in norms[:-1]]  # the output layer's gradient does not cross the stack
    return {"name": name, "norms": norms, "log10_first_over_last": float(np.log10(hidden[0] / hidden[-1]))}


class FirstLayerGradient(Callback):
    """‖∂L/∂W‖ of the first and the last hidden Linear layer at every step (``on_batch_end`` runs
    after the step, before the next ``zero_grad``, so ``.grad`` still holds this step's gradient)."""

    def __init__(self) -> None:
        self.first: list[float] = []
        self.last: list[float] = []

    def on_batch_end(self, trainer, record: dict) -> None:
        linears = [m for m in trainer.model.modules() if isinstance(m, nn.Linear)]
        self.first.append(float(np.linalg.norm(linears[0].weight.grad.numpy())))
        self.last.append(float(np.linalg.norm(linears[-2].weight.grad.numpy())))


def _train(split, seed: int, lr: float, depth: int, epochs: int) -> tuple[Trainer, FirstLayerGradient]:
    model = deep_net("tanh", "default", "plain", depth, 64, seed)
    recorder = FirstLayerGradient()
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=lr), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      callbacks=[recorder], progress=False)  # fmt: skip
    trainer.fit(
        (split.X_train, split.y_train), epochs=epochs, batch_size=64, generator=Generator().manual_seed(seed)
    )
    return trainer, recorder


def learning_rate_and_gradients(split, seed: int, depth: int, epochs: int) -> dict:
    """A tanh net trained at its tuned SGD rate and at that rate / ``TOO_SMALL``, same init and
    batches: the first hidden layer's gradient norm at the first step and over training."""
    tuning = tune(lambda lr: _train(split, seed, lr, depth, epochs)[0].evaluate((split.X_val, split.y_val))["accuracy"],
                  LR_GRID)  # fmt: skip
    out = {"tuning": tuning, "depth": depth, "epochs": epochs}
    for key, lr in (("tuned", tuning["best"]), ("too_small", tuning["best"] / TOO_SMALL)):
        trainer, rec = _train(split, seed, lr, depth, epochs)
        out[key] = {"lr": lr, "first_layer_grad": rec.first, "last_hidden_grad": rec.last,
                    "train_loss": float(trainer.evaluate((split.X_train, split.y_train))["loss"])}  # fmt: skip
    return out

"""The network a configuration describes, built from neuronlab's own ``nn`` and ``optim``.

Hidden layer k is ``Linear → [BatchNorm1d] → activation → [Dropout]``; the output layer is
one unit (binary classification, logits into ``BCEWithLogitsLoss``; regression, ``MSELoss``)
or K units (``CrossEntropyLoss``). ``export.py`` writes the same recipe as a script.
"""

from __future__ import annotations

from neuronlab import nn, optim

__all__ = ["ACTIVATIONS", "build_model", "build_optimizer", "hidden_outputs", "loss_function", "penalty"]

ACTIVATIONS = {
    "tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": nn.Identity,
    "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "gelu": nn.GELU,
}  # fmt: skip
_ACTIVATION_TYPES = tuple(ACTIVATIONS.values())


def n_outputs(config: dict, n_classes: int) -> int:
    return n_classes if config["problem"] == "classification" and n_classes > 2 else 1


def build_model(config: dict, n_in: int, n_out: int) -> nn.Sequential:
    """The MLP of ``config`` with ``n_in`` inputs and ``n_out`` outputs, initialized by ``config["init"]``."""
    layers, width = [], n_in
    for units in config["hidden"]:
        layers.append(nn.Linear(width, units))
        if config["batch_norm"]:
            layers.append(nn.BatchNorm1d(units))
        layers.append(ACTIVATIONS[config["activation"]]())
        if config["dropout"] > 0:
            layers.append(nn.Dropout(config["dropout"]))
        width = units
    layers.append(nn.Linear(width, n_out))
    model = nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, nn.Linear):
            _init(layer, config["init"], config["activation"])
    return model


def _init(layer: nn.Linear, scheme: str, activation: str) -> None:
    """Weights by the named formula; biases 0 (so ``zeros`` leaves every unit alike)."""
    w = layer.weight
    if scheme == "xavier":
        gain = nn.init.calculate_gain(activation) if activation in ("tanh", "relu", "sigmoid") else 1.0
        nn.init.xavier_uniform_(w, gain=gain)
    elif scheme == "kaiming":
        nn.init.kaiming_normal_(w, nonlinearity="relu")
    elif scheme == "normal":
        nn.init.normal_(w, 0.0, 1.0)
    else:
        nn.init.zeros_(w)
    nn.init.zeros_(layer.bias)


def build_optimizer(config: dict, params) -> optim.Optimizer:
    """The optimizer of ``config`` with its hyperparameters."""
    lr, name = config["learning_rate"], config["optimizer"]
    if name == "sgd":
        return optim.SGD(params, lr=lr)
    if name in ("momentum", "nesterov"):
        return optim.SGD(params, lr=lr, momentum=config["momentum"], nesterov=name == "nesterov")
    if name == "adagrad":
        return optim.Adagrad(params, lr=lr)
    if name == "rmsprop":
        return optim.RMSprop(params, lr=lr, alpha=config["beta2"])
    return optim.Adam(params, lr=lr, betas=(config["beta1"], config["beta2"]))


def loss_function(config: dict, n_out: int):
    if config["problem"] == "regression":
        return nn.MSELoss()
    return nn.CrossEntropyLoss() if n_out > 1 else nn.BCEWithLogitsLoss()


def penalty(config: dict, model: nn.Module):
    """λ·Σ|w| (L1) or λ·½Σw² (L2) over the weights of the Linear layers (not biases), or None."""
    kind, rate = config["regularization"], config["reg_rate"]
    if kind == "none":
        return None
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    if kind == "l1":
        return rate * sum(w.abs().sum() for w in weights)
    return rate * 0.5 * sum((w * w).sum() for w in weights)


def hidden_outputs(model: nn.Sequential, x) -> tuple[list, object]:
    """The output of every hidden layer's activation (each (N, units)) and the model's output."""
    outs, h = [], x
    for layer in model:
        h = layer(h)
        if isinstance(layer, _ACTIVATION_TYPES):
            outs.append(h)
    return outs, h

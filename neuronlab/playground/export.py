"""Export: the page's configuration as a Python script that trains the same network.

The script uses PyTorch's API only, so it runs with neuronlab (``python play.py``) and with
PyTorch (``python play.py --torch``). Its data generator, split and features are the NumPy
source of ``data.py`` copied in; its model, optimizer, loss and batching are written out as
in ``network.py`` and ``training.py``, so with neuronlab and the same seed it prints the
numbers the playground showed after the same number of steps.
"""

from __future__ import annotations

import inspect

import numpy as np

from neuronlab.playground import data

__all__ = ["export_script"]

_ACTIVATION_CODE = {
    "tanh": "nn.Tanh()", "relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "linear": "nn.Identity()",
    "leaky_relu": "nn.LeakyReLU()", "elu": "nn.ELU()", "gelu": "nn.GELU()",
}  # fmt: skip


def _init_code(config: dict) -> str:
    scheme, act = config["init"], config["activation"]
    if scheme == "xavier":
        gain = f'nn.init.calculate_gain("{act}")' if act in ("tanh", "relu", "sigmoid") else "1.0"
        return f"nn.init.xavier_uniform_(layer.weight, gain={gain})"
    if scheme == "kaiming":
        return 'nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")'
    if scheme == "normal":
        return "nn.init.normal_(layer.weight, 0.0, 1.0)"
    return "nn.init.zeros_(layer.weight)"


def _optimizer_code(c: dict) -> str:
    lr, name = repr(c["learning_rate"]), c["optimizer"]
    if name == "sgd":
        return f"optim.SGD(model.parameters(), lr={lr})"
    if name in ("momentum", "nesterov"):
        return f"optim.SGD(model.parameters(), lr={lr}, momentum={c['momentum']!r}, nesterov={name == 'nesterov'})"
    if name == "adagrad":
        return f"optim.Adagrad(model.parameters(), lr={lr})"
    if name == "rmsprop":
        return f"optim.RMSprop(model.parameters(), lr={lr}, alpha={c['beta2']!r})"
    return f"optim.Adam(model.parameters(), lr={lr}, betas=({c['beta1']!r}, {c['beta2']!r}))"


def _penalty_code(c: dict) -> str:
    weights = "[m.weight for m in model if isinstance(m, nn.Linear)]"
    if c["regularization"] == "l1":
        return f"{c['reg_rate']!r} * sum(w.abs().sum() for w in {weights})"
    if c["regularization"] == "l2":
        return f"{c['reg_rate']!r} * 0.5 * sum((w * w).sum() for w in {weights})"
    return "0.0"


def _data_code(c: dict, upload) -> str:
    if c["mode"] == "perceptron":
        raise ValueError(
            "export writes the network mode; the perceptron mode is neuronlab.classic.Perceptron"
        )
    if c["dataset"] == "csv":
        if upload is None:
            raise ValueError("the data set csv needs an uploaded file")
        X, y = upload
        rows = np.column_stack([X, y]).round(6).tolist()
        dtype = "np.float32" if c["problem"] == "regression" else "np.int64"
        return (
            f"DATA = np.array({rows!r})\nX, y = DATA[:, :2].astype(np.float32), DATA[:, 2].astype({dtype})\n"
        )
    source = inspect.getsource(data.GENERATORS[c["dataset"]])
    call = f"X, y = {c['dataset']}({c['n_samples']}, {c['noise']!r}, np.random.default_rng({c['seed']}), {c['classes']})\n"
    return source + "\n\n" + call


def _layers_code(c: dict) -> str:
    lines = ["        layers.append(nn.Linear(width, units))"]
    if c["batch_norm"]:
        lines.append("        layers.append(nn.BatchNorm1d(units))")
    lines.append(f"        layers.append({_ACTIVATION_CODE[c['activation']]})")
    if c["dropout"] > 0:
        lines.append(f"        layers.append(nn.Dropout({c['dropout']!r}))")
    return "\n".join(lines)


def export_script(config: dict, steps: int, upload=None) -> str:
    """A runnable script for ``config`` that trains ``steps`` iterations (at least 1) and prints the losses."""
    c = config
    regression = c["problem"] == "regression"
    if regression:
        loss, target = "nn.MSELoss()", "torch.tensor(y.astype(np.float32).reshape(-1, 1))"
    else:
        loss = "nn.CrossEntropyLoss() if N_OUT > 1 else nn.BCEWithLogitsLoss()"
        target = "torch.tensor(y.reshape(-1, 1).astype(np.float32)) if N_OUT == 1 else torch.tensor(y)"
    n_out = "1" if regression else "N_CLASSES if N_CLASSES > 2 else 1"
    return _TEMPLATE.format(
        settings=", ".join(f"{k}={v!r}" for k, v in c.items()),
        data=_data_code(c, upload),
        split=inspect.getsource(data.split),
        features=inspect.getsource(data.feature_matrix),
        feature_list=c["features"],
        train_ratio=c["train_ratio"],
        seed=c["seed"],
        n_classes="1" if regression else "int(y.max()) + 1",
        n_out=n_out,
        hidden=c["hidden"],
        layers=_layers_code(c),
        init=_init_code(c),
        optimizer=_optimizer_code(c),
        loss=loss,
        target=target,
        penalty=_penalty_code(c),
        batch_size=c["batch_size"],
        steps=max(1, steps),
    )


_TEMPLATE = '''"""Exported from the neuronlab playground.

Settings: {settings}

Run with neuronlab:  python {{this file}}
Run with PyTorch:    python {{this file}} --torch
"""

import sys

import numpy as np

if "--torch" in sys.argv:
    import torch
else:
    import neuronlab as torch
nn, optim = torch.nn, torch.optim

STEPS = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else {steps}


{data}

{split}

{features}

X_train, y_train, X_test, y_test = split(X, y, {train_ratio!r}, {seed})
torch.manual_seed({seed})
F_train = feature_matrix(X_train, {feature_list!r})
F_test = feature_matrix(X_test, {feature_list!r})
N_CLASSES = {n_classes}
N_OUT = {n_out}


def build_model(width, n_out):
    layers = []
    for units in {hidden!r}:
{layers}
        width = units
    layers.append(nn.Linear(width, n_out))
    model = nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, nn.Linear):
            {init}
            nn.init.zeros_(layer.bias)
    return model


def target(y):
    return {target}


model = build_model(F_train.shape[1], N_OUT)
optimizer = {optimizer}
loss_fn = {loss}
rng = np.random.default_rng({seed} + 2)
batch_size = min({batch_size}, len(X_train))
order, position = rng.permutation(len(X_train)), 0
for step in range(STEPS):
    if position + batch_size > len(order):  # a new epoch, reshuffled (the last short batch dropped)
        order, position = rng.permutation(len(X_train)), 0
    idx = order[position : position + batch_size]
    position += batch_size
    model.train()
    optimizer.zero_grad()
    loss = loss_fn(model(torch.tensor(F_train[idx])), target(y_train[idx])) + {penalty}
    loss.backward()
    optimizer.step()

model.eval()
with torch.no_grad():
    train_loss = loss_fn(model(torch.tensor(F_train)), target(y_train)).item()
    test_loss = loss_fn(model(torch.tensor(F_test)), target(y_test)).item()
print(f"steps {{STEPS}}  train loss {{train_loss:.6f}}  test loss {{test_loss:.6f}}")
'''

"""activations' networks: a 2-32-32-3 network per activation on three spirals, each at its own
learning rate tuned on a validation split; the deep linear network collapsed to one affine map;
a trained network's output along a line (piecewise linearity); the first layer's gradient of a
deep network at initialization; identity against sigmoid outputs for regression."""

from __future__ import annotations

import copy

import numpy as np

import neuronlab
from neuronlab import nn, optim
from neuronlab.datasets import make_spirals, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiments.activations.functions import ACTIVATIONS, as_tensor
from neuronlab.lab.tuning import tune
from neuronlab.train import Trainer

COMPARED = ("identity", "sigmoid", "tanh", "relu")  # identity: no activation (a deep linear network)
LR_GRID = [3e-3, 1e-2, 3e-2, 1e-1]


def mlp(widths: list[int], factory=None) -> nn.Sequential:
    """Linear layers of the given widths with ``factory()`` between them (none if None)."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if factory is not None and i < len(widths) - 2:
            layers.append(factory())
    return nn.Sequential(*layers)


def spirals(seed: int, n_samples: int):
    """Three spirals (noise 0.2) drawn by the seed, stratified 60/20/20 train/validation/test."""
    X, y = make_spirals(n_samples, 3, noise=0.2, random_state=seed)
    return train_val_test_split(X, y, val_size=0.2, test_size=0.2, random_state=seed)


def accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    with neuronlab.no_grad():
        return float((model(neuronlab.tensor(X)).numpy().argmax(1) == y).mean())


def _train(name: str, lr: float, data, seed: int, epochs: int) -> nn.Sequential:
    X_tr, _, _, y_tr, _, _ = data
    manual_seed(seed)
    model = mlp([2, 32, 32, 3], None if name == "identity" else ACTIVATIONS[name])
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=lr), nn.CrossEntropyLoss(), progress=False)
    trainer.fit((X_tr, y_tr), epochs=epochs, batch_size=32)
    return model


def compare(seed: int, n_samples: int, epochs: int) -> tuple[dict, dict]:
    """Each network's learning rate tuned on validation accuracy; test accuracy at the chosen rate."""
    data = spirals(seed, n_samples)
    _, X_val, X_te, _, y_val, y_te = data
    results, models = {}, {}
    for name in COMPARED:
        trained = {}

        def validation_accuracy(lr: float, name=name, trained=trained) -> float:
            trained[lr] = _train(name, lr, data, seed, epochs)
            return accuracy(trained[lr], X_val, y_val)

        tuning = tune(validation_accuracy, LR_GRID)
        models[name] = trained[tuning["best"]]
        results[name] = {"lr": tuning["best"], "lr_interior": tuning["interior"], "lr_grid": tuning["grid"],
                         "val_accuracy_by_lr": tuning["scores"],
                         "test_accuracy": accuracy(models[name], X_te, y_te)}  # fmt: skip
    return results, models


def collapse_error(model: nn.Sequential, X: np.ndarray) -> float:
    """The deep linear network against its single affine map W = W_L⋯W_1,
    b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L: the largest relative difference of the outputs."""
    W, b = None, None
    for layer in model:
        w_l, b_l = (p.detach().numpy().astype(np.float64) for p in (layer.weight, layer.bias))
        W = w_l if W is None else w_l @ W
        b = b_l if b is None else w_l @ b + b_l
    with neuronlab.no_grad():
        network = model(neuronlab.tensor(X.astype(np.float32))).numpy().astype(np.float64)
    collapsed = X @ W.T + b
    return float(np.abs(network - collapsed).max() / np.abs(collapsed).max())


def along_line(model: nn.Sequential, n: int, start=(-1.0, -1.0), end=(1.0, 1.0)) -> dict:
    """The first logit on a segment, in float64: second differences (zero where linear), the
    activation pattern (which hidden pre-activations are positive), and the largest step between
    neighbours at spacing h and h/2."""
    double = copy.deepcopy(model).double()
    start, end = np.asarray(start), np.asarray(end)

    def forward(points):
        x, signs = as_tensor(points), []
        with neuronlab.no_grad():
            for i, layer in enumerate(double):
                x = layer(x)
                if isinstance(layer, nn.Linear) and i < len(double) - 1:
                    signs.append(x.numpy() > 0)
        return x.numpy()[:, 0], np.concatenate(signs, axis=1)

    t = np.linspace(0.0, 1.0, n)
    f, pattern = forward(start + t[:, None] * (end - start))
    fine, _ = forward(start + np.linspace(0.0, 1.0, 2 * n - 1)[:, None] * (end - start))
    d2 = np.abs(f[2:] - 2 * f[1:-1] + f[:-2])
    bent = d2 > 1e-9 * (1.0 + np.abs(f).max())
    change = (pattern[1:] != pattern[:-1]).any(axis=1)  # change[j]: between points j and j + 1
    clean = ~(change[:-1] | change[1:])  # triple (i, i+1, i+2) with one pattern throughout
    return {"t": t.tolist(), "f": f.tolist(), "linear_share": float(1 - bent.mean()),
            "bent_without_pattern_change": int(np.sum(bent & clean)), "pattern_changes": int(change.sum()),
            "max_step": float(np.abs(np.diff(f)).max()), "max_step_half": float(np.abs(np.diff(fine)).max())}  # fmt: skip


def first_layer_gradient(seed: int, name: str, depth: int = 10, width: int = 32) -> float:
    """‖∂L/∂W₁‖ of a ``depth``-layer network at initialization (cross-entropy on 300 spiral points)."""
    X, y = make_spirals(300, 3, noise=0.2, random_state=seed)
    manual_seed(seed)
    model = mlp([2] + [width] * (depth - 1) + [3], ACTIVATIONS[name])
    nn.CrossEntropyLoss()(model(neuronlab.tensor(X)), neuronlab.tensor(y)).backward()
    return float(np.linalg.norm(model[0].weight.grad.numpy()))


def regression_outputs(seed: int, steps: int) -> dict:
    """Test MSE of a 1-16-1 tanh network fitted to y = 4x + N(0, 0.3²) (targets outside [0, 1]) with
    an identity output and with a sigmoid output (full-batch Adam, lr 0.03); beside them the trivial
    baseline (predict the training mean) and the noise floor σ² = 0.09."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (300, 1)).astype(np.float32)
    y = (4 * x + 0.3 * rng.standard_normal(x.shape)).astype(np.float32)
    out = {"mean_baseline": float(np.mean((y[200:] - y[:200].mean()) ** 2)), "noise_floor": 0.3**2}
    for name, head in (("identity", []), ("sigmoid", [nn.Sigmoid()])):
        manual_seed(seed)
        model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1), *head)
        Trainer(model, optim.Adam(model.parameters(), lr=0.03), nn.MSELoss(), progress=False).fit(
            (x[:200], y[:200]), epochs=steps, batch_size=None)  # fmt: skip
        with neuronlab.no_grad():
            out[name] = float(np.mean((model(neuronlab.tensor(x[200:])).numpy() - y[200:]) ** 2))
    return out

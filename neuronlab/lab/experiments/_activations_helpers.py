"""Measurements for the ``activations`` experiment: curves and derivatives by autograd, a
training comparison, the collapse of a deep linear network into one matrix, the
piecewise-linear structure of ReLU networks and a nonlinearity applied across a batch."""

from __future__ import annotations

import copy

import numpy as np

import neuronlab
import neuronlab.nn.functional as F
from neuronlab import nn, optim
from neuronlab.datasets import make_spirals, make_xor, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.train import Trainer

# The activations compared, as layer factories (PyTorch's defaults: LeakyReLU slope 0.01,
# PReLU initial slope 0.25, ELU α = 1, exact GELU).
ACTIVATIONS = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "prelu": nn.PReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
}
PIECEWISE_LINEAR = ("relu", "leaky_relu", "prelu")


def as_tensor(array: np.ndarray, requires_grad: bool = False):
    """A float64 neuronlab tensor holding ``array``."""
    return neuronlab.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def value_and_derivative(fn, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) of an elementwise function, the derivative by autograd."""
    t = as_tensor(x, requires_grad=True)
    y = fn(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


def curves(x: np.ndarray) -> dict:
    """Each activation's values and derivative on the grid ``x``, with the derivative's maximum."""
    out = {}
    for name, factory in ACTIVATIONS.items():
        layer = factory().double()
        value, derivative = value_and_derivative(layer, x)
        peak = int(np.argmax(derivative))
        out[name] = {"value": value.tolist(), "derivative": derivative.tolist(),
                     "max_derivative": float(derivative[peak]), "argmax": float(x[peak])}  # fmt: skip
    return out


def tanh_identity() -> dict:
    """max |tanh(x) + 1 − 2σ(2x)| on [−20, 20], in float64 and float32."""
    x = np.linspace(-20.0, 20.0, 4001)
    errors = {}
    for dtype in (neuronlab.float64, neuronlab.float32):
        t = neuronlab.tensor(x, dtype=dtype)
        gap = (neuronlab.tanh(t) + 1 - 2 * neuronlab.sigmoid(2 * t)).abs()
        errors[str(dtype).split(".")[-1]] = float(gap.max().item())
    return errors


def prelu_derivative(slopes: list[float]) -> dict:
    """Autograd's d pReLU/dx against 1 (x > 0) or a (x < 0) and d pReLU/da against Σ min(0, x),
    away from the kink; at x = 0, where no derivative exists, the value autograd returns."""
    x = np.linspace(-3.0, 3.0, 601)
    smooth = x != 0
    worst_x, worst_a, at_zero = 0.0, 0.0, []
    for a in slopes:
        t = as_tensor(x, requires_grad=True)
        weight = as_tensor([a], requires_grad=True)
        F.prelu(t, weight).sum().backward()
        grad = t.grad.numpy()
        worst_x = max(worst_x, float(np.abs(grad - np.where(x > 0, 1.0, a))[smooth].max()))
        worst_a = max(worst_a, abs(float(weight.grad.numpy()[0]) - float(np.minimum(x, 0).sum())))
        at_zero.append(float(grad[~smooth][0]))
    return {"slopes": slopes, "max_error_dx": worst_x, "max_error_da": worst_a, "derivative_at_zero": at_zero}


def fit(model, loss_fn, train, epochs: int, batch_size, lr: float, val=None):
    """Train with Adam; returns the trainer (its history holds the curves)."""
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=lr), loss_fn, metrics=["accuracy"] if val else None,
                      progress=False)  # fmt: skip
    trainer.fit(train, val=val, epochs=epochs, batch_size=batch_size)
    return trainer


def mlp(widths: list[int], activation=None) -> nn.Sequential:
    """Linear layers of the given widths with ``activation()`` between them (none if None)."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if activation is not None and i < len(widths) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def spirals(seed: int, n_samples: int) -> tuple:
    """Three interleaved spirals split 70/30 (train, test)."""
    X, y = make_spirals(n_samples, 3, noise=0.2, random_state=seed)
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X, y, val_size=0, test_size=0.3, random_state=seed)
    return X_tr, y_tr, X_te, y_te


def compare_training(seed: int, n_samples: int, epochs: int) -> tuple[dict, dict]:
    """The same 2-32-32-3 network with each activation, Adam 1e-2, batch 32, on the spirals."""
    X_tr, y_tr, X_te, y_te = spirals(seed, n_samples)
    results, models = {}, {}
    for name, factory in ACTIVATIONS.items():
        manual_seed(seed)
        model = mlp([2, 32, 32, 3], factory)
        trainer = fit(model, nn.CrossEntropyLoss(), (X_tr, y_tr), epochs, 32, 1e-2, val=(X_te, y_te))
        history = trainer.history
        results[name] = {
            "train_loss": history.column("train_loss", per="epoch").tolist(),
            "test_accuracy": history.column("val_accuracy", per="epoch").tolist(),
            "final_test_accuracy": float(history.epochs[-1]["val_accuracy"]),
            "final_train_loss": float(history.epochs[-1]["train_loss"]),
        }
        if name == "prelu":
            results[name]["learned_slopes"] = [
                float(m.weight.detach().numpy()[0]) for m in model if isinstance(m, nn.PReLU)
            ]
        models[name] = model
    return results, models


def deep_gradients(seed: int, depth: int, width: int = 32) -> dict:
    """‖∂L/∂W‖ of the first and last layer of a ``depth``-layer network at initialization."""
    X, y, _, _ = spirals(seed, 300)
    x, target = neuronlab.tensor(X), neuronlab.tensor(y)
    out = {}
    for name, factory in ACTIVATIONS.items():
        manual_seed(seed)
        model = mlp([2] + [width] * (depth - 1) + [3], factory)
        nn.CrossEntropyLoss()(model(x), target).backward()
        linears = [m for m in model if isinstance(m, nn.Linear)]
        first = float(np.linalg.norm(linears[0].weight.grad.numpy()))
        last = float(np.linalg.norm(linears[-1].weight.grad.numpy()))
        out[name] = {"first_layer": first, "last_layer": last, "ratio": first / last}
    return out


def collapse(model: nn.Sequential) -> tuple[np.ndarray, np.ndarray]:
    """The single affine map (W, b) equal to a stack of Linear layers: W = W_L⋯W_1,
    b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L."""
    W, b = None, None
    for layer in model:
        w_l, b_l = (
            layer.weight.detach().numpy().astype(np.float64),
            layer.bias.detach().numpy().astype(np.float64),
        )
        W = w_l if W is None else w_l @ W
        b = b_l if b is None else w_l @ b + b_l
    return W, b


def accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    """Share of samples whose arg-max logit is the label."""
    with neuronlab.no_grad():
        return float((model(neuronlab.tensor(X)).numpy().argmax(1) == y).mean())


def grid_predictions(model, lo: tuple, hi: tuple, n: int) -> list:
    """Predicted classes on an n×n grid over [lo, hi] (for decision-region plots)."""
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    points = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2).astype(np.float32)
    with neuronlab.no_grad():
        return model(neuronlab.tensor(points)).numpy().argmax(1).reshape(n, n).tolist()


def linear_vs_relu(task: str, seed: int, epochs: int) -> dict:
    """A 4-layer linear network, one linear layer and a ReLU network on XOR or the spirals."""
    if task == "xor":
        X, y = make_xor(400, noise=0.15, random_state=seed, shuffle=True)
        X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(
            X, y, val_size=0, test_size=0.3, random_state=seed
        )
    else:
        X_tr, y_tr, X_te, y_te = spirals(seed, 450)
    k = int(y_tr.max()) + 1
    builders = {"deep_linear": lambda: mlp([2, 16, 16, 16, k]), "one_linear": lambda: mlp([2, k]),
                "relu": lambda: mlp([2, 32, 32, k], nn.ReLU)}  # fmt: skip
    out, models = {}, {}
    for name, build in builders.items():
        manual_seed(seed)
        models[name] = build()
        fit(models[name], nn.CrossEntropyLoss(), (X_tr, y_tr), epochs, None, 0.03)
        out[f"{name}_test_accuracy"] = accuracy(models[name], X_te, y_te)
    W, b = collapse(models["deep_linear"])
    with neuronlab.no_grad():
        network = models["deep_linear"](neuronlab.tensor(X_te)).numpy()
    out["collapse_max_error"] = float(np.abs(network - (X_te @ W.T + b)).max())
    out["collapsed_W"], out["collapsed_b"] = W.tolist(), b.tolist()
    lo, hi = X_te.min(0) - 0.3, X_te.max(0) + 0.3
    out["grid"] = {"lo": lo.tolist(), "hi": hi.tolist(), "X_test": X_te.tolist(), "y_test": y_te.tolist(),
                   **{k: grid_predictions(models[k], lo, hi, 60) for k in ("deep_linear", "relu")}}  # fmt: skip
    return out


def _forward_with_pattern(model: nn.Sequential, x) -> tuple[np.ndarray, np.ndarray]:
    """The output and, per point, which hidden pre-activations are positive (the region)."""
    signs = []
    layers = list(model)
    for i, layer in enumerate(layers):
        x = layer(x)
        if isinstance(layer, nn.Linear) and i < len(layers) - 1:
            signs.append(x.numpy() > 0)
    return x.numpy(), np.concatenate(signs, axis=1)


def _runs(mask: np.ndarray) -> int:
    """Number of maximal runs of True in a boolean vector."""
    return int(mask[0]) + int(np.count_nonzero(mask[1:] & ~mask[:-1]))


def along_line(model: nn.Sequential, start, end, n: int) -> dict:
    """The network's first logit on a segment, in float64: second differences (zero where the
    function is linear), kinks, activation-pattern changes and the largest step between points."""
    double = copy.deepcopy(model).double()
    t = np.linspace(0.0, 1.0, n)
    points = np.asarray(start) + t[:, None] * (np.asarray(end) - np.asarray(start))
    with neuronlab.no_grad():
        out, pattern = _forward_with_pattern(double, as_tensor(points))
        fine = double(
            as_tensor(np.asarray(start) + np.linspace(0, 1, 2 * n - 1)[:, None] * (np.asarray(end) - start))
        )
    f = out[:, 0]
    d2 = np.abs(f[2:] - 2 * f[1:-1] + f[:-2])
    nonzero = d2 > 1e-9 * (1.0 + np.abs(f).max())
    changes = np.flatnonzero((pattern[1:] != pattern[:-1]).any(axis=1))
    step_h = float(np.abs(np.diff(f)).max())
    step_half = float(np.abs(np.diff(fine.numpy()[:, 0])).max())
    return {"t": t.tolist(), "f": f.tolist(), "abs_second_difference": d2.tolist(),
            "zero_second_difference_share": float(1 - nonzero.mean()), "kinks": _runs(nonzero),
            "pattern_changes": int(len(changes)), "change_t": t[changes].tolist(),
            "max_step": step_h, "max_step_half_grid": step_half}  # fmt: skip


def batch_dependence(seed: int) -> dict:
    """Sample 0's output under an elementwise ReLU and under a nonlinearity over the whole batch
    (standardize each feature over the batch, then ReLU), in two batches with other partners."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((15, 16))
    batch_a, batch_b = as_tensor(X[:8]), as_tensor(X[[0, *range(8, 15)]])

    def batchwise(h):
        return F.relu(F.batch_norm(h, None, None, training=True))

    elementwise = float((F.relu(batch_a)[0] - F.relu(batch_b)[0]).abs().max().item())
    across = float((batchwise(batch_a)[0] - batchwise(batch_b)[0]).abs().max().item())
    pair = F.batch_norm(as_tensor(X[:2]), None, None, training=True).numpy()
    try:
        batchwise(as_tensor(X[:1]))
        single_fails = False
    except ValueError:
        single_fails = True
    return {"elementwise_change": elementwise, "batchwise_change": across, "single_sample_fails": single_fails,
            "pair_max_distance_from_pm1": float(np.abs(np.abs(pair) - 1).max())}  # fmt: skip


def _regression_mse(seed: int, epochs: int, head, y_scale=None) -> float:
    """Test MSE (in the target's units) of a 1-16-1 tanh network with output ``head``, fitted
    to y = 4x + noise (targets ``y_scale``-mapped into [0, 1] first when given)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (300, 1)).astype(np.float32)
    y = (4 * x + 0.3 * rng.standard_normal(x.shape)).astype(np.float32)
    lo, span = (float(y.min()), float(np.ptp(y))) if y_scale else (0.0, 1.0)
    target = (y - lo) / span
    manual_seed(seed)
    model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1), *([head()] if head else []))
    fit(model, nn.MSELoss(), (x[:200], target[:200]), epochs, None, 0.03)
    with neuronlab.no_grad():
        prediction = model(neuronlab.tensor(x[200:])).numpy() * span + lo
    return float(np.mean((prediction - y[200:]) ** 2))


def _class_probabilities(seed: int, epochs: int, softmax: bool) -> dict:
    """Spirals with a softmax output (cross-entropy) or one sigmoid per class (BCE on one-hot)."""
    X_tr, y_tr, X_te, y_te = spirals(seed, 450)
    manual_seed(seed)
    model = mlp([2, 32, 32, 3], nn.ReLU)
    if softmax:
        fit(model, nn.CrossEntropyLoss(), (X_tr, y_tr), epochs, None, 0.03)
    else:
        fit(model, nn.BCEWithLogitsLoss(), (X_tr, np.eye(3, dtype=np.float32)[y_tr]), epochs, None, 0.03)
    with neuronlab.no_grad():
        logits = model(neuronlab.tensor(X_te))
        p = (F.softmax(logits, dim=1) if softmax else F.sigmoid(logits)).numpy().astype(np.float64)
    sums = np.abs(p.sum(1) - 1)
    return {"test_accuracy": float((p.argmax(1) == y_te).mean()), "max_sum_error": float(sums.max()),
            "mean_sum_error": float(sums.mean())}  # fmt: skip


def output_layers(seed: int, epochs: int) -> dict:
    """002 q1: identity vs sigmoid outputs for regression, softmax vs sigmoids for classes."""
    return {
        "regression_identity_mse": _regression_mse(seed, epochs, None),
        "regression_sigmoid_mse": _regression_mse(seed, epochs, nn.Sigmoid),
        "regression_sigmoid_scaled_mse": _regression_mse(seed, epochs, nn.Sigmoid, y_scale=True),
        "softmax": _class_probabilities(seed, epochs, softmax=True),
        "sigmoids": _class_probabilities(seed, epochs, softmax=False),
    }

"""Measurements for the ``perceptron`` experiment (seed 004 (2)–(10)): M-P gates and their
arithmetic, the activation definitions, Rosenblatt's perceptron on the seed's double moon,
and XOR (one neuron cannot, one hidden layer can)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from neuronlab import nn, optim
from neuronlab.classic import (
    ConvergenceWarning,
    MPNetwork,
    MPNeuron,
    Perceptron,
    and_gate,
    margin_and_radius,
    not_gate,
    or_gate,
    xor_network,
)
from neuronlab.datasets import make_xor
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F
from neuronlab.train import Trainer

POINTS = [-5.0, -1.0, 0.0, 1.0, 5.0]  # the seed's test points in (5)
SEED_SGN_PRINT = [-1.0, -1.0, 0.0, 1.0, 1.0]  # what the seed's np.sign prints in (5)
SEED_LOGISTIC_PRINT = [0.00669285, 0.26894142, 0.5, 0.73105858, 0.99330715]
LEAKY_SLOPE = 0.01


def gate_tables() -> dict:
    """Truth tables of AND, OR, NOT as M-P neurons: inputs, w·x, w·x − θ, output, expected."""
    corners = np.array(list(itertools.product([0, 1], repeat=2)))
    gates = {
        "AND": (and_gate(), corners, corners.all(axis=1)),
        "OR": (or_gate(), corners, corners.any(axis=1)),
        "NOT": (not_gate(), np.array([[0], [1]]), np.array([1, 0])),
    }
    tables = {}
    for name, (neuron, X, expected) in gates.items():
        tables[name] = {
            "weights": neuron.weights.tolist(),
            "threshold": neuron.threshold,
            "inputs": X.tolist(),
            "weighted_sum": (X @ neuron.weights).tolist(),
            "net_input": neuron.net_input(X).tolist(),
            "output": neuron.predict(X).tolist(),
            "expected": expected.astype(int).tolist(),
        }
    return tables


def order_invariance(rng: np.random.Generator, n_neurons: int, n_inputs: int = 5) -> dict:
    """Question (2): an M-P neuron sees only Σ wᵢxᵢ, so the order the (wᵢ, xᵢ) pairs arrive in
    cannot matter; moving the inputs to other synapses (x permuted, w kept) does."""
    W = rng.normal(size=(n_neurons, n_inputs))
    theta = rng.normal(size=n_neurons)
    X = rng.integers(0, 2, size=(n_neurons, n_inputs)).astype(np.float64)
    paired = rewired = 0
    for w, t, x in zip(W, theta, X):
        neuron, order = MPNeuron(w, t), rng.permutation(n_inputs)
        out = neuron.predict(x)
        paired += int(MPNeuron(w[order], t).predict(x[order]) != out)
        rewired += int(neuron.predict(x[order]) != out)
    return {"neurons": n_neurons, "inputs": n_inputs, "changed_pairs_permuted": paired,
            "changed_inputs_rewired": rewired}  # fmt: skip


def activation_checks() -> dict:
    """Questions (4)–(5): neuronlab's activations against their formulas, and sgn at 0."""
    x = np.array(POINTS)
    t = Tensor._wrap(x)
    formulas = {
        "relu": (F.relu(t), np.maximum(0.0, x)),
        "leaky_relu": (F.leaky_relu(t, LEAKY_SLOPE), np.where(x >= 0, x, LEAKY_SLOPE * x)),
        "tanh": (t.tanh(), (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))),
        "logistic": (F.sigmoid(t), 1.0 / (1.0 + np.exp(-x))),
    }
    checks = {name: float(np.max(np.abs(lib.numpy() - ref))) for name, (lib, ref) in formulas.items()}
    mp_sgn = MPNeuron([1.0], 0.0, activation="sign").predict(x[:, None]).astype(float)
    return {
        "points": POINTS,
        "max_abs_difference": checks,
        "np_sign": np.sign(x).tolist(),
        "mp_sgn": mp_sgn.tolist(),
        "sgn_disagreements": int(np.sum(np.sign(x) != mp_sgn)),
        "logistic": formulas["logistic"][1].tolist(),
        "logistic_vs_seed_print": float(np.max(np.abs(formulas["logistic"][1] - SEED_LOGISTIC_PRINT))),
    }


def fit(X: np.ndarray, y: np.ndarray, **kwargs) -> tuple[Perceptron, dict]:
    """Fit a ``Perceptron`` (ConvergenceWarning silenced: not converging is measured, not an error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = Perceptron(**kwargs).fit(X, y)
    summary = {
        "converged": clf.converged_,
        "epochs": clf.n_iter_,
        "mistakes": int(clf.n_updates_),
        "mistakes_per_epoch": clf.mistakes_per_epoch_.tolist(),
        "mse_per_epoch": clf.mse_per_epoch_.tolist(),
        "accuracy": clf.score(X, y),
        "coef": clf.coef_[0].tolist(),
        "intercept": float(clf.intercept_[0]),
    }
    return clf, summary


def mse_pm1(clf: Perceptron, X: np.ndarray, y: np.ndarray) -> float:
    """The seed's MSE: mean (y − ŷ)² with y, ŷ ∈ {−1, +1} (4 × the error rate)."""
    s = np.where(y == clf.classes_[1], 1.0, -1.0)
    return float(np.mean((s - np.where(clf.decision_function(X) >= 0, 1.0, -1.0)) ** 2))


def shuffle_spread(X: np.ndarray, y: np.ndarray, seeds: list[int]) -> dict:
    """Total mistakes and epochs to converge over several shuffling orders."""
    runs = [fit(X, y, random_state=s)[1] for s in seeds]
    return {"seeds": seeds, "mistakes": [r["mistakes"] for r in runs], "epochs": [r["epochs"] for r in runs],
            "converged": [r["converged"] for r in runs]}  # fmt: skip


def novikoff(X: np.ndarray, y: np.ndarray) -> dict:
    """γ, R and the bound (R/γ)² on the mistakes (bias coordinate included); None if not separable."""
    try:
        gamma, radius = margin_and_radius(X, y)
    except ValueError:
        return {"separable": False, "gamma": None, "radius": None, "bound": None}
    return {"separable": True, "gamma": gamma, "radius": radius, "bound": (radius / gamma) ** 2}


def seed_code_errors(X: np.ndarray, y: np.ndarray, epochs: int) -> list[int]:
    """The seed's (7) loop as written: update = η(yᵢ − np.sign(w·x̃ᵢ)), an "error" when update ≠ 0.

    With 0/1 labels every class-0 sample gives a non-zero update, so the count never reaches 0.
    """
    w = np.zeros(X.shape[1] + 1)
    A = np.insert(X.astype(np.float64), 0, 1, axis=1)
    counts = []
    for _ in range(epochs):
        errors = 0
        for xi, yi in zip(A, y):
            update = 0.1 * (yi - np.sign(np.dot(xi, w)))
            w += update * xi
            errors += int(update != 0)
        counts.append(errors)
        if errors == 0:
            break
    return counts


def best_single_neuron(step: float = 0.25, bound: float = 2.0) -> dict:
    """Question (9)/(10): every M-P neuron y = step(w₁x₁ + w₂x₂ − θ) on a grid, scored on XOR."""
    X, y = make_xor()
    values = np.arange(-bound, bound + step / 2, step)
    w1, w2, theta = (a.ravel() for a in np.meshgrid(values, values, values, indexing="ij"))
    fired = (np.outer(w1, X[:, 0]) + np.outer(w2, X[:, 1]) - theta[:, None]) >= 0
    accuracy = (fired == y.astype(bool)).mean(axis=1)
    return {"neurons": int(accuracy.size), "best_accuracy": float(accuracy.max()),
            "solving": int(np.sum(accuracy == 1.0))}  # fmt: skip


def xor_networks() -> dict:
    """The seed's M-P network (θ = 0.5) and the same weights with θ = 0, as the seed computes."""
    net = xor_network()
    no_threshold = MPNetwork(
        [[MPNeuron([1.0, -1.0], 0.0), MPNeuron([-1.0, 1.0], 0.0)], [MPNeuron([1.0, 1.0], 0.0)]]
    )
    _, y = make_xor()
    layers = [
        [{"weights": n.weights.tolist(), "threshold": n.threshold} for n in layer] for layer in net.layers
    ]
    return {
        "header": net.table_header(),
        "table": net.table().tolist(),
        "accuracy": net.score(make_xor()[0], y),
        "layers": layers,
        "layer_sizes": [net.layers[0][0].n_inputs] + [len(layer) for layer in net.layers],
        "no_threshold_table": no_threshold.table().tolist(),
        "no_threshold_accuracy": no_threshold.score(make_xor()[0], y),
    }


def train_xor_net(activation: str, epochs: int, seed: int) -> dict:
    """A 2-8-1 network trained on XOR (full batch, Adam lr 0.05, BCE on logits); Identity = no activation."""
    X, y = make_xor()
    manual_seed(seed)
    hidden = nn.Tanh() if activation == "tanh" else nn.Identity()
    model = nn.Sequential(nn.Linear(2, 8), hidden, nn.Linear(8, 1))
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=0.05), nn.BCEWithLogitsLoss(), progress=False)
    X32, y32 = X.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
    history = trainer.fit((X32, y32), epochs=epochs, batch_size=None)
    logits = trainer.predict(X32).numpy().ravel()
    return {"accuracy": float(np.mean((logits >= 0) == y)),
            "loss_per_epoch": history.column("train_loss", per="epoch").tolist()}  # fmt: skip

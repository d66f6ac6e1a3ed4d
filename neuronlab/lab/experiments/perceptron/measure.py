"""perceptron's measurements (seed 004 (2)–(10)): M-P neurons and their arithmetic, the
activation definitions, Rosenblatt's perceptron on the seed's double moon (with and without the
shift that makes it separable), the convergence bound and the seed's proof step, the seed's (7)
code as written, and XOR (one neuron cannot, one hidden layer can)."""

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
    max_margin_hyperplane,
    not_gate,
    or_gate,
    xor_network,
)
from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons, make_xor, train_val_test_split
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiment import LabConfig
from neuronlab.nn import functional as F
from neuronlab.train import Trainer

N_SAMPLES, NOISE, DATA_SEED = 1000, 0.1, 123  # the seed's make_moons(1000, noise=0.1, random_state=123)
LEAKY_SLOPE = 0.01
XOR_LR = 0.05


# -- (2)–(5): M-P neurons and activations ---------------------------------------------------------
def gate_errors() -> int:
    """Question (3): wrong truth-table rows of AND, OR, NOT built as f(Σ wᵢxᵢ − θ)."""
    corners = np.array(list(itertools.product([0, 1], repeat=2)))
    cases = [(and_gate(), corners, corners.all(axis=1)), (or_gate(), corners, corners.any(axis=1)),
             (not_gate(), np.array([[0], [1]]), np.array([1, 0]))]  # fmt: skip
    return int(sum(np.sum(neuron.predict(X) != expected.astype(int)) for neuron, X, expected in cases))


def order_invariance(rng: np.random.Generator, n_neurons: int, n_inputs: int = 5) -> dict:
    """Question (2): an M-P neuron sees only Σ wᵢxᵢ, so the order the (wᵢ, xᵢ) pairs arrive in
    cannot matter; moving the inputs to other synapses (x permuted, w kept) does."""
    W, theta = rng.normal(size=(n_neurons, n_inputs)), rng.normal(size=n_neurons)
    X = rng.integers(0, 2, size=(n_neurons, n_inputs)).astype(np.float64)
    paired = rewired = 0
    for w, t, x in zip(W, theta, X):
        neuron, order = MPNeuron(w, t), rng.permutation(n_inputs)
        out = neuron.predict(x)
        paired += int(MPNeuron(w[order], t).predict(x[order]) != out)
        rewired += int(neuron.predict(x[order]) != out)
    return {"neurons": n_neurons, "changed_pairs_permuted": paired / n_neurons,
            "changed_inputs_rewired": rewired / n_neurons}  # fmt: skip


def activation_checks(rng: np.random.Generator) -> dict:
    """Questions (4)–(5): neuronlab's activations against their definitions at random points and
    the seed's test points; np.sign (the seed's Sgn) against the M-P sgn of (2) and (8)."""
    x = np.concatenate([[-5.0, -1.0, 0.0, 1.0, 5.0], rng.normal(scale=3.0, size=200)])
    t = Tensor._wrap(x)
    formulas = {
        "relu": (F.relu(t), np.maximum(0.0, x)),
        "leaky_relu": (F.leaky_relu(t, LEAKY_SLOPE), np.where(x >= 0, x, LEAKY_SLOPE * x)),
        "tanh": (t.tanh(), (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))),
        "logistic": (F.sigmoid(t), 1.0 / (1.0 + np.exp(-x))),
    }
    errors = {name: float(np.max(np.abs(lib.numpy() - ref))) for name, (lib, ref) in formulas.items()}
    seed_points = x[:5]
    mp_sgn = MPNeuron([1.0], 0.0, activation="sign").predict(seed_points[:, None]).astype(float)
    return {"max_abs_difference": errors, "np_sign": np.sign(seed_points).tolist(), "mp_sgn": mp_sgn.tolist(),
            "sgn_disagreements": int(np.sum(np.sign(seed_points) != mp_sgn))}  # fmt: skip


# -- (6)–(7): Rosenblatt's perceptron --------------------------------------------------------------
def fit(X: np.ndarray, y: np.ndarray, **kwargs) -> tuple[Perceptron, dict]:
    """Fit a ``Perceptron`` (ConvergenceWarning silenced: not converging is measured, not an error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = Perceptron(**kwargs).fit(X, y)
    return clf, {"converged": clf.converged_, "epochs": clf.n_iter_, "mistakes": int(clf.n_updates_),
                 "mistakes_per_epoch": clf.mistakes_per_epoch_.tolist(), "mse_per_epoch": clf.mse_per_epoch_.tolist(),
                 "accuracy": clf.score(X, y), "coef": clf.coef_[0].tolist(), "intercept": float(clf.intercept_[0])}  # fmt: skip


def mse_pm1(clf: Perceptron, X: np.ndarray, y: np.ndarray) -> float:
    """The seed's MSE: mean (y − ŷ)² with y, ŷ ∈ {−1, +1} (4 × the error rate)."""
    s = np.where(y == clf.classes_[1], 1.0, -1.0)
    return float(np.mean((s - np.where(clf.decision_function(X) >= 0, 1.0, -1.0)) ** 2))


def projection_steps(X: np.ndarray, y: np.ndarray, rng: np.random.Generator, eta: float, epochs: int) -> dict:
    """The seed's proof step: Rosenblatt's loop (shuffled by ``rng``, w̃ = 0 at the start) with
    d = w̃·u recorded at every update, u the unit maximum-margin direction (bias coordinate
    included). The standard proof has d rise by ≥ ηγ per update; the seed writes
    d_{t+1} ≤ d_t − γ²η."""
    u = max_margin_hyperplane(X, y)
    gamma, radius = margin_and_radius(X, y)
    Z = np.where(y == 1, 1.0, -1.0)[:, None] * np.column_stack([np.ones(len(X)), X])
    w, changes = np.zeros(Z.shape[1]), []
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(Z)):
            if Z[i] @ w <= 0:
                before = w @ u
                w += eta * Z[i]
                changes.append(float(w @ u - before))
                mistakes += 1
        if mistakes == 0:
            break
    steps = np.array(changes)
    return {"updates": len(changes), "gamma": gamma, "radius": radius, "bound": (radius / gamma) ** 2,
            "min_rise": float(steps.min()), "max_rise": float(steps.max()), "min_rise_over_eta_gamma": float(steps.min() / (eta * gamma))}  # fmt: skip


def seed_code_errors(X: np.ndarray, y: np.ndarray, epochs: int) -> list[int]:
    """The seed's (7) loop as written: update = η(yᵢ − np.sign(w·x̃ᵢ)), an "error" when update ≠ 0.

    With 0/1 labels every class-0 sample gives a non-zero update, so the count never reaches 0."""
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


def moons(seed: int, sizes: dict) -> dict:
    """The seed's double moon, shifted (separable) and not: shuffled runs, η-invariance, the bound,
    an 80/20 split for (7)'s test MSE, the seed's code, and the unshifted moons."""
    X, y = make_moons(N_SAMPLES, noise=NOISE, random_state=DATA_SEED, shift=SEED_MOONS_SHIFT)
    X0, y0 = make_moons(N_SAMPLES, noise=NOISE, random_state=DATA_SEED)
    _, shuffled = fit(X, y, random_state=seed)
    _, eta01 = fit(X, y, random_state=seed, eta0=0.1)
    _, eta1 = fit(X, y, random_state=seed, eta0=1.0)
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(X, y, val_size=0, test_size=0.2, random_state=seed)
    clf, split_run = fit(X_tr, y_tr, random_state=seed)
    _, unshifted = fit(X0, y0, random_state=seed, max_iter=sizes["max_epochs"])
    return {
        "shifted": shuffled,
        "eta_same_mistakes": float(eta01["mistakes_per_epoch"] == eta1["mistakes_per_epoch"]),
        "eta_coef_ratio": float(eta1["coef"][0] / eta01["coef"][0]),
        "proof": projection_steps(X, y, np.random.default_rng(seed), 1.0, sizes["max_epochs"]),
        "split": {"converged": split_run["converged"], "train_mse": mse_pm1(clf, X_tr, y_tr),
                  "test_mse": mse_pm1(clf, X_te, y_te), "test_accuracy": clf.score(X_te, y_te)},
        "seed_code_errors": seed_code_errors(X, y, sizes["seed_code_epochs"]),
        "seed_code_fixed_errors": seed_code_errors(X, np.where(y == 1, 1, -1), sizes["max_epochs"]),
        "unshifted": unshifted,
    }  # fmt: skip


# -- (8)–(10): XOR ------------------------------------------------------------------------------
def best_single_neuron(step: float = 0.25, bound: float = 2.0) -> dict:
    """Every M-P neuron y = step(w₁x₁ + w₂x₂ − θ) on a grid, scored on XOR."""
    X, y = make_xor()
    values = np.arange(-bound, bound + step / 2, step)
    w1, w2, theta = (a.ravel() for a in np.meshgrid(values, values, values, indexing="ij"))
    fired = (np.outer(w1, X[:, 0]) + np.outer(w2, X[:, 1]) - theta[:, None]) >= 0
    accuracy = (fired == y.astype(bool)).mean(axis=1)
    return {"neurons": int(accuracy.size), "best_accuracy": float(accuracy.max())}


def xor_networks() -> dict:
    """The seed's M-P network (θ = 0.5, the book figure's value), and the same weights computed as the
    seed's (9) lines write them: without thresholds, with f = the seed's sgn of (8) (f(0) = 1)."""
    X, y = make_xor()
    net = xor_network()
    as_written = MPNetwork(
        [[MPNeuron([1.0, -1.0], 0.0), MPNeuron([-1.0, 1.0], 0.0)], [MPNeuron([1.0, 1.0], 0.0)]]
    )
    return {"table": net.table().tolist(), "errors": int(np.sum(net.predict(X) != y)),
            "as_written_table": as_written.table().tolist(),
            "as_written_errors": int(np.sum(as_written.predict(X) != y))}  # fmt: skip


def train_xor_net(activation: str, epochs: int, seed: int) -> dict:
    """A 2-8-1 network trained on noisy XOR (200 points around the 4 corners, noise 0.15, drawn from
    the seed; full batch, Adam lr 0.05, BCE on logits); identity = no activation. Accuracy on the
    training points: the question is what the network can represent."""
    X, y = make_xor(200, noise=0.15, random_state=seed, shuffle=True)
    manual_seed(seed)
    hidden = nn.Tanh() if activation == "tanh" else nn.Identity()
    model = nn.Sequential(nn.Linear(2, 8), hidden, nn.Linear(8, 1))
    trainer = Trainer(
        model, optim.Adam(model.parameters(), lr=XOR_LR), nn.BCEWithLogitsLoss(), progress=False
    )
    X32, y32 = X.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
    history = trainer.fit((X32, y32), epochs=epochs, batch_size=None)
    logits = trainer.predict(X32).numpy().ravel()
    return {"accuracy": float(np.mean((logits >= 0) == y)),
            "loss_per_epoch": history.column("train_loss", per="epoch").tolist()}  # fmt: skip


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.perceptron import SIZES

    sizes = config.sizes(SIZES)
    rng = np.random.default_rng(seed)
    X, y = make_xor()
    _, xor_perceptron = fit(X, y, random_state=seed, max_iter=sizes["max_epochs"])
    return {
        "gate_errors": gate_errors(),
        "order": order_invariance(rng, sizes["neurons"]),
        "activations": activation_checks(rng),
        "moons": moons(seed, sizes),
        "xor": {
            "perceptron": xor_perceptron,
            "single_neuron": best_single_neuron(),
            "network": xor_networks(),
            "trained_tanh": train_xor_net("tanh", sizes["xor_epochs"], seed),
            "trained_linear": train_xor_net("identity", sizes["xor_epochs"], seed),
        },
    }

"""003 §4.7: the 1-hidden-layer MLP with weight decay, its backward equations written out in
NumPy (independently of the library) and checked against autograd; gradient shapes, the seed's
∂L/∂O taken literally, data parallelism and the graph of a second derivative."""

from __future__ import annotations

import numpy as np

import neuronlab
from neuronlab import nn
from neuronlab.analysis.explain import walk_graph
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F

CLASSES = 10  # the digits
GRADIENTS = ("O", "V", "c", "A", "Z", "W", "b", "X")


def mlp_tensors(X: np.ndarray, y: np.ndarray, hidden: int, activation: str, lam: float, seed: int) -> dict:
    """The seed's model in float64 library tensors: Z = XW + b, A = φ(Z), O = AV + c,
    J = CE(O, y) (batch mean) + λ/2(‖W‖² + ‖V‖²)."""
    manual_seed(seed)
    fc1, fc2 = nn.Linear(X.shape[1], hidden).double(), nn.Linear(hidden, CLASSES).double()
    Xt = Tensor._wrap(X.astype(np.float64)).requires_grad_()
    Z = fc1(Xt)
    A = Z.relu() if activation == "relu" else Z.tanh()
    O = fc2(A)
    J = F.cross_entropy(O, Tensor._wrap(y)) + lam / 2 * ((fc1.weight**2).sum() + (fc2.weight**2).sum())
    return {
        "X": Xt,
        "Z": Z,
        "A": A,
        "O": O,
        "J": J,
        "W": fc1.weight,
        "b": fc1.bias,
        "V": fc2.weight,
        "c": fc2.bias,
    }


def hand_backward(X, y, W, b, V, c, lam: float, activation: str, per_batch: bool = True) -> dict:
    """The backward equations of 003 §4.7 in NumPy (W: d×h, V: h×c as in the seed's XW + b).

    ∂J/∂O = (softmax(O) − Y)/n, ∂J/∂V = Aᵀ ∂J/∂O + λV, ∂J/∂c = Σᵢ ∂J/∂Oᵢ, ∂J/∂A = ∂J/∂O Vᵀ,
    ∂J/∂Z = ∂J/∂A ⊙ φ'(Z), ∂J/∂W = Xᵀ ∂J/∂Z + λW, ∂J/∂b = Σᵢ ∂J/∂Zᵢ, ∂J/∂X = ∂J/∂Z Wᵀ.
    ``per_batch=False`` takes the seed's ∂L/∂O = Ŷ − Y literally (no 1/n for its batch-mean loss).
    """
    Z = X @ W + b
    A = np.maximum(Z, 0.0) if activation == "relu" else np.tanh(Z)
    O = A @ V + c
    P = np.exp(O - O.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    d_O = (P - np.eye(O.shape[1])[y]) / (len(X) if per_batch else 1)
    d_A = d_O @ V.T
    d_Z = d_A * ((Z > 0).astype(float) if activation == "relu" else 1.0 - A**2)
    return {"O": d_O, "V": A.T @ d_O + lam * V, "c": d_O.sum(axis=0), "A": d_A, "Z": d_Z,
            "W": X.T @ d_Z + lam * W, "b": d_Z.sum(axis=0), "X": d_Z @ W.T}  # fmt: skip


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def mlp_check(X: np.ndarray, y: np.ndarray, hidden: int, activation: str, lam: float, seed: int) -> dict:
    """Hand equations against ``autograd.grad`` for every gradient; shapes; the literal ∂L/∂O."""
    t = mlp_tensors(X, y, hidden, activation, lam, seed)
    grads = neuronlab.autograd.grad(t["J"], [t[k] for k in GRADIENTS])
    auto = {k: g.numpy() for k, g in zip(GRADIENTS, grads)}
    auto["W"], auto["V"] = auto["W"].T, auto["V"].T  # Linear stores (out, in): the seed's W is its transpose
    W, b, V, c = (t[k].detach().numpy() for k in ("W", "b", "V", "c"))
    hand = hand_backward(X, y, W.T, b, V.T, c, lam, activation)
    literal = hand_backward(X, y, W.T, b, V.T, c, lam, activation, per_batch=False)
    return {
        "relative_difference": {k: _relative(hand[k], auto[k]) for k in GRADIENTS},
        "literal_relative_difference": _relative(literal["O"], auto["O"]),
        "literal_ratio": float(np.linalg.norm(literal["O"]) / np.linalg.norm(auto["O"])),
        "shape_mismatches": sum(list(g.shape) != list(t[k].shape) for k, g in zip(GRADIENTS, grads)),
        "shapes": {k: list(g.shape) for k, g in zip(GRADIENTS, grads)},
        "hand_norms": {k: float(np.linalg.norm(hand[k])) for k in GRADIENTS},
        "autograd_norms": {k: float(np.linalg.norm(auto[k])) for k in GRADIENTS},
    }


def data_parallel(X: np.ndarray, y: np.ndarray, hidden: int, lam: float, seed: int, shards: int) -> float:
    """Exercise 6: the mean of the gradients of ``shards`` equal shards (every "device" holding the
    same weights) against the full-batch gradient: the largest relative difference."""
    names = ("W", "b", "V", "c")
    full = mlp_tensors(X, y, hidden, "relu", lam, seed)
    whole = [g.numpy() for g in neuronlab.autograd.grad(full["J"], [full[k] for k in names])]
    parts = []
    for Xs, ys in zip(np.array_split(X, shards), np.array_split(y, shards)):
        t = mlp_tensors(Xs, ys, hidden, "relu", lam, seed)
        parts.append([g.numpy() for g in neuronlab.autograd.grad(t["J"], [t[k] for k in names])])
    mean = [np.mean([p[i] for p in parts], axis=0) for i in range(len(names))]
    return max(_relative(m, g) for m, g in zip(mean, whole))


def graph_growth(X: np.ndarray, y: np.ndarray, hidden: int, lam: float, seed: int) -> dict:
    """Exercise 5: nodes of the recorded graph of J, and of ∇J·v recorded for a second derivative."""
    t = mlp_tensors(X, y, hidden, "relu", lam, seed)
    params = [t[k] for k in ("W", "b", "V", "c")]
    grads = neuronlab.autograd.grad(t["J"], params, create_graph=True)
    v = [Tensor._wrap(np.random.default_rng(seed).standard_normal(tuple(g.shape))) for g in grads]
    dot_v = sum((g * vi).sum() for g, vi in zip(grads, v))
    d = X.shape[1]
    return {"forward_nodes": len(walk_graph(t["J"]).order), "gradient_graph_nodes": len(walk_graph(dot_v).order),
            "parameters_counted": sum(p.numel() for p in params),
            "parameters_formula": d * hidden + hidden + hidden * CLASSES + CLASSES}  # fmt: skip

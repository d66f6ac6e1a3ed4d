"""Measurements for the ``backprop`` experiment: the 9-parameter network of seed 004 (13)/(20)
by hand, by ``explain_backward`` and by autograd; the weight-decay MLP of 003 §4.7 with its
backward equations written out in NumPy and checked against autograd."""

from __future__ import annotations

import time

import numpy as np

import neuronlab
from neuronlab import nn, optim
from neuronlab.analysis import explain_backward, to_dot
from neuronlab.analysis.explain import walk_graph
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import functional as F

PARAMS = ("w11", "w12", "b11", "w21", "w22", "b12", "w1", "w2", "b21")
START = {
    "w11": 1.0,
    "w12": 1.0,
    "w21": 1.0,
    "w22": -1.0,
    "w1": 1.0,
    "w2": -1.0,
    "b11": 1.0,
    "b12": 1.0,
    "b21": 1.0,
}
X1, X2, TARGET, LR = 1, 2, 2, 0.01  # the seed's x1 = 1, x2 = 2, Y = 2, lr = 0.01
CLASSES = 10  # the digits


# -- 004 (13)/(20): nine parameters -------------------------------------------------------------
def hand_gradients(p: dict, relu_prime_at_zero: float = 0.0) -> dict:
    """The chain rule written out for L = ½(y − Y)², y = w1·relu(z1) + w2·relu(z2) + b21."""
    z1 = p["w11"] * X1 + p["w12"] * X2 + p["b11"]
    z2 = p["w21"] * X1 + p["w22"] * X2 + p["b12"]
    a1, a2 = max(z1, 0.0), max(z2, 0.0)
    y = p["w1"] * a1 + p["w2"] * a2 + p["b21"]
    d_y = y - TARGET
    d_a1, d_a2 = p["w1"] * d_y, p["w2"] * d_y
    d_z1 = d_a1 * (1.0 if z1 > 0 else relu_prime_at_zero if z1 == 0 else 0.0)
    d_z2 = d_a2 * (1.0 if z2 > 0 else relu_prime_at_zero if z2 == 0 else 0.0)
    grads = {"w11": d_z1 * X1, "w12": d_z1 * X2, "b11": d_z1, "w21": d_z2 * X1, "w22": d_z2 * X2, "b12": d_z2,
             "w1": d_y * a1, "w2": d_y * a2, "b21": d_y}  # fmt: skip
    forward = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "y": y, "loss": 0.5 * d_y**2}
    chain = {"y": d_y, "a1": d_a1, "z1": d_z1, "a2": d_a2, "z2": d_z2}
    return {"grads": _plain(grads), "forward": forward, "chain": _plain(chain)}


def _plain(values: dict) -> dict:
    """Floats with -0.0 turned into 0.0 (a ReLU's zero gradient times a negative number)."""
    return {k: float(v) + 0.0 for k, v in values.items()}


def seed_network() -> tuple[dict, Tensor, Tensor]:
    """The seed's (20) code with ``import neuronlab as torch``: (named tensors, loss, bias leaf)."""
    torch = neuronlab
    x1, x2, Y = torch.tensor(X1), torch.tensor(X2), torch.tensor(TARGET)  # integers, as in the seed
    w = {k: torch.tensor(START[k], requires_grad=True) for k in ("w11", "w12", "w21", "w22", "w1", "w2")}
    bias = torch.tensor([START["b11"], START["b12"], START["b21"]], requires_grad=True)
    b11, b12, b21 = bias  # the seed unpacks one leaf: the three biases are views of it
    z1 = w["w11"] * x1 + w["w12"] * x2 + b11
    a1 = F.relu(z1)
    z2 = w["w21"] * x1 + w["w22"] * x2 + b12
    a2 = F.relu(z2)
    y = w["w1"] * a1 + w["w2"] * a2 + b21
    loss = (y - Y).pow(2) / 2
    named = {
        **w,
        "b11": b11,
        "b12": b12,
        "b21": b21,
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "y": y,
        "x1": x1,
    }
    return named, loss, bias


def nine_parameters() -> dict:
    """Hand values, explain_backward, autograd; one SGD step of lr 0.01."""
    hand = hand_gradients(START)
    named, loss, bias = seed_network()
    explanation = explain_backward(loss, named)
    loss.backward()
    weights = [named[k] for k in PARAMS if not k.startswith("b")]
    autograd = {k: named[k].grad.item() for k in PARAMS if not k.startswith("b")}
    autograd.update({k: bias.grad.numpy()[i] for i, k in enumerate(("b11", "b12", "b21"))})
    optim.SGD([*weights, bias], lr=LR).step()
    stepped = {k: float(named[k].item()) for k in autograd if not k.startswith("b")}
    stepped.update({k: float(bias.detach().numpy()[i]) for i, k in enumerate(("b11", "b12", "b21"))})
    return {
        "forward": hand["forward"],
        "hand": hand["grads"],
        "hand_relu_prime_zero_is_one": hand_gradients(START, 1.0)["grads"],
        "explain": _plain({k: explanation.gradients[k] for k in PARAMS}),
        "autograd": _plain(autograd),
        "chain_hand": hand["chain"],
        "chain_explain": _plain({k: explanation.gradients[k] for k in hand["chain"]}),
        "steps": len(explanation.steps),
        "explanation": explanation.text(),
        "seed_check_w11": bool(hand["grads"]["w11"] == autograd["w11"]),
        "updated": stepped,
        "updated_hand": {k: START[k] - LR * hand["grads"][k] for k in PARAMS},
        "loss_after": hand_gradients(stepped)["forward"]["loss"],
        # The seed unpacks its biases from one tensor, so they are non-leaf views (and reading
        # their .grad warns, as in PyTorch): the point being measured.
        "biases_are_views": named["b11"].grad_fn is not None and named["b11"]._grad is None,
    }


# -- 003 §4.7: a 1-hidden-layer MLP with weight decay ---------------------------------------------
def mlp_tensors(X: np.ndarray, y: np.ndarray, hidden: int, activation: str, lam: float, seed: int) -> dict:
    """Forward pass of the seed's model in float64: Z = XW + b, A = φ(Z), O = AV + c, J = CE + λ/2(‖W‖² + ‖V‖²)."""
    manual_seed(seed)
    fc1, fc2 = nn.Linear(X.shape[1], hidden).double(), nn.Linear(hidden, CLASSES).double()
    Xt = Tensor._wrap(X.astype(np.float64)).requires_grad_()
    Z = fc1(Xt)
    A = Z.relu() if activation == "relu" else Z.tanh()
    O = fc2(A)
    L = F.cross_entropy(O, Tensor._wrap(y))
    J = L + lam / 2 * ((fc1.weight**2).sum() + (fc2.weight**2).sum())
    return {
        "X": Xt,
        "Z": Z,
        "A": A,
        "O": O,
        "L": L,
        "J": J,
        "W": fc1.weight,
        "b": fc1.bias,
        "V": fc2.weight,
        "c": fc2.bias,
    }


def hand_backward(X, y, W, b, V, c, lam: float, activation: str, per_batch: bool = True) -> dict:
    """The backward equations of 003 §4.7 in NumPy (W: d×h, V: h×c as in the seed's X W + b).

    ∂L/∂O = (softmax(O) − Y)/n, ∂J/∂V = Aᵀ ∂L/∂O + λV, ∂J/∂c = Σᵢ ∂L/∂Oᵢ, ∂J/∂A = ∂L/∂O Vᵀ,
    ∂J/∂Z = ∂J/∂A ⊙ φ'(Z), ∂J/∂W = Xᵀ ∂J/∂Z + λW, ∂J/∂b = Σᵢ ∂J/∂Zᵢ. ``per_batch=False`` takes
    the seed's ∂L/∂O = Ŷ − Y literally (without the 1/n of its own batch-mean loss).
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


GRADIENTS = ("O", "V", "c", "A", "Z", "W", "b", "X")


def mlp_check(X: np.ndarray, y: np.ndarray, hidden: int, activation: str, lam: float, seed: int) -> dict:
    """Max |hand − autograd| for every gradient, their shapes, and the seed's literal ∂L/∂O."""
    t = mlp_tensors(X, y, hidden, activation, lam, seed)
    grads = neuronlab.autograd.grad(t["J"], [t[k] for k in GRADIENTS])
    auto = {k: g.numpy() for k, g in zip(GRADIENTS, grads)}
    auto["W"], auto["V"] = auto["W"].T, auto["V"].T  # Linear stores (out, in): the seed's W is its transpose
    arrays = [t[k].detach().numpy() for k in ("W", "b", "V", "c")]
    W, b, V, c = arrays[0].T, arrays[1], arrays[2].T, arrays[3]
    hand = hand_backward(X, y, W, b, V, c, lam, activation)
    literal = hand_backward(X, y, W, b, V, c, lam, activation, per_batch=False)
    decay = {"V": lam * V, "W": lam * W}
    return {
        "max_abs_difference": {k: float(np.max(np.abs(hand[k] - auto[k]))) for k in GRADIENTS},
        "shapes": {k: list(t[k].shape) for k in GRADIENTS},
        "grad_shapes": {k: list(g.shape) for k, g in zip(GRADIENTS, grads)},
        "hand_shapes": {k: list(hand[k].shape) for k in GRADIENTS},
        "literal_max_abs_difference": {k: float(np.max(np.abs(literal[k] - auto[k]))) for k in GRADIENTS},
        "literal_factor": float(
            np.linalg.norm(literal["V"] - decay["V"]) / np.linalg.norm(hand["V"] - decay["V"])
        ),
        "norms": {k: float(np.linalg.norm(auto[k])) for k in GRADIENTS},
        "loss": float(t["J"].item()),
    }


def data_parallel(X: np.ndarray, y: np.ndarray, hidden: int, lam: float, seed: int, shards: int) -> float:
    """Exercise 6: the mean of the gradients of ``shards`` equal shards equals the full-batch gradient."""
    names = ("W", "b", "V", "c")
    full = mlp_tensors(X, y, hidden, "relu", lam, seed)
    whole = neuronlab.autograd.grad(full["J"], [full[k] for k in names])
    parts = []
    for Xs, ys in zip(np.array_split(X, shards), np.array_split(y, shards)):
        t = mlp_tensors(
            Xs, ys, hidden, "relu", lam, seed
        )  # the same seed: every "device" holds the same weights
        parts.append([g.numpy() for g in neuronlab.autograd.grad(t["J"], [t[k] for k in names])])
    mean = [np.mean([p[i] for p in parts], axis=0) for i in range(len(names))]
    return float(max(np.max(np.abs(m - g.numpy())) for m, g in zip(mean, whole)))


def graph_facts(X: np.ndarray, y: np.ndarray, hidden: int, lam: float, seed: int, repeats: int) -> dict:
    """Exercises 2.1 and 5: the graph as DOT; nodes and time of a gradient vs a Hessian-vector product."""
    t = mlp_tensors(X, y, hidden, "relu", lam, seed)
    params = [t[k] for k in ("W", "b", "V", "c")]
    dot = to_dot(t["J"], {k: t[k] for k in ("X", "W", "b", "V", "c", "Z", "A", "O", "L", "J")})
    grads = neuronlab.autograd.grad(t["J"], params, create_graph=True)
    v = [Tensor._wrap(np.random.default_rng(seed).standard_normal(tuple(g.shape))) for g in grads]
    dot_v = sum((g * vi).sum() for g, vi in zip(grads, v))
    d, h, c = X.shape[1], hidden, CLASSES
    return {"dot": dot, "dot_ops": dot.count("shape=ellipse"), "dot_leaves": dot.count("shape=box"),
            "forward_nodes": len(walk_graph(t["J"]).order), "gradient_graph_nodes": len(walk_graph(dot_v).order),
            "grad_seconds": _median_seconds(lambda: _gradient(X, y, hidden, lam, seed, None), repeats),
            "hvp_seconds": _median_seconds(lambda: _gradient(X, y, hidden, lam, seed, v), repeats),
            "parameters_counted": sum(p.numel() for p in params),
            "parameters_formula": d * h + h + h * c + c}  # fmt: skip


def _gradient(X, y, hidden: int, lam: float, seed: int, v) -> None:
    """One forward and backward pass; with ``v`` also the second backward of H v = ∇(∇J · v)."""
    t = mlp_tensors(X, y, hidden, "relu", lam, seed)
    params = [t[k] for k in ("W", "b", "V", "c")]
    grads = neuronlab.autograd.grad(t["J"], params, create_graph=v is not None)
    if v is not None:
        neuronlab.autograd.grad(sum((g * vi).sum() for g, vi in zip(grads, v)), params)


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))

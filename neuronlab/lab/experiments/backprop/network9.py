"""The 9-parameter network of seed 004 (13)/(20): the chain rule written out in plain Python
(independent of the library), the seed's (20) code run with ``import neuronlab as torch``, and
the same comparison at random parameters and inputs."""

from __future__ import annotations

import numpy as np

import neuronlab
from neuronlab import optim
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


def hand_gradients(p: dict, x1: float = X1, x2: float = X2, target: float = TARGET) -> dict:
    """The chain rule for L = ½(y − Y)², y = w1·relu(z1) + w2·relu(z2) + b21, in plain Python
    (ReLU'(0) = 0, PyTorch's convention)."""
    z1 = p["w11"] * x1 + p["w12"] * x2 + p["b11"]
    z2 = p["w21"] * x1 + p["w22"] * x2 + p["b12"]
    a1, a2 = max(z1, 0.0), max(z2, 0.0)
    y = p["w1"] * a1 + p["w2"] * a2 + p["b21"]
    d_y = y - target  # dL/dy
    d_z1 = p["w1"] * d_y * (1.0 if z1 > 0 else 0.0)  # dL/da1 · da1/dz1
    d_z2 = p["w2"] * d_y * (1.0 if z2 > 0 else 0.0)
    grads = {"w11": d_z1 * x1, "w12": d_z1 * x2, "b11": d_z1, "w21": d_z2 * x1, "w22": d_z2 * x2, "b12": d_z2,
             "w1": d_y * a1, "w2": d_y * a2, "b21": d_y}  # fmt: skip
    return {"grads": {k: float(v) + 0.0 for k, v in grads.items()}, "y": y, "z2": z2, "loss": 0.5 * d_y**2}


def seed_code() -> dict:
    """The seed's (20) code with ``import neuronlab as torch``: the nine gradients by
    ``loss.backward()``, the seed's w11 check and one SGD step of lr 0.01 on all nine."""
    torch = neuronlab
    x1, x2, Y = torch.tensor(X1), torch.tensor(X2), torch.tensor(TARGET)  # integers, as in the seed
    w = {k: torch.tensor(START[k], requires_grad=True) for k in ("w11", "w12", "w21", "w22", "w1", "w2")}
    bias = torch.tensor([START["b11"], START["b12"], START["b21"]], requires_grad=True)
    b11, b12, b21 = bias  # the seed unpacks one leaf: the three biases are views of it
    z1 = w["w11"] * x1 + w["w12"] * x2 + b11
    z2 = w["w21"] * x1 + w["w22"] * x2 + b12
    y = w["w1"] * F.relu(z1) + w["w2"] * F.relu(z2) + b21
    loss = (y - Y).pow(2) / 2
    w11_grad = (y - Y) * w["w1"] * 1 * x1  # the seed's hand line
    loss.backward()
    grads = {k: float(w[k].grad.item()) + 0.0 for k in w}
    grads.update({k: float(bias.grad.numpy()[i]) + 0.0 for i, k in enumerate(("b11", "b12", "b21"))})
    # The seed reads b11.grad etc.: views of one leaf get no .grad (PyTorch warns and gives None).
    views_with_grad = sum(b._grad is not None for b in (b11, b12, b21))
    optim.SGD([*w.values(), bias], lr=LR).step()
    after = {k: float(w[k].item()) for k in w}
    after.update({k: float(bias.detach().numpy()[i]) for i, k in enumerate(("b11", "b12", "b21"))})
    return {"y": float(y.item()), "loss": float(loss.item()), "grads": grads,
            "seed_check_w11": bool((w11_grad == w["w11"].grad).item()), "w11_after": after["w11"],
            "loss_after": hand_gradients(after)["loss"], "bias_views_with_grad": int(views_with_grad)}  # fmt: skip


def autograd_gradients(p: dict, x1: float, x2: float, target: float) -> dict:
    """The same network built from float64 library tensors; gradients by ``backward()``."""
    t = {k: neuronlab.tensor(np.float64(v), requires_grad=True) for k, v in p.items()}
    z1 = t["w11"] * x1 + t["w12"] * x2 + t["b11"]
    z2 = t["w21"] * x1 + t["w22"] * x2 + t["b12"]
    y = t["w1"] * F.relu(z1) + t["w2"] * F.relu(z2) + t["b21"]
    ((y - target).pow(2) / 2).backward()
    return {k: float(t[k].grad.item()) for k in PARAMS}


def random_draws(rng: np.random.Generator, draws: int) -> dict:
    """Hand chain rule against autograd at random parameters, inputs and targets (float64): the
    largest relative difference over the nine gradients, and how many draws had a unit inactive."""
    worst, inactive = 0.0, 0
    for _ in range(draws):
        p = dict(zip(PARAMS, rng.normal(size=len(PARAMS)).tolist()))
        x1, x2, target = rng.normal(size=3).tolist()
        hand = hand_gradients(p, x1, x2, target)
        auto = autograd_gradients(p, x1, x2, target)
        scale = max(abs(v) for v in auto.values()) or 1.0
        worst = max(worst, max(abs(hand["grads"][k] - auto[k]) for k in PARAMS) / scale)
        inactive += int(any(g == 0.0 for g in hand["grads"].values()))
    return {"draws": draws, "max_relative_difference": worst, "draws_with_an_inactive_unit": inactive}


def nine_parameters(rng: np.random.Generator, draws: int) -> dict:
    hand = hand_gradients(START)
    code = seed_code()
    return {
        "hand": hand,
        "code": code,
        "seed_point_max_difference": max(abs(hand["grads"][k] - code["grads"][k]) for k in PARAMS),
        "random": random_draws(rng, draws),
    }

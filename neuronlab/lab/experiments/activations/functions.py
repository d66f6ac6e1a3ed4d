"""activations' checks of the functions themselves: curves and derivatives by autograd, the
identity tanh(x) + 1 = 2σ(2x), pReLU's derivatives, and a non-linearity applied to a minibatch
(elementwise, and across the batch)."""

from __future__ import annotations

import numpy as np

import neuronlab
import neuronlab.nn.functional as F
from neuronlab import nn

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


def as_tensor(array, requires_grad: bool = False):
    """A float64 neuronlab tensor holding ``array``."""
    return neuronlab.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def curves(x: np.ndarray) -> dict:
    """Each activation's values and derivative (autograd) on the grid ``x``."""
    out = {}
    for name, factory in ACTIVATIONS.items():
        t = as_tensor(x, requires_grad=True)
        y = factory().double()(t)
        y.sum().backward()
        out[name] = {"value": y.detach().numpy().tolist(), "derivative": t.grad.numpy().tolist()}
    return out


def tanh_identity(rng: np.random.Generator) -> float:
    """max |tanh(x) + 1 − 2σ(2x)| at random x ∈ [−20, 20] (float64)."""
    t = as_tensor(rng.uniform(-20, 20, 4000))
    return float((neuronlab.tanh(t) + 1 - 2 * neuronlab.sigmoid(2 * t)).abs().max().item())


def prelu_derivative(rng: np.random.Generator, slopes: int = 5) -> dict:
    """Autograd's d pReLU/dx against 1 (x > 0) or a (x < 0), and d pReLU/da against Σ min(0, x),
    at random x and slopes a; at x = 0, where no derivative exists, the value autograd returns."""
    worst_x, worst_a, at_zero = 0.0, 0.0, []
    for a in rng.uniform(0.0, 1.0, slopes):
        x = np.concatenate([rng.normal(scale=3.0, size=300), [0.0]])
        t, weight = as_tensor(x, requires_grad=True), as_tensor([a], requires_grad=True)
        F.prelu(t, weight).sum().backward()
        grad = t.grad.numpy()
        worst_x = max(worst_x, float(np.abs(grad - np.where(x > 0, 1.0, a))[:-1].max()))
        worst_a = max(worst_a, abs(float(weight.grad.numpy()[0]) - float(np.minimum(x, 0).sum())))
        at_zero.append(float(grad[-1] / a))
    return {"max_error_dx": worst_x, "max_error_da": worst_a, "derivative_at_zero_over_a": at_zero}


def minibatch(rng: np.random.Generator, batch: int = 16, features: int = 8) -> dict:
    """003 4.1 ex.4. An elementwise ReLU applied to a whole minibatch at once against sample by
    sample (outputs and input gradients); and a non-linearity across the batch (standardize each
    feature over the batch, then ReLU): how much one sample's output moves when its batch partners
    change."""
    X, other = rng.standard_normal((batch, features)), rng.standard_normal((batch - 1, features))
    upstream = rng.standard_normal((batch, features))
    t = as_tensor(X, requires_grad=True)
    (F.relu(t) * as_tensor(upstream)).sum().backward()
    rows = []
    for i in range(batch):
        ti = as_tensor(X[i : i + 1], requires_grad=True)
        (F.relu(ti) * as_tensor(upstream[i : i + 1])).sum().backward()
        rows.append(ti.grad.numpy()[0])
    per_sample = np.array(rows)
    scale = np.abs(t.grad.numpy()).max()

    def across(h):
        return F.relu(F.batch_norm(as_tensor(h), None, None, training=True)).numpy()

    partners = np.vstack([X[:1], other])
    return {
        "at_once_vs_per_sample_gradient": float(np.abs(t.grad.numpy() - per_sample).max() / scale),
        "elementwise_change": float(np.abs(np.maximum(X[0], 0) - np.maximum(partners[0], 0)).max()),
        "across_batch_change": float(np.abs(across(X)[0] - across(partners)[0]).max()),
    }

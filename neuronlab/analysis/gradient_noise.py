"""How noisy a mini-batch gradient is: per-sample gradients, the variance of a batch gradient
against the sampling formula, and the cosine between a batch gradient and the full gradient.

A batch gradient is the mean of its samples' gradients (the loss is a mean), so with σ² the mean
squared distance of a per-sample gradient from the full gradient g over N samples, a batch of b
drawn without replacement has E‖g_B − g‖² = σ²/b · (N − b)/(N − 1).

Example:
    >>> G = per_sample_gradients(model, nn.CrossEntropyLoss(), X, y)   # (N, P)
    >>> noise = gradient_noise(G, [1, 8, 64], draws=100, rng=np.random.default_rng(0))
"""

from __future__ import annotations

import numpy as np

from neuronlab.ops.creation import from_numpy


def flat_gradient(model, loss_fn, x, y) -> np.ndarray:
    """∇ of the mean loss over (x, y) with respect to every parameter, as one float64 vector."""
    model.zero_grad()
    loss_fn(model(x), y).backward()
    return np.concatenate([p.grad.numpy().ravel() for p in model.parameters()]).astype(np.float64)


def per_sample_gradients(model, loss_fn, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An (N, P) matrix: row i is the gradient of sample i's loss (one backward pass each)."""
    return np.stack([flat_gradient(model, loss_fn, from_numpy(X[i : i + 1]), from_numpy(y[i : i + 1]))
                     for i in range(len(X))])  # fmt: skip


def _batches(n: int, b: int, draws: int, rng: np.random.Generator):
    return (rng.choice(n, b, replace=False) for _ in range(draws))


def gradient_noise(G: np.ndarray, batch_sizes, draws: int, rng: np.random.Generator) -> dict:
    """E‖g_B − g‖² over ``draws`` random batches of each size (without replacement) against
    σ²/b · (N − b)/(N − 1), from the per-sample gradients ``G`` (N, P); sizes ≥ N are skipped."""
    n = len(G)
    g = G.mean(0)
    sigma2 = float(np.mean(np.sum((G - g) ** 2, axis=1)))
    sizes = [int(b) for b in batch_sizes if b < n]
    measured = [float(np.mean([np.sum((G[idx].mean(0) - g) ** 2) for idx in _batches(n, b, draws, rng)]))
                for b in sizes]  # fmt: skip
    predicted = [sigma2 / b * (n - b) / (n - 1) for b in sizes]
    return {"batch_sizes": sizes, "measured": measured, "predicted": predicted, "sigma2": sigma2,
            "full_gradient_norm2": float(g @ g)}  # fmt: skip


def gradient_cosines(G: np.ndarray, batch_sizes, draws: int, rng: np.random.Generator) -> dict:
    """Mean cosine between random batch gradients (without replacement) and the full gradient."""
    n = len(G)
    g = G.mean(0)
    sizes = [int(b) for b in batch_sizes if b < n]
    mean_cos = []
    for b in sizes:
        cos = [
            gb @ g / (np.linalg.norm(gb) * np.linalg.norm(g))
            for gb in (G[i].mean(0) for i in _batches(n, b, draws, rng))
        ]
        mean_cos.append(float(np.mean(cos)))
    return {"batch_sizes": sizes, "mean_cosine": mean_cos}

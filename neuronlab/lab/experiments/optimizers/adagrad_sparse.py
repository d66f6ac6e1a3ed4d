"""Adagrad's effective per-parameter step η/(√G_t + ε) on a logistic regression with dense and
sparse features (002 3): does it ever rise for sparse features, as the seed says, or only decay
— more slowly where gradients are rare? RMSprop, whose G is a moving average, for contrast."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.random import manual_seed
from neuronlab.ops.creation import from_numpy

DENSE, SPARSE = 5, 5  # features of each kind
DENSITY = 0.05  # a sparse feature is non-zero in this fraction of the samples


def sparse_problem(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """X with DENSE always-present N(0, 1) features and SPARSE ones present in DENSITY of the samples;
    y drawn from a logistic model in which every feature matters."""
    dense = rng.standard_normal((n, DENSE))
    sparse = rng.standard_normal((n, SPARSE)) * (rng.random((n, SPARSE)) < DENSITY)
    X = np.hstack([dense, sparse]).astype(np.float32)
    w = rng.standard_normal(DENSE + SPARSE) * np.r_[np.ones(DENSE), 3 * np.ones(SPARSE)]
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ w))).astype(np.float32)
    return X, y[:, None]


STATE = {"Adagrad": "sum", "RMSprop": "square_avg"}  # G: the sum, or RMSprop's moving average, of g²


def effective_steps(seed: int, n: int, steps: int, batch: int, lr: float, kind: str = "Adagrad") -> dict:
    """Train logistic regression with Adagrad (or RMSprop) and record, after every update, each
    weight's effective step η/(√G + ε) (weights with G = 0 have had no gradient yet: left out).

    Returns the largest relative rise of any weight's effective step from one update to the next,
    the log10 of each kind's decay (last / first step it had), and the medians at the end."""
    rng = np.random.default_rng(seed)
    X, y = sparse_problem(rng, n)
    manual_seed(seed)
    model = nn.Linear(DENSE + SPARSE, 1)
    opt = getattr(optim, kind)(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    eps = opt.param_groups[0]["eps"]
    history = []
    for _ in range(steps):
        idx = rng.choice(n, batch, replace=False)
        opt.zero_grad()
        loss_fn(model(from_numpy(X[idx])), from_numpy(y[idx])).backward()
        opt.step()
        G = opt.state[model.weight][STATE[kind]].numpy().ravel().astype(np.float64)
        history.append(np.where(G > 0, lr / (np.sqrt(G) + eps), np.nan))
    H = np.array(history)  # steps × features
    previous, current = H[:-1], H[1:]
    both = ~np.isnan(previous) & ~np.isnan(current)
    rise = float(np.max(current[both] / previous[both] - 1))
    first = np.array([col[~np.isnan(col)][0] for col in H.T])
    decay = np.log10(H[-1] / first)
    return {
        "max_relative_rise": rise,
        "log10_decay_dense": float(np.median(decay[:DENSE])), "log10_decay_sparse": float(np.median(decay[DENSE:])),
        "final_step_dense": float(np.median(H[-1, :DENSE])), "final_step_sparse": float(np.median(H[-1, DENSE:])),
        "median_step_dense": np.nanmedian(H[:, :DENSE], axis=1).tolist(),
        "median_step_sparse": np.nanmedian(H[:, DENSE:], axis=1).tolist(),
    }  # fmt: skip

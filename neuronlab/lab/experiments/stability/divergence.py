"""Diverging runs and recovering from them after the fact (003 §4.8 exercise 4): gradient
clipping, a lower learning rate, rolling back with ``DivergenceGuard``, and switching to Adam."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import Generator, manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional import mse_loss
from neuronlab.nn.utils import clip_grad_norm_
from neuronlab.train import DivergenceGuard, Trainer
from neuronlab.utils.data import DataLoader, TensorDataset


def regression_data(seed: int, n: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """y = sin(x₁) + x₂x₃ + 0.5x₄² + N(0, 0.1²), x ~ N(0, I₁₀), float32."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 10))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3] ** 2 + 0.1 * rng.standard_normal(n)
    return X.astype(np.float32), y.reshape(-1, 1).astype(np.float32)


def regression_net(seed: int) -> nn.Sequential:
    """A tanh MLP 10-64-64-1 (tanh keeps a too-large lr from killing units, so it blows up instead)."""
    manual_seed(seed)
    return nn.Sequential(nn.Linear(10, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def _grad_norm(params) -> float:
    return math.sqrt(
        sum(float(np.sum(p.grad.numpy().astype(np.float64) ** 2)) for p in params if p.grad is not None)
    )


def full_loss(model, X: np.ndarray, y: np.ndarray) -> float | None:
    """The MSE on all of (X, y), or ``None`` if it is not finite."""
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        value = float(mse_loss(model(Tensor._wrap(X)), Tensor._wrap(y)).item())
    return value if math.isfinite(value) else None


def loop_run(
    data, seed: int, steps: int, batch: int, lr: float, clip: float | None = None, adam: bool = False
) -> dict:
    """A hand-written loop (zero_grad, forward, loss, backward, [clip_grad_norm_], step) that
    stops at the first non-finite loss. Records the loss and the gradient norm before clipping."""
    X, y = data
    model = regression_net(seed)
    params = list(model.parameters())
    opt = optim.Adam(params, lr=lr) if adam else optim.SGD(params, lr=lr)
    loader = DataLoader(TensorDataset(Tensor._wrap(X), Tensor._wrap(y)), batch_size=batch, shuffle=True,
                        generator=Generator().manual_seed(seed))  # fmt: skip
    losses, norms, clipped = [], [], 0
    with np.errstate(over="ignore", invalid="ignore"):
        while len(losses) < steps and (not losses or losses[-1] is not None):
            for xb, yb in loader:
                opt.zero_grad()
                loss = mse_loss(model(xb), yb)
                value = float(loss.item())
                losses.append(value if math.isfinite(value) else None)
                if losses[-1] is None or len(losses) > steps:
                    break
                loss.backward()
                norms.append(_grad_norm(params))
                if clip is not None:
                    clipped += norms[-1] > clip
                    clip_grad_norm_(params, clip)
                opt.step()
    losses = losses[:steps]
    first_bad = next((i + 1 for i, v in enumerate(losses) if v is None), None)
    return {"lr": lr, "clip": clip, "losses": losses, "grad_norms": norms[:steps], "clipped_steps": int(clipped),
            "diverged_at": first_bad, "final_loss": None if first_bad else full_loss(model, X, y)}  # fmt: skip


def guard_run(data, seed: int, steps: int, batch: int, lr: float, explode_factor: float = 1e3) -> dict:
    """The same model and batches through ``Trainer`` with ``DivergenceGuard`` (roll back to the
    last good state, lr × 0.1, go on); a loss above ``explode_factor`` × the best counts as diverged."""
    X, y = data
    model = regression_net(seed)
    guard = DivergenceGuard(explode_factor=explode_factor)
    trainer = Trainer(
        model, optim.SGD(model.parameters(), lr=lr), nn.MSELoss(), callbacks=[guard], progress=False
    )
    epochs = math.ceil(steps * batch / len(X))
    try:
        trainer.fit((X, y), epochs=epochs, batch_size=batch, generator=Generator().manual_seed(seed))
        gave_up = False
    except RuntimeError:
        gave_up = True
    losses = [v if math.isfinite(v) else None for v in trainer.history.column("loss").tolist()][:steps]
    return {"lr": lr, "explode_factor": explode_factor, "losses": losses, "rollbacks": guard.retries, "gave_up": gave_up,
            "events": [{"iteration": e["iteration"], "loss": e["loss"] if math.isfinite(e["loss"]) else None,
                        "new_lr": e["new_lr"][0]} for e in guard.events],
            "final_lr": trainer.optimizer.param_groups[0]["lr"], "final_loss": full_loss(model, X, y)}  # fmt: skip

"""weight-decay's measurements: d2l's high-dimensional linear regression (200 inputs, 20
training samples), its minibatch-SGD loop with a λ sweep (all λ trained at once as the columns
of one ``Linear``), the exact ridge minimizer on a dense λ grid, L1 by proximal gradient
descent, λ chosen on a validation split, and the probes of exercises 3–5.

Every loss reported is the data loss ½·mean((ŷ − y)²) only: a penalty is part of the training
objective, never of a train, validation or test loss (issue 11: the L1 "test loss" had included
λ‖w‖₁, 2.84 reported for a real 0.0125)."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import make_linear_regression
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import Generator, manual_seed
from neuronlab.lab.experiments.l1_vs_l2.measure import lambda_grid, train_columns
from neuronlab.nn import functional as F
from neuronlab.nn.utils import l1_penalty, l2_penalty
from neuronlab.ops.creation import randn_like, tensor
from neuronlab.train import Trainer
from neuronlab.train.callbacks import Callback

NUM_INPUTS, N_TRAIN, N_VAL, N_TEST = 200, 20, 50, 1000
NOISE_STD = 0.01  # d2l: ε ~ N(0, 0.01²)
BATCH, LR = 5, 0.003  # d2l's loop
# up to 600: lr·λ must stay below 2 for the decay step w ← (1 − lr·λ)w to be stable
SGD_LAMBDAS = [0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 600.0]
EXACT_LAMBDAS = [0.0, *np.geomspace(1e-4, 1e4, 33).tolist()]
NOISE_GRID = [0.25, 0.5, 1.0, 2.0, 4.0]  # σ of the Gaussian input noise (exercise 5), chosen on validation


def draw(seed: int) -> dict:
    """d2l's data, y = 0.05 + Σ 0.01·xᵢ + ε: training, validation and test parts of one draw."""
    data = make_linear_regression(NUM_INPUTS, N_TRAIN + N_VAL, N_TEST, random_state=seed)
    return {"X_train": data.X_train[:N_TRAIN], "y_train": data.y_train[:N_TRAIN, 0],
            "X_val": data.X_train[N_TRAIN:], "y_val": data.y_train[N_TRAIN:, 0],
            "X_test": data.X_test, "y_test": data.y_test[:, 0]}  # fmt: skip


def half_mse(W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """½·mean((Xw_k + b_k − y)²) for every column k of ``W`` (d, K): the data loss only."""
    residual = X.astype(np.float64) @ W + b - y.astype(np.float64)[:, None]
    return 0.5 * (residual**2).mean(axis=0)


def losses(W: np.ndarray, b: np.ndarray, data: dict) -> dict:
    return {
        part: half_mse(W, b, data[f"X_{part}"], data[f"y_{part}"]).tolist()
        for part in ("train", "val", "test")
    }


def ridge(X: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """argmin ½·mean((Xw + b − y)²) + (λ/2)‖w‖² with b unpenalized, in the dual form
    w = Xcᵀ(XcXcᵀ/n + λI)⁻¹ yc / n (X centred; n = 20 ≪ d = 200); λ = 0 is the minimum-norm fit."""
    X, y = X.astype(np.float64), y.astype(np.float64)
    x_mean, y_mean, n = X.mean(0), y.mean(), len(X)
    Xc, yc = X - x_mean, y - y_mean
    gram = Xc @ Xc.T / n
    if lam == 0:
        alpha = np.linalg.lstsq(gram, yc / n, rcond=None)[0]
    else:
        alpha = np.linalg.solve(gram + lam * np.eye(n), yc / n)
    w = Xc.T @ alpha
    return w, float(y_mean - x_mean @ w)


def exact_path(data: dict) -> dict:
    """The exact ridge minimizer along ``EXACT_LAMBDAS``: losses and ‖w‖."""
    fits = [ridge(data["X_train"], data["y_train"], lam) for lam in EXACT_LAMBDAS]
    W = np.stack([w for w, _ in fits], axis=1)
    b = np.array([b for _, b in fits])
    return {"lambdas": EXACT_LAMBDAS, **losses(W, b, data), "norm": np.linalg.norm(W, axis=0).tolist()}


class ColumnObjective:
    """Σ_k [½·mean((ŷ_k − y)²) + (λ_k/2)‖w_k‖²]: the gradient for column k is that of its own
    objective, so one SGD run is the K runs of d2l's loop with weight decay λ_k (decay on w only)."""

    def __init__(self, weight, lambdas) -> None:
        self.weight, self.lam = weight, tensor(np.asarray(lambdas, dtype=np.float32)[:, None])

    def __call__(self, output, target):
        data = ((output - target) ** 2).mean(0).sum() / 2
        return data + (self.lam * self.weight**2).sum() / 2


class TestTrace(Callback):
    """Every column's test loss after each epoch."""

    def __init__(self, linear, data) -> None:
        self.linear, self.data, self.losses = linear, data, []

    def on_epoch_end(self, trainer, record: dict) -> None:
        W, b = self.linear.weight.detach().numpy().T, self.linear.bias.detach().numpy()
        self.losses.append(half_mse(W, b, self.data["X_test"], self.data["y_test"]).tolist())


class NoisyInputs(nn.Module):
    """Column k sees the input x + σ_k·n, n ~ N(0, I) (one draw per sample, scaled per column):
    (x + σ_k n)·w_k + b_k = x·w_k + b_k + σ_k (n·w_k). Identity noise in eval mode."""

    def __init__(self, linear, sigmas) -> None:
        super().__init__()
        self.linear, self.sigmas = linear, tensor(np.asarray(sigmas, dtype=np.float32))

    def forward(self, x):
        out = self.linear(x)
        if self.training:
            out = out + (randn_like(x) @ self.linear.weight.T) * self.sigmas
        return out


def sgd_sweep(data: dict, seed: int, lambdas, epochs: int, sigmas=None) -> dict:
    """d2l's loop (minibatch SGD, batch 5, lr 0.003, w ~ N(0, 1), b = 0) for every λ at once;
    ``sigmas`` (one per column) adds Gaussian input noise (exercise 5)."""
    k = len(lambdas)
    manual_seed(seed)
    linear = nn.Linear(NUM_INPUTS, k)
    w0 = np.random.default_rng(seed).standard_normal(NUM_INPUTS).astype(np.float32)
    with no_grad():  # every λ from the same init
        linear.weight.copy_(tensor(np.repeat(w0[None, :], k, axis=0)))
        linear.bias.zero_()
    model = linear if sigmas is None else NoisyInputs(linear, sigmas)
    target = np.repeat(data["y_train"][:, None], k, axis=1)
    trainer = Trainer(model, optim.SGD(linear.parameters(), lr=LR), ColumnObjective(linear.weight, lambdas),
                      progress=False)  # fmt: skip
    trace = TestTrace(linear, data)
    trainer.callbacks.append(trace)
    trainer.fit(
        (data["X_train"], target), epochs=epochs, batch_size=BATCH, generator=Generator().manual_seed(seed)
    )
    test_per_epoch = trace.losses
    W, b = (
        linear.weight.detach().numpy().T.astype(np.float64),
        linear.bias.detach().numpy().astype(np.float64),
    )
    return {"lambdas": list(lambdas), **losses(W, b, data), "norm": np.linalg.norm(W, axis=0).tolist(),
            "init_norm": float(np.linalg.norm(w0)), "test_per_epoch": test_per_epoch}  # fmt: skip


def l1_path(data: dict, n_lambdas: int, steps: int) -> dict:
    """½·mean((ŷ − y)²) + λ‖w‖₁ by proximal gradient descent (lr = 1/L, from w = 0) along a grid
    up to the λ that zeroes every weight; losses are the data loss only."""
    grid = lambda_grid(data, "l1", n_lambdas)
    W, b = train_columns(data["X_train"], data["y_train"], grid, "l1-proximal", steps)
    return {"lambdas": grid, **losses(W.T, b, data), "zeros": (W == 0).sum(axis=1).tolist(),
            "penalty": (np.asarray(grid) * np.abs(W).sum(axis=1)).tolist()}  # fmt: skip


def choose(path: dict) -> dict:
    """The λ with the lowest validation loss, its test loss, and the best test loss on the grid."""
    i, j = int(np.argmin(path["val"])), int(np.argmin(path["test"]))
    return {"lambda": path["lambdas"][i], "index": i, "interior": 0 < i < len(path["lambdas"]) - 1,
            "val": path["val"][i], "test": path["test"][i], "train": path["train"][i],
            "test_optimal_lambda": path["lambdas"][j], "best_test": path["test"][j]}  # fmt: skip


def l1_step_check(data: dict, seed: int, lam: float) -> float:
    """One full-batch SGD step on ½·MSE + λ‖w‖₁ against w − η∂L/∂w − ηλ·sign(w) (max |difference|)."""
    manual_seed(seed)
    linear = nn.Linear(NUM_INPUTS, 1)
    nn.init.normal_(linear.weight, 0.0, 1.0)
    w0, b0 = linear.weight.detach().numpy().astype(np.float64), float(linear.bias.detach().numpy()[0])
    opt = optim.SGD(linear.parameters(), lr=LR)
    X, y = data["X_train"], data["y_train"][:, None]
    loss = F.mse_loss(linear(tensor(X)), tensor(y)) / 2 + lam * l1_penalty([linear.weight])
    loss.backward()
    opt.step()
    X64 = X.astype(np.float64)
    grad = ((X64 @ w0.T + b0 - y).T @ X64) / len(X)
    expected = w0 - LR * grad - LR * lam * np.sign(w0)
    return float(np.abs(linear.weight.detach().numpy() - expected).max())


def frobenius(seed: int, lam: float = 0.5) -> dict:
    """‖W‖_F² three ways (Σ w², tr(WᵀW), l2_penalty) and the autograd gradient of (λ/2)‖W‖_F² against λW."""
    W_np = np.random.default_rng(seed).standard_normal((3, 4)).astype(np.float32)
    W = tensor(W_np, requires_grad=True)
    penalty = l2_penalty([W])
    (lam / 2 * penalty).backward()
    W64 = W_np.astype(np.float64)
    sum_sq, trace = float((W64**2).sum()), float(np.trace(W64.T @ W64))
    return {"sum_of_squares": sum_sq, "trace": trace, "l2_penalty": float(penalty.item()),
            "max_abs_diff": max(abs(sum_sq - trace), abs(sum_sq - float(penalty.item()))),
            "grad_max_abs_diff": float(np.abs(W.grad.numpy() - lam * W_np).max())}  # fmt: skip


def run(config, seed: int) -> dict:
    from neuronlab.lab.experiments.weight_decay import SIZES

    s = config.sizes(SIZES)
    data = draw(seed)
    exact = exact_path(data)
    sgd = sgd_sweep(data, seed, SGD_LAMBDAS, s["epochs"])
    noisy = sgd_sweep(data, seed, [0.0] * len(NOISE_GRID), s["epochs"], sigmas=NOISE_GRID)
    noisy["lambdas"] = NOISE_GRID  # choose σ the way λ is chosen
    sigma = choose(noisy)
    l1 = l1_path(data, s["l1_lambdas"], s["l1_steps"])
    y_mean = float(data["y_train"].mean())
    return {
        "exact": exact, "exact_choice": choose(exact), "sgd": sgd, "sgd_choice": choose(sgd),
        "input_noise": {"sigma": sigma["lambda"], "interior": sigma["interior"], "grid": NOISE_GRID,
                        "test": sigma["test"], "val": sigma["val"], "train": sigma["train"],
                        "val_by_sigma": noisy["val"], "test_by_sigma": noisy["test"]},
        "l1": l1, "l1_choice": choose(l1),
        "baseline": {"test": float(0.5 * np.mean((data["y_test"].astype(np.float64) - y_mean) ** 2))},
        "noise_floor": NOISE_STD**2 / 2,
        "l1_step_max_abs_diff": l1_step_check(data, seed, lam=1.0),
        "frobenius": frobenius(seed), "epochs": s["epochs"],
    }  # fmt: skip

"""Computations of the ``weight-decay`` experiment: d2l's training of a linear model by
minibatch SGD, the closed-form ridge solution, and the probes of the §4.5 exercises."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import make_linear_regression
from neuronlab.engine.random import Generator, manual_seed
from neuronlab.nn import functional as F
from neuronlab.nn.utils import l1_penalty, l2_penalty
from neuronlab.ops.creation import tensor
from neuronlab.train import Trainer
from neuronlab.train.callbacks import Callback

NUM_INPUTS, N_TRAIN, N_TEST = 200, 20, 100  # d2l §4.5 (seed 003)
BATCH, LR, EPOCHS = 5, 0.003, 100


def half_mse(output, target):
    """d2l's squared loss: ½·mean((ŷ − y)²)."""
    return F.mse_loss(output, target) / 2


def draw(seed: int, n_train: int = N_TRAIN, num_inputs: int = NUM_INPUTS):
    """The d2l data: y = 0.05 + Σ 0.01·xᵢ + ε (a fresh draw for each ``seed``)."""
    return make_linear_regression(num_inputs, n_train, N_TEST, random_state=seed)


def validation_draw(seed: int, n: int = N_TRAIN, num_inputs: int = NUM_INPUTS):
    """A fresh validation set from the same distribution: (X, y)."""
    data = make_linear_regression(num_inputs, n, 0, random_state=seed)
    return data.X_train, data.y_train


def new_model(seed: int, num_inputs: int = NUM_INPUTS, front=None):
    """Linear(num_inputs, 1) with d2l's initialization w ~ N(0, 1), b = 0 (``front``: a noise layer)."""
    manual_seed(seed)
    linear = nn.Linear(num_inputs, 1)
    nn.init.normal_(linear.weight, 0.0, 1.0)
    nn.init.zeros_(linear.bias)
    return (nn.Sequential(front, linear), linear) if front is not None else (linear, linear)


class EpochTestLoss(Callback):
    """Evaluates the test loss after each epoch (the trainer's ``val`` is the validation set)."""

    def __init__(self, data) -> None:
        self.data, self.losses = data, []

    def on_epoch_end(self, trainer, record: dict) -> None:
        self.losses.append(trainer.evaluate(self.data)["loss"])


class WeightTrace(Callback):
    """The weight vector after every iteration."""

    def __init__(self, weight) -> None:
        self.weight, self.trace = weight, []

    def on_batch_end(self, trainer, record: dict) -> None:
        self.trace.append(self.weight.detach().numpy().ravel().copy())


def train_sgd(data, seed: int, *, wd: float = 0.0, epochs: int = EPOCHS, front=None, penalty=None,
              val_sets=()) -> dict:  # fmt: skip
    """d2l's loop: minibatch SGD (batch 5, lr 0.003), weight decay on w only (not b).

    ``penalty(weight) -> tensor`` is added to the loss instead (an explicit regularizer). The
    first of ``val_sets`` is evaluated every epoch (for early stopping), all of them at the end."""
    model, linear = new_model(seed, data.X_train.shape[1], front)
    init_norm = float(np.linalg.norm(linear.weight.detach().numpy()))
    opt = optim.SGD(_groups(linear.weight, linear.bias, wd), lr=LR)
    loss_fn = half_mse if penalty is None else (lambda out, y: half_mse(out, y) + penalty(linear.weight))
    test = EpochTestLoss((data.X_test, data.y_test))
    trainer = Trainer(model, opt, loss_fn, callbacks=[test], progress=False)
    history = trainer.fit((data.X_train, data.y_train), val=val_sets[0] if val_sets else None, epochs=epochs, batch_size=BATCH,
                          generator=Generator().manual_seed(seed))  # fmt: skip
    w = linear.weight.detach().numpy().ravel().astype(np.float64)
    out = {"train_loss": trainer.evaluate((data.X_train, data.y_train), batch_size=1024)["loss"],
           "test_loss": test.losses[-1], "norm": float(np.linalg.norm(w)), "l1_norm": float(np.abs(w).sum()),
           "test_per_epoch": test.losses, "train_per_epoch": history.column("train_loss", per="epoch").tolist(),
           "w": w, "init_norm": init_norm}  # fmt: skip
    if val_sets:
        out["val_per_epoch"] = history.column("val_loss", per="epoch").tolist()
        out["val_losses"] = [trainer.evaluate(v)["loss"] for v in val_sets]
    return out


def ridge(X: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """argmin ½·mean((Xw + b − y)²) + (λ/2)‖w‖² with b unpenalized, in the dual form
    w = Xcᵀ(XcXcᵀ/n + λI)⁻¹ yc / n (X centred; n = 20 ≪ d = 200); λ = 0 is the minimum-norm fit."""
    X, y = X.astype(np.float64), y.astype(np.float64).ravel()
    x_mean, y_mean, n = X.mean(0), y.mean(), len(X)
    Xc, yc = X - x_mean, y - y_mean
    gram = Xc @ Xc.T / n
    alpha = (
        np.linalg.lstsq(gram, yc / n, rcond=None)[0]
        if lam == 0
        else np.linalg.solve(gram + lam * np.eye(n), yc / n)
    )
    w = Xc.T @ alpha
    return w, float(y_mean - x_mean @ w)


def half_mse_np(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    return float(0.5 * np.mean((X.astype(np.float64) @ w + b - y.astype(np.float64).ravel()) ** 2))


def ridge_curve(data, lambdas) -> dict:
    """Train/test loss and ‖w‖ of the exact ridge solution along ``lambdas``, and the λ → ∞
    limit (w = 0, b = ȳ: predict the training mean)."""
    curve = {"lambdas": list(lambdas), "train": [], "test": [], "norm": []}
    for lam in lambdas:
        w, b = ridge(data.X_train, data.y_train, lam)
        curve["train"].append(half_mse_np(data.X_train, data.y_train, w, b))
        curve["test"].append(half_mse_np(data.X_test, data.y_test, w, b))
        curve["norm"].append(float(np.linalg.norm(w)))
    curve["limit_test"] = half_mse_np(
        data.X_test, data.y_test, np.zeros(data.X_train.shape[1]), float(data.y_train.mean())
    )
    return curve


def validation_choice(sweep: list[dict]) -> dict:
    """For each validation draw: the swept λ it picks, and that λ's test loss against the best test loss."""
    lambdas = np.asarray([r["lambda"] for r in sweep])
    test = np.asarray([r["test_loss"] for r in sweep])
    val = np.asarray([r["val_losses"] for r in sweep])  # (λ, draw)
    picks = np.argmin(val, axis=0)
    best = int(np.argmin(test))
    return {"chosen_lambdas": lambdas[picks].tolist(), "chosen_test": test[picks].tolist(),
            "best_lambda": float(lambdas[best]), "best_test": float(test[best])}  # fmt: skip


def equivalence(data, seed: int, lam: float, epochs: int) -> dict:
    """Largest |w_decay − w_penalty| over every step, for the pairs that should agree (SGD and
    Adam with coupled decay against (λ/2)·l2_penalty) and the one that should not (AdamW's
    decoupled decay against Adam with the penalty)."""
    pairs = {
        "sgd": (optim.SGD, optim.SGD, LR),
        "adam": (optim.Adam, optim.Adam, 0.01),
        "adamw": (optim.AdamW, optim.Adam, 0.01),
    }
    out = {}
    for name, (with_decay, plain, lr) in pairs.items():
        decayed = _trace(
            data, seed, lambda w, b, cls=with_decay, lr=lr: cls(_groups(w, b, lam), lr=lr), None, epochs
        )
        penalized = _trace(data, seed, lambda w, b, cls=plain, lr=lr: cls(_groups(w, b, 0.0), lr=lr),
                           lambda w: lam / 2 * l2_penalty([w]), epochs)  # fmt: skip
        diff = np.abs(decayed - penalized).max(axis=1)
        out[name] = {"max_abs_diff": float(diff.max()), "per_step": diff.tolist(),
                     "norm": float(np.linalg.norm(decayed[-1]))}  # fmt: skip
    return out


def _groups(weight, bias, wd: float) -> list[dict]:
    """Decay on the weight only; the bias is never decayed (d2l)."""
    return [{"params": [weight], "weight_decay": wd}, {"params": [bias], "weight_decay": 0.0}]


def _trace(data, seed: int, make_opt, penalty, epochs: int) -> np.ndarray:
    """Weights after every step, from the same initialization and the same batch order."""
    _, linear = new_model(seed)
    loss_fn = half_mse if penalty is None else (lambda out, y: half_mse(out, y) + penalty(linear.weight))
    trace = WeightTrace(linear.weight)
    trainer = Trainer(
        linear, make_opt(linear.weight, linear.bias), loss_fn, callbacks=[trace], progress=False
    )
    trainer.fit(
        (data.X_train, data.y_train), epochs=epochs, batch_size=BATCH, generator=Generator().manual_seed(seed)
    )
    return np.asarray(trace.trace, dtype=np.float64)


def l1_step_check(data, seed: int, lam: float) -> float:
    """One full-batch SGD step on ½·MSE + λ‖w‖₁ against w − η∂L/∂w − ηλ·sign(w) (max |difference|)."""
    _, linear = new_model(seed)
    w0, b0 = linear.weight.detach().numpy().copy(), float(linear.bias.detach().numpy()[0])
    opt = optim.SGD(linear.parameters(), lr=LR)
    loss = half_mse(linear(tensor(data.X_train)), tensor(data.y_train)) + lam * l1_penalty([linear.weight])
    loss.backward()
    opt.step()
    X, y = data.X_train.astype(np.float64), data.y_train.astype(np.float64)
    grad = ((X @ w0.T + b0 - y).T @ X) / len(X)
    expected = w0 - LR * grad - LR * lam * np.sign(w0)
    return float(np.abs(linear.weight.detach().numpy() - expected).max())


def frobenius(seed: int, lam: float = 0.5) -> dict:
    """‖W‖_F² three ways (Σ w², tr(WᵀW), l2_penalty) and the autograd gradient of (λ/2)‖W‖_F² against λW."""
    rng = np.random.default_rng(seed)
    W_np = rng.standard_normal((3, 4)).astype(np.float32)
    W = tensor(W_np, requires_grad=True)
    penalty = l2_penalty([W])
    (lam / 2 * penalty).backward()
    return {"sum_of_squares": float((W_np.astype(np.float64) ** 2).sum()),
            "trace": float(np.trace(W_np.T.astype(np.float64) @ W_np)), "l2_penalty": float(penalty.item()),
            "grad_max_abs_diff": float(np.abs(W.grad.numpy() - lam * W_np).max())}  # fmt: skip

"""Computations of the ``batchnorm`` experiment: the MLPs with and without batch
normalization, their training runs, and the probes (the formula, gradients per layer, the
drift of a hidden layer's distribution, train against eval mode)."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.ops.creation import tensor
from neuronlab.train import Trainer
from neuronlab.train.callbacks import Callback

WIDTH, DEPTH, BATCH = 64, 4, 128
CHANCE_LOSS = math.log(10)
TRAINS_BELOW = 0.85 * CHANCE_LOSS  # a run "trains" when its final loss is clearly below chance


def make_mlp(bn: bool, seed: int, depth: int = DEPTH, std: float | None = None) -> nn.Sequential:
    """40 → [Linear(64) → (BatchNorm1d) → ReLU] × depth → Linear(10). ``std``: weights ~ N(0, std²)
    and zero biases instead of the default (PyTorch's) initialization."""
    manual_seed(seed)
    layers, fan_in = [], 40
    for _ in range(depth):
        layers += [nn.Linear(fan_in, WIDTH), *([nn.BatchNorm1d(WIDTH)] if bn else []), nn.ReLU()]
        fan_in = WIDTH
    layers.append(nn.Linear(WIDTH, 10))
    if std is not None:
        for layer in layers:
            if isinstance(layer, nn.Linear):
                nn.init.normal_(layer.weight, 0.0, std)
                nn.init.zeros_(layer.bias)
    return nn.Sequential(*layers)


class HiddenDrift(Callback):
    """Per-unit mean and std of the last hidden layer's output (the output layer's input) on a
    fixed probe batch, after every epoch, in eval mode."""

    def __init__(self, probe: np.ndarray) -> None:
        self.probe, self.means, self.stds = tensor(probe), [], []

    def on_epoch_end(self, trainer, record: dict) -> None:
        model = trainer.model
        model.eval()
        with no_grad(), np.errstate(all="ignore"):
            h = model[:-1](self.probe).numpy().astype(np.float64)
        model.train()
        self.means.append(h.mean(0))
        self.stds.append(h.std(0))

    def drift(self) -> float:
        """Mean over epochs of mean_u |μ_u(t) − μ_u(t−1)| / mean_u σ_u(t−1): how far the layer's
        input distribution moves per epoch, in units of its own spread."""
        steps = [np.abs(m1 - m0).mean() / max(s0.mean(), 1e-12)
                 for m0, m1, s0 in zip(self.means, self.means[1:], self.stds)]  # fmt: skip
        return float(np.mean(steps)) if steps else float("nan")


def train(model, data, lr: float, epochs: int, drift: HiddenDrift | None = None) -> dict:
    """Plain SGD on cross-entropy, batch 128: the training loss and test accuracy per epoch, the
    final training accuracy (eval mode), and whether the run trained or diverged."""
    X_tr, y_tr, X_te, y_te = data
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=lr), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      callbacks=[drift] if drift is not None else [], progress=False)  # fmt: skip
    history = trainer.fit((X_tr, y_tr), val=(X_te, y_te), epochs=epochs, batch_size=BATCH)
    losses = history.column("train_loss", per="epoch")
    accuracy = history.column("val_accuracy", per="epoch")
    final = float(losses[-1])
    return {
        "lr": lr,
        "train_loss_per_epoch": _finite_or_none(losses),
        "test_accuracy_per_epoch": accuracy.tolist(),
        "final_loss": final if math.isfinite(final) else None,
        "test_accuracy": float(accuracy[-1]),
        "train_accuracy": float(trainer.evaluate((X_tr, y_tr))["accuracy"]),
        "loss_increases": int(np.sum(np.diff(losses) > 0)),
        "accuracy_swing": float(np.abs(np.diff(accuracy)).mean()) if len(accuracy) > 1 else 0.0,
        "diverged": not math.isfinite(final) or final > 1.5 * CHANCE_LOSS,
        "trains": math.isfinite(final) and final < TRAINS_BELOW,
    }


def _finite_or_none(values) -> list:
    return [float(v) if math.isfinite(v) else None for v in values]


def epochs_to(losses: list, threshold: float):
    """The first epoch (1-based) whose training loss is at or below ``threshold``; None if never."""
    for epoch, loss in enumerate(losses, start=1):
        if loss is not None and loss <= threshold:
            return epoch
    return None


def formula_check(seed: int) -> dict:
    """BatchNorm1d in train and eval mode against the seed's formulas, written out in NumPy."""
    rng = np.random.default_rng(seed)
    x = (3 * rng.standard_normal((16, 5)) + 2).astype(np.float32)
    gamma, beta = rng.uniform(0.5, 2, 5).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    bn = nn.BatchNorm1d(5)
    with no_grad():
        bn.weight.copy_(tensor(gamma))
        bn.bias.copy_(tensor(beta))
        y_train = bn(tensor(x)).numpy()
        bn.eval()
        y_eval = bn(tensor(x)).numpy()
    x64 = x.astype(np.float64)
    mu, var = x64.mean(0), x64.var(0)  # the biased (1/n) variance of the seed's formula
    x_hat = (x64 - mu) / np.sqrt(var + bn.eps)
    running_mean, running_var = 0.1 * mu, 0.9 + 0.1 * x64.var(0, ddof=1)  # momentum 0.1, from 0 and 1
    expected_eval = gamma * (x64 - running_mean) / np.sqrt(running_var + bn.eps) + beta
    return {
        "train_max_abs_diff": float(np.abs(y_train - (gamma * x_hat + beta)).max()),
        "running_mean_max_abs_diff": float(np.abs(bn.running_mean.numpy() - running_mean).max()),
        "running_var_max_abs_diff": float(np.abs(bn.running_var.numpy() - running_var).max()),
        "eval_max_abs_diff": float(np.abs(y_eval - expected_eval).max()),
        "x_hat_mean_max": float(np.abs(x_hat.mean(0)).max()),
        "x_hat_var_max_dev": float(np.abs(x_hat.var(0) - 1).max()),
    }


def gradient_norms(data, seed: int, depth: int, stds) -> dict:
    """‖∂L/∂W‖ of every Linear layer at initialization (one batch of 256), for each weight std,
    with and without BN: whether the gradient's size depends on the initialization's scale."""
    X, y = tensor(data[0][:256]), tensor(data[1][:256])
    out = {}
    for bn in (False, True):
        for std in stds:
            model = make_mlp(bn, seed, depth=depth, std=std)
            with np.errstate(all="ignore"):
                nn.CrossEntropyLoss()(model(X), y).backward()
            norms = [float(np.linalg.norm(m.weight.grad.numpy())) for m in model if isinstance(m, nn.Linear)]
            out[f"{'bn' if bn else 'plain'}_{std:g}"] = norms
    return out


def train_vs_eval(model, data) -> dict:
    """The trained BN model: eval mode (running statistics) against train mode (batch statistics)
    on the test set, and how far the running statistics are from the training set's."""
    X_tr, _, X_te, y_te = data
    first_linear, first_bn = model[0], model[1]
    with no_grad():
        pre = first_linear(tensor(X_tr)).numpy().astype(np.float64)
    mean, std = pre.mean(0), pre.std(0)
    out = {
        "running_mean_error_in_stds": float(np.mean(np.abs(first_bn.running_mean.numpy() - mean) / std)),
        "running_var_rel_error": float(np.mean(np.abs(first_bn.running_var.numpy() / std**2 - 1))),
        "gamma_mean_abs_dev": float(np.mean([np.abs(m.weight.detach().numpy() - 1).mean() for m in model if isinstance(m, nn.BatchNorm1d)])),
        "beta_mean_abs": float(np.mean([np.abs(m.bias.detach().numpy()).mean() for m in model if isinstance(m, nn.BatchNorm1d)])),
    }  # fmt: skip
    model.eval()
    with no_grad():
        logits_eval = model(tensor(X_te)).numpy()
        a, b = model(tensor(X_te[:4])).numpy()[0], model(tensor(X_te[[0, 4, 5, 6]])).numpy()[0]
        out["eval_accuracy"] = float((logits_eval.argmax(1) == y_te).mean())
        out["eval_same_sample_diff"] = float(np.abs(a - b).max())
        model.train()  # from here on the forward passes also move the running statistics
        out["train_mode_full_batch_accuracy"] = float((model(tensor(X_te)).numpy().argmax(1) == y_te).mean())
        small = np.concatenate([model(tensor(X_te[i : i + 4])).numpy() for i in range(0, len(X_te), 4)])
        out["train_mode_batch4_accuracy"] = float((small.argmax(1) == y_te).mean())
        a, b = model(tensor(X_te[:4])).numpy()[0], model(tensor(X_te[[0, 4, 5, 6]])).numpy()[0]
        out["train_same_sample_diff"] = float(np.abs(a - b).max())
    return out

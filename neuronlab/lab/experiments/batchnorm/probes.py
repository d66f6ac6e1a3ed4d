"""batchnorm's probes: BatchNorm1d against the seed's formula, what a BN layer outputs after
training (its mean and spread against β and γ), gradients per layer at initialization, and the
drift of a hidden layer's distribution during training."""

from __future__ import annotations

import numpy as np

from neuronlab import nn
from neuronlab.engine.grad_mode import no_grad
from neuronlab.lab.experiments.batchnorm.networks import make_mlp
from neuronlab.ops.creation import tensor
from neuronlab.train.callbacks import Callback


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


def gradient_norms(X: np.ndarray, y: np.ndarray, seed: int, depth: int, stds) -> dict:
    """‖∂L/∂W‖ of every Linear layer at initialization (one batch), for each weight std, with and
    without BN: whether the gradient's size depends on the initialization's scale."""
    X, y = tensor(X), tensor(y)
    out = {}
    for bn in (False, True):
        for std in stds:
            model = make_mlp(bn, seed, depth=depth, std=std)
            with np.errstate(all="ignore"):
                nn.CrossEntropyLoss()(model(X), y).backward()
            norms = [float(np.linalg.norm(m.weight.grad.numpy())) for m in model if isinstance(m, nn.Linear)]
            out[f"{'bn' if bn else 'plain'}_{std:g}"] = norms
    return out


def bn_outputs(model: nn.Sequential, X: np.ndarray) -> list[dict]:
    """For every BatchNorm1d of a trained model, in train mode on the batch ``X``: the per-unit
    mean and standard deviation of its output next to its β (``bias``) and γ (``weight``).
    The forward pass moves the running statistics, so call it after evaluating the model."""
    out, h = [], tensor(X)
    model.train()
    with no_grad():
        for layer in model:
            h = layer(h)
            if isinstance(layer, nn.BatchNorm1d):
                y = h.numpy().astype(np.float64)
                out.append({"mean": y.mean(0).tolist(), "std": y.std(0).tolist(),
                            "beta": layer.bias.detach().numpy().tolist(),
                            "gamma": layer.weight.detach().numpy().tolist()})  # fmt: skip
    return out

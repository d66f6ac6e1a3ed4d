"""Computations of the ``dropout`` experiment: the d2l §4.6 MLP and its noise-injection
variants, training with per-epoch probes, and the test-time analysis (eval mode against
Monte-Carlo averaging of stochastic passes)."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.nn import functional as F
from neuronlab.ops.creation import randn_like, tensor
from neuronlab.train import Trainer
from neuronlab.train.callbacks import Callback

LR, MOMENTUM, BATCH, WEIGHT_DECAY = 0.05, 0.9, 100, 5e-3
RATES = (0.2, 0.5)  # d2l's dropout1, dropout2


class GaussianDropout(nn.Module):
    """Multiplicative Gaussian noise h·(1 + σε), ε ~ N(0, 1), with σ² = p/(1 − p): the same mean
    and variance as inverted dropout with rate p (Srivastava et al. 2014, §10); identity in eval."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p
        self.sigma = (p / (1 - p)) ** 0.5

    def forward(self, input):  # noqa: A002
        return input * (1 + self.sigma * randn_like(input)) if self.training else input

    def extra_repr(self) -> str:
        return f"p={self.p}"


NOISE_STD = 0.5  # of the additive Gaussian noise
NOISE_LAYERS = {"none": None, "weight_decay": None, "dropout": nn.Dropout, "both": nn.Dropout, "swapped": nn.Dropout,
                "gaussian_dropout": GaussianDropout, "additive_noise": lambda p: nn.GaussianNoise(NOISE_STD)}  # fmt: skip


def build(variant: str, hidden: int) -> nn.Sequential:
    """The §4.6 MLP 40 → hidden → hidden → 10 (ReLU) with the regularizer ``variant`` names; the
    rates are d2l's (0.2 after the first hidden layer, 0.5 after the second), reversed for
    ``swapped``. DropConnect drops, at the same rates, the weights that read each hidden layer."""
    p1, p2 = RATES[::-1] if variant == "swapped" else RATES
    if variant == "dropconnect":
        return nn.Sequential(nn.Linear(40, hidden), nn.ReLU(), nn.DropConnect(hidden, hidden, p=p1), nn.ReLU(),
                             nn.DropConnect(hidden, 10, p=p2))  # fmt: skip
    make = NOISE_LAYERS[variant]
    noise = (lambda p: [make(p)]) if make is not None else (lambda p: [])
    return nn.Sequential(nn.Linear(40, hidden), nn.ReLU(), *noise(p1), nn.Linear(hidden, hidden), nn.ReLU(),
                         *noise(p2), nn.Linear(hidden, 10))  # fmt: skip


def hidden_activations(model: nn.Sequential, X) -> list[np.ndarray]:
    """The output of every ReLU (the hidden activations), eval-mode forward."""
    outs, h = [], X
    for layer in model:
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            outs.append(h.numpy().astype(np.float64))
    return outs


class EpochProbe(Callback):
    """After every epoch, in eval mode: training-set loss and accuracy, and per hidden layer the
    variance of the activations on a probe batch, plus (for a model with dropout) the variance
    of what the next layer sees in training, E[h²]/(1 − p) − E[h]² (computed, no extra draws)."""

    def __init__(self, train_data, probe, rates=(0.0, 0.0)) -> None:
        self.train_data, self.probe, self.rates = train_data, tensor(probe), rates
        self.train_loss, self.train_accuracy, self.var_eval, self.var_train = [], [], [], []

    def on_epoch_end(self, trainer, record: dict) -> None:
        result = trainer.evaluate(self.train_data)
        self.train_loss.append(result["loss"])
        self.train_accuracy.append(result["accuracy"])
        trainer.model.eval()
        with no_grad():
            hs = hidden_activations(trainer.model, self.probe)
        trainer.model.train()
        self.var_eval.append([float(h.var()) for h in hs])
        self.var_train.append(
            [float((h**2).mean() / (1 - p) - h.mean() ** 2) for h, p in zip(hs, self.rates)]
        )


def train_variant(
    variant: str, data, seed: int, hidden: int, epochs: int, probe=None
) -> tuple[dict, nn.Module]:
    """SGD with momentum on cross-entropy; weight decay (coupled, = L2 penalty) for the
    ``weight_decay`` and ``both`` variants. Returns the curves and the trained model."""
    X_tr, y_tr, X_te, y_te = data
    manual_seed(seed)
    model = build(variant, hidden)
    wd = WEIGHT_DECAY if variant in ("weight_decay", "both") else 0.0
    callbacks = [probe] if probe is not None else []
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=wd),
                      nn.CrossEntropyLoss(), metrics=["accuracy"], callbacks=callbacks, progress=False)  # fmt: skip
    history = trainer.fit((X_tr, y_tr), val=(X_te, y_te), epochs=epochs, batch_size=BATCH)
    final_train = trainer.evaluate((X_tr, y_tr))
    test_acc = history.column("val_accuracy", per="epoch")
    half = len(test_acc) // 2
    return {
        "test_accuracy": float(test_acc[-1]),
        "test_loss": float(history.epochs[-1]["val_loss"]),
        "train_accuracy": final_train["accuracy"],
        "train_loss": final_train["loss"],
        "best_test_accuracy": float(test_acc.max()),
        "best_epoch": int(test_acc.argmax()) + 1,
        "test_accuracy_per_epoch": test_acc.tolist(),
        "test_loss_per_epoch": history.column("val_loss", per="epoch").tolist(),
        "late_swing": float(np.abs(np.diff(test_acc[half:])).mean()) if len(test_acc) > 3 else 0.0,
        "random_draws_per_step": random_draws(model, BATCH),
    }, model


def random_draws(model: nn.Module, batch: int) -> int:
    """Random numbers a training step draws: a mask (or noise) entry per activation for dropout
    and noise layers, one per weight (shared by the batch) for DropConnect."""
    total, width = 0, 40
    for layer in model:
        if isinstance(layer, nn.Linear):
            total += layer.weight.numel() if isinstance(layer, nn.DropConnect) else 0
            width = layer.out_features
        elif isinstance(layer, nn.Dropout | nn.GaussianNoise | GaussianDropout):
            total += batch * width
    return total


def test_time(model: nn.Sequential, X_te: np.ndarray, y_te: np.ndarray, passes=(1, 2, 5, 10, 20, 50)) -> dict:
    """Why dropout is switched off at test time: the deterministic eval-mode net against single
    stochastic passes and Monte-Carlo averages of T passes, and a wrong test-time scaling."""
    X = tensor(X_te)
    with no_grad():
        model.eval()
        eval_probs = F.softmax(model(X), dim=1).numpy()
        wrong = _forward_scaled(model, X)
        model.train()
        stochastic = [F.softmax(model(X), dim=1).numpy() for _ in range(max(passes))]
        model.eval()
    acc = lambda probs: float((probs.argmax(1) == y_te).mean())  # noqa: E731
    singles = [acc(p) for p in stochastic]
    return {
        "eval_accuracy": acc(eval_probs),
        "single_pass_accuracy_mean": float(np.mean(singles)),
        "single_pass_accuracy_min": float(np.min(singles)),
        "passes": list(passes),
        "mc_accuracy": [acc(np.mean(stochastic[:t], axis=0)) for t in passes],
        "disagreement": float((stochastic[0].argmax(1) != stochastic[1].argmax(1)).mean()),
        "wrong_scaling_accuracy": acc(wrong),
    }


def _forward_scaled(model: nn.Sequential, X) -> np.ndarray:
    """Eval-mode forward that also multiplies by (1 − p) at each Dropout — the non-inverted
    test-time rule applied to a net trained with inverted dropout (activations too small)."""
    h = X
    for layer in model:
        h = layer(h) * (1 - layer.p) if isinstance(layer, nn.Dropout) else layer(h)
    return F.softmax(h, dim=1).numpy()


def mean_activation_ratio(model: nn.Sequential, X_te: np.ndarray) -> float:
    """Mean of the first dropout layer's output in train mode over its mean in eval mode (≈ 1:
    inverted dropout keeps the expected activation)."""
    X = tensor(X_te)
    index = next(i for i, layer in enumerate(model) if isinstance(layer, nn.Dropout))
    with no_grad():
        model.eval()
        eval_mean = model[: index + 1](X).numpy().mean()
        model.train()
        train_mean = model[: index + 1](X).numpy().mean()
        model.eval()
    return float(train_mean / eval_mean)

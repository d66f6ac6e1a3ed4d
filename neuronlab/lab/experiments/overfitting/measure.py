"""overfitting's measurements: two-moons classifiers of three sizes (their learning curves),
and the remedies of 002 question 7 on the overfitting one, each with its strength chosen on the
validation loss (``tune``): L2 and L1 penalties, dropout, early stopping, an ensemble, more
data, batch normalization — and for underfitting a larger learning rate and standardized inputs."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import make_moons
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.tuning import tune
from neuronlab.nn.functional import softmax
from neuronlab.nn.utils import l1_penalty
from neuronlab.train import EarlyStopping, Trainer

LR = 0.02  # Adam's learning rate unless a remedy tunes it


def mlp(hidden: list[int], dropout: float = 0.0, batchnorm: bool = False) -> nn.Sequential:
    """2 → hidden… → 2 ReLU network (no hidden layer: logistic regression); optional dropout
    after every hidden activation, optional BatchNorm1d before it."""
    layers, width = [], 2
    for units in hidden:
        layers += [nn.Linear(width, units), *([nn.BatchNorm1d(units)] if batchnorm else []), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        width = units
    layers.append(nn.Linear(width, 2))
    return nn.Sequential(*layers)


def fit(data: dict, hidden: list[int], epochs: int, seed: int, *, train=None, weight_decay: float = 0.0,
        l1: float = 0.0, dropout: float = 0.0, batchnorm: bool = False, lr: float = LR,
        patience: int | None = None) -> dict:  # fmt: skip
    """Full-batch Adam with cross-entropy; validation loss recorded every epoch.

    ``weight_decay`` is the coupled L2 penalty λ‖w‖²/2 added to the gradient as λw; ``l1`` adds
    λ·Σ|w| over the weight matrices to the training loss (the reported losses are the data loss);
    ``patience`` turns on early stopping on the validation loss (best weights restored).
    Returns the curves, the final losses, test loss/accuracy and test probabilities.
    """
    X, y = data["train"] if train is None else train
    manual_seed(seed)
    model = mlp(hidden, dropout, batchnorm)
    weights = [p for name, p in model.named_parameters() if name.endswith("weight") and p.ndim == 2]
    callbacks = (
        [] if patience is None else [EarlyStopping("val_loss", patience=patience, restore_best_weights=True)]
    )
    data_loss = nn.CrossEntropyLoss()
    loss = data_loss if not l1 else (lambda out, y: data_loss(out, y) + l1 * l1_penalty(weights))
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay), loss,
                      metrics=["accuracy"], callbacks=callbacks, progress=False)  # fmt: skip
    history = trainer.fit((X, y), val=data["val"], epochs=epochs, batch_size=None)
    trainer.loss_fn = data_loss  # every loss reported below is the data loss, never the penalty
    test = trainer.evaluate(data["test"])
    probs = softmax(trainer.predict(data["test"][0]), dim=1).numpy()
    return {
        "train_curve": history.column("train_loss", per="epoch").tolist(),
        "val_curve": history.column("val_loss", per="epoch").tolist(),
        "train_loss": trainer.evaluate((X, y))["loss"],
        "val_loss": trainer.evaluate(data["val"])["loss"],
        "test_loss": test["loss"],
        "test_accuracy": test["accuracy"],
        "stopped_epoch": len(history.epochs),
        "probs": probs,
        "model": model,
    }


def diagnose(train_loss: float, val_curve: list[float], best_val: float) -> str:
    """The textbook reading of a pair of learning curves.

    * overfitting: the validation loss has risen well above its minimum (by > 25%) while the
      training loss is less than half of it — the model keeps fitting the training set only;
    * underfitting: training and validation loss are close (train > 80% of val) and the model
      fits even its own training data worse than the best model predicts unseen data (train
      loss above the lowest validation loss any model reached);
    * a good fit otherwise.
    """
    final, lowest = val_curve[-1], min(val_curve)
    if final > 1.25 * lowest and train_loss < 0.5 * final:
        return "overfitting"
    if train_loss > 0.8 * final and train_loss > best_val:
        return "underfitting"
    return "good fit"


def ensemble(members: list[dict], y_test: np.ndarray) -> dict:
    """Average the members' predicted probabilities; cross-entropy and accuracy of the average."""
    probs = np.mean([m["probs"] for m in members], axis=0)
    picked = np.clip(probs[np.arange(len(y_test)), y_test], 1e-12, 1.0)
    return {
        "test_loss": float(-np.log(picked).mean()),
        "test_accuracy": float((probs.argmax(axis=1) == y_test).mean()),
        "member_test_loss": float(np.mean([m["test_loss"] for m in members])),
        "member_test_accuracy": float(np.mean([m["test_accuracy"] for m in members])),
        "size": len(members),
    }


def probability_grid(model, X: np.ndarray, points: int) -> dict:
    """P(class 1) of ``model`` on a points × points grid covering the data (for the boundary plot)."""
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xs, ys = np.linspace(lo[0], hi[0], points), np.linspace(lo[1], hi[1], points)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2).astype(np.float32)
    model.eval()
    with no_grad():
        p1 = softmax(model(Tensor._wrap(grid)), dim=1).numpy()[:, 1]
    return {"x": xs.tolist(), "y": ys.tolist(), "p1": p1.reshape(points, points).tolist()}


NOISE = 0.3
N_TRAIN, N_VAL, N_TEST = 80, 150, 500
# hidden layer widths; at most 32 units so that no matrix product of a 250-sample batch reaches
# OpenBLAS's threading threshold, which only adds overhead at these sizes
MODELS = {"too small": [], "right": [8], "too large": [32, 32]}
LARGE = MODELS["too large"]
GRIDS = {
    "weight decay": [1e-3, 1e-2, 1e-1],  # λ of the coupled L2 penalty
    "L1": [1e-4, 1e-3, 1e-2],  # λ of λ·Σ|w|
    "dropout": [0.1, 0.2, 0.4],  # p after every hidden layer (p ≥ 1 scores as the worst)
    "batch norm": [1e-3, 3e-3, 1e-2],  # Adam's lr for the network with BatchNorm1d
    "larger lr": [1e-3, 3e-3, 1e-2],  # Adam's lr for the under-trained right-sized network
}
SMALL_LR = 3e-4  # the under-trained setting whose remedy is a larger learning rate
SKEW = 100.0  # the second input feature multiplied by this: badly scaled data (preprocessing remedy)


def draw(seed: int, more: int) -> dict:
    """Independent two-moons draws for training, validation, test and the extra data."""
    parts = [
        make_moons(n, noise=NOISE, random_state=seed * 10 + i)
        for i, n in enumerate((N_TRAIN, N_VAL, N_TEST, more))
    ]
    return {"train": parts[0], "val": parts[1], "test": parts[2], "more": parts[3]}


def summary(run: dict) -> dict:
    """The JSON-able part of a training run (no model, no probabilities)."""
    return {k: v for k, v in run.items() if k not in ("model", "probs")}


def tuned(data: dict, epochs: int, seed: int, key: str, grid: list[float], hidden=LARGE, **fixed) -> dict:
    """Fit for every value of ``key`` on ``grid`` (widened by ``tune`` by one point when the best
    validation loss is on an edge); the chosen run's summary with the choice recorded."""
    runs = {}

    def val_loss(value: float) -> float:
        if key == "dropout" and value >= 1:
            return float("inf")
        runs[value] = fit(data, hidden, epochs, seed, **fixed, **{key: value})
        return runs[value]["val_loss"]

    result = tune(val_loss, grid, higher_is_better=False, max_widen=1)
    out = summary(runs[result["best"]])
    out.update(
        chosen=result["best"], interior=result["interior"], grid=result["grid"], val_by_value=result["scores"]
    )
    return out


def _scaled(data: dict) -> dict:
    scale = np.array([1.0, SKEW], dtype=np.float32)
    return {k: (X * scale, y) for k, (X, y) in data.items()}


def _standardized(data: dict) -> dict:
    X = data["train"][0]
    mean, std = X.mean(0), X.std(0)
    return {k: ((Xk - mean) / std, y) for k, (Xk, y) in data.items()}


def run(config, seed: int) -> dict:
    from neuronlab.lab.experiments.overfitting import SIZES

    s = config.sizes(SIZES)
    epochs = s["epochs"]
    data = draw(seed, s["more_data"])
    models = {}
    for name, hidden in MODELS.items():
        r = fit(data, hidden, epochs, seed)
        models[name] = summary(r)
        models[name]["best_val_epoch"] = int(np.argmin(r["val_curve"])) + 1
        if name == "too large":
            members = [r] + [fit(data, LARGE, epochs, seed + 100 * k) for k in range(1, s["ensemble_size"])]
    remedies = {
        "more data": summary(fit(data, LARGE, epochs, seed, train=data["more"])),
        "weight decay": tuned(data, epochs, seed, "weight_decay", GRIDS["weight decay"]),
        "L1": tuned(data, epochs, seed, "l1", GRIDS["L1"]),
        "dropout": tuned(data, epochs, seed, "dropout", GRIDS["dropout"]),
        "early stopping": summary(fit(data, LARGE, epochs, seed, patience=s["patience"])),
        "ensemble": ensemble(members, data["test"][1]),
        "batch norm": tuned(data, epochs, seed, "lr", GRIDS["batch norm"], batchnorm=True),
    }
    skewed = _scaled(data)
    under = {
        "small lr": summary(fit(data, MODELS["right"], epochs, seed, lr=SMALL_LR)),
        "larger lr": tuned(data, epochs, seed, "lr", GRIDS["larger lr"], hidden=MODELS["right"]),
        "skewed inputs": summary(fit(skewed, MODELS["right"], epochs, seed)),
        "standardized inputs": summary(fit(_standardized(skewed), MODELS["right"], epochs, seed)),
    }
    return {"epochs": epochs, "models": models, "remedies": remedies, "underfitting": under}

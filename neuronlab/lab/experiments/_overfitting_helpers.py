"""Helpers of the ``overfitting`` experiment: building and training the two-moons classifiers,
reading a diagnosis off their learning curves, and averaging an ensemble."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.functional import softmax
from neuronlab.train import EarlyStopping, Trainer


def mlp(hidden: list[int], dropout: float = 0.0) -> nn.Sequential:
    """2 → hidden… → 2 ReLU network (no hidden layer: logistic regression); optional dropout
    after every hidden activation."""
    layers, width = [], 2
    for units in hidden:
        layers += [nn.Linear(width, units), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        width = units
    layers.append(nn.Linear(width, 2))
    return nn.Sequential(*layers)


def fit(data: dict, hidden: list[int], epochs: int, seed: int, *, train=None, weight_decay: float = 0.0,
        dropout: float = 0.0, patience: int | None = None) -> dict:  # fmt: skip
    """Full-batch Adam (lr 0.01) with cross-entropy; validation loss recorded every epoch.

    ``weight_decay`` is the coupled L2 penalty λ‖w‖²/2 added to the gradient as λw;
    ``patience`` turns on early stopping on the validation loss (best weights restored).
    Returns the curves, the final losses, test loss/accuracy and test probabilities.
    """
    X, y = data["train"] if train is None else train
    manual_seed(seed)
    model = mlp(hidden, dropout)
    callbacks = (
        [] if patience is None else [EarlyStopping("val_loss", patience=patience, restore_best_weights=True)]
    )
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=0.01, weight_decay=weight_decay),
                      nn.CrossEntropyLoss(), metrics=["accuracy"], callbacks=callbacks, progress=False)  # fmt: skip
    history = trainer.fit((X, y), val=data["val"], epochs=epochs, batch_size=None)
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

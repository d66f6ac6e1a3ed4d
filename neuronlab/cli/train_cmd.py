"""``neuronlab train``: train an MLP on a built-in data set, or on a CSV file of your own
(``--csv FILE --target COLUMN``), from command-line options; ``--save PATH`` keeps the trained
model, ``--tensorboard DIR`` logs the run for TensorBoard."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from neuronlab import nn, optim
from neuronlab.datasets import (
    Standardizer,
    load_digits,
    load_mnist1d,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    train_val_test_split,
)
from neuronlab.engine.random import manual_seed
from neuronlab.train import DivergenceGuard, Trainer

DATASETS = {
    "digits": lambda seed: load_digits(),
    "mnist1d": lambda seed: (
        lambda d: (np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test]))
    )(load_mnist1d()),
    "moons": lambda seed: make_moons(1000, noise=0.2, random_state=seed),
    "circles": lambda seed: make_circles(1000, noise=0.1, factor=0.5, random_state=seed),
    "spirals": lambda seed: make_spirals(1000, n_classes=3, noise=0.2, random_state=seed),
    "xor": lambda seed: make_xor(400, noise=0.1, random_state=seed),
}
ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
}
OPTIMIZERS = {
    "sgd": lambda p, a: optim.SGD(p, lr=a.lr, weight_decay=a.weight_decay),
    "momentum": lambda p, a: optim.SGD(p, lr=a.lr, momentum=0.9, weight_decay=a.weight_decay),
    "adagrad": lambda p, a: optim.Adagrad(p, lr=a.lr, weight_decay=a.weight_decay),
    "rmsprop": lambda p, a: optim.RMSprop(p, lr=a.lr, weight_decay=a.weight_decay),
    "adam": lambda p, a: optim.Adam(p, lr=a.lr, weight_decay=a.weight_decay),
    "adamw": lambda p, a: optim.AdamW(p, lr=a.lr, weight_decay=a.weight_decay),
}


def add_train_parser(sub) -> None:
    p = sub.add_parser("train", help="train an MLP classifier on a built-in data set or a CSV file")
    p.add_argument(
        "--data", choices=sorted(DATASETS), default="digits", help="built-in data set (default digits)"
    )
    p.add_argument(
        "--csv", metavar="FILE", help="train on this CSV file instead (a header row; numeric features)"
    )
    p.add_argument("--target", metavar="COLUMN", help="with --csv: the column holding the class labels")
    p.add_argument(
        "--save", metavar="PATH", help="save the trained model (safetensors; neuronlab.load reads it)"
    )
    p.add_argument("--tensorboard", metavar="DIR", help="log losses and metrics for TensorBoard under DIR")
    p.add_argument(
        "--hidden", default="64", help="hidden layer sizes, comma-separated (default 64; '' for none)"
    )
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu",
                   help="activation of the hidden layers (default relu)")  # fmt: skip
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="optimizer (default adam)")
    p.add_argument("--lr", type=float, default=1e-3, help="learning rate (default 1e-3)")
    p.add_argument(
        "--batch-size", type=int, default=64, help="samples per iteration (default 64; 0 = full batch)"
    )
    p.add_argument("--epochs", type=int, default=20, help="passes over the training set (default 20)")
    p.add_argument("--weight-decay", type=float, default=0.0, help="L2 weight decay (default 0)")
    p.add_argument("--dropout", type=float, default=0.0, help="dropout probability after each hidden layer")
    p.add_argument("--seed", type=int, default=0, help="random seed of the split and the weights (default 0)")
    p.set_defaults(run=cmd_train)


def load_csv(path: str, target: str | None) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """A CSV file with a header row as (X, y, feature names, class names): every column but
    ``target`` is a numeric feature; the target's distinct values (numbers or words) are the
    classes, numbered in sorted order. Errors name the file, row and column."""
    if target is None:
        raise ValueError("--csv needs --target COLUMN (the column holding the class labels)")
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"--csv {path}: no such file")
    with file.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise ValueError(f"{path}: needs a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    if target not in header:
        raise ValueError(f"{path}: no column {target!r}; the columns are {', '.join(header)}")
    t = header.index(target)
    features = [h for i, h in enumerate(header) if i != t]
    if not features:
        raise ValueError(f"{path}: no feature column besides {target!r}")
    X = np.empty((len(rows) - 1, len(features)))
    labels = []
    for n, row in enumerate(rows[1:]):
        if len(row) != len(header):
            raise ValueError(f"{path}, row {n + 2}: {len(row)} fields, the header has {len(header)}")
        labels.append(row[t].strip())
        values = [cell for i, cell in enumerate(row) if i != t]
        for j, cell in enumerate(values):
            try:
                X[n, j] = float(cell)
            except ValueError:
                raise ValueError(f"{path}, row {n + 2}, column {features[j]!r}: {cell!r} is not a number "
                                 "(features must be numeric)") from None  # fmt: skip
            if not math.isfinite(X[n, j]):
                raise ValueError(f"{path}, row {n + 2}, column {features[j]!r}: {cell!r} is not finite")
    if any(label == "" for label in labels):
        raise ValueError(f"{path}: the target column {target!r} has empty cells")
    try:
        numbers = {label: float(label) for label in labels}
        classes = sorted(set(labels), key=lambda label: numbers[label])
    except ValueError:
        classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError(f"{path}: the target column {target!r} has a single class")
    if len(classes) > max(20, len(labels) // 2):
        raise ValueError(f"{path}: the target column {target!r} has {len(classes)} distinct values; "
                         "neuronlab train fits classifiers (one class per distinct value)")  # fmt: skip
    index = {c: i for i, c in enumerate(classes)}
    return (
        X.astype(np.float32),
        np.array([index[label] for label in labels], dtype=np.int64),
        features,
        classes,
    )


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"--hidden must be comma-separated integers such as 64,32; got {text!r}") from None
    if any(s <= 0 for s in sizes):
        raise ValueError(f"--hidden sizes must be positive, got {text!r}")
    return sizes


def build_mlp(n_in: int, hidden: list[int], n_out: int, activation: str, dropout: float) -> nn.Sequential:
    layers, width = [], n_in
    for h in hidden:
        layers += [nn.Linear(width, h), ACTIVATIONS[activation]()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        width = h
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def cmd_train(args) -> int:
    if not 0 < args.lr < math.inf:  # nan fails too
        raise ValueError(f"--lr must be a positive finite number, got {args.lr}")
    if args.epochs <= 0:
        raise ValueError(f"--epochs must be positive, got {args.epochs}")
    if args.batch_size < 0:
        raise ValueError(f"--batch-size must be >= 0 (0 = full batch), got {args.batch_size}")
    if not 0 <= args.weight_decay < math.inf:
        raise ValueError(f"--weight-decay must be >= 0, got {args.weight_decay}")
    if not 0 <= args.dropout < 1:
        raise ValueError(f"--dropout must be in [0, 1), got {args.dropout}")
    hidden = _hidden(args.hidden)
    callbacks = [DivergenceGuard()]
    if args.tensorboard:
        try:
            import tensorboardX  # noqa: F401
        except ImportError as error:
            raise ImportError("--tensorboard needs tensorboardX", name="tensorboardX") from error
        from neuronlab.train import TensorBoardLogger

        callbacks.append(TensorBoardLogger(args.tensorboard))
    if args.save:
        save_path = Path(args.save)
        if save_path.is_dir() or not save_path.parent.exists():
            raise ValueError(f"--save {args.save}: not a file path in an existing directory")
    if args.csv:
        X, y, features, classes = load_csv(args.csv, args.target)
        name = Path(args.csv).name
    else:
        if args.target:
            raise ValueError("--target goes with --csv FILE")
        X, y = DATASETS[args.data](args.seed)
        features, classes, name = (
            [f"x{i}" for i in range(X.shape[1])],
            [str(c) for c in range(int(y.max()) + 1)],
            args.data,
        )
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(
        X, y, val_size=0.15, test_size=0.15, random_state=args.seed
    )
    scaler = Standardizer().fit(X_tr)
    X_tr, X_val, X_te = scaler.transform(X_tr), scaler.transform(X_val), scaler.transform(X_te)
    manual_seed(args.seed)
    model = build_mlp(X.shape[1], hidden, len(classes), args.activation, args.dropout)
    trainer = Trainer(model, OPTIMIZERS[args.optimizer](model.parameters(), args), nn.CrossEntropyLoss(),
                      metrics=["accuracy", "f1_macro"], callbacks=callbacks)  # fmt: skip
    print(f"{name}: {len(X_tr)} train / {len(X_val)} val / {len(X_te)} test samples, {X.shape[1]} features, "
          f"{len(classes)} classes")  # fmt: skip
    print(model)
    history = trainer.fit(
        (X_tr, y_tr), val=(X_val, y_val), epochs=args.epochs, batch_size=args.batch_size or None
    )
    every = max(1, args.epochs // 10)
    for record in history.epochs:
        if record["epoch"] % every == 0 or record["epoch"] == args.epochs:
            print(f"  epoch {record['epoch']:4d}  iterations {record['iterations']:6d}  train loss {record['train_loss']:.4f}  "
                  f"val loss {record['val_loss']:.4f}  val accuracy {record['val_accuracy']:.4f}")  # fmt: skip
    test = trainer.evaluate((X_te, y_te))
    print(f"test: loss {test['loss']:.4f}  accuracy {test['accuracy']:.4f}  macro F1 {test['f1_macro']:.4f}")
    if args.save:
        save_model(args.save, model, scaler, hidden, args, features, classes)
        print(f"model saved to {args.save} (neuronlab.load reads it; 'model' is a state dict)")
    if args.tensorboard:
        print(f"TensorBoard logs in {args.tensorboard} (tensorboard --logdir {args.tensorboard})")
    return 0


def save_model(path, model, scaler, hidden, args, features, classes) -> None:
    """The trained model with what it takes to use it: its state dict, the architecture, the
    standardization fitted on the training part, the feature and class names."""
    from neuronlab.serialization import save

    save({
        "model": model.state_dict(),
        "architecture": {"hidden": hidden, "activation": args.activation, "dropout": args.dropout,
                         "n_features": len(features), "n_classes": len(classes)},
        "standardizer": {"mean": np.asarray(scaler.mean_, dtype=np.float64).tolist(),
                         "scale": np.asarray(scaler.scale_, dtype=np.float64).tolist()},
        "features": list(features), "classes": list(classes),
    }, path)  # fmt: skip

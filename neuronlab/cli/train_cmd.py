"""``neuronlab train``: train an MLP on a built-in data set from command-line options."""

from __future__ import annotations

import math

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
    p = sub.add_parser("train", help="train an MLP on a built-in data set and print its metrics")
    p.add_argument("--data", choices=sorted(DATASETS), default="digits", help="data set (default digits)")
    p.add_argument(
        "--hidden", default="64", help="hidden layer sizes, comma-separated (default 64; '' for none)"
    )
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    p.add_argument("--lr", type=float, default=1e-3, help="learning rate (default 1e-3)")
    p.add_argument(
        "--batch-size", type=int, default=64, help="samples per iteration (default 64; 0 = full batch)"
    )
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--weight-decay", type=float, default=0.0, help="L2 weight decay (default 0)")
    p.add_argument("--dropout", type=float, default=0.0, help="dropout probability after each hidden layer")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=cmd_train)


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
    X, y = DATASETS[args.data](args.seed)
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(
        X, y, val_size=0.15, test_size=0.15, random_state=args.seed
    )
    scaler = Standardizer().fit(X_tr)
    X_tr, X_val, X_te = scaler.transform(X_tr), scaler.transform(X_val), scaler.transform(X_te)
    manual_seed(args.seed)
    model = build_mlp(X.shape[1], hidden, int(y.max()) + 1, args.activation, args.dropout)
    trainer = Trainer(model, OPTIMIZERS[args.optimizer](model.parameters(), args), nn.CrossEntropyLoss(),
                      metrics=["accuracy", "f1_macro"], callbacks=[DivergenceGuard()])  # fmt: skip
    print(
        f"{args.data}: {len(X_tr)} train / {len(X_val)} val / {len(X_te)} test samples, {X.shape[1]} features"
    )
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
    return 0

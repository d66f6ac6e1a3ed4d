"""``neuronlab demo``: train a 2-8-1 network on XOR with plain tensors and watch the loss fall."""

from __future__ import annotations

import neuronlab


def add_demo_parser(sub) -> None:
    p = sub.add_parser("demo", help="train a tiny network on XOR and print its loss falling")
    p.add_argument("--steps", type=int, default=500, help="gradient steps (default 500)")
    p.add_argument("--lr", type=float, default=0.2, help="learning rate (default 0.2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(run=run_demo)


def train_xor(steps: int, lr: float, seed: int, hidden: int = 8) -> list[float]:
    """Full-batch gradient descent on XOR with a tanh hidden layer; returns the loss per step."""
    if steps <= 0:
        raise ValueError(f"--steps must be positive, got {steps}")
    if lr <= 0:
        raise ValueError(f"--lr must be positive, got {lr}")
    neuronlab.manual_seed(seed)
    x = neuronlab.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = neuronlab.tensor([[0.0], [1.0], [1.0], [0.0]])
    w1 = (neuronlab.randn(2, hidden) * 1.0).requires_grad_()
    b1 = neuronlab.zeros(hidden, requires_grad=True)
    w2 = (neuronlab.randn(hidden, 1) * 0.5).requires_grad_()
    b2 = neuronlab.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]
    losses = []
    for _ in range(steps):
        h = (x @ w1 + b1).tanh()
        out = h @ w2 + b2
        loss = ((out - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with neuronlab.no_grad():
            for p in params:
                p -= lr * p.grad
        losses.append(loss.item())
    return losses


def run_demo(args) -> int:
    losses = train_xor(args.steps, args.lr, args.seed)
    print(f"XOR with a 2-8-1 tanh network, full-batch gradient descent, lr={args.lr}")
    every = max(1, len(losses) // 10)
    for step in range(0, len(losses), every):
        print(f"  step {step:5d}   MSE loss {losses[step]:.6f}")
    print(f"  step {len(losses) - 1:5d}   MSE loss {losses[-1]:.6f}")
    verdict = "fell" if losses[-1] < losses[0] else "did not fall"
    print(f"The loss {verdict} from {losses[0]:.4f} to {losses[-1]:.4f} in {len(losses)} steps.")
    return 0

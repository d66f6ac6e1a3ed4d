"""The benchmark's workloads, written once against the shared PyTorch API and run with
``lib = neuronlab`` and ``lib = torch`` from the same initial weights and data.

The paired workloads (``PAIRED``) are builders run in one library at a time, each in its own
process (``isolated.py``); the losses they report must agree before any time is taken.
Workloads 4 and 5 compare variants within neuronlab and run in the parent process.
"""

from __future__ import annotations

import numpy as np

from neuronlab.bench.timing import Timing, measure, measure_interleaved

SETTLE = 0.3  # seconds between timed batches of alternating libraries (see measure_interleaved)


def _settle(quick: bool) -> float:
    return 0.0 if quick else SETTLE


def copy_weights(source, target, torch) -> None:
    """Load ``source``'s (neuronlab) state into ``target`` (a torch module) through NumPy."""
    state = {k: torch.from_numpy(v.numpy().copy()) for k, v in source.state_dict().items()}
    target.load_state_dict(state)


def _step_fn(lib, model, loss_fn, x, y, lr):
    opt = lib.optim.SGD(model.parameters(), lr=lr)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _reference(build, lib):
    """``build(lib)`` with the initial weights of ``build(neuronlab)`` after ``manual_seed(0)``:
    the same starting point in every library (and in every process)."""
    import neuronlab

    neuronlab.manual_seed(0)
    reference = build(neuronlab)
    if lib is neuronlab:
        return reference
    model = build(lib)
    copy_weights(reference, model, lib)
    return model


def _paired(build, data, loss, lr, lib, check_steps=3):
    """The model of ``build`` in ``lib`` from the shared initial weights: a training-step
    callable and the losses of its first ``check_steps`` steps. ``loss`` names a loss module
    of ``lib.nn`` or is a function ``loss(output, target)``."""
    model = _reference(build, lib)
    x, y = (lib.from_numpy(a) for a in data)
    loss_fn = getattr(lib.nn, loss)() if isinstance(loss, str) else loss
    step = _step_fn(lib, model, loss_fn, x, y, lr)
    losses = [float(step().item()) for _ in range(check_steps)]
    return step, losses


# -- paired workloads: built in one library at a time, in that library's own process -------------
# Each builder returns ``(step, losses)``: a callable doing one unit of work, and the losses of
# the first few steps, which are compared across libraries before anything is timed.


def unfused_mse(output, target):
    """The mean squared error as users write it, one recorded op at a time (issue 12, section 4)."""
    return ((output - target) ** 2).mean()


def build_tiny_sigmoid(lib, quick: bool, fused: bool = True):
    """1-1-1 sigmoid network on 4 samples (the course's A2.2 net): one training step, with
    ``nn.MSELoss`` (``fused``) or with ``unfused_mse``."""
    data = (
        np.array([[0.5], [1.0], [1.5], [2.0]], dtype=np.float32),
        np.array([[0.0], [1.0], [1.0], [0.0]], dtype=np.float32),
    )

    def build(m):
        return m.nn.Sequential(m.nn.Linear(1, 1), m.nn.Sigmoid(), m.nn.Linear(1, 1))

    return _paired(build, data, "MSELoss" if fused else unfused_mse, 0.1, lib)


def build_tiny_moons(lib, quick: bool):
    """2-16-16-1 tanh MLP on 100 two-moons points, BCE with logits: one training step."""
    from neuronlab.datasets import make_moons

    X, y = make_moons(100, noise=0.1, random_state=0)
    data = (X.astype(np.float32), y.reshape(-1, 1).astype(np.float32))

    def build(m):
        nn = m.nn
        return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1))

    return _paired(build, data, "BCEWithLogitsLoss", 0.1, lib)


def _mlp(m):
    nn = m.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def mlp_samples(quick: bool) -> int:
    """Samples in one MLP epoch (MNIST's 60,000; a few batches in quick mode)."""
    return 2_048 if quick else 60_000


def build_mlp_epoch(lib, quick: bool, batch_size: int):
    """MLP 784-256-256-10, ReLU, softmax cross-entropy, SGD lr 0.1: one epoch of 60,000
    samples (synthetic MNIST-shaped data; speed does not depend on the values)."""
    n = mlp_samples(quick)
    rng = np.random.default_rng(0)
    X = rng.random((n, 784), dtype=np.float32)
    y = rng.integers(0, 10, n)
    _, losses = _paired(_mlp, (X[:batch_size], y[:batch_size]), "CrossEntropyLoss", 0.1, lib)
    model = _reference(_mlp, lib)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = lib.nn.CrossEntropyLoss()
    xs = [lib.from_numpy(X[i : i + batch_size]) for i in range(0, n, batch_size)]
    ys = [lib.from_numpy(y[i : i + batch_size]) for i in range(0, n, batch_size)]

    def epoch():
        for xb, yb in zip(xs, ys):
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()

    return epoch, losses


def build_lenet_step(lib, quick: bool):
    """LeNet-5 (conv 1→6 5×5 pad 2, pool, conv 6→16 5×5, pool, FC 400-120-84-10), batch 128
    of 1×28×28: one training step."""
    rng = np.random.default_rng(0)
    data = (rng.random((128, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 128))

    def build(m):
        nn = m.nn
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10),
        )  # fmt: skip

    return _paired(build, data, "CrossEntropyLoss", 0.05, lib)


# name -> (title, builder, keyword arguments, unit, samples, timing options (full, quick))
PAIRED = {
    "mlp128": ("1a MLP 784-256-256-10 epoch, batch 128", build_mlp_epoch, {"batch_size": 128}, "epoch", True,
               {"repeats": 7, "warmup": 1}, {"repeats": 2, "warmup": 1}),
    "mlp256": ("1b MLP 784-256-256-10 epoch, batch 256", build_mlp_epoch, {"batch_size": 256}, "epoch", True,
               {"repeats": 7, "warmup": 1}, {"repeats": 2, "warmup": 1}),
    "sigmoid": ("2a 1-1-1 sigmoid net, 4 samples, step", build_tiny_sigmoid, {}, "step", False,
                {"inner": 500}, {"inner": 20}),
    "moons": ("2b 2-16-16-1 tanh net, 100 moons, step", build_tiny_moons, {}, "step", False,
              {"inner": 300}, {"inner": 20}),
    "lenet": ("3 LeNet-5, batch 128, step", build_lenet_step, {}, "step", False,
              {"repeats": 7, "inner": 20}, {"repeats": 3}),
}  # fmt: skip


def landscape_grid(libraries: list[str], quick: bool) -> dict:
    """The 1-1-1 sigmoid network's MSE over a 40×40 (w1, b1) grid (10×10 in quick mode): neuronlab's vectorized
    evaluation against one forward pass per grid point (in neuronlab, and in PyTorch when
    installed, as the seed's Keras code does it)."""
    import neuronlab
    from neuronlab.analysis import landscape_2d

    x = np.array([[0.5], [1.0], [1.5], [2.0]], dtype=np.float32)
    y = np.array([[0.0], [1.0], [1.0], [0.0]], dtype=np.float32)
    points = 10 if quick else 40  # per side of the grid
    grid = np.linspace(-10, 10, points, dtype=np.float32)
    neuronlab.manual_seed(0)
    net = neuronlab.nn.Sequential(
        neuronlab.nn.Linear(1, 1), neuronlab.nn.Sigmoid(), neuronlab.nn.Linear(1, 1)
    )
    data = (neuronlab.from_numpy(x), neuronlab.from_numpy(y))

    def surface(vectorized):
        return landscape_2d(net, ["0.weight", "0.bias"], [(-10, 10), (-10, 10)], points, data, "mse",
                            vectorized=vectorized).values  # fmt: skip

    times = {"neuronlab vectorized": measure(lambda: surface(True), repeats=5 if quick else 15)}
    times["neuronlab per point"] = measure(lambda: surface(False), repeats=1 if quick else 3, warmup=1)
    losses = {"neuronlab vectorized": surface(True).ravel()[:20].tolist(),
              "neuronlab per point": surface(False).ravel()[:20].tolist()}  # fmt: skip
    if "torch" in libraries:
        import torch

        model = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.Sigmoid(), torch.nn.Linear(1, 1))
        copy_weights(net, model, torch)
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)

        def torch_loop():
            with torch.no_grad():
                for w in grid:
                    for b in grid:
                        model[0].weight.fill_(float(w))
                        model[0].bias.fill_(float(b))
                        ((model(tx) - ty) ** 2).mean()

        times["torch per point"] = measure(torch_loop, repeats=1 if quick else 3, warmup=1)
    return {"unit": f"{points}×{points} grid", "losses": losses, "times": times}


def trainer_overhead(quick: bool) -> dict:
    """A digits MLP trained with ``Trainer`` against the same bare loop (neuronlab only)."""
    import neuronlab
    from neuronlab import nn, optim
    from neuronlab.datasets import load_digits
    from neuronlab.train import Trainer
    from neuronlab.utils.data import DataLoader, TensorDataset

    X, y = load_digits()
    epochs = 1 if quick else 30  # ~0.15 s per repeat: long enough to rise above timer noise

    def model_and_opt():
        neuronlab.manual_seed(0)
        model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        return model, optim.SGD(model.parameters(), lr=0.05)

    def bare():
        model, opt = model_and_opt()
        loss_fn = nn.CrossEntropyLoss()
        loader = DataLoader(
            TensorDataset(neuronlab.tensor(X), neuronlab.tensor(y)), batch_size=64, shuffle=True
        )
        for _ in range(epochs):
            for xb, yb in loader:
                opt.zero_grad()
                loss_fn(model(xb), yb).backward()
                opt.step()

    def trainer():
        model, opt = model_and_opt()
        Trainer(model, opt, nn.CrossEntropyLoss(), progress=False).fit((X, y), epochs=epochs, batch_size=64)

    reps = 2 if quick else 15
    return {
        "unit": f"{epochs} epochs",
        "losses": {},
        "times": measure_interleaved(
            {"Trainer": trainer, "bare loop": bare}, repeats=reps, settle=_settle(quick)
        ),
    }


def timing_to_dict(t: Timing) -> dict:
    return {"median": t.median, "low": t.low, "high": t.high, "repeats": t.repeats}

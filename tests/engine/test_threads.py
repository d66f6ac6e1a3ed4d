"""Grad mode is per thread, as in PyTorch: threads training their own models do not disturb
each other (issue 12, section 3). Before, one process-wide flag, switched off by every
``backward()``, made concurrent training fail with "does not require grad", skip parameters,
or leave grad mode off."""

from __future__ import annotations

import threading

import numpy as np

import neuronlab
from neuronlab import nn

N_THREADS = 4
STEPS = 60


def _model(seed: int) -> tuple[nn.Module, neuronlab.Tensor, neuronlab.Tensor]:
    neuronlab.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    rng = np.random.default_rng(seed)
    x = neuronlab.tensor(rng.standard_normal((8, 3)).astype(np.float32))
    y = neuronlab.tensor(rng.standard_normal((8, 1)).astype(np.float32))
    return model, x, y


def _train(model, x, y, start: threading.Barrier | None = None) -> list[float]:
    optimizer = neuronlab.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    if start is not None:
        start.wait()
    losses = []
    for step in range(STEPS):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()  # unfused: many recorded ops per step
        loss.backward()
        optimizer.step()
        if step % 10 == 0:
            with neuronlab.no_grad():  # an evaluation in between, as training loops do
                model(x).sum()
        losses.append(loss.item())
    return losses


def test_concurrent_training_equals_training_alone():
    alone = [_train(*_model(seed)) for seed in range(N_THREADS)]
    results: dict[int, list[float]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(N_THREADS)

    def run(seed: int) -> None:
        try:
            results[seed] = _train(*models[seed], start)
        except BaseException as error:  # reported below, with the thread's error
            errors.append(error)

    models = [_model(seed) for seed in range(N_THREADS)]
    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    for seed in range(N_THREADS):
        assert results[seed] == alone[seed], f"thread {seed} trained differently than alone"
    assert neuronlab.is_grad_enabled()


def test_no_grad_in_one_thread_does_not_reach_another():
    inside = threading.Event()
    checked = threading.Event()
    seen = {}

    def other() -> None:
        inside.wait()
        x = neuronlab.ones(2, requires_grad=True)
        seen["enabled"] = neuronlab.is_grad_enabled()
        seen["recorded"] = (x * 2).requires_grad
        checked.set()

    thread = threading.Thread(target=other)
    thread.start()
    with neuronlab.no_grad():
        inside.set()
        checked.wait()
        assert not neuronlab.is_grad_enabled()
    thread.join()
    assert seen == {"enabled": True, "recorded": True}


def test_a_new_thread_starts_with_grad_mode_on():
    seen = []
    with neuronlab.no_grad():
        thread = threading.Thread(target=lambda: seen.append(neuronlab.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


def test_backward_in_one_thread_leaves_another_recording():
    """``backward`` switches grad mode off while it runs, in its own thread only."""
    stop = threading.Event()
    failures = []

    def record() -> None:
        x = neuronlab.ones(3, requires_grad=True)
        while not stop.is_set():
            if not (x * 2).requires_grad:
                failures.append("an op ran unrecorded while another thread ran backward")
                return

    thread = threading.Thread(target=record)
    thread.start()
    w = neuronlab.randn(64, 64, requires_grad=True)
    for _ in range(200):
        (w.tanh() @ w).sum().backward()
    stop.set()
    thread.join()
    assert not failures

"""``Trainer``: the training loop, with everything optional done by callbacks.

Each iteration does five things — ``zero_grad``, forward, loss, ``backward``, ``step`` — and
emits one record. Full-batch gradient descent, stochastic gradient descent and mini-batch
gradient descent (004 (14)) are the same call with ``batch_size=None``, ``1`` and ``b``.
"""

from __future__ import annotations

import contextlib
import math
import time
import warnings

import numpy as np

from neuronlab.datasets.validation import check_features, check_lengths
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import default_generator
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.join import cat
from neuronlab.serialization import load, save
from neuronlab.train import distributed
from neuronlab.train.callbacks import Callback, LRSchedulerCallback, ProgressBar
from neuronlab.train.history import History
from neuronlab.train.metric_names import resolve_metric
from neuronlab.train.state import deep_copy
from neuronlab.utils.data import DataLoader, Dataset, TensorDataset


class Trainer:
    """Fit, evaluate and predict with a model, an optimizer and a loss function.

    Args:
        model: an ``nn.Module`` (or any callable with ``parameters()``, ``train()``, ``eval()``).
        optimizer: an ``optim.Optimizer`` over the model's parameters.
        loss_fn: ``loss_fn(output, target) -> scalar tensor`` (e.g. ``nn.CrossEntropyLoss()``).
        metrics: names (``"accuracy"``, ``"f1_macro"``, ``"mse"``...) or ``{name: fn(y_true,
            output)}``; computed per epoch on the training batches and the validation data.
        callbacks: ``Callback`` objects (early stopping, checkpoints, divergence guard...).
        scheduler: a learning-rate scheduler, stepped per ``scheduler_interval``.
        progress: show a progress bar (``None``: only when stderr is a terminal).
        history: ``"step"`` keeps one record per iteration and one per epoch; ``"epoch"`` only the
            epoch records (for long runs: memory and checkpoints stay small).
        accumulate: gradient accumulation: each parameter update uses the gradients of this many
            consecutive batches (an effective batch ``accumulate`` times larger in the memory of
            one); an iteration is one update, as the course counts it.

    Example:
        >>> trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(),
        ...                   metrics=["accuracy"])
        >>> history = trainer.fit((X_train, y_train), val=(X_val, y_val), epochs=20, batch_size=64)
    """

    def __init__(self, model, optimizer, loss_fn, *, metrics=None, callbacks=(), scheduler=None,
                 scheduler_interval: str = "epoch", progress: bool | None = None,
                 history: str = "step", accumulate: int = 1) -> None:  # fmt: skip
        if history not in ("step", "epoch"):
            raise ValueError(f"Trainer: history must be 'step' or 'epoch', got {history!r}")
        if not (isinstance(accumulate, int) and accumulate >= 1):
            raise ValueError(f"Trainer: accumulate must be an integer >= 1, got {accumulate!r}")
        self.accumulate = accumulate
        self.keep_steps = history == "step"
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.metrics = _metric_table(metrics)
        self.callbacks: list[Callback] = list(callbacks)
        self.scheduler = scheduler
        if scheduler is not None:  # first, so that checkpoints see the epoch's schedule step
            self.callbacks.insert(0, LRSchedulerCallback(scheduler, scheduler_interval))
        if progress is not False and distributed.is_main_process():  # one bar for a DDP run
            self.callbacks.append(ProgressBar(force=bool(progress)))
        self.history = History()
        self.epoch = 0  # completed epochs
        self.iteration = 0  # completed parameter updates
        self.samples_seen = 0
        self.iterations_per_epoch = 0
        self.stop_training = False
        self._loader: DataLoader | None = None
        self._warned_nonfinite = False

    # -- the loop ---------------------------------------------------------------------------------
    def fit(self, train, val=None, epochs: int = 1, batch_size: int | None = 32, shuffle: bool = True,
            drop_last: bool = False, generator=None, resume_from=None) -> History:  # fmt: skip
        """Train for ``epochs`` epochs (counting from 0, or from a checkpoint's epoch).

        ``train``/``val`` may be a ``DataLoader``, a ``Dataset`` or an ``(X, y)`` pair of
        arrays/tensors; ``batch_size=None`` means the whole training set per iteration.
        """
        if epochs < 0:
            raise ValueError(f"fit(): epochs must be >= 0, got {epochs}")
        self._loader = make_loader(train, batch_size, shuffle, drop_last, generator)
        if len(self._loader) == 0:
            raise ValueError(
                f"fit(): no iteration per epoch: drop_last=True with batch_size={self._loader.batch_size} larger "
                f"than the {len(self._loader.dataset)} training samples; use a smaller batch or drop_last=False"
            )
        val_loader = None if val is None else make_loader(val, 1024, False, False, None)
        self.iterations_per_epoch = math.ceil(len(self._loader) / self.accumulate)
        self.stop_training = False
        self._warned_nonfinite = any(type(cb).__name__ == "DivergenceGuard" for cb in self.callbacks)
        if resume_from is not None:
            self.load_checkpoint(resume_from)  # a run that had stopped (early stopping) stays stopped
        for cb in self.callbacks:
            cb.on_fit_start(self)
        while self.epoch < epochs and not self.stop_training:
            self._run_epoch(val_loader)
        for cb in self.callbacks:
            cb.on_fit_end(self)
        return self.history

    def _run_epoch(self, val_loader) -> None:
        self.model.train()
        for cb in self.callbacks:
            cb.on_epoch_start(self)
        distributed.set_sampler_epoch(self._loader, self.epoch)
        start = time.perf_counter()
        loss_sum, count = 0.0, 0
        targets, outputs = [], []
        with _quiet_overflow():  # once per epoch: entering errstate costs ~1 µs
            for batches in _groups(self._loader, self.accumulate):
                record, out = self._step(batches)
                loss_sum += record["loss"] * record["batch_size"]
                count += record["batch_size"]
                if self.metrics:
                    targets += [y.detach() for _, y in batches]
                    outputs.append(out.detach())
                for cb in self.callbacks:
                    cb.on_batch_end(self, record)
                if self.stop_training:
                    break
        self.epoch += 1
        loss_sum, count = distributed.sum_over_ranks(loss_sum, count)
        record = {"epoch": self.epoch, "iterations": self.iteration, "samples": self.samples_seen,
                  "train_loss": loss_sum / max(count, 1), "lr": self._lr()}  # fmt: skip
        if self.metrics and outputs:
            y_true, y_out = distributed.gather_over_ranks(cat(targets), cat(outputs))
            for name, value in self._metric_values(y_true, y_out).items():
                record[f"train_{name}"] = value
        if val_loader is not None:
            for name, value in self.evaluate(val_loader).items():
                record[f"val_{name}"] = value
        record["time"] = time.perf_counter() - start
        self.history.epochs.append(record)
        for cb in self.callbacks:
            cb.on_epoch_end(self, record)
        for cb in self.callbacks:
            cb.after_epoch(self, record)

    def train_step(self, x: Tensor, y: Tensor) -> tuple[dict, Tensor]:
        """One iteration: zero_grad, forward, loss, backward, step. Returns (record, output)."""
        with _quiet_overflow():
            return self._step([(x, y)])

    def _step(self, batches: list) -> tuple[dict, Tensor]:
        """One parameter update from one batch or, with ``accumulate=k``, from the gradients of k
        batches: each loss is weighted by its share of the samples, so the update equals the one
        of their concatenation for a mean-reduced loss (PyTorch's recipe for accumulation)."""
        start = time.perf_counter()
        self.optimizer.zero_grad()
        if len(batches) == 1:
            x, y = batches[0]
            out = self.model(x)
            loss = self.loss_fn(out, y)
            loss.backward()
            batch, loss_value = len(x), loss.item()
        else:
            batch = sum(len(x) for x, _ in batches)
            loss_value, outs = 0.0, []
            for i, (x, y) in enumerate(batches):
                with self._no_sync() if i < len(batches) - 1 else contextlib.nullcontext():
                    out = self.model(x)
                    loss = self.loss_fn(out, y) * (len(x) / batch)
                    loss.backward()
                loss_value += loss.item()
                outs.append(out)
            out = cat(outs) if self.metrics else outs[-1]
        self.optimizer.step()
        self.iteration += 1
        self.samples_seen += batch
        record = {"epoch": self.epoch + 1, "iteration": self.iteration, "batch_size": batch,
                  "loss": loss_value, "lr": self._lr(), "time": time.perf_counter() - start}  # fmt: skip
        if not self._warned_nonfinite and not math.isfinite(record["loss"]):
            self._warned_nonfinite = True  # once per fit, as Keras' TerminateOnNaN would say it
            warnings.warn(
                f"Trainer: the loss is {record['loss']} at iteration {self.iteration}; training goes on with "
                "non-finite weights. Lower the learning rate, or add callbacks=[DivergenceGuard()] to roll back "
                "and recover automatically.",
                UserWarning,
                stacklevel=2,
            )
        if self.keep_steps:
            self.history.steps.append(record)
        return record, out

    def _no_sync(self):
        """Under DistributedDataParallel, the accumulated batches but the last skip the all-reduce."""
        no_sync = getattr(self.model, "no_sync", None)
        return no_sync() if no_sync is not None else contextlib.nullcontext()

    def _lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    # -- evaluation -------------------------------------------------------------------------------------
    def evaluate(self, data, batch_size: int = 1024) -> dict:
        """Mean loss and metrics on ``data`` in eval mode, without recording gradients."""
        loader = make_loader(data, batch_size, False, False, None)
        was_training = getattr(self.model, "training", False)
        self.model.eval()
        loss_sum, count, targets, outputs = 0.0, 0, [], []
        with no_grad(), _quiet_overflow():
            for x, y in loader:
                out = self.model(x)
                loss_sum += float(self.loss_fn(out, y).item()) * len(x)
                count += len(x)
                targets.append(y)
                outputs.append(out)
        self.model.train(was_training)
        loss_sum, count = distributed.sum_over_ranks(loss_sum, count)
        result = {"loss": loss_sum / max(count, 1)}
        if self.metrics and outputs:
            result.update(self._metric_values(*distributed.gather_over_ranks(cat(targets), cat(outputs))))
        return result

    def predict(self, data, batch_size: int = 1024) -> Tensor:
        """The model's outputs for every sample of ``data`` (X alone, or a data set of (x, y))."""
        if isinstance(data, Tensor | np.ndarray):
            data = (data,)
        loader = make_loader(data, batch_size, False, False, None)
        was_training = getattr(self.model, "training", False)
        self.model.eval()
        with no_grad():
            outputs = [self.model(batch[0]) for batch in loader]
        self.model.train(was_training)
        return cat(outputs)

    def _metric_values(self, y_true: Tensor, output: Tensor) -> dict:
        return {name: float(fn(y_true, output)) for name, fn in self.metrics.items()}

    # -- checkpoints ------------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Everything needed to resume exactly: weights, optimizer, callbacks, RNG states,
        counters and history."""
        state = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "callbacks": [cb.state_dict() for cb in self.callbacks],
            "classes": {
                "optimizer": type(self.optimizer).__name__,
                "callbacks": [type(cb).__name__ for cb in self.callbacks],
            },  # fmt: skip
            "rng": default_generator.get_state(),
            "counters": {
                "epoch": self.epoch,
                "iteration": self.iteration,
                "samples": self.samples_seen,
                "stopped": self.stop_training,
            },  # fmt: skip
            "history": self.history.state_dict(),
        }
        loader_generator = getattr(self._loader, "generator", None)
        if loader_generator is not None and loader_generator is not default_generator:
            state["loader_rng"] = loader_generator.get_state()
        return state

    def load_state_dict(self, state: dict) -> None:
        """Restore a state from ``state_dict()``: all of it or, if any part is refused, none of
        it (the trainer is left exactly as it was)."""
        self._check_compatible(state)
        before = deep_copy(self.state_dict())
        try:
            self._apply_state(state)
        except Exception:
            self._apply_state(before)
            raise

    def _check_compatible(self, state: dict) -> None:
        if len(state["callbacks"]) != len(self.callbacks):
            raise ValueError(
                f"checkpoint has state for {len(state['callbacks'])} callbacks but this trainer has "
                f"{len(self.callbacks)}; resume with the same callbacks the run was started with (nothing was loaded)"
            )
        classes = state.get("classes")
        if classes is None:  # checkpoints written before classes were recorded
            return
        mine = [type(cb).__name__ for cb in self.callbacks]
        if classes["callbacks"] != mine:
            raise ValueError(
                f"checkpoint was written with callbacks {classes['callbacks']} but this trainer has {mine}; "
                "resume with the same callbacks in the same order (nothing was loaded)"
            )
        if classes["optimizer"] != type(self.optimizer).__name__:
            raise ValueError(
                f"checkpoint holds the state of a {classes['optimizer']} optimizer but this trainer uses "
                f"{type(self.optimizer).__name__}; resume with the same optimizer (nothing was loaded)"
            )

    def _apply_state(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(deep_copy(state["optimizer"]))
        for cb, cb_state in zip(self.callbacks, state["callbacks"]):
            cb.load_state_dict(cb_state)
        default_generator.set_state(state["rng"])
        if "loader_rng" in state and getattr(self._loader, "generator", None) is not None:
            self._loader.generator.set_state(state["loader_rng"])
        counters = state["counters"]
        self.epoch, self.iteration, self.samples_seen = (
            counters["epoch"],
            counters["iteration"],
            counters["samples"],
        )
        self.stop_training = bool(counters.get("stopped", False))
        self.history.load_state_dict(state["history"])

    def save_checkpoint(self, path) -> None:
        """Write ``state_dict()`` to ``path`` atomically (never with pickle); under DDP rank 0
        writes and the other ranks wait until the file is there."""
        if distributed.is_main_process():
            save(self.state_dict(), path)
        distributed.wait_for_main_process()

    def load_checkpoint(self, path) -> None:
        """Restore a state written by ``save_checkpoint``."""
        self.load_state_dict(load(path))


def _quiet_overflow() -> np.errstate:
    """A diverging run overflows; the loss shows it (and DivergenceGuard acts on it), so
    NumPy's per-op overflow warnings would only be noise, as PyTorch is silent here."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def make_loader(data, batch_size, shuffle: bool, drop_last: bool, generator) -> DataLoader:
    """A DataLoader for a DataLoader, a Dataset or an ``(X, y)`` pair; ``batch_size=None`` is
    the whole data set (full-batch gradient descent)."""
    if isinstance(data, DataLoader):
        return data
    if isinstance(data, tuple | list):
        # Arrays handed over directly are checked here (a DataLoader or Dataset is trusted):
        # NaN/inf anywhere or X and y of different lengths would otherwise fail much later.
        for i, part in enumerate(data):
            check_features(part, name="X" if i == 0 else "y")
        if len(data) == 2:
            check_lengths(data[0], data[1])
        tensors = [d if isinstance(d, Tensor) else Tensor._wrap(np.asarray(d)) for d in data]
        data = TensorDataset(*tensors)
    if not isinstance(data, Dataset):
        raise TypeError(f"expected a DataLoader, a Dataset or an (X, y) pair, got {type(data).__name__}")
    if isinstance(data, TensorDataset):  # its arrays are at hand: check them as for (X, y)
        for i, tensor in enumerate(data.tensors):
            check_features(tensor, name=f"TensorDataset tensor {i}")
    size = len(data)
    if batch_size is None:
        batch_size = size
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer or None (full batch), got {batch_size}")
    return DataLoader(data, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=generator)


def _metric_table(metrics) -> dict:
    if metrics is None:
        return {}
    if isinstance(metrics, dict):
        return dict(metrics)
    return {name: resolve_metric(name) for name in metrics}


def _groups(loader, k: int):
    """The loader's batches in lists of ``k`` (the last list may be shorter)."""
    group = []
    for batch in loader:
        group.append(batch)
        if len(group) == k:
            yield group
            group = []
    if group:
        yield group


def iterations_per_epoch(n_samples: int, batch_size: int, drop_last: bool = False) -> int:
    """The course's count: ceil(N / b) iterations per epoch (floor with ``drop_last``)."""
    return n_samples // batch_size if drop_last else math.ceil(n_samples / batch_size)

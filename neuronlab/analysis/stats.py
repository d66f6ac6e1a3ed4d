"""Per-layer statistics over training: activations, the gradients reaching them, weights and
weight gradients (003 4.6 ex. 3 activation variance; 4.8 vanishing and exploding gradients).

``LayerStats`` puts forward hooks and full backward hooks on chosen modules and records,
every ``every`` steps, numbers keyed by path names (STYLE 15)::

    fc1/activation/mean   fc1/activation/var   fc1/activation/norm
    fc1/activation/dead   fc1/activation/zero  (ReLU outputs, or layers that feed a ReLU)
    fc1/output/grad/mean  fc1/output/grad/var  fc1/output/grad/norm
    fc1/weight/norm       fc1/weight/grad/norm  fc1/bias/norm  fc1/bias/grad/norm

A module's dotted name becomes a path (``block.fc1`` -> ``block/fc1``; Sequential children
are ``0``, ``1``...). Plots of these live in ``neuronlab.analysis.stats_plotting``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping

import numpy as np

from neuronlab.engine.grad_mode import is_grad_enabled
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules import activation as act
from neuronlab.nn.modules.container import Sequential
from neuronlab.nn.modules.module import Module
from neuronlab.train.callbacks.base import Callback

__all__ = ["ACTIVATIONS", "LayerStats", "activation_stats", "dead_fractions"]

TRACK = ("activations", "gradients", "weights")
ACTIVATIONS = (
    act.ReLU, act.LeakyReLU, act.PReLU, act.ELU, act.GELU, act.SiLU, act.Sigmoid, act.Tanh,
    act.Softplus, act.Hardtanh, act.LogSigmoid, act.Softsign, act.Sign, act.Step,
)  # fmt: skip
RECTIFIERS = (act.ReLU, act.ReLU6)  # outputs exactly 0 where the unit is off


def _moments(a: np.ndarray) -> tuple[float, float, float]:
    """(mean, variance, L2 norm) over all elements, accumulated in float64."""
    a64 = a.astype(np.float64, copy=False)
    return float(a64.mean()), float(a64.var()), float(np.sqrt(np.vdot(a64, a64)))


def activation_stats(a: np.ndarray) -> dict[str, float]:
    """mean = Σa/n, var = Σ(a - mean)²/n (population variance), norm = √(Σa²) over all n
    elements of the batch.

    Example:
        >>> activation_stats(np.array([[3.0, 4.0]]))
        {'mean': 3.5, 'var': 0.25, 'norm': 5.0}
    """
    mean, var, norm = _moments(np.asarray(a))
    return {"mean": mean, "var": var, "norm": norm}


def dead_fractions(off: np.ndarray) -> dict[str, float]:
    """Dead-ReLU fractions from the boolean array ``off`` (True where a ReLU outputs 0).

    ``dead`` = the fraction of units that are off for every sample of the batch (a unit is
    a feature of an (N, F) output or a channel of an (N, C, H, W) one: dim 1, everything but
    the batch dim reduced); ``zero`` = the fraction of all elements that are 0.

    Shape: ``off`` is (N, F) or (N, C, ...); a 1-D array counts each element as a unit.

    Example:
        >>> dead_fractions(np.array([[True, False], [True, True]]))
        {'dead': 0.5, 'zero': 0.75}
    """
    off = np.asarray(off, dtype=bool)
    if off.ndim < 2:
        units = off
    else:
        units = off.all(axis=tuple(i for i in range(off.ndim) if i != 1))
    return {"dead": float(units.mean()), "zero": float(off.mean())}


class LayerStats(Callback):
    """Record per-layer activation, gradient and weight statistics over training.

    For each chosen module m with output a (the batch's activations) and upstream gradient
    g = ∂loss/∂a, every ``every`` steps (steps 1, 1 + every, 1 + 2·every, ...)::

        m/activation/{mean, var, norm}  = mean(a), var(a) (population), ‖a‖₂
        m/activation/{dead, zero}       = units off for the whole batch, elements off
                                           (ReLU outputs: a = 0; a layer feeding a ReLU: a ≤ 0)
        m/output/grad/{mean, var, norm} = the same moments of g
        m/<param>/norm, m/<param>/grad/norm = ‖θ‖₂ and ‖∂loss/∂θ‖₂ of m's own parameters

    Activations are taken only from forward passes run with gradient recording on (an
    evaluation under ``no_grad`` is ignored); if a step runs the model twice the last pass
    counts. Parameter norms and gradient norms are read from ``p`` and ``p.grad`` when the
    step ends (``step()``): the gradient the optimizer used and the weights it produced.

    Args:
        model: the ``nn.Module`` to watch.
        layers: module names (dotted, as in ``named_modules``), modules, or a ``{name:
            module}`` dict. Default: every leaf module that has parameters, plus every
            activation module (``ACTIVATIONS``).
        every: record one step in ``every``.
        track: any of ``"activations"``, ``"gradients"``, ``"weights"``.
        relu_inputs: names of modules whose output goes into a ReLU, for the dead fractions
            (a module followed by a ReLU inside a ``Sequential`` is found automatically).

    As a callback, ``Trainer(..., callbacks=[stats])`` advances it after every batch; with a
    hand-written loop call ``stats.step()`` after ``backward`` (and ``optimizer.step()``).

    Example:
        >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        >>> stats = LayerStats(model)
        >>> for _ in range(3):
        ...     model(neuronlab.randn(16, 4)).pow(2).mean().backward()
        ...     stats.step()
        >>> stats.history["0/weight/grad/norm"].shape
        (3,)
        >>> stats.layer_names
        ['0', '1', '2']
        >>> stats.remove()
    """

    def __init__(self, model: Module, layers=None, every: int = 1, track: Iterable[str] | str = TRACK,
                 relu_inputs: Iterable[str] = ()) -> None:  # fmt: skip
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"LayerStats(): every must be a positive integer, got {every!r}")
        track = (track,) if isinstance(track, str) else tuple(track)
        unknown = [t for t in track if t not in TRACK]
        if unknown:
            raise ValueError(f"LayerStats(): unknown track {unknown}; choose from {list(TRACK)}")
        self.model, self.every, self.track = model, every, track
        self.layers = _resolve_layers(model, layers)
        self.layer_names = list(self.layers)
        self.relu_inputs = {n.replace(".", "/") for n in relu_inputs} | _followed_by_relu(model, self.layers)
        self.iteration = 0  # completed steps
        self._pending: dict[str, float] = {}
        self._records: dict[str, tuple[list[int], list[float]]] = {}
        self._handles: list = []
        self.attach()

    # -- hooks --------------------------------------------------------------------------------
    def attach(self) -> None:
        """Register the hooks (done by ``__init__``; after ``remove()`` this re-attaches)."""
        self.remove()
        for name, module in self.layers.items():
            if "activations" in self.track:
                self._handles.append(module.register_forward_hook(self._forward_hook(name)))
            if "gradients" in self.track:
                self._handles.append(module.register_full_backward_hook(self._backward_hook(name)))

    def remove(self) -> None:
        """Unregister every hook; the recorded history stays."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    @property
    def recording(self) -> bool:
        """Whether the current step (``iteration + 1``) is one that is recorded."""
        return self.iteration % self.every == 0

    def _forward_hook(self, name: str):
        rectifier = isinstance(self.layers[name], RECTIFIERS)
        feeds_relu = name in self.relu_inputs

        def hook(module, args, output):
            if not (self.recording and is_grad_enabled() and isinstance(output, Tensor)):
                return None
            a = output._data
            for stat, value in activation_stats(a).items():
                self._pending[f"{name}/activation/{stat}"] = value
            if rectifier or feeds_relu:
                off = (a == 0) if rectifier else (a <= 0)
                for stat, value in dead_fractions(off).items():
                    self._pending[f"{name}/activation/{stat}"] = value
            return None

        return hook

    def _backward_hook(self, name: str):
        def hook(module, grad_input, grad_output):
            g = grad_output[0] if grad_output else None
            if not self.recording or g is None:
                return None
            for stat, value in activation_stats(g._data).items():
                self._pending[f"{name}/output/grad/{stat}"] = value
            return None

        return hook

    # -- steps --------------------------------------------------------------------------------
    def step(self) -> None:
        """End a training step: store what the hooks saw and the parameter norms (if this
        step is recorded), then advance the step counter."""
        self.iteration += 1
        if (self.iteration - 1) % self.every != 0:
            self._pending.clear()
            return
        if "weights" in self.track:
            for name, module in self.layers.items():
                for pname, p in module.named_parameters(recurse=False):
                    self._pending[f"{name}/{pname}/norm"] = _norm(p._data)
                    if p.grad is not None:
                        self._pending[f"{name}/{pname}/grad/norm"] = _norm(p.grad._data)
        for key, value in self._pending.items():
            steps, values = self._records.setdefault(key, ([], []))
            steps.append(self.iteration)
            values.append(value)
        self._pending.clear()

    def on_fit_start(self, trainer) -> None:
        self.iteration = trainer.iteration  # a resumed run keeps counting

    def on_batch_end(self, trainer, record: dict) -> None:
        self.step()

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "records": {k: (list(s), list(v)) for k, (s, v) in self._records.items()}}  # fmt: skip

    def load_state_dict(self, state: dict) -> None:
        self.iteration = state["iteration"]
        self._records = {k: (list(s), list(v)) for k, (s, v) in state["records"].items()}

    # -- results ----------------------------------------------------------------------------
    def keys(self, pattern: str = "*") -> list[str]:
        """Recorded keys matching a glob ``pattern`` (``"*/activation/var"``), in layer order."""
        order = {name: i for i, name in enumerate(self.layer_names)}
        found = [k for k in self._records if fnmatch.fnmatchcase(k, pattern)]
        return sorted(found, key=lambda k: (order.get(_layer_of(k, order), len(order)), k))

    @property
    def history(self) -> dict[str, np.ndarray]:
        """``{key: values}``, one float64 value per recorded step (see ``steps``)."""
        return {k: np.asarray(v, dtype=np.float64) for k, (_, v) in self._records.items()}

    @property
    def steps(self) -> dict[str, np.ndarray]:
        """``{key: steps}``: the step (1-based, as ``Trainer.iteration``) of each value."""
        return {k: np.asarray(s, dtype=np.int64) for k, (s, _) in self._records.items()}

    def table(self) -> list[dict]:
        """Every record as a row ``{"step": 3, "key": "fc1/activation/var", "value": 0.41}``,
        ordered by step, then layer order."""
        rows = [{"step": s, "key": k, "value": v} for k in self.keys() for s, v in zip(*self._records[k])]
        return sorted(rows, key=lambda row: row["step"])  # stable: keeps layer order per step

    def per_layer(self, metric: str, step: int = -1) -> dict[str, float]:
        """``{layer: value}`` of ``metric`` (e.g. ``"activation/var"``) at one recorded step,
        in layer order: ``step`` is a step number, or a negative index (-1: the last)."""
        out = {}
        for name in self.layer_names:
            record = self._records.get(f"{name}/{metric}")
            if record is None:
                continue
            steps, values = record
            if step < 0:
                if -step <= len(values):
                    out[name] = values[step]
            elif step in steps:
                out[name] = values[steps.index(step)]
        return out

    def __repr__(self) -> str:
        return f"LayerStats({len(self.layers)} layers, every={self.every}, {len(self._records)} keys)"


def _norm(a: np.ndarray) -> float:
    a64 = a.astype(np.float64, copy=False).ravel()
    return float(np.sqrt(np.dot(a64, a64)))


def _path(name: str, module: Module) -> str:
    return name.replace(".", "/") if name else type(module).__name__


def _resolve_layers(model: Module, layers) -> dict[str, Module]:
    named = dict(model.named_modules())
    if layers is None:
        chosen = {
            n: m for n, m in named.items()
            if (not m._modules and any(True for _ in m.parameters(recurse=False))) or isinstance(m, ACTIVATIONS)
        }  # fmt: skip
    elif isinstance(layers, Mapping):
        chosen = dict(layers)
    else:
        by_id = {id(m): n for n, m in named.items()}
        chosen = {}
        for item in layers:
            if isinstance(item, Module):
                if id(item) not in by_id:
                    raise ValueError(f"LayerStats(): {type(item).__name__} is not a sub-module of the model")
                chosen[by_id[id(item)]] = item
            elif item in named:
                chosen[item] = named[item]
            else:
                raise ValueError(f"LayerStats(): no module named {item!r}; the model has {sorted(named)}")
    if not chosen:
        raise ValueError("LayerStats(): no layers to watch (give layers= explicitly)")
    return {_path(n, m): m for n, m in chosen.items()}


def _followed_by_relu(model: Module, layers: dict[str, Module]) -> set[str]:
    """Paths of watched modules whose next sibling in a ``Sequential`` is a ReLU."""
    path_of = {id(m): p for p, m in layers.items()}
    found = set()
    for container in model.modules():
        if isinstance(container, Sequential):
            children = list(container.children())
            for first, second in zip(children, children[1:]):
                if isinstance(second, RECTIFIERS) and id(first) in path_of:
                    found.add(path_of[id(first)])
    return found


def _layer_of(key: str, order: dict[str, int]) -> str:
    """The layer part of ``key`` (the longest known prefix: layer paths may contain '/')."""
    parts = key.split("/")
    for i in range(len(parts), 0, -1):
        if "/".join(parts[:i]) in order:
            return "/".join(parts[:i])
    return parts[0]

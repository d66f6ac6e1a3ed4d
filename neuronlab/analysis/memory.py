"""How much memory training needs compared with prediction (003 4.7 ex. 3-4).

Training holds, between the forward and the backward pass, everything the recorded graph
keeps alive: every ``Function`` keeps its ``inputs`` and the arrays it saved for backward
(ReLU's mask, softmax's output, max pooling's argmax). On top of that come the parameters,
one gradient per trainable parameter, the optimizer's state and its scratch arrays.
Prediction under ``no_grad`` records nothing: only the layers' outputs that are still
referenced are alive, which for a chain of layers is about two of them at a time.

``estimate_memory`` predicts these bytes from a forward pass traced on two small batches
(2 and 4 samples) and extrapolates linearly to ``batch_size``; ``measure_memory`` runs a real
training step at ``batch_size`` and counts what it actually holds.
"""

from __future__ import annotations

import tracemalloc
import weakref
from dataclasses import dataclass, field

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.grad_mode import enable_grad, no_grad
from neuronlab.engine.graph import topological_order
from neuronlab.engine.random import default_generator
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules.loss import CrossEntropyLoss, NLLLoss
from neuronlab.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = ["MemoryReport", "estimate_memory", "measure_memory", "optimizer_state_buffers"]

MIB = 2**20
TRACE_BATCHES = (2, 4)  # two, not one: batch norm needs more than one value per channel

_OPTIMIZERS = {
    "sgd": (SGD, {}), "sgd_momentum": (SGD, {"momentum": 0.9}), "momentum": (SGD, {"momentum": 0.9}),
    "nesterov": (SGD, {"momentum": 0.9, "nesterov": True}), "adam": (Adam, {}), "adamw": (AdamW, {}),
    "amsgrad": (Adam, {"amsgrad": True}), "adam_amsgrad": (Adam, {"amsgrad": True}),
    "adamw_amsgrad": (AdamW, {"amsgrad": True}), "rmsprop": (RMSprop, {}),
    "rmsprop_centered": (RMSprop, {"centered": True}), "rmsprop_momentum": (RMSprop, {"momentum": 0.9}),
    "rmsprop_centered_momentum": (RMSprop, {"centered": True, "momentum": 0.9}), "adagrad": (Adagrad, {}),
}  # fmt: skip
# Buffers per parameter that each named optimizer keeps (each optimizer class says).
STATE_BUFFERS = {"none": 0} | {
    name: cls.state_buffers(options) for name, (cls, options) in _OPTIMIZERS.items()
}
_FIELDS = ("parameters", "buffers", "gradients", "optimizer_state", "optimizer_workspace", "activations")


@dataclass
class MemoryReport:
    """Bytes held by one training step (or one prediction), by kind.

    ``total = parameters + buffers + gradients + optimizer_state + optimizer_workspace +
    activations``. ``activations`` are the arrays the graph keeps for backward, the input
    batch included (training), or the peak of live layer outputs (prediction).
    ``optimizer_workspace`` is neuronlab's two scratch arrays per distinct parameter shape,
    which let a step allocate nothing. A measured report also has ``peak`` (the most bytes
    alive at once during the step, from ``tracemalloc``) and ``predicted``, the estimate it is
    compared with; ``ratio = predicted.total / total``.

    Example:
        >>> report = estimate_memory(nn.Linear(784, 10), (784,), "adam", batch_size=64)
        >>> report.optimizer_state == 2 * report.parameters
        True
        >>> print(report.table())   # doctest: +ELLIPSIS
        memory for training, batch 64 (estimated)
        ...
    """

    parameters: int
    buffers: int
    gradients: int
    optimizer_state: int
    optimizer_workspace: int
    activations: int
    batch_size: int
    training: bool
    source: str = "estimated"
    peak: int | None = None
    predicted: MemoryReport | None = field(default=None, repr=False)

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in _FIELDS)

    @property
    def ratio(self) -> float | None:
        """``predicted.total / total`` for a measured report, else ``None``."""
        if self.predicted is None or self.total == 0:
            return None
        return self.predicted.total / self.total

    def as_dict(self) -> dict:
        """The byte counts and settings as plain numbers (for a results JSON)."""
        out = {name: getattr(self, name) for name in _FIELDS}
        out.update(total=self.total, batch_size=self.batch_size, training=self.training, source=self.source)
        if self.peak is not None:
            out["peak"] = self.peak
        if self.predicted is not None:
            out["predicted"] = self.predicted.as_dict()
            out["ratio"] = self.ratio
        return out

    def table(self) -> str:
        """A text table in MiB; with a prediction, columns predicted / measured / ratio."""
        mode = "training" if self.training else "prediction"
        title = f"memory for {mode}, batch {self.batch_size} ({self.source})"
        names = [*_FIELDS, "total"] + (["peak (tracemalloc)"] if self.peak is not None else [])
        own = {name: getattr(self, name) for name in _FIELDS} | {"total": self.total}
        own["peak (tracemalloc)"] = self.peak
        if self.predicted is None:
            lines = [f"{name:<20}{_mib(own[name]):>12}" for name in names]
            return "\n".join([title, f"{'':<20}{'MiB':>12}", *lines])
        pred = {name: getattr(self.predicted, name) for name in _FIELDS} | {"total": self.predicted.total}
        pred["peak (tracemalloc)"] = self.predicted.total
        lines = [f"{'':<20}{'predicted':>12}{'measured':>12}{'ratio':>8}"]
        for name in names:
            ratio = f"{pred[name] / own[name]:8.3f}" if own[name] else f"{'-':>8}"
            lines.append(f"{name:<20}{_mib(pred[name]):>12}{_mib(own[name]):>12}{ratio}")
        return "\n".join([title + " [MiB]", *lines])

    def summary(self) -> str:
        """One line: the total in MiB (and the ratio to the prediction when measured)."""
        mode = "training" if self.training else "prediction"
        text = f"{mode}, batch {self.batch_size}: {self.total / MIB:.2f} MiB {self.source}"
        if self.predicted is not None:
            text += f" vs {self.predicted.total / MIB:.2f} MiB predicted (ratio {self.ratio:.3f})"
        return text

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        """The table in Jupyter (MiB; predicted / measured / ratio for a measured report)."""
        from neuronlab.utils.html import table

        mode = "training" if self.training else "prediction"
        title = f"memory for {mode}, batch {self.batch_size} ({self.source}), MiB"
        names = [*_FIELDS, "total"]
        own = {name: getattr(self, name) for name in _FIELDS} | {"total": self.total}
        if self.predicted is None:
            rows = [[name, _mib(own[name])] for name in names]
            if self.peak is not None:
                rows.append(["peak (tracemalloc)", _mib(self.peak)])
            return table(["", "MiB"], rows, caption=title, numeric={1})
        pred = {name: getattr(self.predicted, name) for name in _FIELDS} | {"total": self.predicted.total}
        rows = [[n, _mib(pred[n]), _mib(own[n]), f"{pred[n] / own[n]:.3f}" if own[n] else "-"] for n in names]
        if self.peak is not None:
            rows.append(["peak (tracemalloc)", _mib(self.predicted.total), _mib(self.peak),
                         f"{self.predicted.total / self.peak:.3f}" if self.peak else "-"])  # fmt: skip
        return table(["", "predicted", "measured", "ratio"], rows, caption=title, numeric={1, 2, 3})


def _mib(n: int | None) -> str:
    return "-" if n is None else f"{n / MIB:.3f}"


# -- what an optimizer keeps ------------------------------------------------------------------
def optimizer_state_buffers(optimizer=None, group: dict | None = None) -> int:
    """How many parameter-shaped buffers ``optimizer`` keeps per parameter: SGD 0, momentum 1,
    Adam/AdamW 2 (m, v) + 1 with AMSGrad, RMSprop 1 + 1 centered + 1 with momentum, Adagrad 1.

    ``optimizer`` is ``None``, a name (``"sgd"``, ``"sgd_momentum"``, ``"adam"``,
    ``"rmsprop_centered"``... see ``STATE_BUFFERS``), an optimizer class (with its default
    options) or an instance (read from its parameter ``group``, the first by default).

    Example:
        >>> optimizer_state_buffers("adam"), optimizer_state_buffers(SGD)
        (2, 0)
    """
    if optimizer is None or isinstance(optimizer, str):
        name = "none" if optimizer is None else optimizer.lower()
        if name not in STATE_BUFFERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; use one of {sorted(STATE_BUFFERS)}")
        return STATE_BUFFERS[name]
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        options = {}  # the class's default options
    elif isinstance(optimizer, Optimizer):
        options = group if group is not None else optimizer.param_groups[0]
    else:
        raise ValueError(f"unknown optimizer {optimizer!r}; pass a name such as 'adam'")
    try:
        return optimizer.state_buffers(options)
    except NotImplementedError:
        name = optimizer.__name__ if isinstance(optimizer, type) else type(optimizer).__name__
        raise ValueError(
            f"unknown optimizer {name}: it does not say how many state buffers it keeps"
        ) from None


def _buffers_per_param(optimizer, params: list[Tensor]) -> list[int]:
    if not isinstance(optimizer, Optimizer):
        return [optimizer_state_buffers(optimizer)] * len(params)
    by_id = {
        id(p): optimizer_state_buffers(optimizer, g) for g in optimizer.param_groups for p in g["params"]
    }
    return [by_id.get(id(p), 0) for p in params]


def _make_optimizer(spec, params: list[Tensor]) -> Optimizer:
    if isinstance(spec, Optimizer):
        return spec
    if isinstance(spec, type):
        return spec(params, lr=1e-3)
    name = "sgd" if spec is None else str(spec).lower()
    if name not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {spec!r}; use one of {sorted(_OPTIMIZERS)}")
    cls, options = _OPTIMIZERS[name]
    return cls(params, lr=1e-3, **options)


# -- what the graph keeps -----------------------------------------------------------------------
def _owner(a: np.ndarray) -> np.ndarray:
    """The array that owns ``a``'s memory: follow ``.base`` (through as_strided's wrappers)."""
    while True:
        base = a.base
        if not isinstance(base, np.ndarray):
            base = getattr(base, "base", None)
        if not isinstance(base, np.ndarray):
            return a
        a = base


def _arrays_in(value, depth: int = 0):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, Tensor):
        yield value._data
    elif depth < 2 and isinstance(value, dict):
        for v in value.values():
            yield from _arrays_in(v, depth + 1)
    elif depth < 2 and isinstance(value, list | tuple):
        for v in value:
            yield from _arrays_in(v, depth + 1)


_BOOKKEEPING = frozenset({"parents", "needs_input_grad", "versions", "output_version", "hooks"})


def graph_arrays(tensors, exclude: set[int] = frozenset()) -> dict[int, np.ndarray]:
    """The arrays that ``tensors`` and their recorded graph keep alive, one per memory owner
    (views count once, as the array they view): each ``Function``'s ``inputs`` and whatever
    it saved in its ``__dict__``. Owners whose ``id`` is in ``exclude`` are left out.

    Example:
        >>> x = neuronlab.randn(8, 3, requires_grad=True)
        >>> sum(a.nbytes for a in graph_arrays([x.relu()]).values())   # x, out: 96 each; mask: 24
        216
    """
    found: dict[int, np.ndarray] = {}

    def add(array: np.ndarray) -> None:
        owner = _owner(array)
        if id(owner) not in exclude:
            found[id(owner)] = owner

    roots = []
    for t in tensors:
        add(t._data)
        if t.grad_fn is not None:
            roots.append(t.grad_fn)
    for fn in topological_order(roots):
        for key, value in fn.__dict__.items():
            if key not in _BOOKKEEPING:
                for array in _arrays_in(value):
                    add(array)
    return found


def _split_bytes(arrays, float_size: int | None) -> int:
    """Total bytes, with floating arrays counted at ``float_size`` bytes per element if given."""
    total = 0
    for a in arrays:
        size = float_size if float_size is not None and a.dtype.kind == "f" else a.itemsize
        total += a.size * size
    return total


def _tensors(value) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


# -- running the model without changing it --------------------------------------------------------
class _Preserved:
    """Saves what running a model changes (modes, parameters, buffers, gradients, the default
    generator) and puts it back on exit, so that estimating or measuring leaves no trace."""

    def __init__(self, model) -> None:
        self.model = model

    def __enter__(self) -> _Preserved:
        model = self.model
        self.modes = [(m, m.training) for m in model.modules()]
        self.arrays = [(t, t._data.copy()) for t in [*model.parameters(), *model.buffers()]]
        self.grads = [(p, p.grad) for p in model.parameters()]
        self.rng = default_generator.get_state()
        return self

    def __exit__(self, *exc) -> None:
        for m, mode in self.modes:
            m.training = mode
        for t, array in self.arrays:
            if t._data.shape == array.shape:
                np.copyto(t._data, array)
            else:
                t._data = array
        for p, grad in self.grads:
            p.grad = grad
        default_generator.set_state(self.rng)


class _Tracing:
    """``tracemalloc`` around a block (NumPy reports its data allocations to it): ``peak`` is
    the most bytes allocated in the block and alive at once."""

    def __enter__(self) -> _Tracing:
        self.started = not tracemalloc.is_tracing()
        if self.started:
            tracemalloc.start()
        tracemalloc.reset_peak()
        self.base = tracemalloc.get_traced_memory()[0]
        return self

    def __exit__(self, *exc) -> None:
        self.peak = tracemalloc.get_traced_memory()[1] - self.base
        if self.started:
            tracemalloc.stop()


def _float_dtype(model) -> np.dtype:
    for p in model.parameters():
        if p._data.dtype.kind == "f":
            return p._data.dtype
    return dtypes.get_default_dtype().numpy


def _random_input(input_shape, batch: int, np_dtype) -> Tensor:
    shape = (batch, *((input_shape,) if isinstance(input_shape, int) else tuple(input_shape)))
    return Tensor(np.random.default_rng(0).standard_normal(shape).astype(np_dtype))


def _excluded(model) -> set[int]:
    return {id(_owner(t._data)) for t in [*model.parameters(), *model.buffers()]}


def _saved_bytes(model, input_shape, batch: int, np_dtype, float_size: int) -> int:
    """Bytes the graph of one training-mode forward pass keeps (parameters left out)."""
    x = _random_input(input_shape, batch, np_dtype)
    with enable_grad():
        out = model(x)
    return _split_bytes(graph_arrays(_tensors(out), _excluded(model)).values(), float_size)


def _live_peak_bytes(model, input_shape, batch: int, np_dtype, float_size: int) -> int:
    """The most bytes of layer outputs (and the input) alive at once in a ``no_grad`` forward
    pass: after every module, the tensors seen so far that are still referenced are summed."""
    x = _random_input(input_shape, batch, np_dtype)
    seen = [weakref.ref(x)]
    peak = [0]
    exclude = _excluded(model)

    def hook(module, args, output):
        seen.extend(weakref.ref(t) for t in _tensors(output))
        live = {id(o): o for r in seen if (t := r()) is not None and id(o := _owner(t._data)) not in exclude}
        peak[0] = max(peak[0], _split_bytes(live.values(), float_size))

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    try:
        with no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return peak[0]


def _extrapolate(bytes_at, batch_size: int) -> int:
    """bytes(B) = bytes(b₁) + (B - b₁)·(bytes(b₂) - bytes(b₁))/(b₂ - b₁): activations grow
    linearly with the batch; the intercept keeps what does not (batch norm's statistics)."""
    (b1, b2), (m1, m2) = TRACE_BATCHES, (bytes_at(b) for b in TRACE_BATCHES)
    return max(0, round(m1 + (batch_size - b1) * (m2 - m1) / (b2 - b1)))


# -- the estimate -----------------------------------------------------------------------------------
def estimate_memory(model, input_shape, optimizer=None, batch_size: int = 1, dtype=None,
                    training: bool = True) -> MemoryReport:  # fmt: skip
    """Predict the bytes one training step (or one prediction) holds.

    With P trainable parameters stored in s bytes each and k state buffers per parameter
    (``optimizer_state_buffers``: SGD 0, momentum 1, Adam 2, AMSGrad 3, RMSprop 1-3, Adagrad 1):

        parameters = s · #params,  gradients = s · P,  optimizer_state = k · s · P,
        optimizer_workspace = 2 · s · Σ_(distinct parameter shapes) numel,
        activations(B) = A(2) + (B - 2)·(A(4) - A(2))/2

    where A(b) is what the recorded graph of a forward pass on b random samples keeps alive
    (every op's inputs and saved arrays, views counted once, parameters left out; the
    output and the input batch included). For prediction (``training=False``: eval mode,
    ``no_grad``) there are no gradients or optimizer, and A(b) is the peak of live layer
    outputs. Temporary arrays inside an op (im2col blocks, ReLU's comparison under no_grad)
    are not counted; ``measure_memory``'s ``peak`` shows them.

    Args:
        model: an ``nn.Module``; it is left exactly as it was (modes, weights, RNG).
        input_shape: the shape of one sample, without the batch dimension (e.g. ``(1, 28, 28)``).
        optimizer: ``None``, a name (``"sgd"``, ``"sgd_momentum"``, ``"adam"``, ``"amsgrad"``,
            ``"rmsprop"``, ``"rmsprop_centered"``, ``"adagrad"``...), a class or an instance.
        batch_size: B.
        dtype: the floating dtype to count in (default: the model's); bool masks and integer
            indices keep their size.
        training: a training step (True) or a prediction (False).

    Example:
        >>> mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> estimate_memory(mlp, (784,), "adam", batch_size=128).summary()
        'training, batch 128: 5.33 MiB estimated'
    """
    if batch_size < 1:
        raise ValueError(f"estimate_memory(): batch_size must be >= 1, got {batch_size}")
    np_dtype = _float_dtype(model)
    size = dtypes.as_dtype(dtype).itemsize if dtype is not None else np_dtype.itemsize
    params = list(model.parameters())
    parameters = _split_bytes([p._data for p in params], size)
    buffers = _split_bytes([b._data for b in model.buffers()], size)
    gradients = state = workspace = 0
    if training:
        trainable = [p for p in params if p.requires_grad]
        if isinstance(optimizer, Optimizer):
            mine = {id(p) for g in optimizer.param_groups for p in g["params"]}
            stepped = [p for p in trainable if id(p) in mine]
        else:
            stepped = trainable if optimizer is not None else []
        gradients = sum(p.numel() for p in trainable) * size
        per_param = _buffers_per_param(optimizer, stepped)
        state = sum(k * p.numel() for k, p in zip(per_param, stepped)) * size
        shapes = {(tuple(p.shape), p._data.dtype): p.numel() for p in stepped}
        workspace = 2 * sum(shapes.values()) * size
    trace = _saved_bytes if training else _live_peak_bytes
    with _Preserved(model):
        model.train(training)
        activations = _extrapolate(lambda b: trace(model, input_shape, b, np_dtype, size), batch_size)
    return MemoryReport(parameters, buffers, gradients, state, workspace, activations, batch_size, training)


# -- the measurement ---------------------------------------------------------------------------------
def _targets(loss_fn, out: Tensor, batch: int) -> Tensor:
    if isinstance(loss_fn, CrossEntropyLoss | NLLLoss):
        labels = np.random.default_rng(1).integers(0, out.shape[1], size=batch)
        return Tensor(labels.astype(np.int64))
    return Tensor(np.zeros(out.shape, dtype=out._data.dtype))


def _loss(loss_fn, out: Tensor, y: Tensor | None) -> Tensor:
    return (out * out).mean() if loss_fn is None else loss_fn(out, y)


def _state_bytes(optimizer: Optimizer, params: list[Tensor]) -> int:
    """Bytes of the parameter-shaped state buffers (0-dim step counters left out)."""
    arrays = [a for p in params for v in optimizer.state.get(p, {}).values() for a in _arrays_in(v)]
    return sum(a.nbytes for a in arrays if a.ndim > 0)


def measure_memory(model, input_shape, loss_fn=None, optimizer=None, batch_size: int = 1, *,
                   training: bool = True, inputs=None, targets=None) -> MemoryReport:  # fmt: skip
    """Measure what a real training step (or prediction) at ``batch_size`` holds, next to
    ``estimate_memory``'s prediction (``report.predicted``, ``report.ratio``).

    A warm-up step creates the optimizer's state; then, on a second step: ``activations`` =
    the bytes the graph keeps right before ``backward`` (loss included), ``gradients`` = the
    bytes of every ``p.grad`` after it, ``optimizer_state`` = the optimizer's buffers after
    ``step`` (step counters left out), ``optimizer_workspace`` = its scratch arrays, and
    ``peak`` = what existed before the step plus ``tracemalloc``'s peak during forward,
    backward and step (temporaries included; activations are freed as backward goes, so
    ``peak`` is usually below ``total``). For prediction: ``activations`` = the input plus
    the ``tracemalloc`` peak of a ``no_grad`` forward pass in eval mode.

    The model's weights, buffers, gradients, modes and the default generator are restored.

    Args:
        model, input_shape, batch_size: as for ``estimate_memory``.
        loss_fn: e.g. ``nn.CrossEntropyLoss()`` (random labels are drawn for it); ``None``
            uses the mean square of the output.
        optimizer: an instance (stepped for real: its state keeps the two steps taken) or
            what ``estimate_memory`` accepts (then
            one is made with lr = 1e-3; a name with no optimizer means plain SGD).
        inputs, targets: a batch to use instead of random data (its size and sample shape
            then replace ``batch_size`` and ``input_shape``).

    Example:
        >>> mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> report = measure_memory(mlp, (784,), nn.CrossEntropyLoss(), "adam", batch_size=128)
        >>> 0.9 < report.ratio < 1.1
        True
        >>> print(report.table())   # doctest: +ELLIPSIS
        memory for training, batch 128 (measured) [MiB]
                               predicted    measured   ratio
        parameters ...
    """
    x = inputs if inputs is not None else _random_input(input_shape, batch_size, _float_dtype(model))
    x = x if isinstance(x, Tensor) else Tensor(np.asarray(x))
    with _Preserved(model):
        predicted = estimate_memory(model, tuple(x.shape[1:]), optimizer, len(x), training=training)
        report = (_measure_step if training else _measure_prediction)(model, x, loss_fn, optimizer, targets)
    report.predicted = predicted
    return report


def _measure_prediction(model, x: Tensor, loss_fn, optimizer, targets) -> MemoryReport:
    model.eval()
    with no_grad(), _Tracing() as trace:
        out = model(x)
    del out
    params = sum(p._data.nbytes for p in model.parameters())
    buffers = sum(b._data.nbytes for b in model.buffers())
    activations = x._data.nbytes + trace.peak
    return MemoryReport(params, buffers, 0, 0, 0, activations, len(x), False, "measured",
                        peak=params + buffers + activations)  # fmt: skip


def _measure_step(model, x: Tensor, loss_fn, optimizer, targets) -> MemoryReport:
    model.train()
    params = [p for p in model.parameters()]
    opt = _make_optimizer(optimizer, [p for p in params if p.requires_grad])
    with no_grad():
        y = targets if targets is not None else _targets(loss_fn, model(x), len(x))
    y = y if y is None or isinstance(y, Tensor) else Tensor(np.asarray(y))
    for _ in range(2):  # the first step creates the optimizer's state; the second is measured
        opt.zero_grad()
        before = sum(p._data.nbytes for p in params) + sum(b._data.nbytes for b in model.buffers())
        before += _state_bytes(opt, params) + _workspace_bytes(opt) + x._data.nbytes
        before += 0 if y is None else y._data.nbytes
        with _Tracing() as trace:
            loss = _loss(loss_fn, model(x), y)
            saved = graph_arrays([loss], _excluded(model))
            activations = sum(a.nbytes for a in saved.values())
            del saved
            loss.backward()
            del loss
            opt.step()
    gradients = sum(p.grad._data.nbytes for p in params if p.grad is not None)
    return MemoryReport(
        parameters=sum(p._data.nbytes for p in params),
        buffers=sum(b._data.nbytes for b in model.buffers()),
        gradients=gradients,
        optimizer_state=_state_bytes(opt, params),
        optimizer_workspace=_workspace_bytes(opt),
        activations=activations,
        batch_size=len(x),
        training=True,
        source="measured",
        peak=before + trace.peak,
    )


def _workspace_bytes(optimizer: Optimizer) -> int:
    # The base class's scratch arrays (see Optimizer._work): read, never changed.
    return sum(a.nbytes for pair in getattr(optimizer, "_scratch", {}).values() for a in pair)

"""Parameter counts, convolution output shapes and a layer-by-layer model summary (002 9-10).

``summary`` runs one forward pass with hooks on every module and tabulates each module's
output shape and parameter count, as torchinfo does, with the memory ``estimate_memory``
predicts for a training step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from neuronlab.analysis.memory import MIB, _Preserved, estimate_memory
from neuronlab.engine import dtypes
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules.module import Module

__all__ = ["ModelSummary", "conv_output_shape", "count_parameters", "summary"]


def count_parameters(model, trainable_only: bool = True) -> int:
    """Σ numel(θ) over the model's parameters (shared ones once; with ``trainable_only``
    only those with ``requires_grad``). Works for any object with ``parameters()``, a
    PyTorch module included.

    A ``Linear(n, m)`` has n·m + m parameters; a ``Conv2d(c, o, k)`` has o·c·k² + o.

    Example:
        >>> count_parameters(nn.Conv2d(1, 10, 5))   # 10·1·5·5 weights + 10 biases
        260
        >>> count_parameters(nn.Linear(784, 256))
        200960
    """
    seen: set[int] = set()
    total = 0
    for p in model.parameters():
        if id(p) in seen or (trainable_only and not p.requires_grad):
            continue
        seen.add(id(p))
        total += int(p.numel())
    return total


def _per_dim(value, n: int, name: str) -> tuple[int, ...]:
    items = (value,) * n if isinstance(value, int | np.integer) else tuple(value)
    if len(items) != n:
        raise ValueError(f"conv_output_shape(): {name} has {len(items)} values for {n} spatial dims")
    return tuple(int(v) for v in items)


def conv_output_shape(h_w, kernel_size, stride=1, padding=0, dilation=1):
    """The spatial output size of a convolution (or pooling) window, per dimension::

        out = ⌊(H + 2p - d·(k - 1) - 1) / s⌋ + 1

    ``h_w`` is an int or a tuple (H, W) (any number of dims); the other arguments are ints
    (the same for every dim) or tuples; ``padding`` may also be ``"valid"`` (p = 0) or
    ``"same"`` (out = H, stride 1). Returns an int for an int ``h_w``, else a tuple.

    Example:
        >>> conv_output_shape((244, 244), 3)   # 3x3, stride 1, no padding
        (242, 242)
        >>> conv_output_shape(28, 5, stride=2, padding=2)
        14
    """
    single = isinstance(h_w, int | np.integer)
    sizes = (int(h_w),) if single else tuple(int(v) for v in h_w)
    n = len(sizes)
    k, s, d = (_per_dim(v, n, name) for v, name in ((kernel_size, "kernel_size"), (stride, "stride"), (dilation, "dilation")))  # fmt: skip
    if min(k + s + d) < 1:
        raise ValueError(
            f"conv_output_shape(): kernel_size, stride and dilation must be >= 1, got {k}, {s}, {d}"
        )
    if padding == "same":
        if s != (1,) * n:
            raise ValueError("conv_output_shape(): padding='same' needs stride 1")
        out = sizes
    else:
        p = (0,) * n if padding == "valid" else _per_dim(padding, n, "padding")
        if min(p) < 0:
            raise ValueError(f"conv_output_shape(): padding must be >= 0, got {p}")
        out = tuple(
            (h + 2 * pi - di * (ki - 1) - 1) // si + 1 for h, ki, si, pi, di in zip(sizes, k, s, p, d)
        )
    if min(out) < 1:
        raise ValueError(
            f"conv_output_shape(): input {sizes} is too small for kernel {k} with dilation {d} "
            f"and padding {padding} (output would be {out})"
        )
    return out[0] if single else out


class ModelSummary(list):
    """The rows of ``summary`` (a list of dicts: ``name``, ``type``, ``depth``,
    ``output_shape``, ``params``, ``trainable``, ``container``) plus ``total_params``,
    ``trainable_params``, ``input_bytes`` and ``memory`` (a ``MemoryReport``); ``str()``
    renders the table."""

    def __init__(self, rows, *, total_params: int, trainable_params: int, input_bytes: int, memory) -> None:
        super().__init__(rows)
        self.total_params, self.trainable_params = total_params, trainable_params
        self.input_bytes, self.memory = input_bytes, memory

    def __str__(self) -> str:
        shapes = ["--" if r["output_shape"] is None else str(list(r["output_shape"])) for r in self]
        width = max([len(_label(r)) for r in self] + [20]) + 2
        shape_width = max([len(s) for s in shapes] + [14]) + 2
        rule = "=" * (width + shape_width + 12)
        lines = [rule, f"{'Layer (type)':<{width}}{'Output Shape':<{shape_width}}{'Param #':>12}", rule]
        for r, shape in zip(self, shapes):
            params = f"{r['params']:,}" if r["params"] or not r["container"] else "--"
            lines.append(f"{_label(r):<{width}}{shape:<{shape_width}}{params:>12}")
        m = self.memory
        lines += [
            rule,
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.total_params - self.trainable_params:,}",
            "-" * len(rule),
            f"Input size (MiB): {self.input_bytes / MIB:.2f}",
            f"Saved activations for backward (MiB): {m.activations / MIB:.2f}",
            f"Params size (MiB): {(m.parameters + m.buffers) / MIB:.2f}",
            f"Params + grads + activations (MiB): {(m.parameters + m.buffers + m.gradients + m.activations) / MIB:.2f}",
            rule,
        ]  # fmt: skip
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython's plain-text display: the table, not the list of dicts."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        """The table in Jupyter: one row per layer, then the totals."""
        from neuronlab.utils.html import table

        rows = []
        for r in self:
            shape = "--" if r["output_shape"] is None else str(list(r["output_shape"]))
            params = f"{r['params']:,}" if r["params"] or not r["container"] else "--"
            rows.append([_label(r).replace(" ", "\u00a0"), shape, params])
        m = self.memory
        totals = [
            ["Total params", "", f"{self.total_params:,}"],
            ["Trainable params", "", f"{self.trainable_params:,}"],
            ["Params + grads + activations (MiB)", "", f"{(m.parameters + m.buffers + m.gradients + m.activations) / MIB:.2f}"],
        ]  # fmt: skip
        return table(["Layer (type)", "Output Shape", "Param #"], rows + totals, numeric={2})


def _label(row: dict) -> str:
    if row["depth"] == 0:
        return row["type"]
    return "  " * (row["depth"] - 1) + f"{row['name'].rsplit('.', 1)[-1]} ({row['type']})"


def _shape(output):
    if isinstance(output, Tensor):
        return tuple(output.shape)
    if isinstance(output, list | tuple):
        return tuple(_shape(o) for o in output)
    return None


def summary(model: Module, input_shape: Sequence[int] | int, batch_size: int = 1, dtype=None) -> ModelSummary:
    """A torchinfo-style table: every module (dotted name, type), its output shape on a
    random batch of ``batch_size`` samples of ``input_shape``, its own parameter count, the
    totals, and the memory ``estimate_memory`` predicts for a training step.

    Shape: ``input_shape`` is one sample's shape, without the batch dim (e.g. ``(1, 28, 28)``).

    Example:
        >>> net = nn.Sequential(nn.Conv2d(1, 10, 5), nn.ReLU(), nn.Flatten(), nn.Linear(5760, 10))
        >>> table = summary(net, (1, 28, 28))
        >>> table[1]["output_shape"], table[1]["params"], table.total_params
        ((1, 10, 24, 24), 260, 57870)
        >>> print(table)   # doctest: +ELLIPSIS
        ===...
    """
    shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
    named = list(model.named_modules())
    outputs: dict[int, object] = {}

    def record(module, args, output):
        outputs[id(module)] = _shape(output)

    handles = [m.register_forward_hook(record) for _, m in named]
    try:
        with _Preserved(model), no_grad():
            model.eval()  # shapes do not depend on the mode; batch norm accepts a batch of 1
            np_dtype = next(
                (p._data.dtype for p in model.parameters() if p._data.dtype.kind == "f"), np.float32
            )
            model(Tensor(np.random.default_rng(0).standard_normal((batch_size, *shape)).astype(np_dtype)))
    finally:
        for h in handles:
            h.remove()
    rows = []
    for name, m in named:
        own = [p for p in m.parameters(recurse=False)]
        rows.append({
            "name": name, "type": type(m).__name__, "depth": 0 if not name else name.count(".") + 1,
            "output_shape": outputs.get(id(m)), "params": sum(p.numel() for p in own),
            "trainable": sum(p.numel() for p in own if p.requires_grad), "container": bool(m._modules),
        })  # fmt: skip
    itemsize = np.dtype(np_dtype).itemsize if dtype is None else dtypes.as_dtype(dtype).itemsize
    return ModelSummary(rows, total_params=count_parameters(model, trainable_only=False),
                        trainable_params=count_parameters(model), input_bytes=batch_size * int(np.prod(shape)) * itemsize,
                        memory=estimate_memory(model, shape, None, batch_size, dtype=dtype))  # fmt: skip

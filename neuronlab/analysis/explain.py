"""Backpropagation explained node by node, with the numbers a student writes by hand.

``explain_backward(loss)`` walks the graph recorded for ``loss`` in the engine's own order
(``topological_order``) and, at every node, calls the op's backward directly (the engine is not run, so nothing
is accumulated into ``.grad`` and the graph stays usable). For each node it records the
gradient arriving at the output, the local derivatives ∂out/∂inputᵢ and the chain-rule
product ``dL/dinputᵢ = dL/dout · ∂out/∂inputᵢ`` sent to every input, and finally the total
gradient of every leaf (the sum over the paths that reach it: the multivariable chain rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from neuronlab.engine.array_or_tensor import sum_to_array
from neuronlab.engine.function import Function
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.graph import check_versions, input_grads, topological_order
from neuronlab.engine.tensor import Tensor

__all__ = ["BackwardExplanation", "BackwardStep", "Edge", "explain_backward", "walk_graph"]


@dataclass
class Graph:
    """The recorded graph of one output: nodes in backward (topological) order."""

    order: list[Function]
    outputs: dict[Function, Tensor]
    consumers: dict[int, int]  # id(node or leaf) -> number of edges reaching it
    leaves: list[Tensor]  # leaves that require grad, first seen first


def walk_graph(root: Tensor) -> Graph:
    """The nodes reachable from ``root.grad_fn`` in the order the engine runs them
    (``engine.graph.topological_order``), with each node's output, each tensor's number of
    consumers and the leaves that require grad."""
    if root.grad_fn is None:
        raise ValueError("the tensor has no grad_fn: it is a leaf or was computed without grad")
    start = root.grad_fn
    order = topological_order([start])
    if any("freed" in fn.__dict__ for fn in order):
        raise RuntimeError(
            "the graph was freed by a backward pass: call explain_backward before "
            "loss.backward(), or pass retain_graph=True to backward()"
        )
    consumers: dict[int, int] = {}
    outputs: dict[Function, Tensor] = {start: root}
    leaves: dict[int, Tensor] = {}
    for fn in order:
        for parent, t in zip(fn.parents, fn.inputs):
            if parent is None:
                continue
            consumers[id(parent)] = consumers.get(id(parent), 0) + 1
            if isinstance(parent, Function):
                outputs.setdefault(parent, t)
            else:
                leaves.setdefault(id(parent), parent)
    return Graph(order, outputs, consumers, list(leaves.values()))


@dataclass
class Edge:
    """What one node sends to one input: dL/d``input`` (part) = ``grad`` · ``local``."""

    input: str
    input_value: np.ndarray
    local: np.ndarray | None  # ∂out/∂input, exact when the output is a scalar; else None
    local_symbol: str  # e.g. "x1", "relu'(z1)", "1"
    sent: np.ndarray  # the chain-rule product, at the input's shape
    paths: int  # how many edges reach this input in total (1: this is its whole gradient)


@dataclass
class BackwardStep:
    """One node of the backward pass: ``output = formula``, gradient ``grad`` arriving."""

    op: str  # the grad_fn name, e.g. "MulBackward0"
    output: str
    formula: str  # e.g. "t1 = w11 * x1"
    output_value: np.ndarray
    grad: np.ndarray  # dL/doutput, summed over every consumer
    grad_parts: list[np.ndarray]
    edges: list[Edge] = field(default_factory=list)


@dataclass
class BackwardExplanation:
    """The result of :func:`explain_backward`.

    ``steps`` are in backward order; ``leaf_parts`` maps each leaf's name to the gradients
    that reached it along its paths; ``gradients`` maps every named tensor that requires
    grad (leaves and named intermediates such as ``z1``) to dL/d(tensor): a float for a
    scalar, an array otherwise.
    """

    steps: list[BackwardStep]
    leaf_parts: dict[str, list[np.ndarray]]
    gradients: dict[str, float | np.ndarray]

    def text(self) -> str:
        """The walk as readable lines, e.g. ``dL/dw11 = dL/dt1 · x1 = 3 · 1 = 3``."""
        lines = []
        for k, step in enumerate(self.steps, 1):
            lines.append(f"[{k}] {step.formula} = {_fmt(step.output_value)}   ({step.op})")
            lines.append(f"    dL/d{step.output} = {_sum_text(step.grad_parts, step.grad)}")
            for e in step.edges:
                lines.append("    " + _edge_text(step, e))
        lines.append("Leaf gradients:")
        for name, parts in self.leaf_parts.items():
            lines.append(f"  dL/d{name} = {_sum_text(parts, self.gradients[name])}")
        named = [n for n in self.gradients if n not in self.leaf_parts]
        if named:
            lines.append("Named intermediate tensors:")
            lines += [f"  dL/d{n} = {_fmt(np.asarray(self.gradients[n]))}" for n in named]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        """A table in Jupyter: one row per node and input — node, forward value, local
        derivative, upstream gradient, result (the chain-rule product) — then the leaf gradients."""
        from neuronlab.utils.html import table

        rows = []
        for k, step in enumerate(self.steps, 1):
            upstream = _sum_text(step.grad_parts, step.grad)
            for e in step.edges or [None]:
                if e is None:
                    rows.append([f"[{k}] {step.formula}", _fmt(step.output_value), "", upstream, ""])
                    continue
                local = e.local_symbol + ("" if e.local is None else f" = {_fmt(e.local)}")
                rows.append([f"[{k}] {step.formula}", _fmt(step.output_value), f"d{step.output}/d{e.input}: {local}",
                             f"dL/d{step.output} = {upstream}", f"dL/d{e.input} += {_fmt(e.sent)}"])  # fmt: skip
        steps = table(["node", "forward value", "local derivative", "upstream gradient", "result"], rows)
        leaves = [
            [f"dL/d{name}", _sum_text(parts, self.gradients[name])] for name, parts in self.leaf_parts.items()
        ]
        return steps + table(["leaf", "gradient (sum over paths)"], leaves, caption="Leaf gradients")


def explain_backward(loss: Tensor, params=None) -> BackwardExplanation:
    """Explain the backward pass of ``loss`` node by node, with numbers.

    At each node with output ``out`` and upstream gradient ``g = dL/dout`` the chain rule
    sends ``dL/dinputᵢ = g · ∂out/∂inputᵢ`` (a vector-Jacobian product for tensors); a
    tensor used ``k`` times receives the sum of its ``k`` parts. Local derivatives are
    shown exactly when ``out`` is a scalar; for tensors only shapes and norms are printed.

    ``params`` names the tensors: a mapping name → tensor (``dict(locals())`` works;
    non-tensors and names starting with ``_`` are ignored) or an ``nn.Module`` (its
    ``named_parameters``). Unnamed leaves become ``p0, p1, …``, unnamed intermediates
    ``t1, t2, …`` in forward order, and the loss ``L`` if unnamed. A constant made by type
    promotion (``w * x1`` with an integer ``x1``) takes the name of the one named constant
    with its value, if exactly one has it.

    The graph is not consumed: call it before ``loss.backward()`` (or after one with
    ``retain_graph=True``).

    Example:
        >>> w = neuronlab.tensor(3.0, requires_grad=True)
        >>> x = neuronlab.tensor(2.0)
        >>> L = (w * x - 1) ** 2
        >>> explain_backward(L, {"w": w, "x": x}).gradients["w"]  # 2 (w x - 1) · x
        20.0
    """
    graph = walk_graph(loss)
    names = _Names(_mapping(params), graph, loss)
    grads: dict[Function, list[np.ndarray]] = {graph.order[0]: [np.ones_like(loss._data)]}
    leaf_parts: dict[str, list[np.ndarray]] = {}
    steps = []
    with no_grad():
        for fn in graph.order:
            parts = grads.pop(fn)
            step = _explain_node(fn, graph, names, parts)
            steps.append(step)
            for parent, e in zip([p for p in fn.parents if p is not None], step.edges):
                if isinstance(parent, Function):
                    grads.setdefault(parent, []).append(e.sent)
                else:
                    leaf_parts.setdefault(names.of(parent), []).append(e.sent)
    order = {name: k for k, name in enumerate(names.by_id.values())}
    leaf_parts = dict(sorted(leaf_parts.items(), key=lambda item: order.get(item[0], len(order))))
    gradients = {}
    for step in steps:
        if not names.is_generated(step.output):
            gradients[step.output] = _plain(step.grad)
    for name, parts in leaf_parts.items():
        gradients[name] = _plain(np.sum(parts, axis=0))
    return BackwardExplanation(steps, leaf_parts, gradients)


def _explain_node(fn: Function, graph: Graph, names: _Names, parts: list[np.ndarray]) -> BackwardStep:
    out = graph.outputs[fn]
    grad = np.sum(parts, axis=0) if len(parts) > 1 else parts[0]
    check_versions(fn)
    sent = _backward(fn, grad)
    local = _backward(fn, np.ones_like(grad)) if grad.size == 1 else [None] * len(sent)
    labels = [names.of(t) for t in fn.inputs]
    symbols = type(fn).local_derivatives
    extra = _params(fn)
    step = BackwardStep(fn.name(), names.of_node(fn), "", out._data, grad, parts)
    step.formula = f"{step.output} = {_formula(fn, labels, extra)}"
    for i, (parent, t) in enumerate(zip(fn.parents, fn.inputs)):
        if parent is None:
            continue
        symbol = _local_symbol(symbols, i, labels, extra) or f"∂{step.output}/∂{labels[i]}"
        s = sent[i] if sent[i] is not None else np.zeros_like(t._data)
        step.edges.append(Edge(labels[i], t._data, local[i], symbol, s, graph.consumers[id(parent)]))
    return step


def _backward(fn: Function, grad: np.ndarray) -> list[np.ndarray | None]:
    """The op's backward on ``grad`` (arrays, as the engine runs it without ``create_graph``),
    each result reduced to its input's shape and dtype."""
    results = input_grads(fn, np.asarray(grad), create_graph=False)
    arrays = []
    for g, t in zip(results, fn.inputs):
        if g is None:
            arrays.append(None)
            continue
        g = sum_to_array(np.asarray(g), t._data.shape)
        arrays.append(g.astype(t._data.dtype, copy=False))
    return arrays


def _params(fn: Function) -> dict[str, str]:
    if hasattr(fn, "index"):
        index = fn.index if isinstance(fn.index, tuple) else (fn.index,)
        return {"index": ", ".join(_index_text(i) for i in index)}
    if hasattr(fn, "exponent"):
        p = fn.exponent
        return {"p": _fmt(np.asarray(p)), "q": "" if p - 1 == 1 else f"^{_fmt(np.asarray(p - 1))}"}
    return {}


def _local_symbol(symbols: tuple, i: int, labels: list[str], extra: dict) -> str | None:
    try:
        return symbols[i].format(*labels, **extra)
    except (IndexError, KeyError):
        return None


def _index_text(i) -> str:
    if isinstance(i, slice):
        return ":".join("" if v is None else str(v) for v in (i.start, i.stop, i.step)).rstrip(":") or ":"
    if i is None or i is Ellipsis:
        return "None" if i is None else "..."
    return _fmt(np.asarray(i)) if np.size(i) <= 6 else "<index>"


def _formula(fn: Function, labels: list[str], extra: dict) -> str:
    template = type(fn).formula
    try:
        return template.format(*labels, **extra)
    except (AttributeError, IndexError, KeyError):  # no template, or one that does not fit
        return f"{type(fn).__qualname__.lower()}({', '.join(labels)})"


class _Names:
    """Names for the tensors and nodes of one graph (see ``explain_backward``)."""

    def __init__(self, mapping: dict[str, Tensor], graph: Graph, root: Tensor) -> None:
        self.by_id: dict[int, str] = {}
        for name, t in mapping.items():
            self.by_id.setdefault(id(t), name)
        self.constants = [(n, t) for n, t in mapping.items() if t.grad_fn is None and not t.requires_grad]
        self.generated: set[str] = set()
        self.n_constants = 0
        for k, leaf in enumerate(t for t in graph.leaves if id(t) not in self.by_id):
            self.by_id[id(leaf)] = f"p{k}"
        self.node: dict[Function, str] = {}
        count = 0
        for fn in reversed(graph.order):  # forward order: t1 is computed first
            named = self.by_id.get(id(graph.outputs[fn]))
            if named is None:
                count += 1
                named = "L" if fn is root.grad_fn else f"t{count}"
                self.generated.add(named)
            self.node[fn] = named

    def is_generated(self, name: str) -> bool:
        return name in self.generated

    def of_node(self, fn: Function) -> str:
        return self.node[fn]

    def of(self, t: Tensor) -> str:
        if id(t) in self.by_id:
            return self.by_id[id(t)]
        if t.grad_fn is not None:
            return self.node.get(t.grad_fn, "?")
        matches = [n for n, c in self.constants if c.shape == t.shape and np.array_equal(c._data, t._data)]
        if len(matches) == 1:
            return matches[0]
        if t._data.size <= 6:
            return _fmt(t._data)
        name = self.by_id[id(t)] = f"c{self.n_constants}"  # a large unnamed constant
        self.n_constants += 1
        return name


def _mapping(params) -> dict[str, Tensor]:
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        return dict(params.named_parameters())
    if not isinstance(params, Mapping):
        raise TypeError("params must be a mapping name -> tensor or an nn.Module")
    return {k: v for k, v in params.items() if isinstance(v, Tensor) and not k.startswith("_")}


def _fmt(a: np.ndarray) -> str:
    """A scalar as ``3``/``0.25``, a small array inline, a large one as shape and norm."""
    a = np.asarray(a)
    if a.size == 1:
        return f"{a.item() + 0:.6g}"  # + 0 turns -0.0 into 0.0
    if a.size <= 6:
        a = a + 0 if a.dtype.kind == "f" else a
        return np.array2string(a, precision=4, separator=", ").replace("\n", "")
    if a.dtype.kind == "f":
        a = a + 0.0
    return f"<shape {tuple(a.shape)}, ‖·‖={np.linalg.norm(a.astype(float)):.4g}>"


def _plain(a: np.ndarray) -> float | np.ndarray:
    return float(a) if np.ndim(a) == 0 else np.array(a)


def _sum_text(parts: list[np.ndarray], total) -> str:
    if len(parts) == 1:
        return _fmt(total)
    if all(np.size(p) == 1 for p in parts):
        return " + ".join(_fmt(p) for p in parts) + f" = {_fmt(total)}"
    return f"sum of {len(parts)} paths = {_fmt(total)}"


def _edge_text(step: BackwardStep, e: Edge) -> str:
    part = f"  (1 of {e.paths} paths)" if e.paths > 1 else ""
    lhs = f"dL/d{e.input}"
    if e.local is not None and np.size(step.grad) == 1 and e.local.size == 1:
        numbers = f"{_fmt(step.grad)} · {_fmt(e.local)} = {_fmt(e.sent)}"
        return f"{lhs} = dL/d{step.output} · {e.local_symbol} = {numbers}{part}"
    if e.local is not None:  # scalar output, tensor input: the local derivative is a gradient
        return f"{lhs} = dL/d{step.output} · ∂{step.output}/∂{e.input} = {_fmt(step.grad)} · {_fmt(e.local)} = {_fmt(e.sent)}{part}"
    return f"{lhs} = (∂{step.output}/∂{e.input})ᵀ dL/d{step.output} = {_fmt(e.sent)}{part}"

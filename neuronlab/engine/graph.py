"""The backward pass: walk the recorded graph from the outputs to the leaves.

The walk is iterative (no recursion, so a chain of 100,000 ops is fine) and runs in
topological order: a node's ``backward`` is called once, after every consumer of its output
has sent its gradient. Gradients that reach the same node are summed first.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import FREED_MESSAGE, Function, sum_to_array
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor


def run_backward(
    outputs: list[Tensor],
    grad_outputs: list[Tensor | None],
    retain_graph: bool,
    create_graph: bool,
    inputs: list[Tensor] | None = None,
    allow_unused: bool = False,
) -> list[Tensor | None] | None:
    """Backpropagate from ``outputs``.

    With ``inputs=None`` gradients are accumulated into the ``.grad`` of every leaf that
    requires grad (``Tensor.backward``). Otherwise nothing is accumulated and the gradients
    of ``inputs`` are returned in order (``autograd.grad``).
    """
    roots = _seed_gradients(outputs, grad_outputs)
    walk = _Walk(retain_graph, create_graph, inputs)
    previous = STATE.enabled
    STATE.enabled = create_graph
    try:
        walk.run(roots)
    finally:
        STATE.enabled = previous
    if inputs is None:
        return None
    if not allow_unused:
        for i, g in enumerate(walk.results):
            if g is None:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}) appears to not have been "
                    "used in the graph. Set allow_unused=True if this is the desired behavior."
                )
    return walk.results


def _seed_gradients(outputs, grad_outputs) -> list[tuple[Tensor, Tensor]]:
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs, strict=True)):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn "
                "(create it with requires_grad=True, or do not call backward on it)"
            )
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs; this output has "
                    f"shape {tuple(out.shape)}: pass gradient= (a tensor of that shape) or "
                    "reduce it first (e.g. .sum() or .mean())"
                )
            g = Tensor._wrap(np.ones_like(out._data))
        else:
            if not isinstance(g, Tensor):
                g = Tensor._wrap(np.asarray(g, dtype=out._data.dtype))
            if g.shape != out.shape:
                raise RuntimeError(
                    f"backward(): gradient has shape {tuple(g.shape)} but the output has shape "
                    f"{tuple(out.shape)}; they must be equal"
                )
        roots.append((out, g))
    return roots


class _Walk:
    """One backward pass. Without ``create_graph`` the gradients travel between nodes as bare
    NumPy arrays and each op's ``backward_numpy`` computes its input gradients (ops without
    one get their ``backward`` on wrapped tensors); with it, gradients are tensors and every
    ``backward`` formula is recorded so that it can be differentiated again."""

    def __init__(self, retain_graph: bool, create_graph: bool, inputs) -> None:
        self.retain_graph = retain_graph
        self.create_graph = create_graph
        self.capture: dict[int, int] = {}
        self.results: list[Tensor | None] = []
        if inputs is not None:
            self.results = [None] * len(inputs)
            for i, t in enumerate(inputs):
                if not t._requires_grad:
                    raise RuntimeError(
                        f"autograd.grad(): input {i} does not require grad; only tensors "
                        "with requires_grad=True can be differentiated with respect to"
                    )
                key = t.grad_fn if t.grad_fn is not None else t
                self.capture[id(key)] = i
        self.accumulate = inputs is None

    def run(self, roots) -> None:
        grads: dict = {}
        nodes = []
        arrays = not self.create_graph
        for out, g in roots:
            if out.grad_fn is None:  # backward() called on a leaf itself
                self._deliver_leaf(out, g._data if arrays else g, copy=True)
                continue
            fn = out.grad_fn
            g = g._data if arrays else g
            grads[fn] = g if fn not in grads else grads[fn] + g
            nodes.append(fn)
        deps = _count_dependencies(nodes)
        ready = [fn for fn in dict.fromkeys(nodes) if deps.get(fn, 0) == 0]
        run_node = self._run_node_numpy if arrays else self._run_node
        while ready:
            fn = ready.pop()
            run_node(fn, grads.pop(fn), grads, deps, ready)

    def _node_prelude(self, fn: Function, grad: Tensor) -> Tensor:
        """Hooks on the node's output, ``retain_grad`` and ``autograd.grad`` capture."""
        extra = fn.__dict__
        if "hooks" in extra:
            for hook in extra["hooks"]:
                replaced = hook(grad)
                if replaced is not None:
                    grad = replaced
        if "retained" in extra:
            self._accumulate(extra["retained"], grad, copy=True)
        if self.capture:
            index = self.capture.get(id(fn))
            if index is not None:
                self._capture(index, grad)
        return grad

    def _run_node(self, fn: Function, grad: Tensor, grads, deps, ready) -> None:
        """Tensor mode (``create_graph=True``): the backward formulas are recorded."""
        extra = fn.__dict__
        if "hooks" in extra or "retained" in extra or self.capture:
            grad = self._node_prelude(fn, grad)
        if fn.saves_inputs or fn.saves_output:
            _check_versions(fn)
        in_grads = fn.backward(grad)
        for parent, t, g in zip(fn.parents, fn.inputs, in_grads):
            if parent is None or g is None:
                continue
            if g._data.shape != t._data.shape:
                g = _sum_to(g, t._data.shape)
            if g._data.dtype != t._data.dtype:
                g = g.to(t.dtype)
            if isinstance(parent, Function):
                previous = grads.get(parent)
                grads[parent] = g if previous is None else previous + g
                deps[parent] -= 1
                if deps[parent] == 0:
                    ready.append(parent)
            else:
                self._deliver_leaf(parent, g, copy=False)
        if not self.retain_graph:
            fn.release()

    def _run_node_numpy(self, fn: Function, grad: np.ndarray, grads, deps, ready) -> None:
        """Array mode: ``grad`` and the gradients sent on are NumPy arrays."""
        extra = fn.__dict__
        if "hooks" in extra or "retained" in extra or self.capture:
            grad = self._node_prelude(fn, Tensor._wrap(grad))._data
        if fn.saves_inputs or fn.saves_output:
            _check_versions(fn)
        numpy_backward = fn.backward_numpy
        if numpy_backward is not None:
            in_grads = numpy_backward(grad)
        else:
            in_grads = [None if g is None else g._data for g in fn.backward(Tensor._wrap(grad))]
        for parent, t, g in zip(fn.parents, fn.inputs, in_grads):
            if parent is None or g is None:
                continue
            data = t._data
            if type(g) is not np.ndarray:  # NumPy returns scalars from 0-d arithmetic
                g = np.asarray(g)
            if g.shape != data.shape:
                g = sum_to_array(g, data.shape)
            if g.dtype != data.dtype:
                g = g.astype(data.dtype)
            if isinstance(parent, Function):
                previous = grads.get(parent)
                # Never in place: an op may send one array to several inputs.
                grads[parent] = g if previous is None else previous + g
                deps[parent] -= 1
                if deps[parent] == 0:
                    ready.append(parent)
            else:
                # A gradient passed straight through (or sent to two inputs) is shared with
                # other nodes: copy it before a leaf owns it and accumulates into it.
                shared = g is grad or _sent_twice(g, in_grads)
                self._deliver_leaf(parent, g, copy=shared)
        if not self.retain_graph:
            fn.release()

    def _deliver_leaf(self, leaf: Tensor, grad, copy: bool) -> None:
        """Hand ``grad`` (a Tensor in tensor mode, an array in array mode) to a leaf."""
        arrays = not self.create_graph
        if not (leaf._hooks or self.capture):
            if self.accumulate and leaf._requires_grad:
                if arrays:
                    self._store_grad(leaf, grad, copy)
                else:
                    self._accumulate(leaf, grad, copy)
            return
        t = Tensor._wrap(grad) if arrays else grad
        if leaf._hooks:
            for hook in leaf._hooks:
                replaced = hook(t)
                if replaced is not None:
                    t = replaced  # may be the shared array itself: keep ``copy``
        if self.capture:
            index = self.capture.get(id(leaf))
            if index is not None:
                self._capture(index, t)
        if self.accumulate and leaf._requires_grad:
            self._accumulate(leaf, t, copy)

    def _accumulate(self, t: Tensor, grad: Tensor, copy: bool) -> None:
        """Add the tensor ``grad`` to ``t.grad``: recorded with ``create_graph``, else in place."""
        if self.create_graph:
            t._grad = grad if t._grad is None else t._grad + grad
        else:
            self._store_grad(t, grad._data, copy)

    def _capture(self, index: int, grad: Tensor) -> None:
        previous = self.results[index]
        self.results[index] = grad if previous is None else previous + grad

    def _store_grad(self, t: Tensor, data: np.ndarray, copy: bool) -> None:
        """Accumulate the array ``data`` into ``t.grad`` (in place when ``t.grad`` allows)."""
        if t._grad is None:
            if copy or data.base is not None or not data.flags.writeable:
                data = data.copy()
            t._grad = Tensor._wrap(data)
        elif t._grad._data.flags.writeable and t._grad._data.shape == data.shape:
            np.add(t._grad._data, data, out=t._grad._data, casting="unsafe")
        else:
            t._grad = Tensor._wrap(t._grad._data + data)


def _sent_twice(g: np.ndarray, in_grads) -> bool:
    seen = 0
    for other in in_grads:
        if other is g:
            seen += 1
    return seen > 1


def _count_dependencies(roots: list[Function]) -> dict[Function, int]:
    """How many recorded consumers send a gradient to each node reachable from ``roots``."""
    deps: dict[Function, int] = {}
    seen = set(roots)
    stack = list(seen)
    while stack:
        fn = stack.pop()
        if "freed" in fn.__dict__:
            raise RuntimeError(FREED_MESSAGE)
        for parent in fn.parents:
            if parent is None or not isinstance(parent, Function):
                continue
            deps[parent] = deps.get(parent, 0) + 1
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return deps


def _check_versions(fn: Function) -> None:
    """Refuse to differentiate with saved inputs (or a saved output) that were overwritten.

    The common case (nothing changed) is one comparison per input; the message is only
    built when a version differs."""
    if fn.saves_inputs:
        for i, (t, version) in enumerate(zip(fn.inputs, fn.versions)):
            if t._version[0] != version:
                _raise_modified(fn, f"input {i} (shape {tuple(t.shape)})", t._version[0], version)
    if fn.saves_output:
        counter, version = fn.output_version
        if counter[0] != version:
            _raise_modified(fn, "the output", counter[0], version)


def _raise_modified(fn: Function, what: str, current: int, expected: int) -> None:
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by "
        f"an inplace operation: {what} of {fn.name()} is at version {current}; "
        f"expected version {expected} instead. Use the out-of-place form of the op "
        "(e.g. x = x + 1 instead of x += 1)."
    )


def _sum_to(grad: Tensor, shape: tuple) -> Tensor:
    from neuronlab.ops.shape import sum_to

    return sum_to(grad, shape)

"""The backward pass: ``backward()`` and ``grad()``, walking the recorded graph from the outputs
to the leaves.

``topological_order`` orders the nodes (iteratively: a chain of 100,000 ops is fine) so that
a node's ``backward`` runs once, after every consumer of its output has sent its gradient;
gradients that reach the same node are summed first. ``input_grads`` is the one place that
decides which backward code runs (see docs/engine.md): arrays unless ``create_graph``.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.array_or_tensor import sum_to, sum_to_array
from neuronlab.engine.function import FREED_MESSAGE, Function
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor


# -- the public entry points (``Tensor.backward``, ``autograd.backward``, ``autograd.grad``) ------
def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (or only into ``inputs``).

    ``retain_graph`` defaults to ``create_graph``; without it the graph's saved values are
    freed and a second backward through it raises ``RuntimeError``.
    """
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None and isinstance(tensors, Tensor):
        # loss.backward(): no lists to build (the common call, once per training step).
        if create_graph or tensors.grad_fn is None:
            run_backward([tensors], [grad_tensors], retain_graph, create_graph)
        else:
            _backward_arrays(tensors, grad_tensors, retain_graph)
        return
    outputs = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(outputs)
    if inputs is None:
        run_backward(outputs, grads, retain_graph, create_graph)
        return
    targets = _as_list(inputs)
    results = run_backward(outputs, grads, retain_graph, create_graph, inputs=targets, allow_unused=True)
    for t, g in zip(targets, results):
        if g is None:
            continue
        if create_graph:
            t._grad = g if t._grad is None else t._grad + g
        else:
            data = g._data
            t._grad = Tensor._wrap(data.copy() if t._grad is None else t._grad._data + data)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated).

    Example (a Hessian-vector product):
        >>> x = neuronlab.tensor([1.0, 2.0], requires_grad=True)
        >>> (g,) = neuronlab.autograd.grad((x ** 3).sum(), x, create_graph=True)
        >>> neuronlab.autograd.grad(g, x, grad_outputs=neuronlab.ones(2))[0]
        tensor([ 6., 12.])
    """
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outs)
    if retain_graph is None:
        retain_graph = create_graph
    allow = bool(allow_unused) or materialize_grads
    results = run_backward(outs, grads, retain_graph, create_graph, inputs=ins, allow_unused=allow)
    if materialize_grads:
        results = [Tensor._wrap(np.zeros_like(t._data)) if g is None else g for t, g in zip(ins, results)]
    return tuple(results)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Tensor):
        return [value]
    return list(value)


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
    requires grad (``backward``). Otherwise nothing is accumulated and the gradients of
    ``inputs`` are returned in order (``grad``). Grad mode is set to ``create_graph`` while
    the walk runs, in this thread only, as PyTorch does.
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


# -- the order --------------------------------------------------------------------------------------
def consumer_counts(roots) -> dict[Function, int]:
    """How many recorded consumers send a gradient to each node reachable from ``roots``
    (``Function`` nodes): an explicit stack, no recursion. A node freed by an earlier backward
    pass has no parents left (the backward pass refuses to run it)."""
    deps: dict[Function, int] = {}
    seen = set(roots)
    stack = list(seen)
    while stack:
        for parent in stack.pop().parents:
            if isinstance(parent, Function):
                deps[parent] = deps.get(parent, 0) + 1
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
    return deps


def topological_order(roots) -> list[Function]:
    """Every node reachable from ``roots``, each after all the nodes that consume its output:
    the order in which the backward pass runs them (``_Walk.run`` takes the same steps while
    it computes). Repeatedly take a node whose consumers have all been taken."""
    deps = consumer_counts(roots)
    order = []
    ready = [fn for fn in dict.fromkeys(roots) if fn not in deps]
    while ready:
        fn = ready.pop()
        order.append(fn)
        for parent in fn.parents:
            if isinstance(parent, Function):
                deps[parent] -= 1
                if deps[parent] == 0:
                    ready.append(parent)
    return order


def _seed_gradients(outputs, grad_outputs) -> list[tuple[Tensor, Tensor]]:
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs, strict=True)):
        seed = _seed_array(out, g, i)
        # A Tensor given as the gradient is kept: under create_graph gradients flow to it too.
        roots.append((out, g if isinstance(g, Tensor) else Tensor._wrap(seed)))
    return roots


def _seed_array(out: Tensor, g, i: int = 0) -> np.ndarray:
    """The gradient that starts the walk at ``out`` (element ``i`` of the outputs), as an
    array: ``g``'s values, or the implicit 1 of a scalar; refuses what cannot start one."""
    data = out._data
    if not out._requires_grad:
        raise RuntimeError(
            f"element {i} of tensors does not require grad and does not have a grad_fn "
            "(create it with requires_grad=True, or do not call backward on it)"
        )
    if g is None:
        if data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this output has "
                f"shape {tuple(out.shape)}: pass gradient= (a tensor of that shape) or "
                "reduce it first (e.g. .sum() or .mean())"
            )
        # The implicit 1 of a scalar loss: np.array is C code, np.ones_like Python
        # (0.2 against 1.2 µs, once per backward()).
        return np.array(1, dtype=data.dtype).reshape(data.shape)
    g = g._data if isinstance(g, Tensor) else np.asarray(g, dtype=data.dtype)
    if g.shape != data.shape:
        raise RuntimeError(
            f"backward(): gradient has shape {tuple(g.shape)} but the output has shape "
            f"{tuple(data.shape)}; they must be equal"
        )
    return g


def _backward_arrays(out: Tensor, gradient, retain_graph: bool) -> None:
    """``loss.backward()`` without ``create_graph`` or ``inputs``: the common call, once per
    training step. The same walk as ``run_backward``'s, entered without building its lists
    and Tensors (see docs/performance.md)."""
    seed = _seed_array(out, gradient)
    walk = _Walk(retain_graph, False, None)
    previous = STATE.enabled
    STATE.enabled = False
    try:
        walk.run_arrays(out.grad_fn, seed)
    finally:
        STATE.enabled = previous


_values = attrgetter("_data")


# -- which backward runs ----------------------------------------------------------------------------
def input_grads(fn: Function, grad, create_graph: bool):
    """The gradients ``fn`` sends to its inputs: the one place that decides which backward
    code runs.

    * ``create_graph=True``: ``fn.backward`` on Tensors -- the gradient, the saved inputs and
      a saved output whose ``grad_fn`` is ``fn`` (PyTorch's saved-variable semantics) -- with
      grad mode on, so its formula is recorded and can be differentiated again.
    * otherwise: the same ``fn.backward`` on NumPy arrays (no Tensor is made for any
      intermediate product), or ``fn.backward_arrays`` where the op has that second,
      array-only form (conv2d, batch norm, layer norm, user-defined Functions).
    """
    if create_graph:
        saved = fn.inputs if fn.saves_inputs else ()
        if fn.saves_output:
            saved = (*saved, Tensor._wrap(fn.saved_output, True, fn))
        return fn.backward(grad, *saved)
    saved = list(map(_values, fn.inputs)) if fn.saves_inputs else []  # [t._data for t in ...], faster
    if fn.saves_output:
        saved.append(fn.saved_output)
    return (fn.backward_arrays or fn.backward)(grad, *saved)


# -- the walk -----------------------------------------------------------------------------------------
class _Walk:
    """One backward pass. Without ``create_graph`` the gradients travel between nodes as bare
    NumPy arrays; with it, they are Tensors and every backward formula is recorded so that it
    can be differentiated again (``input_grads`` runs each node's backward)."""

    def __init__(self, retain_graph: bool, create_graph: bool, inputs) -> None:
        self.retain_graph = retain_graph
        self.create_graph = create_graph
        self.arrays = not create_graph
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
        """Run every node in ``topological_order``, computed on the fly: a node is ready once
        each of its consumers has run (``deps`` counts the ones still to come)."""
        grads: dict = {}
        nodes = []
        arrays = self.arrays
        for out, g in roots:
            g = g._data if arrays else g
            if out.grad_fn is None:  # backward() called on a leaf itself
                self._deliver_leaf(out, g, copy=True)
                continue
            fn = out.grad_fn
            grads[fn] = g if fn not in grads else grads[fn] + g
            nodes.append(fn)
        deps = consumer_counts(nodes)
        ready = [fn for fn in dict.fromkeys(nodes) if fn not in deps]
        while ready:
            fn = ready.pop()
            grad = grads.pop(fn, None)
            if grad is not None:
                self._run_node(fn, grad, grads, deps, ready)
            else:  # every gradient sent here was None: nothing to run, but the order goes on
                for parent in fn.parents:
                    if isinstance(parent, Function):
                        _consumed(parent, deps, ready)
            if not self.retain_graph:
                fn.release()

    def run_arrays(self, root: Function, grad: np.ndarray) -> None:
        """``run`` for one root node, in array mode, accumulating into the leaves: the walk
        of every ``loss.backward()``. A node with hooks, a retained gradient or a freed graph
        takes the general ``_run_node``; every other one ``_run_node_arrays``."""
        # consumer_counts for one root, which no node consumes (the graph has no cycles), so
        # that a node is new exactly when it has no count yet.
        release = not self.retain_graph
        extra = root.__dict__
        for parent in root.parents:
            if isinstance(parent, Function):
                break
        else:
            if not ("hooks" in extra or "retained" in extra or "freed" in extra):
                # One node whose inputs are leaves (a one-op graph): no order to keep, and
                # _run_node_arrays touches grads, deps and ready only for node inputs.
                self._run_node_arrays(root, grad, None, None, None)
                del grad
                if release:
                    root.release()
                return
        deps: dict[Function, int] = {}
        stack = [root]
        while stack:
            for parent in stack.pop().parents:
                if isinstance(parent, Function):
                    if parent in deps:
                        deps[parent] += 1
                    else:
                        deps[parent] = 1
                        stack.append(parent)
        grads = {root: grad}
        del grad  # (no array outlives its node: conv's cached blocks are reused only when free)
        ready = [root]
        while ready:
            fn = ready.pop()
            grad = grads.pop(fn, None)
            extra = fn.__dict__
            if grad is None:  # every gradient sent here was None: nothing to run
                for parent in fn.parents:
                    if isinstance(parent, Function):
                        _consumed(parent, deps, ready)
            elif "hooks" in extra or "retained" in extra or "freed" in extra:
                self._run_node(fn, grad, grads, deps, ready)
            else:
                self._run_node_arrays(fn, grad, grads, deps, ready)
            grad = None
            if release:  # Function.release, written out: a method call per node measured 1-2% per chain
                renamed = extra.get("grad_fn_name")
                extra.clear()
                fn.freed = True
                fn.parents = ()
                if renamed is not None:
                    fn.grad_fn_name = renamed

    def _run_node_arrays(self, fn: Function, grad, grads: dict, deps: dict, ready: list) -> None:
        """``_run_node`` for a node without hooks in array mode (the steps written out: this
        runs for every node of every training step)."""
        if type(grad) is not np.ndarray:  # NumPy returns scalars from 0-d arithmetic
            grad = np.asarray(grad)
        inputs = fn.inputs
        if fn.saves_inputs:
            for t, version in zip(inputs, fn.versions):
                if t._version[0] != version:
                    check_versions(fn)  # raises, naming the input
        if fn.saves_output and fn.output_version[0][0] != fn.output_version[1]:
            check_versions(fn)  # raises
        in_grads = input_grads(fn, grad, False)
        if len(inputs) == 1:  # one input (most ops): the loop below, written for it
            parent = fn.parents[0]
            g = in_grads[0]
            if parent is None:
                return
            node = isinstance(parent, Function)
            if g is None:
                if node:
                    _consumed(parent, deps, ready)
                return
            data = inputs[0]._data
            if type(g) is not np.ndarray:
                g = np.asarray(g)
            if g.shape != data.shape:
                g = sum_to_array(g, data.shape)
            if g.dtype != data.dtype:
                g = g.astype(data.dtype)
            if node:
                previous = grads.get(parent)
                grads[parent] = g if previous is None else previous + g  # never in place
                deps[parent] -= 1
                if deps[parent] == 0:
                    ready.append(parent)
            elif parent._hooks:
                self._deliver_leaf(parent, g, copy=g is grad)
            elif parent._requires_grad:
                self._store_grad(parent, g, g is grad)
            return
        shared = len(in_grads) > 1  # whether one array may have been sent to two inputs
        for parent, t, g in zip(fn.parents, inputs, in_grads):
            if parent is None:  # no gradient needed: whatever the op sent is dropped
                continue
            node = isinstance(parent, Function)
            if g is None:
                if node:
                    _consumed(parent, deps, ready)
                continue
            data = t._data
            if type(g) is not np.ndarray:
                g = np.asarray(g)
            if g.shape != data.shape:
                g = sum_to_array(g, data.shape)
            if g.dtype != data.dtype:
                g = g.astype(data.dtype)
            if node:
                previous = grads.get(parent)
                grads[parent] = g if previous is None else previous + g  # never in place
                deps[parent] -= 1
                if deps[parent] == 0:
                    ready.append(parent)
            elif parent._hooks:
                self._deliver_leaf(parent, g, copy=g is grad or shared and _sent_twice(g, in_grads))
            elif parent._requires_grad:
                # A gradient passed straight through (or sent to two inputs) is shared with
                # other nodes: the leaf gets its own copy (_store_grad copies views too).
                self._store_grad(parent, g, g is grad or shared and _sent_twice(g, in_grads))

    def _run_node(self, fn: Function, grad, grads: dict, deps: dict, ready: list) -> None:
        """Run one node's backward and send each result to the node (or leaf) it belongs to;
        a node whose consumers have all sent theirs becomes ready."""
        extra = fn.__dict__
        if "freed" in extra:
            raise RuntimeError(FREED_MESSAGE)
        arrays = self.arrays
        if arrays and type(grad) is not np.ndarray:  # NumPy returns scalars from 0-d arithmetic
            grad = np.asarray(grad)
        if "hooks" in extra or "retained" in extra or self.capture:
            grad = self._node_prelude(fn, grad)
        if fn.saves_inputs or fn.saves_output:
            check_versions(fn)
        in_grads = input_grads(fn, grad, self.create_graph)
        for parent, t, g in zip(fn.parents, fn.inputs, in_grads):
            if parent is None:  # no gradient needed: whatever the op sent is dropped
                continue
            node = isinstance(parent, Function)
            if g is None:
                if node:
                    _consumed(parent, deps, ready)
                continue
            data = t._data
            if arrays:  # (inline: this loop runs for every edge of the graph)
                if type(g) is not np.ndarray:
                    g = np.asarray(g)
                if g.shape != data.shape:
                    g = sum_to_array(g, data.shape)
                if g.dtype != data.dtype:
                    g = g.astype(data.dtype)
            else:
                g = self._fit(g, data)
            if node:
                previous = grads.get(parent)
                # Never in place: an op may send one array to several inputs.
                grads[parent] = g if previous is None else previous + g
                deps[parent] -= 1  # (_consumed, inline: this runs for every edge)
                if deps[parent] == 0:
                    ready.append(parent)
            else:
                # A gradient passed straight through (or sent to two inputs) is shared with
                # other nodes: copy it before a leaf owns it and accumulates into it.
                shared = arrays and (g is grad or _sent_twice(g, in_grads))
                self._deliver_leaf(parent, g, copy=shared)

    def _fit(self, g: Tensor, data: np.ndarray) -> Tensor:
        """The Tensor ``g`` summed down to the input's shape (undoing broadcasting, recorded)
        and cast to its dtype."""
        if g._data.shape != data.shape:
            g = sum_to(g, data.shape)
        return g if g._data.dtype == data.dtype else g.to(dtypes.from_numpy_dtype(data.dtype))

    def _node_prelude(self, fn: Function, grad):
        """Hooks on the node's output, ``retain_grad`` and ``autograd.grad`` capture (hooks
        see Tensors in both modes)."""
        extra = fn.__dict__
        t = Tensor._wrap(grad) if self.arrays else grad
        if "hooks" in extra:
            for hook in extra["hooks"]:
                replaced = hook(t)
                if replaced is not None:
                    t = replaced
        if "retained" in extra:
            self._accumulate(extra["retained"], t, copy=True)
        if self.capture:
            index = self.capture.get(id(fn))
            if index is not None:
                self._capture(index, t)
        return t._data if self.arrays else t

    def _deliver_leaf(self, leaf: Tensor, grad, copy: bool) -> None:
        """Hand ``grad`` (a Tensor in tensor mode, an array in array mode) to a leaf."""
        arrays = self.arrays
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


def _consumed(node: Function, deps: dict, ready: list) -> None:
    """One more consumer of ``node`` has run; once all have, ``node`` is ready."""
    deps[node] -= 1
    if deps[node] == 0:
        ready.append(node)


def _sent_twice(g: np.ndarray, in_grads) -> bool:
    seen = 0
    for other in in_grads:
        if other is g:
            seen += 1
    return seen > 1


def check_versions(fn: Function) -> None:
    """Refuse to differentiate with saved inputs (or a saved output) that were overwritten
    (also used by tools that call an op's backward themselves: ``explain_backward``).

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

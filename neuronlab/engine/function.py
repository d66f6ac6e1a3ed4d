"""The unit of autograd: a ``Function`` is one op with its forward and backward side by side.

``forward`` works on NumPy arrays and returns an array. ``backward(grad, *saved)`` receives
the upstream gradient ``grad`` and the values the op declared it saves (its inputs, then its
output) and returns one gradient (or ``None``) per input. It is written once, with operators
and functions that work on arrays and on Tensors alike: the engine (``graph.py``, the one
place that decides) calls it with arrays in an ordinary backward pass and with Tensors, recorded,
under ``create_graph=True``. The engine, not the op, reduces broadcast gradients back to the
input's shape, casts them to the input's dtype, and drops those no input needs.
"""

from __future__ import annotations

import weakref

import numpy as np

from neuronlab.engine.call_time_imports import modules
from neuronlab.engine.grad_mode import STATE
from neuronlab.engine.tensor import Tensor


class ShapeError(RuntimeError, ValueError):
    """Operand shapes that do not fit the op (catchable as ``RuntimeError``, as in PyTorch,
    or as ``ValueError``)."""


class Function:
    """Base class of every differentiable op (see the module docstring).

    Class attributes a subclass may set:

    * ``saves_inputs`` -- ``backward`` receives the input values after ``grad``; the engine
      refuses to run it if an input was modified in place after the forward pass.
    * ``saves_output`` -- ``backward`` receives the output value (after the inputs, if those
      are saved too). Under ``create_graph`` it is a Tensor whose ``grad_fn`` is this node, as
      PyTorch's saved outputs are, so higher derivatives flow through the op itself. The
      engine refuses to run the backward if the output was modified in place.
    * ``view`` -- the output is a NumPy view of the first input, so they share a version
      counter (an in-place change through either is seen by both).
    * ``formula`` and ``local_derivatives`` -- how ``analysis.explain_backward`` writes the op
      (``"{0} * {1}"``) and its derivative with respect to each input (``("{1}", "{0}")``).
    * ``backward_arrays`` -- only where the array code must really differ from the formula
      (conv, batch norm...): a second form taking and returning arrays, which the engine
      prefers when nothing is recorded. Each one says why in its docstring.
    * ``grad_fn_name`` -- the name PyTorch 2.13 gives the ``grad_fn`` of the same user-level
      call (``MulBackward0``), which ``name()``, the node's repr and the tensor's repr show.
      Where PyTorch's name depends on the call (``1 - x`` is ``RsubBackward1``, ``x[0]``
      ``SelectBackward0``), the public function applies a subclass that declares the other
      name, so nothing is computed per op. A class declaring it also takes it as its
      ``__name__`` (``type(y.grad_fn).__name__`` is what graph drawers such as torchviz
      print); ``__qualname__`` keeps the Python name, so ``repr(Mul)`` still says ``Mul``.

    While recorded, a node holds ``inputs`` (the input Tensors), ``needs_input_grad`` (one
    bool per input, PyTorch's name: skip the work for inputs that need no gradient) and, for
    the engine, ``parents`` (the node or leaf each input's gradient goes to, else ``None``).
    """

    view = False
    saves_inputs = True
    saves_output = False
    formula: str | None = None
    local_derivatives: tuple[str, ...] = ()
    backward_arrays = None
    grad_fn_name: str | None = None
    # Filled in when the op is recorded:
    inputs: tuple
    parents: list
    needs_input_grad: tuple
    versions: list

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "grad_fn_name" in cls.__dict__:  # see the class docstring: once per class, not per op
            cls.__name__ = cls.grad_fn_name

    def forward(self, *arrays: np.ndarray, **params) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad, *saved):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **params):
        """Run the forward pass on ``inputs`` (Tensors) and record the op if any input
        requires grad and grad mode is on. Returns the output ``Tensor``."""
        fn = object.__new__(cls)
        if len(inputs) == 1:  # most ops: no list to build, and a lean record (_record_one)
            t = inputs[0]
            try:
                out = fn.forward(t._data, **params)
            except ValueError as error:
                if "broadcast" in str(error):
                    raise broadcast_error(fn.name(), inputs) from None
                raise
            if type(out) is not np.ndarray:
                out = np.asarray(out)
            if t._requires_grad and STATE.enabled:
                return _record_one(fn, inputs, t, out)
            result = Tensor._wrap(out)
            if cls.view:
                _share_version(result, t)
            return result
        try:
            out = fn.forward(*[t._data for t in inputs], **params)
        except ValueError as error:
            if "broadcast" in str(error):
                raise broadcast_error(fn.name(), inputs) from None
            raise
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        for t in inputs:
            if t._requires_grad:
                if STATE.enabled:
                    return _record(fn, inputs, out)
                break
        result = Tensor._wrap(out)
        if cls.view:
            _share_version(result, inputs[0])
        return result

    @classmethod
    def call(cls, *inputs, **params):
        """The op inside another op's backward formula: ``apply`` on Tensors (recorded, so
        that higher derivatives flow), only ``forward`` on NumPy arrays."""
        if isinstance(inputs[0], Tensor):
            return cls.apply(*inputs, **params)
        return np.asarray(object.__new__(cls).forward(*inputs, **params))

    # -- introspection, as PyTorch's grad_fn objects offer it -----------------------------
    def name(self) -> str:
        """PyTorch's ``grad_fn.name()``: ``MulBackward0`` for ``a * b`` (``grad_fn_name``; a
        composite call may rename the node of its output, see ``named``). An op that declares
        no name (an internal op) is called after its class: ``IndexScatterBackward0``."""
        return self.__dict__.get("grad_fn_name") or self.grad_fn_name or type(self).__name__ + "Backward0"

    @property
    def next_functions(self) -> tuple:
        """The nodes this one sends gradients to: ``(node, 0)`` pairs; leaves appear as
        ``AccumulateGrad`` nodes and inputs that need no gradient as ``(None, 0)``."""
        self._check_alive()
        return tuple(
            (None if p is None else p if isinstance(p, Function) else AccumulateGrad(p), 0)
            for p in self.parents
        )

    def register_hook(self, hook) -> None:
        """Call ``hook(grad)`` on the gradient reaching this node's output."""
        self.__dict__.setdefault("hooks", []).append(hook)

    def release(self) -> None:
        """Free saved values after a backward pass without ``retain_graph`` (keeping a name
        given by ``named``: PyTorch's nodes keep theirs)."""
        renamed = self.__dict__.get("grad_fn_name")
        self.__dict__.clear()
        self.freed = True
        self.parents = ()
        if renamed is not None:
            self.grad_fn_name = renamed

    def _check_alive(self) -> None:
        if self.__dict__.get("freed"):
            raise RuntimeError(FREED_MESSAGE)

    def __repr__(self) -> str:
        return f"<{self.name().rpartition('::')[2]} object at {id(self):#x}>"  # PyTorch's form


FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the graph "
    "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
    "you need to backward through the graph a second time."
)


class AccumulateGrad:
    """Stands for a leaf tensor in ``next_functions`` (PyTorch shows the same name)."""

    def __init__(self, variable) -> None:
        self.variable = variable
        self.next_functions = ()

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


def named(out: Tensor, name: str) -> Tensor:
    """``out``, its node renamed ``name``: what PyTorch calls the ``grad_fn`` of a call that
    neuronlab composes from several ops (``F.silu`` is ``x * sigmoid(x)`` here, one
    ``SiluBackward0`` node in PyTorch) or fuses differently (``F.cross_entropy`` is one node
    here, ``NllLossBackward0`` after ``LogSoftmaxBackward0`` in PyTorch). Only the output's
    node is renamed; ``next_functions`` still shows neuronlab's graph."""
    if out.grad_fn is not None:
        out.grad_fn.__dict__["grad_fn_name"] = name
    return out


def _record(fn: Function, inputs: tuple, out: np.ndarray) -> Tensor:
    """Make ``fn`` the ``grad_fn`` of the output: remember the inputs, where each input's
    gradient goes, and what the op saves."""
    fn.inputs = inputs
    # Plain loops: this runs once per recorded op, and generator expressions cost more here.
    parents = []
    needs = []
    versions = []
    for t in inputs:
        versions.append(t._version[0])
        if t._requires_grad:
            node = t.grad_fn
            if node is not None and len(t._version) > 1:  # a view: is its history current?
                node = modules.indexing.current_grad_fn(t)
            parents.append(t if node is None else node)
            needs.append(True)
        else:
            parents.append(None)
            needs.append(False)
    fn.parents = parents
    fn.needs_input_grad = needs
    if fn.saves_inputs:
        fn.versions = versions
    result = Tensor._wrap(out, True, fn)
    if fn.view:
        _share_version(result, inputs[0])
    if fn.saves_output:
        fn.saved_output = out
        fn.output_version = (result._version, result._version[0])
    return result


def _record_one(fn: Function, inputs: tuple, t: Tensor, out: np.ndarray) -> Tensor:
    """``_record`` for an op of one input ``t`` that requires grad (most recorded ops): the
    same attributes, set without the loop."""
    fn.inputs = inputs
    node = t.grad_fn
    if node is not None and len(t._version) > 1:  # a view: is its history current?
        node = modules.indexing.current_grad_fn(t)
    fn.parents = [t if node is None else node]
    fn.needs_input_grad = [True]
    if fn.saves_inputs:
        fn.versions = [t._version[0]]
    result = Tensor._wrap(out, True, fn)
    if fn.view:
        _share_version(result, t)
    if fn.saves_output:
        fn.saved_output = out
        fn.output_version = (result._version, result._version[0])
    return result


def _share_version(view: Tensor, base: Tensor) -> None:
    """A view shares its base's version counter ``[count]``; the counter also keeps a weak
    reference to the base tensor (``[count, base]``), so that an in-place op on the view can
    rewrite the base's history too (``Tensor._inplace``), as PyTorch's ``CopySlices`` does,
    and a view whose base was written since can read the new base
    (``ops.indexing.current_grad_fn``)."""
    version = base._version
    if len(version) == 1:
        version.append(weakref.ref(base))
    view._version = version
    if view.grad_fn is not None:  # the count its history is valid for (current_grad_fn)
        view.grad_fn.base_version = version[0]


def record_custom(fn: Function, inputs: tuple, out: np.ndarray) -> Tensor:
    """Record a node made outside ``apply`` (``autograd.Function``'s user-defined ops)."""
    return _record(fn, inputs, out)


def broadcast_error(op: str, inputs) -> ShapeError:
    """The error for operands whose shapes do not broadcast, naming the op and both shapes."""
    shapes = [tuple(t.shape) for t in inputs]
    detail = ""
    if len(shapes) == 2:
        a, b = shapes
        for i in range(1, max(len(a), len(b)) + 1):
            da = a[-i] if i <= len(a) else 1
            db = b[-i] if i <= len(b) else 1
            if da != db and 1 not in (da, db):
                dim = max(len(a), len(b)) - i
                detail = (
                    f"the size of tensor a ({da}) must match the size of tensor b ({db}) "
                    f"at non-singleton dimension {dim}; "
                )
                break
    listed = " and ".join(str(s) for s in shapes)
    return ShapeError(
        f"{op.rstrip('0123456789').removesuffix('Backward').lower()}(): {detail}shapes {listed} cannot be "
        "broadcast together (sizes must be equal or 1, compared from the last dimension)"
    )

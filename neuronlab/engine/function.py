"""The unit of autograd: a ``Function`` is one op with its forward and backward side by side.

``forward`` works on NumPy arrays and returns an array; ``backward`` receives the upstream
gradient ``grad`` as a ``Tensor`` and returns one gradient (or ``None``) per input, written
with tensor operations. The engine runs ``backward`` without recording, unless
``create_graph=True`` asked for higher derivatives: then the same formulas are recorded and
can be differentiated again. An op may also define ``backward_numpy``, the same formulas on
bare arrays, which the engine prefers when nothing is being recorded. The engine, not the
op, reduces broadcast gradients back to the input's shape and casts them to the input's
dtype.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.grad_mode import STATE


class ShapeError(RuntimeError, ValueError):
    """Operand shapes that do not fit the op (catchable as ``RuntimeError``, as in PyTorch,
    or as ``ValueError``)."""


class Function:
    """Base class of every differentiable op (see the module docstring).

    Class attributes a subclass may set:

    * ``view`` -- the output is a NumPy view of the first input, so they share a version
      counter (an in-place change through either is seen by both).
    * ``saves_inputs`` -- ``backward`` reads the input values; the engine then refuses to
      run it if an input was modified in place after the forward pass.
    * ``saves_output`` -- ``backward`` reads the output value (kept by the op, sharing the
      output tensor's storage); the engine refuses to run it if the output was modified in
      place, as PyTorch does, instead of differentiating with the overwritten values.
    """

    view = False
    saves_inputs = True
    saves_output = False
    # Filled in when the op is recorded:
    inputs: tuple
    parents: tuple
    versions: tuple

    def forward(self, *arrays: np.ndarray, **params) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    # Optional: the same derivative on bare arrays, ``backward_numpy(grad: ndarray) -> tuple of
    # ndarray | None``. The engine calls it instead of ``backward`` whenever the backward pass
    # itself is not being recorded (no ``create_graph``), which skips creating a tensor for
    # every intermediate product. Ops on the training hot path define it.
    backward_numpy = None

    @classmethod
    def apply(cls, *inputs, **params):
        """Run the forward pass on ``inputs`` (Tensors) and record the op if any input
        requires grad and grad mode is on. Returns the output ``Tensor``."""
        fn = object.__new__(cls)
        try:
            out = fn.forward(*[t._data for t in inputs], **params)
        except ValueError as error:
            if "broadcast" in str(error):
                raise broadcast_error(fn.name(), inputs) from None
            raise
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        if STATE.enabled:
            for t in inputs:
                if t._requires_grad:
                    return _record(fn, inputs, out)
        result = Tensor._wrap(out)
        if cls.view:
            result._version = inputs[0]._version
        return result

    # -- introspection, as PyTorch's grad_fn objects offer it -----------------------------
    def name(self) -> str:
        """``MulBackward0`` for the ``Mul`` op, like PyTorch's ``grad_fn.name()``."""
        return type(self).__name__ + "Backward0"

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
        """Free saved values after a backward pass without ``retain_graph``."""
        self.__dict__.clear()
        self.freed = True

    def _check_alive(self) -> None:
        if self.__dict__.get("freed"):
            raise RuntimeError(FREED_MESSAGE)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


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
        return "<AccumulateGrad>"


def _record(fn: Function, inputs: tuple, out: np.ndarray):
    fn.inputs = inputs
    # Plain loops: this runs once per recorded op, and generator expressions cost more here.
    parents = []
    for t in inputs:
        if t._requires_grad:
            node = t.grad_fn
            parents.append(t if node is None else node)
        else:
            parents.append(None)
    fn.parents = parents
    if fn.saves_inputs:
        fn.versions = [t._version[0] for t in inputs]
    result = Tensor._wrap(out, True, fn)
    if fn.view:
        result._version = inputs[0]._version
    if fn.saves_output:
        fn.output_version = (result._version, result._version[0])
    return result


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
        f"{op.removesuffix('Backward0').lower()}(): {detail}shapes {listed} cannot be "
        "broadcast together (sizes must be equal or 1, compared from the last dimension)"
    )


def sum_to_array(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum the array ``grad`` down to ``shape`` (undo broadcasting)."""
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    out = grad.sum(axis=axes) if axes else grad
    return out.reshape(shape)


from neuronlab.engine.tensor import Tensor  # noqa: E402 - Tensor needs Function first

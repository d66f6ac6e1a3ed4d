"""User-defined differentiable ops with PyTorch's ``autograd.Function`` interface::

class Square(neuronlab.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad

y = Square.apply(x)
"""

from __future__ import annotations

from neuronlab.engine import function as engine
from neuronlab.engine.grad_mode import STATE, no_grad
from neuronlab.engine.tensor import Tensor


class FunctionCtx:
    """What ``forward`` passes to ``backward``: saved tensors and any attributes set on it."""

    def save_for_backward(self, *tensors) -> None:
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value


class _CustomNode(engine.Function):
    """The graph node of a user-defined Function: calls the user's ``backward``.

    The user's code speaks Tensors only, so this node has the second, array-only form of
    the backward: in an ordinary backward pass it wraps the array gradient in a Tensor and
    unwraps the results (grad mode is off then: nothing is recorded)."""

    saves_inputs = False

    def name(self) -> str:
        return self.user_class.__name__ + "Backward"

    def backward_arrays(self, grad):
        """The user's backward on the array gradient wrapped in a Tensor; arrays out."""
        results = self.backward(Tensor._wrap(grad))
        return tuple(None if g is None else g._data for g in results)

    def backward(self, grad):
        result = self.user_class.backward(self.ctx, grad)
        result = result if isinstance(result, tuple) else (result,)
        if len(result) != len(self.positions_all):
            raise RuntimeError(
                f"function {self.user_class.__name__}.backward returned an incorrect number of "
                f"gradients (expected {len(self.positions_all)}, got {len(result)})"
            )
        return tuple(result[i] for i in self.positions)


class Function:
    """Base class for ops written by the user: static ``forward(ctx, *args)`` and
    ``backward(ctx, grad)`` returning one gradient (or ``None``) per argument of forward."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("subclasses of autograd.Function must implement forward")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("subclasses of autograd.Function must implement backward")

    @classmethod
    def apply(cls, *args):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            out = cls.forward(ctx, *args)
        if not isinstance(out, Tensor):
            raise TypeError(f"{cls.__name__}.forward must return a Tensor, got {type(out).__name__}")
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        inputs = tuple(args[i] for i in positions)
        if not (STATE.enabled and any(t.requires_grad for t in inputs)):
            return out
        node = _CustomNode()
        node.user_class, node.ctx = cls, ctx
        node.positions, node.positions_all = positions, args
        return engine.record_custom(node, inputs, out._data)

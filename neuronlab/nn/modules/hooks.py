"""Hook plumbing for ``Module``: removable handles, and the identity nodes that let a full
backward hook see the gradients at a module's inputs and outputs."""

from __future__ import annotations

import itertools

from neuronlab.engine.array_or_tensor import as_tensor
from neuronlab.engine.function import Function
from neuronlab.engine.tensor import Tensor

_ids = itertools.count()


class RemovableHandle:
    """Returned by ``register_*_hook``; ``handle.remove()`` unregisters the hook."""

    def __init__(self, registry: dict) -> None:
        self.registry = registry
        self.id = next(_ids)

    def remove(self) -> None:
        self.registry.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class _GradTap(Function):
    """Identity in the forward pass; in the backward pass hands the gradient to ``callback``
    (as a Tensor in both backward modes, as hooks always see it)."""

    saves_inputs = False

    def forward(self, x, callback):
        self.callback = callback
        return x

    def backward(self, grad):
        self.callback(as_tensor(grad))
        return (grad,)


class BackwardHookState:
    """Collects grad_output at a module's output and grad_input at its input, then calls the
    module's full backward hooks as ``hook(module, grad_input, grad_output)``."""

    def __init__(self, module, hooks) -> None:
        self.module, self.hooks = module, hooks
        self.grad_output: tuple | None = None
        self.input_needs_grad = False

    def tap_input(self, x: Tensor) -> Tensor:
        if not x.requires_grad:
            return x
        self.input_needs_grad = True
        return _GradTap.apply(x, callback=self._on_input)

    def tap_output(self, out: Tensor) -> Tensor:
        if not out.requires_grad:
            return out
        return _GradTap.apply(out, callback=self._on_output)

    def _on_output(self, grad: Tensor) -> None:
        self.grad_output = (grad,)
        if not self.input_needs_grad:
            self._fire((None,))

    def _on_input(self, grad: Tensor) -> None:
        self._fire((grad,))

    def _fire(self, grad_input: tuple) -> None:
        for hook in list(self.hooks.values()):
            hook(self.module, grad_input, self.grad_output)

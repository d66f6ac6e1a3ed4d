"""``neuronlab.autograd``: ``backward``, ``grad``, custom ``Function``s, ``gradcheck`` and
``gradgradcheck``, and ``functional`` (jacobian, hessian, vjp, hvp)."""

from __future__ import annotations

from neuronlab.autograd import functional
from neuronlab.autograd.custom import Function, FunctionCtx
from neuronlab.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from neuronlab.engine.grad_mode import enable_grad, no_grad, set_grad_enabled
from neuronlab.engine.graph import run_backward
from neuronlab.engine.tensor import Tensor

__all__ = [
    "Function", "FunctionCtx", "GradcheckError", "backward", "enable_grad", "functional", "grad",
    "gradcheck", "gradgradcheck", "no_grad", "set_grad_enabled",
]  # fmt: skip


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Tensor):
        return [value]
    return list(value)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (or only into ``inputs``).

    ``retain_graph`` defaults to ``create_graph``; without it the graph's saved values are
    freed and a second backward through it raises ``RuntimeError``.
    """
    outputs = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
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
            g = g.detach()
            t._grad = (
                Tensor._wrap(g._data.copy()) if t._grad is None else Tensor._wrap(t._grad._data + g._data)
            )


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
        from neuronlab.ops.creation import zeros_like

        results = [zeros_like(t) if g is None else g for t, g in zip(ins, results)]
    return tuple(results)

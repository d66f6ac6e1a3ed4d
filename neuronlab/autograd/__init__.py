"""``neuronlab.autograd``: ``backward`` and ``grad`` (defined with the walk they start, in
``engine/graph.py``), custom ``Function``s, ``gradcheck`` and ``gradgradcheck``, and
``functional`` (jacobian, hessian, vjp, hvp)."""

from __future__ import annotations

from neuronlab.autograd import functional
from neuronlab.autograd.custom import Function, FunctionCtx
from neuronlab.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from neuronlab.engine.grad_mode import enable_grad, no_grad, set_grad_enabled
from neuronlab.engine.graph import backward, grad

__all__ = [
    "Function", "FunctionCtx", "GradcheckError", "backward", "enable_grad", "functional", "grad",
    "gradcheck", "gradgradcheck", "no_grad", "set_grad_enabled",
]  # fmt: skip

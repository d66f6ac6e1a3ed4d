"""Higher-level derivatives of functions, like ``torch.autograd.functional``:
``vjp``, ``jacobian``, ``hvp``, ``vhp`` and ``hessian``."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.graph import run_backward
from neuronlab.engine.tensor import Tensor


def _tuple(x) -> tuple:
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _fresh(inputs: tuple) -> tuple[Tensor, ...]:
    """Leaf copies of the inputs that require grad, so the caller's tensors are untouched."""
    return tuple(Tensor._wrap(t._data.copy(), True) for t in inputs)


def _grad(outputs, inputs, grad_outputs, create_graph) -> list[Tensor]:
    grads = run_backward(outputs, grad_outputs, True, create_graph, inputs=list(inputs), allow_unused=True)
    return [Tensor._wrap(np.zeros_like(t._data)) if g is None else g for g, t in zip(grads, inputs)]


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), vᵀ J)``: the output and the vector-Jacobian product."""
    single = isinstance(inputs, Tensor)
    xs = _fresh(_tuple(inputs))
    out = func(*xs)
    outs = _tuple(out)
    vs = [None] * len(outs) if v is None else list(_tuple(v))
    grads = _grad(list(outs), xs, vs, create_graph)
    grads = [g if create_graph else g.detach() for g in grads]
    return (out.detach() if isinstance(out, Tensor) else out), (grads[0] if single else tuple(grads))


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False):
    """The Jacobian of ``func`` at ``inputs``: shape ``out.shape + input.shape`` (tuples of them
    for several inputs/outputs, as PyTorch returns)."""
    single_in = isinstance(inputs, Tensor)
    xs = _fresh(_tuple(inputs))
    out = func(*xs)
    single_out = isinstance(out, Tensor)
    outs = _tuple(out)
    table = []
    for o in outs:
        rows = []
        for k in range(o.numel()):
            seed = np.zeros(o._data.size, dtype=o._data.dtype)
            seed[k] = 1
            rows.append(_grad([o], xs, [Tensor._wrap(seed.reshape(o.shape))], create_graph))
        per_input = []
        for i, x in enumerate(xs):
            stacked = np.stack([r[i]._data for r in rows]) if rows else np.zeros((0,) + x._data.shape)
            per_input.append(Tensor._wrap(stacked.reshape(o._data.shape + x._data.shape)))
        table.append(per_input[0] if single_in else tuple(per_input))
    return table[0] if single_out else tuple(table)


def hessian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False):
    """The Hessian of a scalar ``func`` at ``inputs``: shape ``input.shape + input.shape``
    (a nested tuple for several inputs), by double backward."""
    single_in = isinstance(inputs, Tensor)
    xs = _fresh(_tuple(inputs))
    out = func(*xs)
    if out.numel() != 1:
        raise RuntimeError(
            f"hessian(): the function must return a single-element tensor, got shape {tuple(out.shape)}"
        )
    grads = _grad([out], xs, [None], True)
    blocks = []
    for i, g in enumerate(grads):
        row = []
        flat = g.reshape(-1)
        per_j = [[] for _ in xs]
        for k in range(flat.numel()):
            if not flat.requires_grad:
                second = [Tensor._wrap(np.zeros_like(x._data)) for x in xs]
            else:
                seed = np.zeros(flat.shape, dtype=flat._data.dtype)
                seed[k] = 1
                second = _grad([flat], xs, [Tensor._wrap(seed)], create_graph)
            for j, s in enumerate(second):
                per_j[j].append(s._data)
        for j, x in enumerate(xs):
            stacked = np.stack(per_j[j]).reshape(xs[i]._data.shape + x._data.shape)
            row.append(Tensor._wrap(stacked))
        blocks.append(tuple(row))
    return blocks[0][0] if single_in else tuple(blocks)


def hvp(func, inputs, v, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), H v)``: a Hessian-vector product without forming H (two backward passes)."""
    single = isinstance(inputs, Tensor)
    xs = _fresh(_tuple(inputs))
    out = func(*xs)
    grads = _grad([out], xs, [None], True)
    vs = list(_tuple(v))
    dot = sum((g * vi).sum() for g, vi in zip(grads, vs))
    second = _grad([dot], xs, [None], create_graph) if dot.requires_grad else [
        Tensor._wrap(np.zeros_like(x._data)) for x in xs
    ]  # fmt: skip
    second = [s if create_graph else s.detach() for s in second]
    return out.detach(), (second[0] if single else tuple(second))


vhp = hvp  # the Hessian of a scalar function is symmetric, so vᵀH = (Hv)ᵀ

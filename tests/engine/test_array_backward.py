"""The two backward modes give the same gradients.

Each op has one ``backward`` formula; without ``create_graph`` the engine runs it on bare
arrays (or runs the op's array-only ``backward_arrays``, where conv, batch norm and layer norm
have one), with it on Tensors, recorded. Both are checked against PyTorch elsewhere; here they
are checked against each other, op by op, so a formula that works on one kind of value and not
the other, or a second form that drifts from the first, fails by name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch

import neuronlab
from neuronlab.autograd import Function
from neuronlab.engine import function as engine_function
from neuronlab.engine.graph import topological_order

from .op_table import CASES, leaves, outputs


def _grads(case, create_graph: bool) -> list:
    arrays = case.arrays("float64")
    inputs = leaves(neuronlab, arrays, case.row.grad)
    outs = [o for o in outputs(case.row.fn(neuronlab, *inputs)) if isinstance(o, neuronlab.Tensor)]
    outs = [o for o in outs if o.requires_grad]
    rng = np.random.default_rng(3)
    upstream = [neuronlab.tensor(rng.standard_normal(tuple(o.shape))) for o in outs]
    wanted = [t for t in inputs if t.requires_grad]
    grads = neuronlab.autograd.grad(outs, wanted, upstream, create_graph=create_graph, allow_unused=True)
    return [None if g is None else g.detach().numpy() for g in grads]


@pytest.mark.parametrize("case", [c for c in CASES if c.differentiable], ids=lambda c: c.id)
def test_array_mode_equals_tensor_mode(case):
    arrays_mode, tensor_mode = _grads(case, False), _grads(case, True)
    for i, (a, t) in enumerate(zip(arrays_mode, tensor_mode)):
        assert (a is None) == (t is None), f"input {i}"
        if a is not None:
            assert a.dtype == t.dtype and a.shape == t.shape, f"input {i}"
            np.testing.assert_allclose(a, t, rtol=1e-12, atol=1e-14, err_msg=f"input {i}")


def test_one_gradient_sent_to_two_inputs_is_not_aliased():
    """Add sends the same array to both operands; the leaf must own a copy."""
    x = neuronlab.tensor([1.0, 2.0], requires_grad=True)
    (x + x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    y = neuronlab.tensor([1.0, 2.0], requires_grad=True)
    z = neuronlab.tensor([3.0, 4.0], requires_grad=True)
    (y + z).sum().backward()
    y.grad += 1  # in place: must not change z.grad
    assert z.grad.tolist() == [1.0, 1.0]


def test_zero_dim_arithmetic_gives_tensors():
    """NumPy returns scalars (not arrays) from 0-d arithmetic; the engine wraps them back."""
    a = neuronlab.tensor(2.0, requires_grad=True)
    b = neuronlab.tensor(3.0, requires_grad=True)
    (a * b / a - b).backward()
    assert isinstance(a.grad, neuronlab.Tensor) and a.grad.shape == ()
    assert float(a.grad) == pytest.approx(0.0) and float(b.grad) == pytest.approx(0.0)
    (a * b).backward()
    assert float(a.grad) == pytest.approx(3.0)


def test_user_functions_and_hooks_still_run_in_array_mode():
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2

    x = neuronlab.tensor([1.0, 2.0], dtype=neuronlab.float64, requires_grad=True)
    h = Cube.apply(x).tanh()
    seen = []
    h.register_hook(lambda g: seen.append(g.clone()) or g * 2)
    h.retain_grad()
    h.sum().backward()
    expected = 2 * (1 - np.tanh(np.array([1.0, 8.0])) ** 2) * 3 * np.array([1.0, 4.0])
    np.testing.assert_allclose(x.grad.numpy(), expected)
    assert isinstance(seen[0], neuronlab.Tensor) and seen[0].tolist() == [1.0, 1.0]
    assert h.grad.tolist() == [2.0, 2.0]


def test_identity_hooks_on_two_leaves_do_not_alias_their_grads():
    """A hook that returns the gradient it was given still gets a leaf its own copy."""
    y = neuronlab.tensor([1.0, 2.0], requires_grad=True)
    z = neuronlab.tensor([3.0, 4.0], requires_grad=True)
    y.register_hook(lambda g: g)
    z.register_hook(lambda g: g)
    ((y + z) * neuronlab.tensor([2.0, 3.0])).sum().backward()
    y.grad += 1
    assert z.grad.tolist() == [2.0, 3.0] and y.grad.tolist() == [3.0, 4.0]


OPS = Path(neuronlab.__file__).parent / "ops"


def test_no_backward_reads_grad_mode():
    """Which backward code runs is decided in one place (``engine/graph.py``): no op's
    backward looks at grad mode."""
    for path in sorted(OPS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("backward"):
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
                assert not names & {"STATE", "is_grad_enabled", "enabled"}, f"{path.name}: {node.name}"


def test_second_array_forms_are_few_and_say_why():
    """Only ops whose array code must really differ have ``backward_arrays``, with a docstring."""
    found = {
        cls.__qualname__  # __name__ is the grad_fn name PyTorch gives
        for cls in _subclasses(engine_function.Function)
        if cls.__dict__.get("backward_arrays") is not None
    }
    assert found == {"Conv2d", "BatchNorm", "LayerNorm", "_CustomNode"}
    for cls in _subclasses(engine_function.Function):
        if "backward_arrays" in cls.__dict__:
            assert cls.__dict__["backward_arrays"].__doc__ or "backward_arrays" in (cls.__doc__ or ""), cls


def _subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


@pytest.mark.parametrize("op", ["exp", "tanh", "sigmoid", "sqrt", "softmax", "log_softmax"])
def test_a_saved_output_comes_back_with_the_node_as_grad_fn(op):
    """Under ``create_graph`` the saved output is the op's own output in the graph (PyTorch's
    saved-variable semantics): the gradient's graph reaches the op's node, no forward re-run."""
    x = neuronlab.tensor([0.3, 1.2, 2.0], dtype=neuronlab.float64, requires_grad=True)
    y = getattr(neuronlab, op)(x, 0) if "softmax" in op else getattr(neuronlab, op)(x)
    before = len(topological_order([y.grad_fn]))
    (g,) = neuronlab.autograd.grad((y * y).sum(), x, create_graph=True)
    assert y.grad_fn in topological_order([g.grad_fn])
    assert len(topological_order([y.grad_fn])) == before  # the forward graph was not extended
    # and the second derivative is right: compare with torch
    tx = torch.tensor([0.3, 1.2, 2.0], dtype=torch.float64, requires_grad=True)
    ty = getattr(torch, op)(tx, 0) if "softmax" in op else getattr(torch, op)(tx)
    (tg,) = torch.autograd.grad((ty * ty).sum(), tx, create_graph=True)
    np.testing.assert_allclose(
        neuronlab.autograd.grad(g.sum(), x)[0].numpy(),
        torch.autograd.grad(tg.sum(), tx)[0].numpy(),
        rtol=1e-10,
        atol=1e-12,
    )


def test_a_node_whose_consumer_sent_no_gradient_still_passes_on_the_others():
    """A consumer may return None for an input that requires grad; the input's own node must
    still run once its other consumers have sent theirs."""

    class Blocked(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            return None

    for create_graph in (False, True):
        w = neuronlab.tensor([1.0, 2.0], requires_grad=True)
        h = w * 3
        loss = (Blocked.apply(h) + h * 2).sum()
        (g,) = neuronlab.autograd.grad(loss, w, create_graph=create_graph)
        assert g.tolist() == [6.0, 6.0]


def test_needs_input_grad_skips_work_for_inputs_that_need_none():
    x = neuronlab.randn(4, 3)
    w = neuronlab.randn(5, 3, requires_grad=True)
    out = neuronlab.nn.functional.linear(x, w)
    assert list(out.grad_fn.needs_input_grad) == [False, True]
    gx, gw, gb = out.grad_fn.backward(np.ones((4, 5), np.float32), x.numpy(), w.detach().numpy())
    assert gx is None and gb is None and gw.shape == (5, 3)

"""Autograd behaves as PyTorch defines it: leaves, accumulation, retain/create graph,
no_grad, detach, hooks, in-place rules, and the regression cases micrograd is known for."""

import numpy as np
import pytest
import torch as reference

import neuronlab as torch
from neuronlab import autograd


def test_gradients_accumulate_until_reset():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_non_leaf_grad_is_none_unless_retained():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y
    y.retain_grad()
    z.sum().backward()
    assert y.grad.tolist() == [4.0, 8.0]
    assert x.grad.tolist() == [8.0, 16.0]
    w = x * 2
    (w * w).sum().backward()
    assert w.grad is None and not w.is_leaf and x.is_leaf


def test_reused_node_gets_summed_gradient():
    # micrograd's classic bug: a node used twice must receive both contributions.
    a = torch.tensor(3.0, requires_grad=True)
    b = a + a
    b.backward()
    assert a.grad.item() == 2.0
    c = torch.tensor(-4.0, requires_grad=True)
    d = c * c * c  # c used three times through two nodes
    d.backward()
    assert c.grad.item() == pytest.approx(3 * 16.0)


def test_diamond_graph_matches_torch():
    def run(lib):
        x = lib.tensor([0.5, -1.5, 2.0], requires_grad=True)
        h = x.exp()
        out = (h * x.sin() + h.tanh() * 2).sum()
        out.backward()
        return x.grad.numpy()

    np.testing.assert_allclose(run(torch), run(reference), rtol=1e-6)


def test_backward_twice_through_freed_graph_raises():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_non_scalar_backward_needs_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    y.backward(torch.tensor([1.0, 0.5]))
    assert x.grad.tolist() == [2.0, 1.0]


def test_gradient_shape_must_match():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="shape"):
        (x * 2).backward(torch.ones(3))


def test_no_grad_context_and_decorator():
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None

    @torch.no_grad()
    def f(t):
        return t * 2

    @torch.no_grad
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad
    with torch.no_grad():
        with torch.enable_grad():
            assert (x * 2).requires_grad
    with torch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    assert not torch.is_grad_enabled()
    torch.set_grad_enabled(True)


def test_detach_shares_storage_and_cuts_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 10.0
    assert y[0].item() == 10.0


def test_data_attribute_textbook_update():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w.data -= 0.1 * w.grad.data  # the pre-0.4 textbook idiom
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6], rtol=1e-6)
    assert w.requires_grad and w.is_leaf


def test_inplace_on_leaf_requiring_grad_raises_outside_no_grad():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"
    ):
        w += 1
    with torch.no_grad():
        w -= 1
    assert w.tolist() == [0.0, 1.0]


def test_inplace_on_non_leaf_is_recorded_like_torch():
    def run(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 2
        y.add_(1)
        y.mul_(y.detach() + 1)
        (y * y).sum().backward()
        return x.grad.numpy()

    np.testing.assert_allclose(run(torch), run(reference))


def test_inplace_op_reading_itself_is_refused_like_torch():
    for lib in (torch, reference):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 2
        y.mul_(y)  # the saved operand is overwritten: both libraries refuse at backward
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_modifying_a_saved_tensor_is_detected():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y  # saves y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_setitem_on_non_leaf_routes_gradients():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v = lib.tensor(5.0, requires_grad=True)
        y = x * 2
        y[1] = v * 3
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return x.grad.numpy(), v.grad.numpy()

    for a, b in zip(run(torch), run(reference)):
        np.testing.assert_allclose(a, b)


def test_requires_grad_only_for_floating_leaves():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        torch.tensor([1, 2], requires_grad=True)
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False


def test_tensor_hooks_see_and_replace_gradients():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    y = x * 3
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [[30.0, 30.0]]
    assert x.grad.tolist() == [30.0, 30.0]


def test_autograd_grad_does_not_touch_dot_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad((x**3).sum(), x)
    assert g.tolist() == [3.0, 12.0] and x.grad is None


def test_autograd_grad_unused_input():
    x = torch.tensor([1.0], requires_grad=True)
    u = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        autograd.grad((x * 2).sum(), [x, u])
    gx, gu = autograd.grad((x * 2).sum(), [x, u], allow_unused=True)
    assert gu is None and gx.tolist() == [2.0]


def test_create_graph_gives_second_derivative():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad((x**3).sum(), x, create_graph=True)
    (h,) = autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, 12.0]
    # backward(create_graph=True) leaves a differentiable .grad
    y = torch.tensor(3.0, requires_grad=True)
    (y**4).backward(create_graph=True)
    (second,) = autograd.grad(y.grad, y)
    assert second.item() == pytest.approx(12 * 9.0)


def test_gradient_penalty_pattern():
    # WGAN-GP style: penalize the norm of the input gradient, then backprop into weights.
    def run(lib):
        w = lib.tensor([[0.5, -1.0], [2.0, 0.3]], requires_grad=True)
        x = lib.tensor([[1.0, 2.0]], requires_grad=True)
        out = (x @ w).tanh().sum()
        (gx,) = lib.autograd.grad(out, x, create_graph=True)
        penalty = ((gx.norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
        return w.grad.numpy()

    np.testing.assert_allclose(run(torch), run(reference), rtol=1e-5)


def test_backward_inputs_argument_limits_accumulation():
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 3.0 and b.grad is None


def test_custom_function():
    class Square(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = torch.tensor([3.0, -1.0], requires_grad=True)
    Square.apply(x).sum().backward()
    assert x.grad.tolist() == [6.0, -2.0]


def test_long_chain_backpropagates_without_recursion():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_grad_fn_names_and_next_functions():
    x = torch.tensor([1.0], requires_grad=True)
    y = (x * 2).sum()
    assert repr(y).endswith("grad_fn=<SumBackward0>)")
    ((mul, _),) = y.grad_fn.next_functions
    assert mul.name() == "MulBackward0"
    acc = mul.next_functions[0][0]
    assert acc.name() == "AccumulateGrad" and acc.variable is x

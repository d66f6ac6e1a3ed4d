"""explain_backward and to_dot: the seed's 9-parameter network worked node by node (004 (13))."""

import doctest
import importlib
import re

import numpy as np
import pytest

import neuronlab as torch
import neuronlab.nn.functional as F
from neuronlab import analysis, nn
from neuronlab.analysis import explain_backward, to_dot


def _nine_parameter_network():
    """004 (20): the seed's code, unchanged except for the import."""
    x1 = torch.tensor(1)
    x2 = torch.tensor(2)
    Y = torch.tensor(2)
    w11 = torch.tensor(1.0, requires_grad=True)
    w12 = torch.tensor(1.0, requires_grad=True)
    w21 = torch.tensor(1.0, requires_grad=True)
    w22 = torch.tensor(-1.0, requires_grad=True)
    w1 = torch.tensor(1.0, requires_grad=True)
    w2 = torch.tensor(-1.0, requires_grad=True)
    b11, b12, b21 = torch.tensor([1.0, 1.0, 1.0], requires_grad=True)
    z1 = w11 * x1 + w12 * x2 + b11
    a1 = F.relu(z1)
    z2 = w21 * x1 + w22 * x2 + b12
    a2 = F.relu(z2)
    y = w1 * a1 + w2 * a2 + b21
    loss = (y - Y).pow(2) / 2
    return dict(locals())


def _step(explanation, output):
    (step,) = [s for s in explanation.steps if s.output == output]
    return step


def test_nine_parameters_match_the_hand_derivation():
    net = _nine_parameter_network()
    e = explain_backward(net["loss"], net)
    # dL/dy = y - Y = 3; z1 = 4 > 0 passes it on; z2 = 0 where ReLU' = 0 (as in PyTorch).
    hand = {"w11": 3, "w12": 6, "b11": 3, "w21": 0, "w22": 0, "b12": 0, "w1": 12, "w2": 0, "b21": 3}
    for name, value in hand.items():
        assert e.gradients[name] == pytest.approx(value), name
    for name, value in {"y": 3, "a1": 3, "z1": 3, "a2": -3, "z2": 0}.items():
        assert e.gradients[name] == pytest.approx(value), name
        assert float(_step(e, name).grad) == pytest.approx(value), name


def test_local_derivatives_and_chain_products_are_in_the_steps():
    net = _nine_parameter_network()
    e = explain_backward(net["loss"], net)
    relu = _step(e, "a1")
    assert relu.op == "ReluBackward0" and relu.formula == "a1 = relu(z1)"
    (edge,) = relu.edges
    assert (edge.input, float(edge.local), float(edge.sent)) == ("z1", 1.0, 3.0)
    (edge,) = _step(e, "a2").edges
    assert float(edge.local) == 0.0  # ReLU'(0) = 0 stops the gradient
    mul = _step(e, "t1")
    assert mul.formula == "t1 = w11 * x1"
    (w11,) = [edge for edge in mul.edges if edge.input == "w11"]
    assert (float(w11.local), float(w11.sent), w11.local_symbol) == (1.0, 3.0, "x1")
    (w1,) = [edge for s in e.steps for edge in s.edges if edge.input == "w1"]
    assert (float(w1.local), float(w1.sent)) == (4.0, 12.0)  # 3 · a1


def test_text_reads_like_the_hand_derivation():
    net = _nine_parameter_network()
    text = explain_backward(net["loss"], net).text()
    assert "dL/dw11 = dL/dt1 · x1 = 3 · 1 = 3" in text
    assert "dL/dz1 = dL/da1 · relu'(z1) = 3 · 1 = 3" in text
    assert "dL/dw1 = dL/dt4 · a1 = 3 · 4 = 12" in text
    assert "dL/dy = 3" in text


def test_does_not_consume_the_graph_or_touch_grad():
    net = _nine_parameter_network()
    explain_backward(net["loss"], net)
    assert net["w11"].grad is None
    net["loss"].backward()  # the graph is still intact
    assert net["w11"].grad.item() == 3.0
    with pytest.raises(RuntimeError, match="freed"):
        explain_backward(net["loss"], net)


def test_matches_autograd_on_a_random_mlp():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2))
    x, y = torch.randn(7, 3), torch.randn(7, 2)
    h = model(x)
    loss = F.mse_loss(h, y) + (h * h).mean()  # h is used twice: two paths to sum
    e = explain_backward(loss, model)
    names = [n for n, _ in model.named_parameters()]
    reference = torch.autograd.grad(loss, list(model.parameters()), retain_graph=True)
    for name, g in zip(names, reference):
        np.testing.assert_allclose(e.gradients[name], g.numpy(), rtol=1e-5, atol=1e-7)
    assert "shape (5, 3)" in e.text()  # tensors are summarized, not printed


def test_unnamed_tensors_get_generated_names():
    w = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    e = explain_backward((w * 3).sigmoid())
    assert list(e.gradients) == ["p0"]
    s = 1 / (1 + np.exp(-6.0))
    assert e.gradients["p0"] == pytest.approx(3 * s * (1 - s))
    assert e.steps[0].formula == "L = sigmoid(t1)"


def test_to_dot_has_one_node_per_op_and_forward_edges():
    net = _nine_parameter_network()
    dot = to_dot(net["loss"], net)
    assert dot.startswith("digraph") and dot.count("{") == dot.count("}")
    ops = re.findall(r'^\s*"(op\d+)" \[', dot, flags=re.M)
    leaves = re.findall(r'^\s*"(leaf\d+)" \[', dot, flags=re.M)
    assert len(ops) == len(set(ops)) == 20  # the graph explain_backward walks
    assert len(leaves) == 7  # six weights and the bias vector
    edges = re.findall(r'"(\w+)" -> "(\w+)"', dot)
    assert all(target.startswith("op") for _, target in edges)
    assert "w11\\nshape ()" in dot
    with_constants = to_dot(net["loss"], net, constants=True)
    assert with_constants.count("style=dashed];") > 0


def test_to_dot_parses_with_graphviz():
    graphviz = pytest.importorskip("graphviz")
    net = _nine_parameter_network()
    source = graphviz.Source(to_dot(net["loss"], net))
    assert "digraph" in source.source


@pytest.mark.parametrize("module", ["neuronlab.analysis.explain", "neuronlab.analysis.dot"])
def test_docstring_examples_run(module):
    namespace = {"neuronlab": torch, "np": np, "nn": nn} | {k: getattr(analysis, k) for k in analysis.__all__}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

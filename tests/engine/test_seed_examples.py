"""The course's own autograd examples (seed 004 (13), (17)-(20)), run as written."""

import pytest

import neuronlab as torch
import neuronlab.nn.functional as F


def test_pow_sum_backward_leaves_2x():
    # 004 (17): four lines of PyTorch, unchanged.
    x = torch.tensor([[1.0, 0.0], [-1.0, 1.0]], requires_grad=True)
    z = x.pow(2).sum()
    z.backward()
    assert x.grad.tolist() == [[2.0, 0.0], [-2.0, 2.0]]


def test_backward_without_requires_grad_raises():
    # 004 (18): with requires_grad=False nothing is recorded, so backward has nothing to do.
    x = torch.tensor([[1.0, 0.0], [-1.0, 1.0]], requires_grad=False)
    z = x.pow(2).sum()
    assert z.grad_fn is None
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        z.backward()


def test_backward_computes_but_does_not_update():
    # 004 (19): backward fills .grad; the parameters are unchanged until we update them.
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    before = x.detach().clone()
    (x * x).sum().backward()
    assert torch.equal(x.detach(), before)
    assert x.grad.tolist() == [2.0, 4.0]


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
    params = dict(w11=w11, w12=w12, w21=w21, w22=w22, w1=w1, w2=w2)
    return locals() | {"params": params}


def test_nine_parameter_network_forward():
    net = _nine_parameter_network()
    assert net["z1"].item() == 4.0 and net["z2"].item() == 0.0
    assert net["y"].item() == 5.0  # prediction 5, target 2
    assert net["loss"].item() == 4.5


def test_nine_parameter_network_all_gradients_by_hand_and_autograd():
    net = _nine_parameter_network()
    net["b11"].retain_grad(), net["b12"].retain_grad(), net["b21"].retain_grad()
    net["loss"].backward()
    # The chain rule by hand (004 (13)): dL/dy = y - Y = 3; z1 = 4 > 0, z2 = 0 (ReLU' = 0 there).
    dy = 5.0 - 2.0
    x1, x2, a1, a2, w1, w2 = 1.0, 2.0, 4.0, 0.0, 1.0, -1.0
    relu1, relu2 = 1.0, 0.0
    hand = {
        "w11": dy * w1 * relu1 * x1,  # = 3, the seed's worked value
        "w12": dy * w1 * relu1 * x2,
        "b11": dy * w1 * relu1,
        "w21": dy * w2 * relu2 * x1,
        "w22": dy * w2 * relu2 * x2,
        "b12": dy * w2 * relu2,
        "w1": dy * a1,
        "w2": dy * a2,
        "b21": dy,
    }
    assert hand["w11"] == 3.0
    for name, value in hand.items():
        assert net[name].grad.item() == pytest.approx(value), name
    # The seed's own hand formula agrees with autograd.
    manual = (net["y"] - net["Y"]) * net["w1"] * 1 * net["x1"]
    assert (manual == net["w11"].grad).item()


def test_nine_parameter_network_update_step():
    net = _nine_parameter_network()
    net["loss"].backward()
    lr = 0.01
    w11 = net["w11"] - lr * net["w11"].grad
    assert w11.item() == pytest.approx(0.97)

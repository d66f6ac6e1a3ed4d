"""The ``Module`` base class against PyTorch's: registration, state_dict keys and loading,
modes, traversal, dtype conversion, gradients, hooks, repr, and the errors of misuse."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import neuronlab as nl
import neuronlab.nn as nn
from tests.nn.torch_check import compare_with_torch, copy_weights


def make_net(m):
    """The same nested model written against ``m`` = ``torch.nn`` or ``neuronlab.nn``."""

    class Net(m.Module):
        def __init__(self):
            super().__init__()
            self.features = m.Sequential(m.Linear(4, 8), m.ReLU(), m.Dropout(0.25), m.PReLU(8))
            self.heads = m.ModuleList([m.Linear(8, 3), m.Linear(8, 3, bias=False)])
            self.extra = m.ModuleDict({"mix": m.Linear(3, 3), "out": m.Sequential(m.Tanh(), m.Linear(3, 2))})
            self.scale = m.Parameter(torch.ones(2) if m is torch.nn else nl.ones(2))
            self.register_buffer("steps", torch.zeros(1) if m is torch.nn else nl.zeros(1))

        def forward(self, x):
            h = self.features(x)
            y = self.heads[0](h) + self.heads[1](h)
            return self.extra["out"](self.extra["mix"](y)) * self.scale

    return Net()


def test_state_dict_keys_match_torch_for_nested_model():
    ours, theirs = make_net(nn), make_net(torch.nn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]


def test_repr_matches_torch_for_nested_model():
    assert repr(make_net(nn)) == repr(make_net(torch.nn))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_nested_model_matches_torch(train, dtype):
    ours, theirs = make_net(nn), make_net(torch.nn)
    if train:  # dropout masks differ between libraries: compare with dropout switched off
        ours.features[2].p = theirs.features[2].p = 0.0
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(dtype)
    compare_with_torch(ours, theirs, x, train=train)


def test_state_dict_round_trip_shares_nothing_with_the_source():
    a, b = make_net(nn), make_net(nn)
    b.load_state_dict(a.state_dict())
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values()):
        np.testing.assert_array_equal(pa.numpy(), pb.numpy(), err_msg=name)
    with nl.no_grad():
        a.features[0].weight.add_(1.0)
    assert not np.array_equal(a.features[0].weight.detach().numpy(), b.features[0].weight.detach().numpy())


def test_state_dict_values_are_detached_views():
    net = make_net(nn)
    sd = net.state_dict()
    assert not sd["features.0.weight"].requires_grad
    sd["features.0.weight"][0, 0] = 42.0  # shares storage with the parameter, as in PyTorch
    assert net.features[0].weight.detach().numpy()[0, 0] == 42.0


def test_load_state_dict_missing_and_unexpected_keys():
    net = make_net(nn)
    sd = dict(net.state_dict())
    del sd["heads.1.weight"]
    sd["heads.2.weight"] = np.zeros((3, 8), dtype=np.float32)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    message = str(info.value)
    assert "Error(s) in loading state_dict for Net" in message
    assert 'Missing key(s) in state_dict: "heads.1.weight"' in message
    assert 'Unexpected key(s) in state_dict: "heads.2.weight"' in message
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["heads.1.weight"]
    assert result.unexpected_keys == ["heads.2.weight"]


def test_load_state_dict_size_mismatch_raises_even_when_not_strict():
    net = make_net(nn)
    sd = dict(net.state_dict())
    sd["features.0.weight"] = np.zeros((8, 5), dtype=np.float32)
    for strict in (True, False):
        with pytest.raises(RuntimeError, match=r"size mismatch for features\.0\.weight.*\[8, 5\].*\[8, 4\]"):
            net.load_state_dict(sd, strict=strict)
    assert not np.all(net.features[0].weight.detach().numpy() == 0)  # nothing was copied


def test_load_state_dict_from_torch_casts_and_bumps_version():
    ours, theirs = make_net(nn), make_net(torch.nn)
    copy_weights(ours, theirs)
    for name, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[name].numpy(), value.numpy())


def test_train_eval_propagate():
    net = make_net(nn)
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net.features.train(False)
    assert net.training and not net.features[2].training and net.heads.training
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")


def test_train_calls_overridden_train_of_children():
    calls = []

    class Recorder(nn.Module):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(mode)

    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(Recorder()))
    net.eval()
    net.train()
    assert calls == [False, True]


def test_apply_visits_children_first_then_self():
    net = make_net(nn)
    visited = []
    assert net.apply(lambda m: visited.append(type(m).__name__)) is net
    theirs = []
    make_net(torch.nn).apply(lambda m: theirs.append(type(m).__name__))
    assert visited == theirs


def test_apply_for_custom_initialization():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    net.apply(init_weights)
    assert all(
        np.all(p.detach().numpy() == (1 if name.endswith("weight") else 0))
        for name, p in net.named_parameters()
    )


def test_to_float64_converts_parameters_buffers_and_grads():
    net = make_net(nn)
    net(nl.randn(2, 4)).sum().backward()
    assert net.to(nl.float64) is net
    assert all(p.dtype == nl.float64 for p in net.parameters())
    assert all(b.dtype == nl.float64 for b in net.buffers())
    assert all(p.grad.dtype == nl.float64 for p in net.parameters() if p.grad is not None)
    assert net(nl.randn(2, 4, dtype=nl.float64)).dtype == nl.float64
    net.float()
    assert all(p.dtype == nl.float32 for p in net.parameters())
    with pytest.raises(TypeError, match="floating point"):
        net.to(nl.int64)
    with pytest.raises(RuntimeError, match="cuda"):
        net.to("cuda")


def test_zero_grad():
    net = make_net(nn)
    net(nl.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.numpy() == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_gradients_accumulate_until_zero_grad():
    fc = nn.Linear(3, 1)
    x = nl.randn(4, 3)
    fc(x).sum().backward()
    first = fc.weight.grad.numpy().copy()
    fc(x).sum().backward()
    np.testing.assert_allclose(fc.weight.grad.numpy(), 2 * first, rtol=1e-6)


def test_parameters_order_and_shared_parameter_dedup():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Linear(4, 3)
            self.decoder = nn.Linear(3, 4)
            self.decoder.weight = nn.Parameter(self.encoder.weight.detach().t().contiguous())
            self.again = self.encoder  # the same module twice

    net = Tied()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"]
    assert len(list(net.parameters())) == 4
    assert len(list(net.modules())) == 3
    # an assigned parameter keeps its place in the order (PyTorch's OrderedDict semantics)
    assert list(net.decoder.state_dict()) == ["weight", "bias"]

    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]  # as PyTorch
    torch_shared = torch.nn.Linear(2, 2)
    assert list(seq.state_dict()) == list(
        torch.nn.Sequential(torch_shared, torch.nn.ReLU(), torch_shared).state_dict()
    )


def test_shared_weight_gets_both_gradients():
    w = nn.Parameter(nl.randn(3, 3))
    a, b = nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False)
    a.weight = w
    b.weight = w
    x = nl.randn(2, 3)
    b(a(x)).sum().backward()
    wt = torch.tensor(w.detach().numpy(), requires_grad=True)
    (torch.tensor(x.numpy()) @ wt.T @ wt.T).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), wt.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_forward_hooks_fire_with_right_shapes():
    fc = nn.Linear(5, 3)
    seen = []
    pre = fc.register_forward_pre_hook(lambda m, args: seen.append(("pre", tuple(args[0].shape))))
    post = fc.register_forward_hook(
        lambda m, args, out: seen.append(("post", tuple(args[0].shape), tuple(out.shape)))
    )
    fc(nl.randn(7, 5))
    assert seen == [("pre", (7, 5)), ("post", (7, 5), (7, 3))]
    pre.remove()
    post.remove()
    fc(nl.randn(7, 5))
    assert len(seen) == 2


def test_forward_hooks_can_replace_input_and_output():
    fc = nn.Identity()
    fc.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    fc.register_forward_hook(lambda m, args, out: out + 1)
    np.testing.assert_array_equal(fc(nl.ones(2)).numpy(), [3.0, 3.0])


def test_full_backward_hook_matches_torch():
    torch.manual_seed(0)
    theirs = torch.nn.Linear(5, 3)
    ours = nn.Linear(5, 3)
    copy_weights(ours, theirs)
    got, expected = [], []
    ours.register_full_backward_hook(
        lambda m, gi, go: got.append((gi[0].numpy().copy(), go[0].numpy().copy()))
    )
    theirs.register_full_backward_hook(
        lambda m, gi, go: expected.append((gi[0].numpy().copy(), go[0].numpy().copy()))
    )
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    g = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    ours(nl.tensor(x, requires_grad=True)).backward(nl.tensor(g))
    theirs(torch.tensor(x, requires_grad=True)).backward(torch.tensor(g))
    assert len(got) == len(expected) == 1
    assert got[0][0].shape == (4, 5) and got[0][1].shape == (4, 3)
    for a, b in zip(got[0], expected[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_full_backward_hook_without_input_grad_gets_none():
    fc = nn.Linear(5, 3)
    seen = []
    fc.register_full_backward_hook(lambda m, gi, go: seen.append((gi, tuple(go[0].shape))))
    fc(nl.randn(2, 5)).sum().backward()
    assert seen == [((None,), (2, 3))]


def test_assigning_before_super_init_is_an_error():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(nl.zeros(2))
            super().__init__()

    class BrokenChild(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)
            super().__init__()

    with pytest.raises(AttributeError, match=r"before Module.__init__\(\)"):
        Broken()
    with pytest.raises(AttributeError, match=r"before Module.__init__\(\)"):
        BrokenChild()


def test_registration_errors():
    net = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="nn.Parameter or None"):
        net.weight = nl.zeros(2, 2)  # a plain tensor cannot replace a parameter
    with pytest.raises(KeyError, match="contain"):
        net.register_parameter("a.b", nn.Parameter(nl.zeros(1)))
    with pytest.raises(KeyError, match="already exists"):
        net.register_buffer("weight", nl.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        net.add_module("forward", nn.ReLU())
    with pytest.raises(TypeError, match="is not a Module subclass"):
        net.add_module("x", 3)
    with pytest.raises(TypeError, match="unexpected arguments"):
        nn.Module(3)
    with pytest.raises(AttributeError):
        net.wieght  # noqa: B018 - a typo fails loudly (no hidden __getattr__)
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(nl.zeros(1))


def test_attribute_reassignment_and_deletion():
    net = nn.Linear(2, 2)
    net.bias = None
    assert list(net.state_dict()) == ["weight"] and "bias" in net._parameters
    net.note = 3  # plain attributes stay plain
    net.note = nn.Parameter(nl.zeros(1))  # and may become registered ones
    assert [n for n, _ in net.named_parameters()] == ["weight", "note"]
    del net.note
    assert [n for n, _ in net.named_parameters()] == ["weight"]
    net.register_buffer("count", nl.zeros(1), persistent=False)
    assert "count" not in net.state_dict() and [n for n, _ in net.named_buffers()] == ["count"]
    net.sub = nn.ReLU()
    net.sub = nn.Tanh()
    assert list(net._modules) == ["sub"] and isinstance(net.sub, nn.Tanh)


def test_requires_grad_and_get_submodule():
    net = make_net(nn)
    net.features.requires_grad_(False)
    assert not any(p.requires_grad for p in net.features.parameters())
    assert all(p.requires_grad for p in net.heads.parameters())
    assert net.get_submodule("extra.out.1") is net.extra["out"][1]
    assert net.get_parameter("heads.0.bias") is net.heads[0].bias
    with pytest.raises(AttributeError):
        net.get_submodule("extra.nothing")


def test_deepcopy_gives_independent_module():
    net = make_net(nn)
    clone = copy.deepcopy(net)
    assert repr(clone) == repr(net)
    with nl.no_grad():
        clone.heads[0].weight.zero_()
    assert not np.all(net.heads[0].weight.detach().numpy() == 0)
    x = nl.randn(2, 4)
    net.eval()
    clone.eval()
    clone.load_state_dict(net.state_dict())
    np.testing.assert_array_equal(net(x).detach().numpy(), clone(x).detach().numpy())


def test_mp_count_of_a_small_mlp():
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    theirs = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    assert sum(p.numel() for p in mlp.parameters()) == sum(p.numel() for p in theirs.parameters()) == 203_530

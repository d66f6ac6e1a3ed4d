"""LayerStats: per-layer activation, gradient and weight statistics, checked against PyTorch
on the same weights, plus the claims the lab makes with them (003 4.6 ex. 3, 4.8)."""

import doctest
import importlib

import matplotlib
import numpy as np
import pytest
import torch

import neuronlab as nl
from neuronlab import nn, optim
from neuronlab.analysis.stats import LayerStats, activation_stats, dead_fractions
from neuronlab.analysis.stats_plotting import plot_layer_stats, plot_per_layer
from neuronlab.train import Trainer

matplotlib.use("Agg")


def mlp(seed: int = 0):
    nl.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))


def torch_copy(model):
    twin = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    twin.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in model.state_dict().items()}
    )
    return twin


def moments(t: torch.Tensor) -> tuple[float, float, float]:
    a = t.detach().double()
    return a.mean().item(), a.var(unbiased=False).item(), a.norm().item()


def test_statistics_match_pytorch_activations_and_gradients():
    model = mlp()
    stats = LayerStats(model)
    x = np.random.default_rng(0).standard_normal((16, 5)).astype(np.float32)
    upstream = np.random.default_rng(1).standard_normal((16, 3)).astype(np.float32)  # not all ones
    (model(nl.tensor(x)) * nl.tensor(upstream)).sum().backward()
    stats.step()

    twin = torch_copy(model)
    outs = []
    h = torch.from_numpy(x)
    for layer in twin:
        h = layer(h)
        h.retain_grad()
        outs.append(h)
    (h * torch.from_numpy(upstream)).sum().backward()

    history = stats.history
    for i, out in enumerate(outs):
        for stat, expected in zip(("mean", "var", "norm"), moments(out)):
            assert history[f"{i}/activation/{stat}"][0] == pytest.approx(expected, rel=1e-5, abs=1e-7)
        for stat, expected in zip(("mean", "var", "norm"), moments(out.grad)):
            assert history[f"{i}/output/grad/{stat}"][0] == pytest.approx(expected, rel=1e-5, abs=1e-9)
    for i in (0, 2):
        for name in ("weight", "bias"):
            p = getattr(twin[i], name)
            assert history[f"{i}/{name}/norm"][0] == pytest.approx(p.norm().item(), rel=1e-6)
            assert history[f"{i}/{name}/grad/norm"][0] == pytest.approx(p.grad.norm().item(), rel=1e-5)


def test_dead_relu_fractions_count_units_and_elements():
    nl.manual_seed(0)
    fc = nn.Linear(3, 4)
    with nl.no_grad():
        fc.weight.copy_(nl.tensor([[0.0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]]))
        fc.bias.copy_(nl.tensor([-1.0, -2.0, 0.0, 5.0]))  # units 0, 1 dead; 2 half off; 3 alive
    model = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 1))
    stats = LayerStats(model)
    x = nl.tensor([[1.0, 0, 0], [-1.0, 0, 0], [2.0, 1, 1], [-3.0, 1, 1]])
    model(x).sum().backward()
    stats.step()
    for layer in ("0", "1"):  # the Linear feeding the ReLU, and the ReLU itself
        assert stats.history[f"{layer}/activation/dead"][0] == 0.5
        assert stats.history[f"{layer}/activation/zero"][0] == pytest.approx((2 + 0.5) / 4)
    assert "2/activation/dead" not in stats.history  # not followed by a ReLU


def test_dead_fraction_of_conv_channels_and_explicit_relu_inputs():
    assert dead_fractions(np.zeros((2, 3, 4, 4), bool)) == {"dead": 0.0, "zero": 0.0}
    off = np.zeros((2, 3, 4, 4), bool)
    off[:, 1] = True
    off[0, 2] = True  # channel 2 is off for one sample only
    assert dead_fractions(off) == {"dead": pytest.approx(1 / 3), "zero": pytest.approx(0.5)}

    class Net(nn.Module):  # functional relu: nothing to detect, so it is named
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 3, 3)
            self.fc = nn.Linear(12, 1)

        def forward(self, x):
            return self.fc(nl.nn.functional.relu(self.conv(x)).flatten(1))

    net = Net()
    with nl.no_grad():
        net.conv.bias.copy_(nl.tensor([-100.0, 100.0, 100.0]))
    stats = LayerStats(net, relu_inputs=["conv"])
    net(nl.randn(4, 1, 4, 4)).sum().backward()
    stats.step()
    assert stats.history["conv/activation/dead"][0] == pytest.approx(1 / 3)
    assert "fc/activation/dead" not in stats.history


def test_activation_stats_formulas():
    a = np.array([[1.0, -2.0], [3.0, 0.0]])
    assert activation_stats(a) == {
        "mean": 0.5,
        "var": pytest.approx(np.var(a)),
        "norm": pytest.approx(np.sqrt(14)),
    }


def test_every_records_steps_one_plus_multiples():
    model = mlp()
    stats = LayerStats(model, every=3)
    for _ in range(7):
        model(nl.randn(4, 5)).sum().backward()
        stats.step()
    assert stats.steps["0/activation/var"].tolist() == [1, 4, 7]
    assert stats.steps["2/weight/grad/norm"].tolist() == [1, 4, 7]
    assert len(stats.history["1/output/grad/norm"]) == 3


def test_trainer_callback_one_record_per_iteration_ignoring_evaluation():
    model = mlp()
    stats = LayerStats(model)
    X = np.random.default_rng(0).standard_normal((40, 5)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 3, size=40)
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(), callbacks=[stats],
                      progress=False)  # fmt: skip
    trainer.fit((X, y), val=(X[:10], y[:10]), epochs=2, batch_size=16)
    assert trainer.iteration == 6
    for key in ("0/activation/var", "1/activation/dead", "2/output/grad/norm", "0/weight/grad/norm"):
        assert stats.steps[key].tolist() == [1, 2, 3, 4, 5, 6], key
    rows = stats.table()
    assert {"step", "key", "value"} == set(rows[0])
    assert len(rows) == sum(len(v) for v in stats.history.values())
    assert [r["step"] for r in rows] == sorted(r["step"] for r in rows)


def test_forward_passes_without_grad_are_not_recorded():
    model = mlp()
    stats = LayerStats(model)
    x = nl.randn(4, 5)
    model(x).sum().backward()
    with nl.no_grad():
        expected = activation_stats(model[0](x).numpy())["var"]
    with nl.no_grad():  # an evaluation between backward and step, as Trainer.evaluate does
        model(100 * nl.randn(4, 5))
    stats.step()
    assert stats.history["0/activation/var"][0] == pytest.approx(expected)


def test_remove_unregisters_hooks_and_keeps_history():
    model = mlp()
    stats = LayerStats(model)
    model(nl.randn(4, 5)).sum().backward()
    stats.step()
    stats.remove()
    assert all(not m._forward_hooks and not m._backward_hooks for m in model.modules())
    model(nl.randn(4, 5)).sum().backward()
    stats.step()
    assert len(stats.history["0/activation/var"]) == 1
    assert len(stats.history["0/weight/norm"]) == 2  # weights are read at step(), without hooks
    stats.attach()
    model(nl.randn(4, 5)).sum().backward()
    stats.step()
    assert stats.steps["0/activation/var"].tolist() == [1, 3]


def test_layer_selection_track_and_nested_paths():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(5, 4)
            self.act = nn.Tanh()

        def forward(self, x):
            return self.act(self.fc1(x))

    model = nn.Sequential(Block(), nn.Linear(4, 1))
    stats = LayerStats(model)
    assert stats.layer_names == ["0/fc1", "0/act", "1"]
    model(nl.randn(3, 5)).sum().backward()
    stats.step()
    assert "0/fc1/weight/grad/norm" in stats.history and "0/act/output/grad/var" in stats.history
    assert stats.keys("*/activation/var") == [
        "0/fc1/activation/var",
        "0/act/activation/var",
        "1/activation/var",
    ]

    only = LayerStats(model, layers=["0.fc1"], track="weights")
    model(nl.randn(3, 5)).sum().backward()
    only.step()
    assert sorted(only.history) == ["0/fc1/bias/grad/norm", "0/fc1/bias/norm", "0/fc1/weight/grad/norm",
                                    "0/fc1/weight/norm"]  # fmt: skip
    with pytest.raises(ValueError, match="track"):
        LayerStats(model, track=["activation"])
    with pytest.raises(ValueError, match="every"):
        LayerStats(model, every=0)
    with pytest.raises(ValueError, match="no module named"):
        LayerStats(model, layers=["fc9"])


def test_vanishing_gradients_with_depth_in_a_sigmoid_network():
    """003 4.8: through many sigmoid layers the gradient shrinks toward the input."""
    nl.manual_seed(0)
    layers = []
    for _ in range(8):
        layers += [nn.Linear(32, 32), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(32, 1))
    stats = LayerStats(model, track=["gradients", "weights"])
    model(nl.randn(64, 32)).pow(2).mean().backward()
    stats.step()
    norms = list(stats.per_layer("weight/grad/norm").values())
    assert len(norms) == 9
    assert norms[0] < 1e-4 * norms[-1]
    assert all(a < b for a, b in zip(norms, norms[1:]))


def test_dropout_raises_activation_variance_in_training():
    """003 4.6 ex. 3: inverted dropout scales kept units by 1/(1-p), so the variance grows."""
    nl.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 50), nn.Dropout(0.5), nn.Linear(50, 1))
    stats = LayerStats(model, layers=["0", "1"], track="activations")
    model(nl.randn(256, 20)).sum().backward()
    stats.step()
    assert stats.history["1/activation/var"][0] > 1.5 * stats.history["0/activation/var"][0]


def test_state_dict_round_trip():
    model = mlp()
    stats = LayerStats(model)
    model(nl.randn(4, 5)).sum().backward()
    stats.step()
    other = LayerStats(model)
    other.load_state_dict(stats.state_dict())
    assert other.iteration == 1
    np.testing.assert_array_equal(other.history["0/activation/var"], stats.history["0/activation/var"])


def test_plots_return_axes():
    model = mlp()
    stats = LayerStats(model)
    for _ in range(3):
        model(nl.randn(4, 5)).sum().backward()
        stats.step()
    ax = plot_layer_stats(stats, "*/output/grad/norm")
    assert len(ax.get_lines()) == 3
    ax = plot_per_layer(stats, "weight/grad/norm", step=2)
    assert len(ax.patches) == 2
    ax = plot_layer_stats({"a/activation/var": [1.0, 2.0]}, "a/*")
    assert len(ax.get_lines()) == 1
    with pytest.raises(ValueError, match="no recorded key"):
        plot_layer_stats(stats, "nothing/*")
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("module", ["neuronlab.analysis.stats"])
def test_docstring_examples_run(module):
    namespace = {"nn": nn, "neuronlab": nl, "np": np}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

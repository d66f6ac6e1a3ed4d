"""Loss-landscape slices: the vectorized grid equals one forward pass per point (000/001 A2.2)."""

import doctest
import importlib

import matplotlib
import numpy as np
import pytest

import neuronlab as torch
import neuronlab.nn.functional as F
from neuronlab import analysis, nn
from neuronlab.analysis import (
    compare_speed,
    landscape_1d,
    landscape_2d,
    normalize_direction,
    random_direction,
)
from neuronlab.analysis.plotting import plot_contour, plot_landscape, plot_surface

matplotlib.use("Agg")
import matplotlib.pyplot as plt

X = torch.tensor([[0.5], [1.0], [1.5], [2.0]])
Y = torch.tensor([0.0, 1.0, 1.0, 0.0])


def one_one_one(output_sigmoid: bool):
    """The seed's 1-1-1 network: sigmoid hidden unit; linear output (MSE) or sigmoid (CE)."""
    torch.manual_seed(0)
    layers = [nn.Linear(1, 1), nn.Sigmoid(), nn.Linear(1, 1)]
    return nn.Sequential(*layers, *([nn.Sigmoid()] if output_sigmoid else []))


@pytest.mark.parametrize("loss, output_sigmoid", [("mse", False), ("bce", True)])
def test_vectorized_equals_loop_for_the_1_1_1_network(loss, output_sigmoid):
    model = one_one_one(output_sigmoid)
    before = [p.detach().numpy().copy() for p in model.parameters()]
    args = (model, ("0.weight", "0.bias"), (-10, 10), (12, 9), (X, Y), loss)
    fast = landscape_2d(*args)
    slow = landscape_2d(*args, vectorized=False)
    assert fast.values.shape == (12, 9) and fast.labels == ("0.weight", "0.bias")
    np.testing.assert_allclose(fast.values, slow.values, rtol=1e-6, atol=1e-7)
    for p, b in zip(model.parameters(), before):  # the loop restores the parameters
        np.testing.assert_array_equal(p.detach().numpy(), b)
    # values[i, j] is the loss at (w1, b1) = (axes[0][i], axes[1][j]), by the library's own loss
    i, j = 3, 7
    with torch.no_grad():
        model[0].weight.fill_(float(fast.axes[0][i]))
        model[0].bias.fill_(float(fast.axes[1][j]))
        out = model(X).reshape(-1)
        reference = F.mse_loss(out, Y) if loss == "mse" else F.binary_cross_entropy(out, Y)
    assert fast.values[i, j] == pytest.approx(reference.item(), rel=1e-5)


def test_vectorized_equals_loop_for_an_mlp_with_random_directions():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    x, y = torch.randn(20, 3), torch.randint(0, 3, (20,))
    args = (model, None, (-1, 1), 7, (x, y), "cross_entropy")
    fast = landscape_2d(*args, seed=3, chunk_size=10)  # several chunks
    slow = landscape_2d(*args, seed=3, vectorized=False)
    np.testing.assert_allclose(fast.values, slow.values, rtol=1e-5, atol=1e-6)
    with torch.no_grad():
        center = F.cross_entropy(model(x), y).item()
    assert fast.values[3, 3] == pytest.approx(center, rel=1e-5)  # α = β = 0 is the model itself
    assert fast.metadata["mode"] == "random" and fast.metadata["normalization"] == "filter"


def test_filter_normalization_matches_each_neuron():
    layer = nn.Linear(4, 3)
    d = random_direction(layer, seed=0)
    w = layer.weight.detach().numpy()
    np.testing.assert_allclose(np.linalg.norm(d["weight"], axis=1), np.linalg.norm(w, axis=1), rtol=1e-6)
    assert not np.any(d["bias"])  # biases ignored, as the paper's ignore='biasbn'
    kept = normalize_direction(d, layer, ignore_bias=False)
    np.testing.assert_allclose(kept["bias"], layer.bias.detach().numpy())
    whole = normalize_direction(d, layer, normalization="layer")
    assert np.linalg.norm(whole["weight"]) == pytest.approx(np.linalg.norm(w), rel=1e-6)


def test_landscape_1d_and_functional_models():
    def net(x, w1, b1, w2, b2):  # scalar parameters broadcast against (P, 1) in the batched path
        return w2 * torch.sigmoid(w1 * x + b1) + b2

    center = {"w1": 1.0, "b1": 0.0, "w2": 1.0, "b2": 0.0}
    x = X.reshape(-1)
    fast = landscape_1d(net, "b1", (-3, 3), 13, (x, Y), center=center)
    slow = landscape_1d(net, "b1", (-3, 3), 13, (x, Y), center=center, vectorized=False)
    assert fast.values.shape == (13,)
    np.testing.assert_allclose(fast.values, slow.values, rtol=1e-6)
    model = one_one_one(False)
    with torch.no_grad():
        for p, value in zip(model.parameters(), (1.0, 0.0, 1.0, 0.0)):
            p.fill_(value)
    as_module = landscape_1d(model, "0.bias", (-3, 3), 13, (X, Y))
    np.testing.assert_allclose(as_module.values, fast.values, rtol=1e-6)


def test_errors_name_the_problem():
    model = one_one_one(False)
    with pytest.raises(KeyError, match="parameters"):
        landscape_2d(model, ("w", "0.bias"), data=(X, Y))
    with pytest.raises(ValueError, match="one entry"):
        landscape_1d(nn.Linear(2, 2), "weight", data=(torch.randn(3, 2), torch.randn(3, 2)))
    conv = nn.Sequential(nn.Flatten(), nn.Linear(4, 1))
    with pytest.raises(ValueError, match="vectorized=False"):
        landscape_1d(conv, None, data=(torch.randn(3, 2, 2), torch.randn(3, 1)))


def test_vectorized_is_faster_on_a_40x40_grid():
    speed = compare_speed(one_one_one(False), (X, Y), "mse", ("0.weight", "0.bias"), (-10, 10), 40)
    assert speed["points"] == 1600 and speed["max_abs_difference"] < 1e-6
    assert speed["vectorized_seconds"] < speed["loop_seconds"]  # by about 100-400× here


def test_plots_return_figures_and_axes():
    s = landscape_2d(one_one_one(False), ("0.weight", "0.bias"), (-2, 2), 10, (X, Y))
    assert plot_surface(s).name == "3d"
    assert plot_contour(s).get_xlabel() == "0.weight"
    fig = plot_landscape(s, title="MSE")
    assert len(fig.axes) >= 2
    line = plot_landscape(landscape_1d(one_one_one(False), "0.bias", (-2, 2), 10, (X, Y)))
    assert len(line.axes) == 1
    plt.close("all")


@pytest.mark.parametrize("module", ["neuronlab.analysis.landscape", "neuronlab.analysis.plotting"])
def test_docstring_examples_run(module):
    namespace = {"neuronlab": torch, "np": np, "nn": nn} | {k: getattr(analysis, k) for k in analysis.__all__}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

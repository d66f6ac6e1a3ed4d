"""The convexity probe in both directions: the 1-1-1 network's MSE and cross-entropy are not
convex in (w1, b1) (000/001 A2.2); logistic regression's cross-entropy and a quadratic are."""

import doctest
import importlib

import numpy as np
import pytest

import neuronlab as torch
import neuronlab.nn.functional as F
from neuronlab import analysis, nn
from neuronlab.analysis import Landscape, convexity_report, landscape_2d

X = torch.tensor([[0.5], [1.0], [1.5], [2.0]], dtype=torch.float64)
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]], dtype=torch.float64)


def one_one_one(output_sigmoid: bool):
    layers = [nn.Linear(1, 1), nn.Sigmoid(), nn.Linear(1, 1)]
    model = nn.Sequential(*layers, *([nn.Sigmoid()] if output_sigmoid else [])).double()
    with torch.no_grad():  # any fixed output layer will do; these make the surface visible
        model[2].weight.fill_(2.0)
        model[2].bias.fill_(-0.5)
    return model


def logistic_regression():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(1, 1)).double()


CASES = {
    "mse": (lambda: one_one_one(False), "mse", F.mse_loss),
    "cross_entropy": (lambda: one_one_one(True), "bce", F.binary_cross_entropy),
    "logistic": (logistic_regression, "bce_with_logits", F.binary_cross_entropy_with_logits),
}


@pytest.mark.parametrize("case", ["mse", "cross_entropy"])
def test_the_1_1_1_network_is_not_convex_on_the_grid(case):
    make, loss, _ = CASES[case]
    s = landscape_2d(make(), ("0.weight", "0.bias"), (-10, 10), 41, (X, Y), loss)
    report = convexity_report(s)
    assert not report.is_convex
    assert report.midpoint_violations > 0.2 * report.midpoint_pairs
    assert report.negative_curvature_points > 0.2 * report.hessian_points
    assert report.worst_midpoint["gap"] > 0.05 and report.most_negative["eigenvalue"] < -0.05
    w = report.worst_midpoint  # the reported pair really violates the inequality
    assert w["f_mid"] - (w["f_a"] + w["f_b"]) / 2 == pytest.approx(w["gap"])
    assert "not convex" in report.summary() and f"{report.midpoint_violations} of" in report.summary()


@pytest.mark.parametrize("case", ["mse", "cross_entropy"])
def test_the_1_1_1_network_has_exact_negative_curvature(case):
    make, _, loss_fn = CASES[case]
    model = make()
    w1, b1 = model[0].weight, model[0].bias
    before = (w1.item(), b1.item())
    report = convexity_report(
        lambda: loss_fn(model(X), Y), [w1, b1], bounds=(-10, 10), n_points=32, n_pairs=128
    )
    assert not report.is_convex
    assert report.negative_curvature_points > 0 and report.most_negative["eigenvalue"] < -0.01
    assert report.midpoint_violations > 0
    assert (w1.item(), b1.item()) == before  # parameters restored
    whole = convexity_report(lambda: loss_fn(model(X), Y), list(model.parameters()), n_points=16, n_pairs=64)
    assert whole.hessian_points == 16 and whole.negative_curvature_points > 0  # all 4 parameters


def test_logistic_regression_is_convex():
    make, loss, loss_fn = CASES["logistic"]
    model = make()
    s = landscape_2d(model, ("0.weight", "0.bias"), (-10, 10), 61, (X, Y), loss)
    grid = convexity_report(s)
    assert grid.is_convex, grid.summary()
    assert grid.midpoint_violations == 0 and grid.negative_curvature_points == 0
    exact = convexity_report(
        lambda: loss_fn(model(X), Y), list(model.parameters()), bounds=(-10, 10), n_points=32
    )
    assert exact.is_convex, exact.summary()
    assert exact.most_negative["eigenvalue"] > -1e-9
    assert "consistent with convexity" in exact.summary()


def test_a_convex_quadratic_passes_and_a_saddle_fails():
    a, b = np.meshgrid(np.linspace(-2, 2, 31), np.linspace(-3, 3, 25), indexing="ij")
    bowl = Landscape((a[:, 0], b[0]), 3 * a**2 + a * b + b**2, ("a", "b"))
    assert convexity_report(bowl).is_convex
    saddle = Landscape((a[:, 0], b[0]), a**2 - b**2, ("a", "b"))
    report = convexity_report(saddle)
    assert not report.is_convex and report.most_negative["eigenvalue"] == pytest.approx(-2.0)
    assert not convexity_report(a**2 - b**2).is_convex  # a bare array of values works too

    theta = torch.tensor([0.3, -0.2, 1.0], dtype=torch.float64, requires_grad=True)
    A = torch.tensor([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]], dtype=torch.float64)
    report = convexity_report(lambda: theta @ (A @ theta), [theta], n_points=16)
    assert report.is_convex and report.most_negative["eigenvalue"] == pytest.approx(
        2 * np.linalg.eigvalsh(A.numpy())[0]
    )


@pytest.mark.parametrize("module", ["neuronlab.analysis.convexity"])
def test_docstring_examples_run(module):
    namespace = {"neuronlab": torch, "np": np, "nn": nn} | {k: getattr(analysis, k) for k in analysis.__all__}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0

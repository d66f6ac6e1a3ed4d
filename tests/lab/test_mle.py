"""mle: what its claims do not check (structure, figures, the measuring functions); the claims
themselves are asserted by tests/lab/test_claims.py on the shared quick run."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import mle
from neuronlab.lab.experiments.mle import likelihoods as L


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("mle")


def test_seeds_draw_different_data(payload):
    slopes = {run["results"]["affine"]["slope"] for run in payload["runs"]}
    assert len(payload["runs"]) >= 3 and len(slopes) == len(payload["runs"])


def test_figures_and_table_draw_from_all_seeds(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = mle.figures(runs)
    assert set(figs) == {"gaussian", "classification"} and all(isinstance(f, Figure) for f in figs.values())
    assert len(mle.table(runs).rows) >= 5


def test_likelihood_product_does_not_underflow_where_a_plain_product_does():
    X, y = L.blobs(0, 3, n=3000)
    W = np.random.default_rng(0).standard_normal((3, 3))
    q = L.probabilities(X, W)[np.arange(len(y)), y]
    assert np.prod(q) == 0.0
    assert L.likelihood_nll(X, y, W) == pytest.approx(-np.log(q).sum(), rel=1e-12)


def test_newton_maximizes_the_likelihood():
    X, y = L.blobs(1, 2)
    W, iterations = L.newton(X, y, 2)
    best = L.likelihood_nll(X, y, L.full_weights(W))
    rng = np.random.default_rng(0)
    assert iterations < 25
    assert all(
        L.likelihood_nll(X, y, L.full_weights(W + 1e-3 * rng.standard_normal(W.shape))) > best
        for _ in range(10)
    )

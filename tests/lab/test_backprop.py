"""backprop: what its claims do not check (structure, figures, the measuring functions); the
claims themselves are asserted by tests/lab/test_claims.py on the shared quick run."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiments import backprop
from neuronlab.lab.experiments.backprop import mlp, network9


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("backprop")


def test_results_keep_hand_and_autograd_apart(payload):
    """The defect of issue 11: the table's "hand" column printed the autograd value twice."""
    for run in payload["runs"]:
        nine = run["results"]["nine"]
        assert nine["hand"]["grads"]["w11"] == 3.0 and nine["code"]["grads"]["w11"] == 3.0
        for act in ("relu", "tanh"):
            m = run["results"]["mlp"][act]
            assert set(m["hand_norms"]) == set(m["autograd_norms"]) == set(mlp.GRADIENTS)
    table = backprop.table([r["results"] for r in payload["runs"]])
    hand_col, auto_col = table.headers.index("hand (plain Python / NumPy)"), table.headers.index("autograd")
    assert any(row[hand_col] != "" for row in table.rows) and any(row[auto_col] != "" for row in table.rows)


def test_seeds_draw_different_batches(payload):
    norms = {run["results"]["mlp"]["relu"]["autograd_norms"]["W"] for run in payload["runs"]}
    assert len(norms) == len(payload["runs"])


def test_figures_draw_from_all_seeds(payload):
    figs = backprop.figures([r["results"] for r in payload["runs"]])
    assert set(figs) == {"nine_gradients", "mlp_equations"}
    assert all(isinstance(f, Figure) for f in figs.values())


def test_hand_chain_rule_is_independent_of_the_library():
    """A wrong hand formula must show up against autograd (the comparison can fail)."""
    rng = np.random.default_rng(0)
    p = dict(zip(network9.PARAMS, rng.normal(size=9).tolist()))
    hand = network9.hand_gradients(p, 0.3, -1.2, 0.5)["grads"]
    auto = network9.autograd_gradients(p, 0.3, -1.2, 0.5)
    assert max(abs(hand[k] - auto[k]) for k in network9.PARAMS) < 1e-12
    wrong = network9.hand_gradients({**p, "w1": p["w1"] + 0.1}, 0.3, -1.2, 0.5)["grads"]
    assert max(abs(wrong[k] - auto[k]) for k in network9.PARAMS) > 1e-3


def test_numpy_backward_equations_against_finite_differences():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(5, 4)), rng.integers(0, 3, 5)
    W, b, V, c = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(3, 3)), rng.normal(size=3)

    def objective(W):
        A = np.tanh(X @ W + b)
        O = A @ V + c
        logp = O - np.log(np.exp(O).sum(1, keepdims=True))
        return -logp[np.arange(5), y].mean() + 0.05 * ((W**2).sum() + (V**2).sum())

    grads = mlp.hand_backward(X, y, W, b, V, c, 0.1, "tanh")
    E = np.zeros_like(W)
    E[1, 2] = 1e-6
    assert grads["W"][1, 2] == pytest.approx((objective(W + E) - objective(W - E)) / 2e-6, rel=1e-6)
    literal = mlp.hand_backward(X, y, W, b, V, c, 0.1, "tanh", per_batch=False)
    assert np.allclose(literal["O"], 5 * grads["O"])

"""M-P neurons: the firing convention, logic gates, and the XOR network of seed 004 (8)-(9)."""

import numpy as np
import pytest

from neuronlab.classic import MPNetwork, MPNeuron, and_gate, not_gate, or_gate, xor_network

CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def test_step_and_sign_fire_at_the_threshold():
    # seed 004 (8): sgn(x) = 1 for x >= 0; (2): y = 1 if sum + b >= 0 else -1
    step = MPNeuron([1.0, 1.0], threshold=1.0)
    sign = MPNeuron([1.0, 1.0], threshold=1.0, activation="sign")
    np.testing.assert_array_equal(step.net_input(CORNERS), [-1, 0, 0, 1])
    np.testing.assert_array_equal(step.predict(CORNERS), [0, 1, 1, 1])
    np.testing.assert_array_equal(sign.predict(CORNERS), [-1, 1, 1, 1])
    assert set(np.unique(sign.predict(np.random.default_rng(0).normal(size=(50, 2))))) <= {-1, 1}


def test_single_sample_and_call():
    neuron = MPNeuron([2.0, -1.0], threshold=0.5)
    assert neuron([1, 1]).shape == ()
    assert int(neuron([1, 1])) == 1 and int(neuron([0, 1])) == 0


@pytest.mark.parametrize(
    ("gate", "truth"),
    [(and_gate(), [0, 0, 0, 1]), (or_gate(), [0, 1, 1, 1])],
)
def test_and_or_gates(gate, truth):
    np.testing.assert_array_equal(gate.predict(CORNERS), truth)
    assert gate.score(CORNERS, truth) == 1.0


def test_three_input_gates_and_not():
    X = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
    np.testing.assert_array_equal(and_gate(3).predict(X), X.all(axis=1))
    np.testing.assert_array_equal(or_gate(3).predict(X), X.any(axis=1))
    np.testing.assert_array_equal(not_gate().predict([[0], [1]]), [1, 0])


def test_xor_network_outputs_and_hidden_units():
    net = xor_network()
    hidden, out = net.forward(CORNERS)
    np.testing.assert_array_equal(out[:, 0], [0, 1, 1, 0])
    # h1 = "x1 and not x2", h2 = "x2 and not x1"
    np.testing.assert_array_equal(hidden, [[0, 0], [0, 1], [1, 0], [0, 0]])
    np.testing.assert_array_equal(net.predict(CORNERS), CORNERS[:, 0] ^ CORNERS[:, 1])
    assert net.table_header() == ["x1", "x2", "h1", "h2", "y"]
    np.testing.assert_array_equal(
        net.table(), [[0, 0, 0, 0, 0], [0, 1, 0, 1, 1], [1, 0, 1, 0, 1], [1, 1, 0, 0, 0]]
    )


def test_xor_network_on_the_seed_points_in_the_seed_order():
    # seed 004 (9) computes (0,1), (1,1), (0,0), (1,0); the correct rows x1, x2, h1, h2, y:
    rows = xor_network().table([[0, 1], [1, 1], [0, 0], [1, 0]])
    np.testing.assert_array_equal(rows, [[0, 1, 0, 1, 1], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [1, 0, 1, 0, 1]])


def test_xor_network_needs_its_thresholds():
    # The seed's text drops the thresholds; with theta = 0 and f(0) = 1 (the seed's own sgn) it fails.
    no_theta = MPNetwork([[MPNeuron([1, -1], 0), MPNeuron([-1, 1], 0)], [MPNeuron([1, 1], 0)]])
    assert no_theta.predict([[0, 0]])[0] == 1 and no_theta.predict([[1, 1]])[0] == 1
    # Any threshold in (0, 1] works, as the table in docs/classic.md says.
    for theta in (0.01, 0.5, 1.0):
        net = MPNetwork([[MPNeuron([1, -1], theta), MPNeuron([-1, 1], theta)], [MPNeuron([1, 1], theta)]])
        np.testing.assert_array_equal(net.predict(CORNERS), [0, 1, 1, 0])


def test_a_single_neuron_cannot_compute_xor():
    # Exhaustive over a grid of weights and thresholds: no M-P neuron gets all four corners right.
    grid = np.linspace(-2, 2, 17)
    best = max(MPNeuron([a, b], t).score(CORNERS, [0, 1, 1, 0]) for a in grid for b in grid for t in grid)
    assert best == 0.75


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="activation"):
        MPNeuron([1.0], 0.0, activation="relu")
    with pytest.raises(ValueError, match="1-D"):
        MPNeuron([[1.0, 2.0]], 0.0)
    with pytest.raises(ValueError, match="shape"):
        MPNeuron([1.0, 1.0], 0.0).predict([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="takes 3 inputs"):
        MPNetwork([[MPNeuron([1, 1], 0), MPNeuron([1, 1], 0)], [MPNeuron([1, 1, 1], 0)]])


def test_repr_shows_the_parameters():
    assert repr(and_gate()) == "MPNeuron(weights=[1, 1], threshold=1.5, activation='step')"
    assert "MPNeuron(weights=[1, -1], threshold=0.5" in repr(xor_network())

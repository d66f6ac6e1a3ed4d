"""The McCulloch-Pitts (M-P) neuron (1943) and networks of hand-set M-P neurons.

An M-P neuron weighs its inputs, compares the sum with a threshold θ and fires or not:

    y = f(w·x − θ),   f = step:  step(z) = 1 if z ≥ 0 else 0          (output in {0, 1})
                      f = sign:  sgn(z)  = +1 if z ≥ 0 else −1        (output in {−1, +1})

Convention at exactly w·x = θ (z = 0): the neuron **fires** (1, resp. +1). This is what
course seed 004 writes in both places it defines the activation: (2) "y = 1 if
Σ wᵢxᵢ + b ≥ 0, −1 otherwise" and (8) "sgn(x) = 1 if x ≥ 0, 0 if x < 0". (NumPy's
``np.sign``, used in the seed's (5), returns 0 at 0; an M-P neuron never outputs 0 under
``activation='sign'``.) Nothing is learned: weights and thresholds are set by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from neuronlab.datasets.validation import check_features

ACTIVATIONS = ("step", "sign")


def _fire(z: np.ndarray, activation: str) -> np.ndarray:
    fired = z >= 0  # z = 0 fires: seed 004 (2) and (8) both use ">= 0"
    if activation == "step":
        return fired.astype(np.int64)
    return np.where(fired, 1, -1).astype(np.int64)


class MPNeuron:
    """A McCulloch-Pitts neuron with hand-set weights and threshold.

    ``y = step(w·x − θ)`` in {0, 1} (``activation='step'``) or ``y = sgn(w·x − θ)`` in
    {−1, +1} (``activation='sign'``); at w·x = θ exactly the neuron fires (1 / +1), as in
    seed 004 (2) and (8).

    Args:
        weights: the synaptic weights w, shape ``(n_inputs,)``.
        threshold: θ; the bias of a perceptron is b = −θ.
        activation: ``'step'`` or ``'sign'``.

    Shape:
        ``X`` of shape ``(n_samples, n_inputs)`` gives outputs of shape ``(n_samples,)``;
        one sample of shape ``(n_inputs,)`` gives a 0-d array.

    Example:
        >>> AND = MPNeuron([1, 1], threshold=1.5)
        >>> AND.predict([[0, 0], [0, 1], [1, 0], [1, 1]])
        array([0, 0, 0, 1])
        >>> MPNeuron([1, 1], threshold=2, activation="sign").predict([[1, 1], [1, 0]])  # w·x = θ fires
        array([ 1, -1])
    """

    def __init__(self, weights: Sequence[float] | np.ndarray, threshold: float, activation: str = "step"):
        weights = np.asarray(weights, dtype=np.float64)
        if weights.ndim != 1 or weights.size == 0:
            raise ValueError(f"weights must be a non-empty 1-D sequence, got shape {weights.shape}")
        if not np.all(np.isfinite(weights)) or not np.isfinite(threshold):
            raise ValueError("weights and threshold must be finite numbers")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.weights = weights
        self.threshold = float(threshold)
        self.activation = activation

    @property
    def n_inputs(self) -> int:
        """The number of inputs, ``len(weights)``."""
        return self.weights.size

    def net_input(self, X: ArrayLike) -> np.ndarray:
        """``z = w·x − θ`` for each sample; the neuron fires where ``z ≥ 0``.

        Example:
            >>> MPNeuron([1, -1], threshold=0.5).net_input([[1, 0], [1, 1]])
            array([ 0.5, -0.5])
        """
        X = check_features(X).astype(np.float64, copy=False)
        if X.ndim not in (1, 2) or X.shape[-1] != self.n_inputs:
            raise ValueError(
                f"expected inputs of shape (n_samples, {self.n_inputs}) or ({self.n_inputs},), got {X.shape}"
            )
        return X @ self.weights - self.threshold

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The neuron's output ``f(w·x − θ)``, int64: {0, 1} for step, {−1, +1} for sign.

        Example:
            >>> MPNeuron([-1], threshold=-0.5).predict([[0], [1]])  # NOT
            array([1, 0])
        """
        return _fire(self.net_input(X), self.activation)

    __call__ = predict

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: the fraction of samples where ``predict(X) == y``.

        Example:
            >>> MPNeuron([1, 1], threshold=0.5).score([[0, 0], [1, 1]], [0, 1])  # OR
            1.0
        """
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def __repr__(self) -> str:
        w = ", ".join(f"{v:g}" for v in self.weights)
        return f"MPNeuron(weights=[{w}], threshold={self.threshold:g}, activation={self.activation!r})"


def and_gate(n_inputs: int = 2) -> MPNeuron:
    """AND of ``n_inputs`` binary inputs: all weights 1, θ = n − 0.5 (fires only when all are 1).

    Example:
        >>> and_gate().predict([[0, 0], [0, 1], [1, 0], [1, 1]])
        array([0, 0, 0, 1])
    """
    return MPNeuron(np.ones(n_inputs), threshold=n_inputs - 0.5)


def or_gate(n_inputs: int = 2) -> MPNeuron:
    """OR of ``n_inputs`` binary inputs: all weights 1, θ = 0.5 (fires when any is 1).

    Example:
        >>> or_gate().predict([[0, 0], [0, 1], [1, 0], [1, 1]])
        array([0, 1, 1, 1])
    """
    return MPNeuron(np.ones(n_inputs), threshold=0.5)


def not_gate() -> MPNeuron:
    """NOT of one binary input: weight −1, θ = −0.5 (fires when the input is 0).

    Example:
        >>> not_gate().predict([[0], [1]])
        array([1, 0])
    """
    return MPNeuron([-1.0], threshold=-0.5)


class MPNetwork:
    """A feed-forward network of hand-set M-P neurons, layer by layer.

    Layer k computes ``h⁽ᵏ⁾ = f(W⁽ᵏ⁾ h⁽ᵏ⁻¹⁾ − θ⁽ᵏ⁾)`` neuron by neuron, with ``h⁽⁰⁾ = x``;
    the output is the last layer's ``h``.

    Args:
        layers: a sequence of layers, each a sequence of ``MPNeuron`` whose ``n_inputs``
            equals the size of the layer below.

    Example:
        >>> net = MPNetwork([[MPNeuron([1, -1], 0.5), MPNeuron([-1, 1], 0.5)], [MPNeuron([1, 1], 0.5)]])
        >>> net.predict([[0, 0], [0, 1], [1, 0], [1, 1]])
        array([0, 1, 1, 0])
    """

    def __init__(self, layers: Sequence[Sequence[MPNeuron]]):
        layers = [list(layer) for layer in layers]
        if not layers or any(not layer for layer in layers):
            raise ValueError("an MPNetwork needs at least one layer, and every layer at least one neuron")
        for k, (below, layer) in enumerate(zip(layers, layers[1:]), start=1):
            bad = [n for n in layer if n.n_inputs != len(below)]
            if bad:
                raise ValueError(
                    f"layer {k} has {len(below)} neurons below it but {bad[0]!r} takes {bad[0].n_inputs} inputs"
                )
        self.layers = layers

    def forward(self, X: ArrayLike) -> list[np.ndarray]:
        """Every layer's outputs: a list with one ``(n_samples, layer_size)`` int array per layer.

        Example:
            >>> hidden, out = xor_network().forward([[1, 0]])
            >>> hidden, out
            (array([[1, 0]]), array([[1]]))
        """
        h = np.atleast_2d(check_features(X))
        outputs = []
        for layer in self.layers:
            h = np.column_stack([neuron.predict(h) for neuron in layer])
            outputs.append(h)
        return outputs

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The network's output; shape ``(n_samples,)`` when the last layer has one neuron.

        Example:
            >>> xor_network().predict([[0, 0], [1, 1]])
            array([0, 0])
        """
        out = self.forward(X)[-1]
        return out[:, 0] if out.shape[1] == 1 else out

    __call__ = predict

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy of ``predict(X)`` against ``y``.

        Example:
            >>> xor_network().score([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])
            1.0
        """
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def table(self, X: ArrayLike | None = None) -> np.ndarray:
        """The worked example as rows ``x1, x2, …, h1, h2, …, y``: inputs, every hidden unit, outputs.

        ``X`` defaults to the four corners (0,0), (0,1), (1,0), (1,1) of the truth table.

        Example:
            >>> xor_network().table()
            array([[0, 0, 0, 0, 0],
                   [0, 1, 0, 1, 1],
                   [1, 0, 1, 0, 1],
                   [1, 1, 0, 0, 0]])
        """
        X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]) if X is None else np.atleast_2d(check_features(X))
        return np.column_stack([X, *self.forward(X)])

    def table_header(self) -> list[str]:
        """Column names of ``table()``: ``x1 … xn``, then ``h1 …`` per hidden unit, then ``y`` (``y1 …``).

        Example:
            >>> xor_network().table_header()
            ['x1', 'x2', 'h1', 'h2', 'y']
        """
        n_in = self.layers[0][0].n_inputs
        names = [f"x{i + 1}" for i in range(n_in)]
        hidden = [n for layer in self.layers[:-1] for n in layer]
        names += [f"h{i + 1}" for i in range(len(hidden))]
        n_out = len(self.layers[-1])
        return names + (["y"] if n_out == 1 else [f"y{i + 1}" for i in range(n_out)])

    def __repr__(self) -> str:
        body = ",\n".join("  [" + ", ".join(map(repr, layer)) + "]" for layer in self.layers)
        return f"MPNetwork([\n{body}\n])"


def xor_network() -> MPNetwork:
    """The M-P network for XOR of seed 004 (8)-(9) (Zhou, *Machine Learning*, Fig. 5.5).

    Hidden layer: h1 = step(x1 − x2 − 0.5) ("x1 and not x2"), h2 = step(−x1 + x2 − 0.5)
    ("x2 and not x1"); output y = step(h1 + h2 − 0.5) (OR). So y = x1 XOR x2.

    Example:
        >>> net = xor_network()
        >>> net.predict([[0, 0], [0, 1], [1, 0], [1, 1]])
        array([0, 1, 1, 0])
    """
    hidden = [MPNeuron([1.0, -1.0], 0.5), MPNeuron([-1.0, 1.0], 0.5)]
    return MPNetwork([hidden, [MPNeuron([1.0, 1.0], 0.5)]])

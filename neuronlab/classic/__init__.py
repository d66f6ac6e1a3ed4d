"""Classic models: the McCulloch-Pitts neuron (1943) and Rosenblatt's perceptron (1958).

Course seed 004 (2)-(10). Estimators follow scikit-learn's conventions (STYLE 17):
``__init__`` stores hyperparameters, ``fit``/``predict``/``score``, learned state ends in ``_``.

===========================  ==============================================================
``MPNeuron``                 y = step(w·x − θ) or sgn(w·x − θ), hand-set weights and threshold
``and_gate`` ``or_gate``     M-P neurons computing AND, OR, NOT
``not_gate``
``MPNetwork``                layers of M-P neurons; ``table()`` lists inputs, hidden units, output
``xor_network``              the seed's (8)-(9) network: XOR with one hidden layer of two neurons
``Perceptron``               Rosenblatt's rule w̃ ← w̃ + η·y·x̃ on each mistake, until an epoch has none
``margin_and_radius``        γ and R of the convergence theorem (bias coordinate included)
``max_margin_hyperplane``    the unit u maximizing the margin (hard-margin SVM, via scipy)
``mistake_bound``            Novikoff's (R/γ)² bound on the perceptron's mistakes
``plot_decision_boundary``   data and a model's decision boundary (matplotlib, imported lazily)
``plot_mistakes``            a fitted perceptron's mistakes per epoch
===========================  ==============================================================

Example:
    >>> from neuronlab.classic import Perceptron, mistake_bound
    >>> from neuronlab.datasets import make_moons, SEED_MOONS_SHIFT
    >>> X, y = make_moons(1000, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)
    >>> clf = Perceptron(random_state=0).fit(X, y)
    >>> clf.converged_, clf.score(X, y), clf.n_updates_ <= mistake_bound(X, y)
    (True, 1.0, True)
"""

from neuronlab.classic.convergence import margin_and_radius, max_margin_hyperplane, mistake_bound
from neuronlab.classic.mp_neuron import MPNetwork, MPNeuron, and_gate, not_gate, or_gate, xor_network
from neuronlab.classic.perceptron import ConvergenceWarning, NotFittedError, Perceptron
from neuronlab.classic.plotting import plot_decision_boundary, plot_mistakes

__all__ = [
    "ConvergenceWarning",
    "MPNetwork",
    "MPNeuron",
    "NotFittedError",
    "Perceptron",
    "and_gate",
    "margin_and_radius",
    "max_margin_hyperplane",
    "mistake_bound",
    "not_gate",
    "or_gate",
    "plot_decision_boundary",
    "plot_mistakes",
    "xor_network",
]

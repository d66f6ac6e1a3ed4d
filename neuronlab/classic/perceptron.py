"""Rosenblatt's perceptron (1958) as a scikit-learn-style estimator.

The perceptron is an M-P neuron with a learning rule. With labels y ∈ {−1, +1}, the bias
folded in as w₀ with x₀ = 1 (x̃ = (1, x), w̃ = (w₀, w)), and w̃ = 0 at the start:

    for each epoch (in a random order when shuffle=True):
        for each sample i:
            if yᵢ · w̃·x̃ᵢ ≤ 0:          # a mistake (on the boundary counts as one)
                w̃ ← w̃ + η · yᵢ · x̃ᵢ
        stop if the epoch made no mistake (converged) or after max_iter epochs

If the classes are linearly separable the loop stops after at most (R/γ)² mistakes
(Novikoff 1962; see ``neuronlab.classic.convergence``). If not, it never stops by itself.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from neuronlab.datasets.validation import (
    NotFittedError,
    check_is_fitted,
    check_labels,
    check_matrix,
    check_random_state,
    check_target,
    sklearn_twin,
)

__all__ = ["ConvergenceWarning", "NotFittedError", "Perceptron", "augment", "binary_labels"]


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped at ``max_iter`` without converging (as scikit-learn's)."""


def binary_labels(
    y: ArrayLike, n_samples: int | None = None, estimator=None
) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, s)``: the two sorted class labels and ``y`` as signs, classes[0] → −1, classes[1] → +1.

    Example:
        >>> binary_labels([0, 1, 1])
        (array([0, 1]), array([-1.,  1.,  1.]))
    """
    classes, codes = check_labels(y, n_samples, estimator=estimator)
    if classes.size != 2:
        raise ValueError(
            f"Only binary classification is supported: the perceptron separates exactly 2 classes, but y holds "
            f"{classes.size} ({classes[:5].tolist()}); for more classes train one perceptron per class "
            "(one-vs-rest, e.g. sklearn.multiclass.OneVsRestClassifier(Perceptron()))"
        )
    return classes, np.where(codes == 1, 1.0, -1.0)


def augment(X: ArrayLike, fit_intercept: bool = True) -> np.ndarray:
    """``X`` as float64, with the bias coordinate x₀ = 1 prepended when ``fit_intercept``.

    Example:
        >>> augment(np.array([[2.0, 3.0]]))
        array([[1., 2., 3.]])
    """
    X = np.asarray(X, dtype=np.float64)
    return np.column_stack([np.ones(len(X)), X]) if fit_intercept else X


class Perceptron:
    """Rosenblatt's perceptron: w̃ ← w̃ + η·y·x̃ on every mistake, until an epoch has none.

    Prediction: ``ŷ = sgn(w·x + b)`` with sgn(0) = +1 (seed 004 (2): "≥ 0 → 1"), mapped back
    to the original labels (``classes_[1]`` for +1, ``classes_[0]`` for −1). Any two labels
    work: {−1, +1}, {0, 1}, strings.

    Args:
        eta0: learning rate η > 0. Starting from w̃ = 0 it only scales w̃, never changes
            which samples are mistakes (the seed uses 0.1; every η gives the same predictions).
        max_iter: the most epochs (passes over the data).
        shuffle: visit the samples in a new random order every epoch.
        random_state: seed of the shuffling: None (``neuronlab.manual_seed``'s generator),
            an int or a generator.
        fit_intercept: learn the bias w₀ (with x₀ = 1); False fixes the line through the origin.

    Attributes (after ``fit``):
        coef_ (1, n_features), intercept_ (1,), classes_ (2,), n_features_in_,
        n_iter_ (epochs run), converged_ (an epoch made no mistake), n_updates_ (total
        mistakes = weight updates), mistakes_per_epoch_ (n_iter_,), mse_per_epoch_
        (n_iter_,): mean of (y − ŷ)² with y, ŷ ∈ {−1, +1} after each epoch (= 4 × error rate).

    Example:
        >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> clf = Perceptron(random_state=0).fit(X, [0, 0, 0, 1])  # AND is linearly separable
        >>> clf.predict(X), clf.converged_
        (array([0, 0, 0, 1]), True)
    """

    def __init__(
        self,
        eta0: float = 1.0,
        max_iter: int = 1000,
        shuffle: bool = True,
        random_state: int | np.random.Generator | None = None,
        fit_intercept: bool = True,
    ):
        self.eta0 = eta0
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.fit_intercept = fit_intercept

    # -- scikit-learn's estimator protocol -----------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyperparameters given to ``__init__``, by name (scikit-learn's protocol).

        Example:
            >>> Perceptron(eta0=0.1).get_params()["eta0"]
            0.1
        """
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params) -> Perceptron:
        """Set hyperparameters by name; returns ``self`` (scikit-learn's protocol).

        Example:
            >>> Perceptron().set_params(max_iter=5).max_iter
            5
        """
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for Perceptron; valid ones: {sorted(valid)}")
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        """scikit-learn's estimator tags: a binary classifier of 2-D numeric arrays (called by
        scikit-learn only, so it is imported here and is not a dependency of neuronlab)."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_class=False, poor_score=True),
            input_tags=InputTags(),
        )

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = {k: v for k, v in self.get_params().items() if v != defaults[k]}
        return "Perceptron(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def _check_hyperparameters(self) -> None:
        if not (
            isinstance(self.eta0, int | float | np.floating)
            and not isinstance(self.eta0, bool)
            and self.eta0 > 0
        ):
            raise ValueError(f"eta0 is the learning rate and must be a number > 0, got {self.eta0!r}")
        if not (isinstance(self.max_iter, int | np.integer) and self.max_iter >= 1):
            raise ValueError(f"max_iter is a number of epochs and must be an int >= 1, got {self.max_iter!r}")

    # -- learning ------------------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike) -> Perceptron:
        """Run Rosenblatt's loop until an epoch makes no mistake or ``max_iter`` epochs have run.

        Emits a ``ConvergenceWarning`` when it stops at ``max_iter``: the data may not be
        linearly separable (XOR, the unshifted moons), or need more epochs.

        Example:
            >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
            >>> clf = Perceptron(shuffle=False).fit(X, [-1, 1])
            >>> clf.mistakes_per_epoch_, clf.n_iter_, clf.converged_
            (array([2, 1, 0]), 3, True)
        """
        self._check_hyperparameters()
        X = check_matrix(X, estimator=self)
        self.classes_, s = binary_labels(y, len(X), self)
        A = augment(X, self.fit_intercept)
        Z = s[:, None] * A  # row i is yᵢ·x̃ᵢ: a mistake is Z[i]·w̃ <= 0
        rng = check_random_state(self.random_state) if self.shuffle else None
        w = np.zeros(Z.shape[1])
        mistakes, mse = [], []
        for _ in range(self.max_iter):
            order = rng.permutation(len(Z)) if self.shuffle else np.arange(len(Z))
            mistakes.append(_epoch(w, Z[order], float(self.eta0)))
            # The seed's "MSE": mean (y − ŷ)² of the ±1 outputs after the epoch (4 per error).
            mse.append(float(np.mean((s - np.where(A @ w >= 0, 1.0, -1.0)) ** 2)))
            if mistakes[-1] == 0:
                break
        self._set_weights(w, X.shape[1])
        self.mistakes_per_epoch_ = np.array(mistakes, dtype=np.int64)
        self.mse_per_epoch_ = np.array(mse)
        self.n_iter_ = len(mistakes)
        self.n_updates_ = int(self.mistakes_per_epoch_.sum())
        self.converged_ = bool(mistakes[-1] == 0)
        if not self.converged_:
            warnings.warn(
                f"Perceptron did not converge: {mistakes[-1]} mistake(s) in epoch {self.max_iter} "
                f"(max_iter={self.max_iter}). The data may not be linearly separable, and then "
                "Rosenblatt's rule never stops; otherwise raise max_iter.",
                sklearn_twin(ConvergenceWarning),
                stacklevel=2,
            )
        return self

    def _set_weights(self, w: np.ndarray, n_features: int) -> None:
        self.n_features_in_ = n_features
        self.coef_ = w[-n_features:].reshape(1, n_features).copy()
        self.intercept_ = w[:1].copy() if self.fit_intercept else np.zeros(1)

    # -- prediction ----------------------------------------------------------------------------
    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The signed score ``w·x + b`` of each sample, shape ``(n_samples,)``; > 0 leans to ``classes_[1]``.

        Example:
            >>> clf = Perceptron(shuffle=False).fit(np.array([[0.0], [2.0]]), [0, 1])
            >>> clf.decision_function(np.array([[0.0], [2.0]]))
            array([-1.,  3.])
        """
        check_is_fitted(self, "coef_", "decision_function")
        X = check_matrix(X, estimator=self, n_features_in=self.n_features_in_)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The predicted labels: ``classes_[1]`` where ``w·x + b ≥ 0``, else ``classes_[0]``.

        Example:
            >>> clf = Perceptron(shuffle=False).fit(np.array([[0.0], [2.0]]), ["no", "yes"])
            >>> clf.predict(np.array([[-1.0], [3.0]]))
            array(['no', 'yes'], dtype='<U3')
        """
        check_is_fitted(self, "coef_", "predict")
        scores = self.decision_function(X)
        return self.classes_[(scores >= 0).astype(np.int64)]

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: the fraction of samples with ``predict(X) == y``.

        Example:
            >>> X = np.array([[0.0], [2.0]])
            >>> Perceptron(shuffle=False).fit(X, [0, 1]).score(X, [0, 1])
            1.0
        """
        predicted = self.predict(X)
        return float(np.mean(predicted == check_target(y, len(predicted), self)))


def _epoch(w: np.ndarray, Z: np.ndarray, eta: float) -> int:
    """One pass of Rosenblatt's rule over the rows zᵢ = yᵢ·x̃ᵢ of ``Z``, updating ``w`` in place.

    One update per mistake is the algorithm itself, so this loop stays a loop; its body is
    one dot product of two short 1-D arrays.
    """
    mistakes = 0
    for z in Z:
        if z @ w <= 0:
            w += eta * z
            mistakes += 1
    return mistakes

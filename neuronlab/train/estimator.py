"""scikit-learn estimators around a neuronlab module and the ``Trainer`` (what skorch does for PyTorch).

``NeuralNetClassifier`` and ``NeuralNetRegressor`` follow scikit-learn's conventions (STYLE 17):
``__init__`` only stores hyperparameters, ``fit`` builds the module and trains it with
``Trainer``, learned state ends in ``_``. They pass scikit-learn's ``check_estimator``, so
``cross_val_score``, ``GridSearchCV`` and ``Pipeline`` take them like any scikit-learn model.
scikit-learn stays optional: only ``__sklearn_tags__`` imports it, and only scikit-learn calls it.

The network is ``module``: ``None`` builds an MLP from ``hidden_layer_sizes`` and ``activation``
(as scikit-learn's ``MLPClassifier``); a callable ``module(n_features, n_outputs)`` returns any
``nn.Module``, built at fit time when the data's sizes are known; an ``nn.Module`` instance is
copied, so ``fit`` never changes what was passed in. A classifier's module outputs one logit
per class (``CrossEntropyLoss``; ``predict_proba`` is their softmax); a regressor's one value
(``MSELoss``).
"""

from __future__ import annotations

import copy
import inspect
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from neuronlab.datasets.validation import (
    check_is_fitted,
    check_labels,
    check_matrix,
    check_regression_target,
    check_target,
    seed_from,
)
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import Generator, default_generator
from neuronlab.engine.tensor import Tensor
from neuronlab.nn.modules.activation import ReLU, Sigmoid, Tanh
from neuronlab.nn.modules.container import Sequential
from neuronlab.nn.modules.linear import Identity, Linear
from neuronlab.nn.modules.loss import CrossEntropyLoss, MSELoss
from neuronlab.nn.modules.module import Module
from neuronlab.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from neuronlab.train.history import History
from neuronlab.train.trainer import Trainer

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "logistic": Sigmoid, "sigmoid": Sigmoid, "identity": Identity}
OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad}


def make_mlp(
    n_features: int, n_outputs: int, hidden_layer_sizes: tuple[int, ...] = (32,), activation: str = "relu"
) -> Sequential:
    """``Linear → activation → … → Linear``: one hidden layer per entry of ``hidden_layer_sizes``.

    Example:
        >>> make_mlp(4, 3, (8,))
        Sequential(
          (0): Linear(in_features=4, out_features=8, bias=True)
          (1): ReLU()
          (2): Linear(in_features=8, out_features=3, bias=True)
        )
    """
    layers, width = [], n_features
    for size in hidden_layer_sizes:
        layers += [Linear(width, size), ACTIVATIONS[activation]()]
        width = size
    return Sequential(*layers, Linear(width, n_outputs))


@contextmanager
def _seeded(seed: int | None):
    """Draw from the default generator seeded with ``seed`` (initialization, dropout), then put
    the caller's stream back: a fit with ``random_state`` repeats and leaves no trace on
    ``manual_seed``'s stream. ``None`` draws from that stream as it is."""
    if seed is None:
        yield
        return
    saved = default_generator.get_state()
    default_generator.manual_seed(seed)
    try:
        yield
    finally:
        default_generator.set_state(saved)


class _NeuralNet:
    """What the classifier and the regressor share: hyperparameters, building, training."""

    def __init__(
        self,
        module=None,
        *,
        hidden_layer_sizes: tuple[int, ...] = (32,),
        activation: str = "relu",
        optimizer="adam",
        lr: float = 0.01,
        max_epochs: int = 20,
        batch_size: int = 32,
        weight_decay: float = 0.0,
        random_state: int | np.random.Generator | None = None,
    ):
        self.module = module
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.random_state = random_state

    # -- scikit-learn's estimator protocol -----------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyperparameters given to ``__init__``, by name (scikit-learn's protocol)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params) -> _NeuralNet:
        """Set hyperparameters by name; returns ``self`` (scikit-learn's protocol)."""
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for {type(self).__name__}; valid ones: {sorted(valid)}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = {k: v for k, v in self.get_params().items() if v is not defaults[k] and v != defaults[k]}
        return f"{type(self).__name__}(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def _check_hyperparameters(self) -> None:
        def positive_int(value) -> bool:
            return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 1

        if not (isinstance(self.lr, int | float) and not isinstance(self.lr, bool) and 0 < self.lr < np.inf):
            raise ValueError(f"lr is the learning rate and must be a finite number > 0, got {self.lr!r}")
        for name in ("max_epochs", "batch_size"):
            if not positive_int(getattr(self, name)):
                raise ValueError(f"{name} must be an int >= 1, got {getattr(self, name)!r}")
        if self.module is None:
            if self.activation not in ACTIVATIONS:
                raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
            if not all(positive_int(size) for size in self.hidden_layer_sizes):
                raise ValueError(f"hidden_layer_sizes must be ints >= 1, got {self.hidden_layer_sizes!r}")
        elif not callable(self.module):
            raise TypeError(
                f"module must be None (an MLP), an nn.Module or a callable module(n_features, n_outputs); "
                f"got {type(self.module).__name__}"
            )
        if not (
            self.optimizer in OPTIMIZERS or callable(self.optimizer) and not isinstance(self.optimizer, str)
        ):
            raise ValueError(
                f"optimizer must be one of {sorted(OPTIMIZERS)} or an optimizer class, got {self.optimizer!r}"
            )

    def _build_module(self, n_features: int, n_outputs: int) -> Module:
        if self.module is None:
            return make_mlp(n_features, n_outputs, tuple(self.hidden_layer_sizes), self.activation)
        if isinstance(self.module, Module):
            return copy.deepcopy(self.module)  # the passed module stays as it was (scikit-learn's rule)
        module = self.module(n_features, n_outputs)
        if not isinstance(module, Module):
            raise TypeError(
                f"module(n_features, n_outputs) must return an nn.Module, got {type(module).__name__}"
            )
        return module

    def _build_optimizer(self, module: Module):
        make = (
            OPTIMIZERS.get(self.optimizer, self.optimizer)
            if isinstance(self.optimizer, str)
            else self.optimizer
        )
        return make(module.parameters(), lr=self.lr, weight_decay=self.weight_decay)

    # -- learning --------------------------------------------------------------------------------------
    def _fit(self, X: np.ndarray, target: Tensor, n_outputs: int, loss_fn) -> None:
        """Build the module and train it for ``max_epochs`` epochs; sets ``module_`` and ``history_``."""
        seed = None if self.random_state is None else seed_from(self.random_state)
        with _seeded(seed):
            module = self._build_module(X.shape[1], n_outputs)
            trainer = Trainer(module, self._build_optimizer(module), loss_fn, progress=False, history="epoch")
            loader_generator = None if seed is None else Generator().manual_seed(seed)
            trainer.fit(
                (Tensor._wrap(X.astype(np.float32)), target),
                epochs=self.max_epochs,
                batch_size=min(self.batch_size, len(X)),
                generator=loader_generator,
            )
        module.eval()
        self.module_ = module
        self.n_features_in_ = X.shape[1]
        self.history_: History = trainer.history
        self.n_iter_ = trainer.epoch

    def _outputs(self, X: ArrayLike, method: str) -> np.ndarray:
        """The fitted module's outputs for ``X`` as a float64 array, in eval mode without gradients."""
        check_is_fitted(self, "module_", method)
        X = check_matrix(X, estimator=self, n_features_in=self.n_features_in_)
        with no_grad():
            out = self.module_(Tensor._wrap(X.astype(np.float32)))
        return out.numpy().astype(np.float64)


class NeuralNetClassifier(_NeuralNet):
    """A neuronlab module trained by ``Trainer`` with cross-entropy, as a scikit-learn classifier.

    Args:
        module: ``None`` (an MLP from ``hidden_layer_sizes`` and ``activation``), a callable
            ``module(n_features, n_classes) -> nn.Module`` (a class works), or an ``nn.Module``
            (copied at each fit) whose output has one logit per class.
        hidden_layer_sizes: widths of the MLP's hidden layers (when ``module`` is None).
        activation: ``"relu"``, ``"tanh"``, ``"logistic"``/``"sigmoid"`` or ``"identity"``.
        optimizer: ``"adam"``, ``"sgd"``, ``"adamw"``, ``"rmsprop"``, ``"adagrad"`` or an
            optimizer class called as ``optimizer(params, lr=lr, weight_decay=weight_decay)``.
        lr: learning rate. max_epochs: passes over the data. batch_size: samples per iteration.
        weight_decay: the optimizer's L2 coefficient (decoupled for AdamW).
        random_state: seeds initialization, dropout and shuffling (an int repeats bit for bit);
            None draws from ``neuronlab.manual_seed``'s generator.

    Attributes (after ``fit``):
        module_ (the trained module, in eval mode), classes_ (n_classes,), n_features_in_,
        history_ (the Trainer's ``History``, one record per epoch), n_iter_ (epochs run).

    Example:
        >>> from neuronlab.datasets import make_moons
        >>> from neuronlab.train import NeuralNetClassifier
        >>> X, y = make_moons(200, noise=0.1, random_state=0)
        >>> clf = NeuralNetClassifier(hidden_layer_sizes=(16,), max_epochs=50, random_state=0)
        >>> clf.fit(X, y).score(X, y) > 0.95, clf.predict_proba(X[:2]).shape
        (True, (2, 2))
    """

    def __sklearn_tags__(self):
        """scikit-learn's estimator tags: a classifier of 2-D numeric arrays, two classes or more
        (called by scikit-learn only, so it is imported here and is not a dependency of neuronlab)."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_class=True),
            input_tags=InputTags(),
        )

    def fit(self, X: ArrayLike, y: ArrayLike) -> NeuralNetClassifier:
        """Build the module for ``X``'s width and ``y``'s classes and train it; returns ``self``."""
        self._check_hyperparameters()
        X = check_matrix(X, estimator=self)
        classes, codes = check_labels(y, len(X), estimator=self)
        self._fit(X, Tensor._wrap(codes.astype(np.int64)), len(classes), CrossEntropyLoss())
        self.classes_ = classes
        return self

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, the softmax of the module's logits: shape ``(n_samples, n_classes)``."""
        logits = self._outputs(X, "predict_proba")
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))  # shifted: exp never overflows
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class of each sample, as one of ``classes_``."""
        logits = self._outputs(X, "predict")  # first: it raises NotFittedError before fit
        return self.classes_[logits.argmax(axis=1)]

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: the fraction of samples with ``predict(X) == y``."""
        predicted = self.predict(X)
        return float(np.mean(predicted == check_target(y, len(predicted), self)))


class NeuralNetRegressor(_NeuralNet):
    """A neuronlab module trained by ``Trainer`` with the mean squared error, as a scikit-learn regressor.

    The arguments and attributes are ``NeuralNetClassifier``'s (without ``classes_``); the
    module has one output. Standardize ``y`` (or use scikit-learn's
    ``TransformedTargetRegressor``) when its scale is far from 1: the learning rate acts on it.

    Example:
        >>> from neuronlab.datasets import make_moons
        >>> from neuronlab.train import NeuralNetRegressor
        >>> X, _ = make_moons(200, noise=0.1, random_state=0)
        >>> reg = NeuralNetRegressor(max_epochs=50, random_state=0).fit(X, X[:, 0] - X[:, 1])
        >>> reg.score(X, X[:, 0] - X[:, 1]) > 0.95
        True
    """

    def __sklearn_tags__(self):
        """scikit-learn's estimator tags: a regressor of 2-D numeric arrays (called by scikit-learn only)."""
        from sklearn.utils import InputTags, RegressorTags, Tags, TargetTags

        return Tags(
            estimator_type="regressor",
            target_tags=TargetTags(required=True),
            regressor_tags=RegressorTags(),
            input_tags=InputTags(),
        )

    def fit(self, X: ArrayLike, y: ArrayLike) -> NeuralNetRegressor:
        """Build the module for ``X``'s width and train it on ``y``; returns ``self``."""
        self._check_hyperparameters()
        X = check_matrix(X, estimator=self)
        y = check_regression_target(y, len(X), estimator=self)
        self._fit(X, Tensor._wrap(y.astype(np.float32).reshape(-1, 1)), 1, MSELoss())
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The module's output for each sample, shape ``(n_samples,)``."""
        return self._outputs(X, "predict").reshape(-1)

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """R², the coefficient of determination: 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (1 is perfect, 0 is
        predicting the mean; scikit-learn's regressor score)."""
        predicted = self.predict(X)
        y = check_regression_target(y, len(predicted), estimator=self)
        residual, total = np.sum((y - predicted) ** 2), np.sum((y - y.mean()) ** 2)
        if total == 0:  # a constant target: perfect or not, as scikit-learn's r2_score
            return 1.0 if residual == 0 else 0.0
        return float(1.0 - residual / total)

"""Input checks for data: finite features, valid class labels, matching lengths, random states.

Each check raises a ``ValueError`` that says what is wrong, where, and what to change;
``TensorDataset`` itself stays as permissive as PyTorch's, so the dataset helpers call these.

The estimators (``classic.Perceptron``, ``train.NeuralNetClassifier``...) validate their
input here too, with ``check_matrix``, ``check_labels``, ``check_regression_target`` and
``check_is_fitted``. Their messages contain the phrases scikit-learn's ``check_estimator``
looks for ("Reshape your data", "Unknown label type: continuous"...), and ``NotFittedError``
and ``DataConversionWarning`` are also scikit-learn's classes when scikit-learn is loaded
(``sklearn_twin``): scikit-learn stays an optional dependency, never imported from here.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from neuronlab.engine.random import Generator, rng_of
from neuronlab.engine.tensor import Tensor

_SHOWN = 5  # how many offending positions an error message lists


def _as_array(a, name: str) -> np.ndarray:
    if isinstance(a, Tensor):
        return a.detach().numpy()
    array = np.asarray(a)
    if array.dtype == object:
        raise ValueError(
            f"{name} must be a numeric array; got an array of Python objects (ragged or mixed data?)"
        )
    return array


def _positions(mask: np.ndarray) -> str:
    where = np.argwhere(mask)[:_SHOWN]
    text = ", ".join(str(tuple(int(i) for i in w)) if len(w) > 1 else str(int(w[0])) for w in where)
    return text + (", ..." if mask.sum() > _SHOWN else "")


def check_features(X, name: str = "X") -> np.ndarray:
    """``X`` as a NumPy array after checking that it is numeric and holds no NaN or infinity.

    Example:
        >>> check_features(np.array([[1.0, np.nan], [np.inf, 0.0]]))
        Traceback (most recent call last):
        ValueError: X contains 1 NaN and 1 infinite value(s) out of 4 at positions (0, 1), (1, 0); ...
    """
    array = _as_array(X, name)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers; got dtype {array.dtype}")
    if array.dtype.kind != "f":
        return array
    bad = ~np.isfinite(array)
    if bad.any():
        n_nan, n_inf = int(np.isnan(array).sum()), int(np.isinf(array).sum())
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite value(s) out of {array.size} at "
            f"positions {_positions(bad)}; remove or impute those entries before training "
            "(e.g. drop the rows, or replace them with the column mean of the training data)"
        )
    return array


def check_classification_targets(y, n_classes: int | None = None, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D int64 array of class indices in ``0 .. n_classes - 1``.

    Integer-valued floats (``1.0``) are accepted; fractional values, negatives and labels
    ``>= n_classes`` raise a ``ValueError`` naming how many and where.
    """
    array = _as_array(y, name)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of class indices, got shape {array.shape}"
            + ("; for one-hot labels use y.argmax(1)" if array.ndim == 2 else "")
        )
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold integer class indices 0..C-1; got dtype {array.dtype}")
    if array.dtype.kind == "f":
        fractional = ~np.isfinite(array) | (array != np.round(array))
        if fractional.any():
            raise ValueError(
                f"{name} must hold integer class indices; {int(fractional.sum())} value(s) are not integers, "
                f"at positions {_positions(fractional)} (e.g. {array[fractional][0]!r}); for regression "
                "targets use a regression loss, not class labels"
            )
    labels = array.astype(np.int64)
    negative = labels < 0
    if negative.any():
        raise ValueError(
            f"{name} holds {int(negative.sum())} negative label(s) at positions {_positions(negative)}; "
            "class indices must be 0..C-1 (map -1/+1 labels to 0/1 with (y + 1) // 2)"
        )
    if n_classes is not None:
        too_big = labels >= n_classes
        if too_big.any():
            raise ValueError(
                f"{name} holds {int(too_big.sum())} label(s) >= n_classes={n_classes} (largest "
                f"{int(labels.max())}) at positions {_positions(too_big)}; labels must be 0..{n_classes - 1}"
            )
    return labels


def check_lengths(X, y) -> int:
    """The number of samples, after checking that ``X`` and ``y`` have the same first dimension."""
    n_x, n_y = len(X), len(y)
    if n_x != n_y:
        raise ValueError(
            f"X has {n_x} samples but y has {n_y}; X and y must have the same first dimension (one label per row)"
        )
    return n_x


def check_fraction_or_count(size, n: int, name: str) -> int:
    """A split size given as a fraction in [0, 1) or a count in [0, n], as a count."""
    if isinstance(size, float):
        if not 0.0 <= size < 1.0:
            raise ValueError(f"{name}={size} must be a fraction in [0, 1) or a sample count")
        return int(np.ceil(size * n - 1e-9))  # 0.15 * 100 is 15.000000000000002 in floating point
    if isinstance(size, int | np.integer) and not isinstance(size, bool) and 0 <= size <= n:
        return int(size)
    raise ValueError(f"{name}={size!r} must be a fraction in [0, 1) or a sample count in [0, {n}]")


def check_random_state(random_state) -> np.random.Generator:
    """A NumPy generator from ``random_state`` (scikit-learn's convention, NumPy's new API).

    ``None``: the generator ``neuronlab.manual_seed`` seeds (so a seeded run repeats);
    an int: a fresh ``np.random.default_rng(seed)``; a ``neuronlab.Generator`` or a
    ``np.random.Generator``: used as is.
    """
    if random_state is None or isinstance(random_state, Generator):
        return rng_of(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be non-negative, got {random_state}")
        return np.random.default_rng(int(random_state))
    raise ValueError(
        f"random_state must be None, an int, a neuronlab.Generator or a numpy Generator; got {random_state!r}"
    )


def seed_from(random_state) -> int:
    """An int seed for libraries that take one (scikit-learn): ints pass through, else one draw."""
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        check_random_state(random_state)  # rejects negative seeds
        return int(random_state)
    return int(check_random_state(random_state).integers(2**31 - 1))


# -- estimators: errors, fitted state, X and y ---------------------------------------------------------
class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit`` (the same bases as scikit-learn's NotFittedError)."""


class DataConversionWarning(UserWarning):
    """Input was converted to the form an estimator needs (as scikit-learn's warning)."""


_TWINS: dict[type, type] = {}


def sklearn_twin(cls: type) -> type:
    """``cls`` or, when scikit-learn is already imported, a subclass of both ``cls`` and the
    class of the same name in ``sklearn.exceptions``, so ``except`` clauses of either library
    catch what neuronlab raises. scikit-learn is never imported here (it takes seconds): if
    it is not loaded, nobody can be catching its classes.

    Example:
        >>> import sklearn.exceptions
        >>> error = sklearn_twin(NotFittedError)("call fit first")
        >>> isinstance(error, NotFittedError), isinstance(error, sklearn.exceptions.NotFittedError)
        (True, True)
    """
    if "sklearn" not in sys.modules:
        return cls
    if cls not in _TWINS:
        from sklearn import exceptions  # already loaded: costs nothing

        theirs = getattr(exceptions, cls.__name__)
        twin = type(cls.__name__, (cls, theirs), {"__module__": cls.__module__, "__doc__": cls.__doc__})
        _TWINS[cls] = twin
    return _TWINS[cls]


def check_is_fitted(estimator, attribute: str, method: str = "predict") -> None:
    """Raise ``NotFittedError`` naming the estimator and the method if ``fit`` has not run."""
    if not hasattr(estimator, attribute):
        name = type(estimator).__name__
        raise sklearn_twin(NotFittedError)(
            f"This {name} is not fitted yet: call fit(X, y) before {method}() (fit learns the "
            "weights that predictions use)"
        )


def _refuse_sparse(a, name: str) -> None:
    sparse = sys.modules.get("scipy.sparse")  # a sparse matrix exists only if scipy is loaded
    if sparse is not None and sparse.issparse(a):
        raise TypeError(
            f"{name} is a scipy sparse matrix ({type(a).__name__} of shape {a.shape}); sparse input is not "
            f"supported: pass a dense array, {name}.toarray(), if it fits in memory"
        )


def _refuse_complex(array: np.ndarray, name: str) -> None:
    if array.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {array.dtype}; pass real numbers "
            f"({name}.real, or abs({name}) for magnitudes)"
        )


def check_matrix(X, name: str = "X", *, estimator=None, n_features_in: int | None = None) -> np.ndarray:
    """``X`` as a finite float64 array of shape ``(n_samples, n_features)``, both at least 1.

    Refuses sparse matrices, complex numbers, non-numeric objects, 1-D or >2-D arrays, NaN and
    infinity; with ``n_features_in`` (set at fit time), a different number of columns.

    Example:
        >>> check_matrix([1.0, 2.0, 3.0])
        Traceback (most recent call last):
        ValueError: Expected a 2-D array of shape (n_samples, n_features), got a 1-D array of shape (3,). ...
    """
    who = type(estimator).__name__ if estimator is not None else "this estimator"
    if X is None:
        raise ValueError(f"{name} is None; {who} expects an array of shape (n_samples, n_features)")
    _refuse_sparse(X, name)
    array = X.detach().numpy() if isinstance(X, Tensor) else np.asarray(X)
    _refuse_complex(array, name)
    if array.dtype == object:
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as error:  # a dict, a string or a ragged row among the numbers
            raise type(error)(f"{name} must hold numbers only: {error}") from error
    if array.ndim != 2:
        raise ValueError(_shape_message(array, name))
    for axis, what in ((0, "sample"), (1, "feature")):
        if array.shape[axis] < 1:  # scikit-learn's wording, which its checks look for
            raise ValueError(
                f"Found array with 0 {what}(s) (shape={array.shape}) while a minimum of 1 is required: "
                f"{who} needs at least one sample and one feature"
            )
    array = check_features(array, name).astype(np.float64)
    if n_features_in is not None and array.shape[1] != n_features_in:
        raise ValueError(
            f"{name} has {array.shape[1]} features, but {who} is expecting {n_features_in} features as input "
            "(the number of columns it was fitted on)"
        )
    return array


def _shape_message(array: np.ndarray, name: str) -> str:
    if array.ndim < 2:
        return (
            f"Expected a 2-D array of shape (n_samples, n_features), got a {array.ndim}-D array of shape "
            f"{array.shape}. Reshape your data either using {name}.reshape(-1, 1) if your data has a single "
            f"feature or {name}.reshape(1, -1) if it contains a single sample."
        )
    return (
        f"Expected a 2-D array of shape (n_samples, n_features), got shape {array.shape}; flatten each "
        f"sample into one row first, e.g. {name}.reshape(len({name}), -1)"
    )


def check_target(y, n_samples: int | None = None, estimator=None) -> np.ndarray:
    """``y`` as a 1-D array of ``n_samples`` values (a column vector is raveled, with a warning);
    ``n_samples=None`` accepts any length."""
    who = type(estimator).__name__ if estimator is not None else "this estimator"
    if y is None:
        raise ValueError(f"{who} requires y to be passed, but the target y is None; call fit(X, y)")
    _refuse_sparse(y, "y")
    array = y.detach().numpy() if isinstance(y, Tensor) else np.asarray(y)
    _refuse_complex(array, "y")
    if array.ndim == 2 and array.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the shape of y to "
            "(n_samples,), for example using ravel().",
            sklearn_twin(DataConversionWarning),
            stacklevel=3,
        )
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(
            f"y should be a 1d array, got an array of shape {array.shape} instead"
            + ("; for one-hot labels use y.argmax(1)" if array.ndim == 2 else "")
        )
    if n_samples is not None and len(array) != n_samples:
        raise ValueError(
            f"X has {n_samples} samples but y has {len(array)}; X and y must have the same first dimension "
            "(one label per row)"
        )
    return array


def check_labels(y, n_samples: int | None = None, *, estimator=None) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, codes)``: the sorted distinct labels of a classification target and ``y`` as
    indices into them. Labels may be integers, integer-valued floats or strings; at least 2.

    Example:
        >>> check_labels(["b", "a", "b"], 3)
        (array(['a', 'b'], dtype='<U1'), array([1, 0, 1]))
        >>> check_labels([0.5, 1.2], 2)
        Traceback (most recent call last):
        ValueError: Unknown label type: continuous. y holds 2 non-integer value(s) (e.g. 0.5) ...
    """
    array = check_target(y, n_samples, estimator)
    if array.dtype.kind == "f":
        check_features(array, "y")
        fractional = array != np.round(array)
        if fractional.any():
            raise ValueError(
                f"Unknown label type: continuous. y holds {int(fractional.sum())} non-integer value(s) "
                f"(e.g. {array[fractional][0].item()!r}) at positions {_positions(fractional)}: a classifier needs "
                "class labels; for real-valued targets use a regressor"
            )
    elif array.dtype.kind not in "biuUSO":
        raise ValueError(
            f"Unknown label type: y has dtype {array.dtype}; use integers or strings as class labels"
        )
    try:
        classes, codes = np.unique(array, return_inverse=True)
    except TypeError as error:  # an object array mixing strings and numbers
        raise ValueError(f"Unknown label type: y mixes types that cannot be sorted ({error})") from error
    if classes.size < 2:
        who = type(estimator).__name__ if estimator is not None else "a classifier"
        raise ValueError(
            f"y holds only 1 class ({classes.tolist()}); {who} needs at least 2 classes to learn a boundary "
            "between them"
        )
    return classes, codes.reshape(-1)


def check_regression_target(y, n_samples: int, *, estimator=None) -> np.ndarray:
    """``y`` as a finite 1-D float64 array of ``n_samples`` real-valued targets."""
    array = check_target(y, n_samples, estimator)
    if array.dtype == object:
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise type(error)(f"y must hold numbers only: {error}") from error
    return check_features(array, "y").astype(np.float64)

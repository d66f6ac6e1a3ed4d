"""Built-in data sets that need no network, and the splitting and scaling around them.

Convention: every loader and generator returns plain NumPy arrays, features float32 and
class labels int64 (regression targets float32 of shape ``(n, 1)``); ``to_tensor_dataset(X, y)``
turns a pair into a checked ``TensorDataset`` for a ``DataLoader``.

==============================  =========================================================
``make_moons``                  two moons; ``shift=SEED_MOONS_SHIFT`` is seed 004 (7)'s separable version
``make_circles``                a circle inside a circle
``make_xor``                    the XOR truth table (optionally noisy, repeated)
``make_spirals``                K interleaved spiral arms
``make_polynomial``             d2l's cubic with 20 features xⁱ/i! (seed 003 4.4)
``make_linear_regression``      d2l's 200-input, 20-sample regression (seed 003 4.5)
``load_digits``                 scikit-learn's 8x8 digits (1,797 samples)
``digits_split``                the digits in stratified train / validation / test parts
``load_mnist1d``                MNIST-1D, generated procedurally (4,000 + 1,000 samples)
``load_mnist``                  MNIST / Fashion-MNIST from IDX files in a local folder
``train_val_test_split``        stratified three-way split
``Standardizer``                per-feature standardization fitted on training data
==============================  =========================================================

Example:
    >>> from neuronlab.datasets import make_moons, to_tensor_dataset, SEED_MOONS_SHIFT
    >>> X, y = make_moons(1000, noise=0.1, random_state=123, shift=SEED_MOONS_SHIFT)
    >>> loader = neuronlab.utils.data.DataLoader(to_tensor_dataset(X, y), batch_size=32, shuffle=True)
"""

from neuronlab.datasets.digits import DigitsSplit, digits_split, load_digits
from neuronlab.datasets.idx import load_mnist, read_idx, write_idx
from neuronlab.datasets.mnist1d import TrainTest, load_mnist1d
from neuronlab.datasets.regression import (
    D2L_POLYNOMIAL,
    PolynomialData,
    RegressionData,
    make_linear_regression,
    make_polynomial,
)
from neuronlab.datasets.scaling import Standardizer
from neuronlab.datasets.split import stratified_counts, train_val_test_split
from neuronlab.datasets.tensor_dataset import to_tensor_dataset
from neuronlab.datasets.toy import SEED_MOONS_SHIFT, make_circles, make_moons, make_spirals, make_xor
from neuronlab.datasets.validation import (
    check_classification_targets,
    check_features,
    check_lengths,
    check_random_state,
)

__all__ = [
    "D2L_POLYNOMIAL",
    "SEED_MOONS_SHIFT",
    "PolynomialData",
    "RegressionData",
    "Standardizer",
    "TrainTest",
    "check_classification_targets",
    "check_features",
    "check_lengths",
    "check_random_state",
    "load_digits",
    "load_mnist",
    "load_mnist1d",
    "make_circles",
    "make_linear_regression",
    "make_moons",
    "make_polynomial",
    "make_spirals",
    "make_xor",
    "read_idx",
    "stratified_counts",
    "to_tensor_dataset",
    "train_val_test_split",
    "write_idx",
]

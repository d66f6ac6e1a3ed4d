"""Metrics for classification and regression, matching scikit-learn's functions of the same names.

They take tensors, NumPy arrays or lists and return Python floats (NumPy arrays for
``average=None`` / ``multioutput="raw_values"`` and for ``confusion_matrix``). Classification
metrics also accept scores (logits or probabilities) of shape ``(n_samples, n_classes)`` as
``y_pred`` and use their argmax.

Example:
    >>> from neuronlab import metrics
    >>> metrics.f1_score([0, 1, 1, 0], [0, 1, 0, 0])
    0.6666666666666666
"""

from neuronlab.metrics.classification import (
    UndefinedMetricWarning,
    accuracy,
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from neuronlab.metrics.regression import (
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

__all__ = [
    "UndefinedMetricWarning",
    "accuracy",
    "accuracy_score",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "mean_absolute_error",
    "mean_squared_error",
    "precision_recall_fscore_support",
    "precision_score",
    "r2_score",
    "recall_score",
    "root_mean_squared_error",
]

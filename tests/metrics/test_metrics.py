"""neuronlab.metrics against scikit-learn: random inputs, degenerate inputs, errors."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.exceptions import UndefinedMetricWarning as SkUndefinedMetricWarning

import neuronlab
from neuronlab import metrics
from neuronlab.metrics import UndefinedMetricWarning

PRF = ("precision_score", "recall_score", "f1_score")
AVERAGES = ("binary", "micro", "macro", "weighted", None)
ZERO_DIVISION = ("warn", 0.0, 1.0, np.nan)


def call_recording(fn, *args, **kwargs):
    """(result or the raised ValueError's type, whether an undefined-metric warning was issued)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except ValueError:
            result = ValueError
    warned = any(issubclass(w.category, (UndefinedMetricWarning, SkUndefinedMetricWarning)) for w in caught)
    return result, warned


def assert_same_as_sklearn(name, *args, **kwargs):
    ours, our_warning = call_recording(getattr(metrics, name), *args, **kwargs)
    theirs, their_warning = call_recording(getattr(skm, name), *args, **kwargs)
    context = f"{name}({args}, {kwargs})"
    if theirs is ValueError or ours is ValueError:
        assert ours is theirs, context
        return
    if isinstance(theirs, (float, str)):
        assert type(ours) is type(theirs), context
    if isinstance(theirs, str):
        assert ours == theirs, context
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=context)
    assert our_warning == their_warning, context


def random_labels(rng, n_classes):
    n = int(rng.integers(1, 40))
    y_true = rng.integers(0, n_classes, n)
    y_pred = np.where(rng.random(n) < 0.5, y_true, rng.integers(0, n_classes, n))  # better than chance
    return y_true, y_pred


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_prf_match_sklearn_on_random_labels(n_classes):
    rng = np.random.default_rng(n_classes)
    for _ in range(20):
        y_true, y_pred = random_labels(rng, n_classes)
        weight = rng.random(len(y_true)) if rng.random() < 0.3 else None
        for average in AVERAGES:
            name = PRF[rng.integers(len(PRF))]
            zero_division = ZERO_DIVISION[rng.integers(len(ZERO_DIVISION))]
            kwargs = dict(average=average, zero_division=zero_division, sample_weight=weight)
            assert_same_as_sklearn(name, y_true, y_pred, **kwargs)
        assert_same_as_sklearn(
            "accuracy_score", y_true, y_pred, sample_weight=weight, normalize=rng.random() < 0.5
        )
    assert_same_as_sklearn("fbeta_score", y_true, y_pred, beta=0.5, average="macro")
    assert_same_as_sklearn("precision_recall_fscore_support", y_true, y_pred, beta=2.0)


# all one class, a class never predicted, a class absent from y_true, perfect predictions,
# a single sample, string labels
DEGENERATE = {
    "all-zero": ([0, 0, 0, 0], [0, 0, 0, 0]),
    "all-one": ([1, 1, 1], [1, 1, 1]),
    "never-predicted": ([0, 1, 1, 0, 1], [0, 0, 0, 0, 0]),
    "absent-from-true": ([0, 0, 0, 0], [0, 1, 0, 1]),
    "perfect-binary": ([0, 1, 1, 0], [0, 1, 1, 0]),
    "perfect-multiclass": ([2, 0, 1, 2], [2, 0, 1, 2]),
    "multiclass-never-predicted": ([0, 1, 2, 2, 1], [0, 0, 2, 2, 0]),
    "multiclass-absent-from-true": ([0, 0, 2, 2], [0, 1, 2, 1]),
    "single-sample": ([1], [0]),
    "strings": (["cat", "dog", "dog"], ["dog", "dog", "dog"]),
}


@pytest.mark.parametrize("case", DEGENERATE)
def test_prf_match_sklearn_on_degenerate_labels(case):
    y_true, y_pred = DEGENERATE[case]
    for i, average in enumerate(AVERAGES):
        for j, zero_division in enumerate(ZERO_DIVISION):
            name = PRF[(i + j) % len(PRF)]
            assert_same_as_sklearn(name, y_true, y_pred, average=average, zero_division=zero_division)
        assert_same_as_sklearn(PRF[i % len(PRF)], y_true, y_pred, labels=[0, 1, 2], average=average)
    for pos_label in (0, 1, "dog"):
        assert_same_as_sklearn("f1_score", y_true, y_pred, pos_label=pos_label)
    assert_same_as_sklearn("accuracy_score", y_true, y_pred)
    assert_same_as_sklearn("confusion_matrix", y_true, y_pred)
    # values, not text: scikit-learn prints the support as "1.0" when no prediction is right
    ours = metrics.classification_report(y_true, y_pred, output_dict=True, zero_division=0.0)
    theirs = skm.classification_report(y_true, y_pred, output_dict=True, zero_division=0.0)
    assert ours == theirs


def test_zero_division_warn_returns_zero_with_a_warning():
    with pytest.warns(UndefinedMetricWarning, match="Precision is ill-defined"):
        assert metrics.precision_score([0, 1, 1], [0, 0, 0]) == 0.0
    assert metrics.precision_score([0, 1, 1], [0, 0, 0], zero_division=1.0) == 1.0
    assert np.isnan(metrics.recall_score([0, 0], [0, 1], pos_label=1, zero_division=np.nan))


def test_labels_argument_matches_sklearn():
    rng = np.random.default_rng(7)
    for _ in range(4):
        y_true, y_pred = random_labels(rng, 4)
        for labels in ([2, 0], [3, 1, 0, 2], [0, 1, 2, 3, 7]):
            for name, average in zip(PRF, ("micro", "macro", "weighted", None)):
                assert_same_as_sklearn(name, y_true, y_pred, labels=labels, average=average)
            assert_same_as_sklearn("f1_score", y_true, y_pred, labels=labels, average=None)
            assert_same_as_sklearn("confusion_matrix", y_true, y_pred, labels=labels)


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_matches_sklearn(normalize):
    rng = np.random.default_rng(11)
    for _ in range(20):
        y_true, y_pred = random_labels(rng, int(rng.integers(2, 6)))
        weight = rng.random(len(y_true)) if rng.random() < 0.3 else None
        ours = metrics.confusion_matrix(y_true, y_pred, normalize=normalize, sample_weight=weight)
        theirs = skm.confusion_matrix(y_true, y_pred, normalize=normalize, sample_weight=weight)
        assert ours.dtype.kind == theirs.dtype.kind
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_confusion_matrix_worked_example():
    cm = metrics.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0])
    np.testing.assert_array_equal(cm, [[1, 0, 0], [0, 1, 1], [1, 0, 2]])
    recall_per_class = metrics.confusion_matrix(
        [0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], normalize="true"
    ).diagonal()
    np.testing.assert_allclose(
        recall_per_class, metrics.recall_score([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], average=None)
    )
    cm = metrics.confusion_matrix(["b", "a"], ["a", "a"], labels=["b", "a", "c"])
    np.testing.assert_array_equal(cm, [[0, 1, 0], [0, 1, 0], [0, 0, 0]])


def test_tensors_and_scores_are_accepted():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(30, 4)).astype(np.float32)
    y_true = rng.integers(0, 4, 30)
    predicted = logits.argmax(1)
    expected = skm.f1_score(y_true, predicted, average="macro")
    assert metrics.f1_score(neuronlab.tensor(y_true), neuronlab.tensor(logits), average="macro") == expected
    probabilities = neuronlab.softmax(neuronlab.tensor(logits, requires_grad=True), dim=1)
    assert metrics.accuracy(neuronlab.tensor(y_true), probabilities) == skm.accuracy_score(y_true, predicted)
    assert metrics.accuracy_score(list(y_true), list(predicted)) == skm.accuracy_score(y_true, predicted)
    np.testing.assert_array_equal(
        metrics.confusion_matrix(neuronlab.tensor(y_true), neuronlab.tensor(logits)),
        skm.confusion_matrix(y_true, predicted),
    )
    column = neuronlab.tensor(predicted[:, None])  # (n, 1) labels are a column, not scores
    assert metrics.accuracy_score(y_true, column) == skm.accuracy_score(y_true, predicted)
    assert isinstance(metrics.precision_score(y_true, predicted, average="micro"), float)


def test_classification_report_matches_sklearn():
    rng = np.random.default_rng(2)
    for digits in (2, 4):
        y_true, y_pred = random_labels(rng, 3)
        for kwargs in ({}, {"labels": [0, 1, 2]}, {"labels": [2, 0]}):
            kwargs = dict(kwargs, digits=digits, zero_division=0.0)
            assert_same_as_sklearn("classification_report", y_true, y_pred, **kwargs)
            ours = metrics.classification_report(y_true, y_pred, output_dict=True, **kwargs)
            theirs = skm.classification_report(y_true, y_pred, output_dict=True, **kwargs)
            assert repr(ours) == repr(theirs)
    names = ["setosa", "versicolor", "virginica"]
    report = metrics.classification_report([0, 1, 2, 2], [0, 2, 2, 2], target_names=names, zero_division=0.0)
    assert report == skm.classification_report(
        [0, 1, 2, 2], [0, 2, 2, 2], target_names=names, zero_division=0.0
    )


MULTIOUTPUT = ("uniform_average", "raw_values", [0.3, 0.7])


@pytest.mark.parametrize(
    "name", ["mean_squared_error", "mean_absolute_error", "r2_score", "root_mean_squared_error"]
)
def test_regression_matches_sklearn(name):
    rng = np.random.default_rng(5)
    for _ in range(8):
        n = int(rng.integers(2, 50))
        y_true, y_pred = rng.normal(size=n), rng.normal(size=n)
        weight = rng.random(n) if rng.random() < 0.5 else None
        assert_same_as_sklearn(name, y_true, y_pred, sample_weight=weight)
        y_true, y_pred = rng.normal(size=(n, 2)), rng.normal(size=(n, 2))
        for multioutput in MULTIOUTPUT + (("variance_weighted",) if name == "r2_score" else ()):
            assert_same_as_sklearn(name, y_true, y_pred, multioutput=multioutput, sample_weight=weight)


def test_r2_degenerate_cases_match_sklearn():
    constant, nearly = [2.0, 2.0, 2.0], [2.0, 2.0, 2.0 + 1e-8]
    for force_finite in (True, False):
        assert_same_as_sklearn("r2_score", constant, constant, force_finite=force_finite)
        assert_same_as_sklearn("r2_score", constant, nearly, force_finite=force_finite)
    both = np.array([[2.0, 1.0], [2.0, 3.0], [2.0, 4.0]])
    for multioutput in ("raw_values", "uniform_average", "variance_weighted"):
        assert_same_as_sklearn("r2_score", both, both[::-1], multioutput=multioutput)
        assert_same_as_sklearn("r2_score", both[:, :1], both[::-1, :1], multioutput=multioutput)
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        assert np.isnan(metrics.r2_score([1.0], [2.0]))
    assert metrics.r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 1.0


def test_regression_column_prediction_does_not_broadcast():
    y_true = neuronlab.tensor([1.0, 2.0, 3.0])
    y_pred = neuronlab.tensor([[1.0], [2.0], [5.0]], requires_grad=True)
    assert metrics.mean_squared_error(y_true, y_pred) == pytest.approx(4.0 / 3.0)
    assert metrics.mean_absolute_error(y_true, y_pred) == pytest.approx(2.0 / 3.0)
    assert isinstance(metrics.r2_score(y_true, y_pred), float)


CLASSIFICATION = ("accuracy_score", "precision_score", "recall_score", "f1_score", "confusion_matrix")
REGRESSION = ("mean_squared_error", "mean_absolute_error", "r2_score")


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION + ("classification_report",))
def test_length_mismatch_and_empty_input_raise(name):
    fn = getattr(metrics, name)
    with pytest.raises(ValueError, match="different lengths: 3 and 2"):
        fn([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="empty input"):
        fn([], [])
    with pytest.raises(ValueError, match="empty input"):
        fn(neuronlab.tensor([]), np.array([]))


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="continuous values"):
        metrics.accuracy_score([0, 1], [0.2, 0.9])
    with pytest.raises(ValueError, match="NaN or infinity"):
        metrics.mean_squared_error([0.0, np.nan], [0.0, 1.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        metrics.accuracy_score([0, 1], np.array([[0.1, np.nan], [0.2, 0.3]]))
    with pytest.raises(ValueError, match="multilabel/one-hot"):
        metrics.f1_score(np.eye(3), [0, 1, 2], average="macro")
    with pytest.raises(ValueError, match="average must be one of"):
        metrics.f1_score([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError, match="Target is multiclass but average='binary'"):
        metrics.f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="pos_label=2 is not a valid label"):
        metrics.precision_score([0, 1], [1, 1], pos_label=2)
    with pytest.raises(ValueError, match="zero_division"):
        metrics.recall_score([0, 1], [1, 1], zero_division=0.5)
    with pytest.raises(ValueError, match="Mix of label input types"):
        metrics.accuracy_score(["a", "b"], [0, 1])
    with pytest.raises(ValueError, match="different numbers of outputs"):
        metrics.r2_score(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="At least one label specified must be in y_true"):
        metrics.confusion_matrix([0, 1], [0, 1], labels=[5])
    with pytest.raises(ValueError, match="normalize"):
        metrics.confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match="sample_weight"):
        metrics.accuracy_score([0, 1], [0, 1], sample_weight=[1.0])

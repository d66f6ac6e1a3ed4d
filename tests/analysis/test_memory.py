"""Memory for training vs prediction (003 4.7 ex. 3-4): the estimate from a traced forward
pass on a small batch matches the bytes a real training step holds at the full batch."""

import doctest
import importlib

import numpy as np
import pytest

import neuronlab as nl
from neuronlab import nn, optim
from neuronlab.analysis.memory import (
    MemoryReport,
    estimate_memory,
    graph_arrays,
    measure_memory,
    optimizer_state_buffers,
)
from neuronlab.analysis.summary import count_parameters


def mlp(depth: int = 2, width: int = 256):
    nl.manual_seed(0)
    layers, features = [], 784
    for _ in range(depth):
        layers += [nn.Linear(features, width), nn.ReLU()]
        features = width
    return nn.Sequential(*layers, nn.Linear(features, 10))


def cnn():
    nl.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10),
    )  # fmt: skip


MIB = 2**20


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize(("make", "shape"), [(mlp, (784,)), (cnn, (1, 28, 28))], ids=["mlp", "cnn"])
def test_training_prediction_within_ten_percent_of_measured(make, shape, optimizer):
    model = make()
    report = measure_memory(model, shape, nn.CrossEntropyLoss(), optimizer, batch_size=128)
    predicted = report.predicted
    assert report.source == "measured" and predicted.source == "estimated"
    assert 0.9 < report.ratio < 1.1, report.table()
    assert 0.9 < predicted.activations / report.activations < 1.1
    for name in ("parameters", "gradients", "optimizer_state", "optimizer_workspace"):
        assert getattr(predicted, name) == getattr(report, name), name
    # tracemalloc's peak (activations are freed as backward runs, temporaries come and go)
    # is an independent check of the same order.
    assert 0.75 < predicted.total / report.peak < 1.3, report.table()


def test_mlp_numbers_are_the_hand_counts():
    """784-256-256-10: 269,322 parameters; the graph keeps x, each Linear's output, each
    ReLU's mask (1 byte) and output, and the logits."""
    report = estimate_memory(mlp(), (784,), "sgd", batch_size=128)
    assert report.parameters == 4 * 269_322 == report.gradients
    b = 128
    expected = 4 * b * (784 + 256 + 256 + 256 + 256 + 10) + b * (256 + 256)
    assert report.activations == expected


def test_prediction_needs_much_less_than_training():
    model = mlp()
    train = estimate_memory(model, (784,), "adam", batch_size=128)
    predict = estimate_memory(model, (784,), batch_size=128, training=False)
    assert predict.gradients == predict.optimizer_state == predict.optimizer_workspace == 0
    assert train.total > 4 * predict.total
    assert train.activations > 1.4 * predict.activations


def test_prediction_memory_does_not_grow_with_depth_but_training_does():
    """Training keeps every layer's activations for backward; prediction only the live ones."""
    shallow, deep = mlp(depth=2), mlp(depth=8)
    train = [estimate_memory(m, (784,), batch_size=64).activations for m in (shallow, deep)]
    predict = [estimate_memory(m, (784,), batch_size=64, training=False).activations for m in (shallow, deep)]
    assert predict[1] == predict[0]
    assert train[1] - train[0] == 6 * 64 * (4 * 256 + 1 * 256 + 4 * 256)  # 6 more Linear+ReLU pairs


def test_measured_prediction_close_to_estimate():
    report = measure_memory(mlp(), (784,), batch_size=128, training=False)
    assert not report.training and report.gradients == 0
    assert 0.9 < report.ratio < 1.1, report.table()
    conv = measure_memory(cnn(), (1, 28, 28), batch_size=128, training=False)
    assert 0.8 < conv.ratio < 1.1, conv.table()  # im2col blocks and masks are temporaries


def test_optimizer_state_multiples_of_parameter_bytes():
    model = mlp(depth=1)
    p_bytes = 4 * count_parameters(model)
    cases = {"sgd": 0, "sgd_momentum": 1, "adam": 2, "adamw": 2, "amsgrad": 3, "rmsprop": 1,
             "rmsprop_centered": 2, "rmsprop_centered_momentum": 3, "adagrad": 1}  # fmt: skip
    for name, k in cases.items():
        report = estimate_memory(model, (784,), name, batch_size=8)
        assert report.optimizer_state == k * p_bytes, name
    assert estimate_memory(model, (784,), optim.Adam, batch_size=8).optimizer_state == 2 * p_bytes
    amsgrad = optim.Adam(model.parameters(), amsgrad=True)
    assert estimate_memory(model, (784,), amsgrad, batch_size=8).optimizer_state == 3 * p_bytes
    momentum = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    assert optimizer_state_buffers(momentum) == 1 and optimizer_state_buffers(optim.SGD) == 0
    measured = measure_memory(model, (784,), nn.CrossEntropyLoss(), "adam", batch_size=8)
    assert measured.optimizer_state == 2 * p_bytes  # Adam's m and v, exactly
    with pytest.raises(ValueError, match="unknown optimizer"):
        estimate_memory(model, (784,), "lbfgs")


def test_parameter_bytes_are_itemsize_times_count():
    model = cnn()
    assert estimate_memory(model, (1, 28, 28)).parameters == 4 * count_parameters(model)
    assert estimate_memory(model, (1, 28, 28), dtype=nl.float16).parameters == 2 * count_parameters(model)
    assert estimate_memory(model.double(), (1, 28, 28)).parameters == 8 * count_parameters(model)


def test_activations_are_linear_in_the_batch_size():
    model = cnn()
    a = [estimate_memory(model, (1, 28, 28), batch_size=b).activations for b in (10, 20, 30)]
    assert a[2] - a[1] == a[1] - a[0] > 0


def test_models_are_left_unchanged():
    nl.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.Dropout(0.5), nn.Linear(8, 2))
    model.eval()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    rng = nl.get_rng_state()
    report = measure_memory(model, (6,), nn.CrossEntropyLoss(), "adam", batch_size=16)
    assert report.buffers == 4 * (8 + 8) + 8  # running mean and var (float32), batch count (int64)
    estimate_memory(model, (6,), batch_size=16, training=False)
    assert not model.training
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k], err_msg=k)
    assert all(p.grad is None for p in model.parameters())
    np.testing.assert_array_equal(np.asarray(nl.get_rng_state()), np.asarray(rng))


def test_graph_arrays_counts_shared_memory_once_and_skips_parameters():
    x = nl.randn(8, 3, requires_grad=True)
    y = x.relu()
    assert sum(a.nbytes for a in graph_arrays([y]).values()) == 96 + 96 + 24
    z = y.reshape(24).sum()  # the reshape is a view of y's output: counted once
    views = graph_arrays([z])
    assert sum(a.nbytes for a in views.values() if a.size > 1) == 96 + 96 + 24
    w = nn.Parameter(nl.randn(3, 3))
    assert id(w.numpy(force=True)) not in graph_arrays([x @ w], exclude={id(w.numpy(force=True))})


def test_report_text_and_dict():
    report = measure_memory(mlp(depth=1), (784,), nn.CrossEntropyLoss(), "sgd", batch_size=32)
    text = report.table()
    assert "predicted" in text and "measured" in text and "MiB" in text and "activations" in text
    assert "ratio" in report.summary()
    d = report.as_dict()
    assert d["total"] == report.total == sum(d[k] for k in ("parameters", "buffers", "gradients",
                                                            "optimizer_state", "optimizer_workspace",
                                                            "activations"))  # fmt: skip
    assert d["predicted"]["total"] == report.predicted.total
    assert isinstance(report.predicted, MemoryReport)
    with pytest.raises(ValueError, match="batch_size"):
        estimate_memory(mlp(depth=1), (784,), batch_size=0)


@pytest.mark.parametrize("module", ["neuronlab.analysis.memory"])
def test_docstring_examples_run(module):
    namespace = {"nn": nn, "neuronlab": nl, "np": np}
    result = doctest.testmod(importlib.import_module(module), extraglobs=namespace,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.failed == 0 and result.attempted > 0


def test_measure_with_a_given_batch():
    X = np.random.default_rng(0).standard_normal((48, 784)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, size=48)
    report = measure_memory(mlp(depth=1), None, nn.CrossEntropyLoss(), "sgd_momentum", inputs=X, targets=y)
    assert report.batch_size == report.predicted.batch_size == 48
    assert 0.9 < report.ratio < 1.1

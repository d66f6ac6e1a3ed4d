"""Regression tests for the mismatches with PyTorch that ``test_fuzz_vs_torch.py`` found
(issue 12, section 3): each one fails before its fix."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import neuronlab

from .fuzz_strategies import Input, check


def test_bitwise_ops_are_bitwise_on_integers_and_logical_on_bools():
    a, b = np.array([3, 5, 12]), np.array([1, 6, 10])
    for op in (lambda m, x, y: x & y, lambda m, x, y: x | y, lambda m, x, y: x ^ y, lambda m, x, y: ~x):
        check(op, Input(a), Input(b))
        check(op, Input(a > 4), Input(b > 4))
    check(lambda m, x: (1 & x, True | x, x ^ 3, x & True), Input(a))  # Python ints, both sides
    check(lambda m, x: x & 1, Input(np.array([1.5])))  # floats are refused


def test_indexing_mixing_ints_slices_and_index_tensors_follows_pytorch_axis_order():
    x = np.arange(5 * 6 * 7, dtype=np.float64).reshape(5, 6, 7)
    assert tuple(neuronlab.tensor(x)[0, :, neuronlab.tensor([1, 2, 3, 4])].shape) == (6, 4)
    for index in [
        lambda m: (0, slice(None), m.tensor([1, 2, 3, 4])),
        lambda m: (slice(None), m.tensor([1, 2]), 0),
        lambda m: (None, 0, Ellipsis, m.tensor([[1, 2]])),
        lambda m: (m.tensor(0), slice(1, None), m.tensor([0, 1])),
        lambda m: (0, True, slice(None), m.tensor([0, 1])),
    ]:
        check(lambda m, t, i=index: t[i(m)], Input(x, requires_grad=True))

        def put(m, t, v, i=index):
            y = t.clone()
            y[i(m)] = v
            return y

        check(put, Input(x, requires_grad=True), Input(np.array(2.5), requires_grad=True))


def test_indexing_with_an_empty_list_and_refusing_negative_steps():
    x = Input(np.zeros((3, 2)))
    check(lambda m, t: (t[[]], t[[], 0]), x)
    check(lambda m, t: t[::-1], x)


def test_setitem_through_index_tensors_requires_the_same_dtype():
    def put(m, t, v):
        y = t.clone()
        y[m.tensor([0])] = v
        return y

    check(put, Input(np.zeros(2, np.float32)), Input(np.ones(1)))
    check(put, Input(np.zeros(2, np.float32)), Input(np.ones(1, np.float32)))


def test_numpy_refuses_a_tensor_that_requires_grad():
    x = neuronlab.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Can't call numpy"):
        x * np.exp(x)  # would silently drop the gradient through np.exp
    assert np.exp(x.detach()).shape == (2,)
    with pytest.raises(RuntimeError):
        np.asarray(torch.tensor([1.0], requires_grad=True))  # the reference behaviour

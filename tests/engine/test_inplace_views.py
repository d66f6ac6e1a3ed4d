"""In-place ops on views change the base, and autograd sees it as PyTorch does: the base's
history becomes ``CopySlices`` and the view reads from it (``AsStridedBackward0``)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import neuronlab

LIBS = (torch, neuronlab)


def outcome(lib, program):
    """What ``program(lib)`` returns, as NumPy arrays, or the type of the exception it raises."""
    try:
        return [np.asarray(v.detach().numpy() if hasattr(v, "detach") else v) for v in program(lib)]
    except RuntimeError:
        return RuntimeError


def same(program):
    expected, actual = (outcome(lib, program) for lib in LIBS)
    if expected is RuntimeError or actual is RuntimeError:
        assert expected is actual
        return
    assert len(expected) == len(actual)
    for e, a in zip(expected, actual):
        np.testing.assert_allclose(a, e, rtol=1e-6, atol=1e-6)


def _weights(L):
    return L.arange(6.0).reshape(2, 3)


def _through(view, op):
    def program(L):
        a = L.ones(2, 3, requires_grad=True)
        x = a * 1.5
        op(view(x))
        (x * _weights(L)).sum().backward()
        return [x, a.grad]

    return program


VIEWS = {
    "column": lambda x: x[:, 1],
    "row": lambda x: x[1],
    "element": lambda x: x[0, 2],
    "slice": lambda x: x[:, 1:],
    "flat": lambda x: x.view(6),
    "transpose_row": lambda x: x.t()[2],
    "view_of_view": lambda x: x.view(3, 2)[1:][:, 0],
}
OPS = {
    "mul_": lambda v: v.mul_(3),
    "add_": lambda v: v.add_(2),
    "pow_": lambda v: v.pow_(2),
    "zero_": lambda v: v.zero_(),
    "fill_": lambda v: v.fill_(7),
    "exp_": lambda v: v.exp_(),
    "imul": lambda v: v.__imul__(2),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("op", OPS)
def test_gradient_through_an_inplace_op_on_a_view(view, op):
    same(_through(VIEWS[view], OPS[op]))


def test_augmented_assignment_through_an_index():
    def program(L):
        a = L.ones(2, 3, requires_grad=True)
        x = a * 1
        x[:, 1] *= 2
        x[0] += x[1]
        (x * _weights(L)).sum().backward()
        return [x, a.grad]

    same(program)


def test_the_view_keeps_reading_the_new_base():
    def program(L):
        a = L.ones(2, 3, requires_grad=True)
        x = a * 1
        v = x[0]
        v.mul_(3)
        (v * 2).sum().backward()
        return [a.grad]

    same(program)


def test_a_base_without_grad_gets_one():
    def program(L):
        x = L.zeros(3)
        w = L.tensor(2.0, requires_grad=True)
        x[0:2].add_(w)
        (x * L.tensor([1.0, 2.0, 3.0])).sum().backward()
        return [x, w.grad, x.requires_grad]

    same(program)
    x, w = neuronlab.zeros(3), neuronlab.tensor(2.0, requires_grad=True)
    v = x[0:2]
    v.add_(w)
    assert x.grad_fn.name() == "torch::autograd::CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"


def test_a_view_of_a_leaf_that_requires_grad_is_refused():
    a = neuronlab.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        a[0].mul_(2)
    assert a.detach().tolist() == [1.0, 1.0, 1.0]  # nothing half-applied


def test_single_elements_are_views_without_grad_too():
    for L in LIBS:
        a = L.ones(3)
        a[0].mul_(2)
        a[1:][1].add_(4)
        assert a.tolist() == [2.0, 1.0, 5.0]


@settings(max_examples=60, deadline=None)
@given(
    shape=st.sampled_from([(4,), (2, 3), (3, 2, 2)]),
    start=st.integers(0, 1),
    step=st.integers(1, 2),
    op=st.sampled_from(sorted(OPS)),
    transpose=st.booleans(),
)
def test_random_views_and_ops_match_pytorch(shape, start, step, op, transpose):
    def view(x):
        x = x.transpose(0, -1) if transpose else x
        return x[start::step]

    def program(L):
        a = L.linspace(0.5, 2.0, int(np.prod(shape))).reshape(shape).requires_grad_()
        x = a * 1
        OPS[op](view(x))
        (x * L.arange(float(x.numel())).reshape(shape)).sum().backward()
        return [x, a.grad]

    same(program)


def _stale_view_programs():
    """Views taken before a write through the base or another view, used after it: their
    history must read the new base (PyTorch regenerates a view's grad_fn)."""

    def other_view_written(L, x):
        v2 = x[1:3]
        x[0:2].mul_(2)
        return (v2 * L.tensor([1.0, 10.0])).sum()

    def base_written(L, x):
        v = x[2:4]
        x.mul_(3)
        return (v * 2).sum()

    def view_of_a_view(L, x):
        v = x.view(2, 3)[1]
        x[3:5].add_(x[0:2].exp())
        return v.pow(2).sum()

    def two_writes(L, x):
        v1, v2 = x[0:3], x[2:5]
        v1.mul_(2)
        v2.mul_(3)
        return (x * L.arange(6.0)).sum() + v1.sum()

    return {f.__name__: f for f in (other_view_written, base_written, view_of_a_view, two_writes)}


STALE = _stale_view_programs()


@pytest.mark.parametrize("name", STALE)
def test_views_taken_before_a_write_read_the_new_base(name):
    def program(L):
        a = L.arange(1.0, 7.0).requires_grad_()
        out = STALE[name](L, a * 1)
        out.backward()
        return [out, a.grad]

    same(program)


@settings(max_examples=60, deadline=None)
@given(
    first=st.tuples(st.integers(0, 5), st.integers(1, 6)),
    second=st.tuples(st.integers(0, 5), st.integers(1, 6)),
    op=st.sampled_from(sorted(OPS)),
    write_base=st.booleans(),
)
def test_random_overlapping_views_match_pytorch(first, second, op, write_base):
    def program(L):
        a = L.linspace(0.5, 2.0, 6).requires_grad_()
        x = a * 1
        reader = x[second[0] : second[0] + second[1]]
        OPS[op](x if write_base else x[first[0] : first[0] + first[1]])
        (reader * L.arange(float(reader.numel()))).sum().backward()
        return [x, a.grad]

    same(program)

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


def test_hardtanh_and_relu6_have_a_zero_gradient_at_their_bounds():
    x = Input(np.array([-2.0, -1.0, -0.5, 0.0, 1.0, 2.0, 6.0, 7.0]), requires_grad=True)
    check(lambda m, t: (m.nn.functional.hardtanh(t), m.nn.functional.relu6(t)), x)
    check(lambda m, t: m.nn.functional.hardtanh(t, -0.5, 2.0), x)
    check(lambda m, t: m.nn.functional.hardtanh(t, -0.5, 2.0), Input(np.array([-2, 0, 3])))  # stays int64


def test_result_dtypes_follow_pytorch():
    b, i = Input(np.array([True, False])), Input(np.array([1, 2]))
    check(lambda m, t: (t**2, t.clamp(min=0), m.add(t, t, alpha=2)), b)  # int64, int64, bool
    check(lambda m, t: (t.logsumexp(0), t.clamp(min=0.5)), i)  # float32, not float64
    check(lambda m, t: (2**t, t ** m.tensor([-1, 1])), Input(np.array([-1, 2])))  # negative int powers


def test_matrix_products_refuse_mixed_dtypes():
    for a, b in [
        (np.ones((2, 3)), np.ones((3, 2), np.float32)),
        (np.ones((2, 3), np.int64), np.ones(3, np.float32)),
    ]:
        check(lambda m, x, y: x @ y, Input(a), Input(b))
        check(lambda m, x, y: m.dot(x.flatten()[:2], y.flatten()[:2]), Input(a), Input(b))
    check(lambda m, x, y: m.outer(x, y), Input(np.ones((2, 2))), Input(np.ones(2)))


def test_integer_division_and_remainder_by_zero_raise():
    a, z = Input(np.array([1, 2])), Input(np.array([1, 0]))
    for op in (
        lambda m, x, y: x // y,
        lambda m, x, y: x % y,
        lambda m, x, y: m.div(x, y, rounding_mode="trunc"),
    ):
        check(op, a, z)
    check(lambda m, x: x // 0.0, Input(np.array([1.0, -1.0])))  # floats give inf, as in PyTorch


def test_numpy_errors_do_not_leak_from_shape_ops_and_reductions():
    x = Input(np.zeros((2, 0)))
    for op in [
        lambda m, t: t.permute(0, 0),
        lambda m, t: t.max(1),
        lambda m, t: t.argmax(),
        lambda m, t: t.amax(1),
        lambda m, t: t.amax(0),  # a non-empty reduced dim: fine
        lambda m, t: t.flip([0, -2]),
        lambda m, t: t.squeeze((0, 0)),
        lambda m, t: t.chunk(2, 1),
        lambda m, t: t.unflatten(1, (-1, 1)),
        lambda m, t: t.logsumexp(1),
        lambda m, t: t.softmax(1),
    ]:
        check(op, x)
    check(lambda m, t: (t.flip(0), t.mT), Input(np.array(1.5)))
    check(lambda m, t: m.cat([t, t]), Input(np.array(1.5)))


def test_float_only_ops_refuse_integers_and_bools():
    for array in (np.array([1, -2]), np.array([True, False])):
        for op in [
            lambda m, t: m.nn.functional.elu(t),
            lambda m, t: m.nn.functional.gelu(t),
            lambda m, t: m.nn.functional.softplus(t),
            lambda m, t: t.softmax(0),
            lambda m, t: t.var(),
            lambda m, t: t.norm(),
            lambda m, t: t.relu(),
            lambda m, t: t.abs(),
            lambda m, t: t.floor(),
        ]:
            check(op, Input(array))


def test_nested_list_indices_and_ragged_lists_read_as_in_pytorch():
    check(lambda m, t: t[[[0, 1], [1, 0]]], Input(np.arange(4.0).reshape(2, 2)))
    check(lambda m: m.tensor([[0], [0, 0]]))
    check(lambda m: m.tensor([0, [0]]))


# -- found by the slow profile (5000 cases per test) after the merge of engine core v2 --------
def test_bool_tensor_to_a_python_bool_power_stays_bool():
    for exponent in (False, True):
        check(lambda m, x, e=exponent: x**e, Input(np.array([True, False])))
    check(lambda m, x: x**2, Input(np.array([True, False])))  # int64
    check(lambda m, x, y: x**y, Input(np.array([True, False])), Input(np.array(True)))  # refused


def test_pow_gradient_at_a_zero_base_with_a_negative_exponent_is_minus_infinity():
    check(lambda m, x: 0**x, Input(np.array([-1.38, 0.0, 2.0], np.float32), requires_grad=True))
    check(
        lambda m, x, y: x**y,
        Input(np.array([0.0, 0.0, 2.0])),
        Input(np.array([-1.0, 2.0, 0.0]), requires_grad=True),
    )


def test_reduction_dims_are_range_checked_before_repeats_except_var_and_std():
    for x in (np.array(5.0, np.float32), np.ones((2, 3))):
        for dims in ((0, 0, 1), (0, 0, 5), (5, 0, 0), (0, 0)):
            for op in (lambda m, t, d: t.all(d), lambda m, t, d: t.sum(d), lambda m, t, d: t.var(d)):
                check(lambda m, t, op=op, d=dims: op(m, t, d), Input(x))


def test_a_negative_slice_step_is_refused_before_index_values_are_checked():
    for shape in ((0, 0), (3, 3), (3, 0)):
        x = np.zeros(shape, np.int64)
        for index in (
            lambda m: (slice(None, None, -1), 0),
            lambda m: (m.tensor([0, 0]), slice(None, None, -1)),
            lambda m: (slice(None, None, -1), m.tensor([5])),
            lambda m: (5, slice(None, None, -1)),  # the int first: its IndexError wins
            lambda m: (0, 0, slice(None, None, -1)),  # too many indices
            lambda m: (Ellipsis, 0, slice(None, None, -1)),  # the 0 indexes the first dim here
            lambda m: (Ellipsis, 5, slice(None, None, -1)),
            lambda m: (slice(None, None, -1), Ellipsis, 5),
        ):
            check(lambda m, t, i=index: t[i(m)], Input(x))

            def put(m, t, i=index):
                t[i(m)] = 0
                return t

            check(put, Input(x))


def test_batched_matmul_with_nothing_to_multiply_accepts_two_dtypes():
    # PyTorch's bmm path returns before comparing dtypes when there is nothing to multiply;
    # the result (empty or zeros) has the second operand's dtype.
    f64, i64, f32 = np.float64, np.int64, np.float32
    for a, b in [
        (np.ones((0, 3), i64), np.ones((2, 3, 4), f64)),
        (np.ones((2, 0), f32), np.ones((2, 0, 4), f64)),
        (np.ones((2, 2, 0), f64), np.ones((2, 0, 4), i64)),
        (np.ones((2, 2, 3), f64), np.ones((1, 3, 0), f32)),
        (np.ones((0, 3), f32), np.ones((3, 4), f64)),  # mm: refused
        (np.ones((2, 0, 3), f32), np.ones((3, 4), f64)),  # folded into mm: refused
        (np.ones((0,), f32), np.ones((2, 0, 4), f64)),  # a vector: mv, refused
    ]:
        check(lambda m, x, y: x @ y, Input(a), Input(b))
        if a.dtype.kind == "f":
            check(lambda m, x, y: x @ y, Input(a, requires_grad=True), Input(b))
        if b.dtype.kind == "f":
            check(lambda m, x, y: x @ y, Input(a), Input(b, requires_grad=True))


def test_amax_reports_an_empty_dim_before_a_repeated_or_out_of_range_one():
    for x, dims in [(np.ones(0), (0, 0)), (np.ones(0), (0, 3)), (np.ones((2, 0)), (0, 0, 1))]:
        check(lambda m, t, d=dims: t.amax(d), Input(x))
        check(lambda m, t, d=dims: t.amin(d), Input(x))


def test_an_empty_bool_mask_of_the_wrong_shape_is_refused():
    # NumPy reads an empty mask as an empty list of positions; PyTorch checks its shape.
    for shape, mask in [((0,), (2,)), ((2, 0), (0,)), ((0, 1), (0, 0)), ((1, 0), (0,))]:
        mask_array = np.zeros(mask, bool)
        check(lambda m, t, k=mask_array: t[m.tensor(k)], Input(np.zeros(shape)))
        check(lambda m, t, k=mask_array: t[..., m.tensor(k), None], Input(np.zeros(shape)))

        def put(m, t, k=mask_array):
            t[None, m.tensor(k)] = 1.0
            return t

        check(put, Input(np.zeros(shape)))
    check(lambda m, t: t[m.tensor(np.zeros(0, bool))], Input(np.zeros((0, 3))))  # the right shape


def test_an_out_of_range_index_that_selects_nothing_is_not_checked():
    # PyTorch checks index values as it visits the elements: none, none checked; but an
    # index into a dim of size 0 is refused.
    for shape, index in [
        ((1, 1), lambda m: (slice(None, 0), m.tensor([1, 0]))),
        ((2, 3), lambda m: (m.tensor([5]), slice(0, 0))),
        ((2, 0), lambda m: (m.tensor([5]),)),
        ((2, 3, 4), lambda m: (0, m.tensor([5]), slice(None, 0))),
        ((2, 3, 4), lambda m: (5, m.tensor([1]), slice(None, 0))),  # an int is always checked
        ((0, 3), lambda m: (m.tensor([5]),)),  # its own dim is empty: refused
        ((2, 0), lambda m: (slice(None), m.tensor([5]))),
    ]:
        check(lambda m, t, i=index: t[i(m)], Input(np.zeros(shape), requires_grad=True))

        def put(m, t, v, i=index):
            y = t.clone()
            y[i(m)] = v
            return y

        check(put, Input(np.zeros(shape), requires_grad=True), Input(np.array(2.0), requires_grad=True))
        check(put, Input(np.zeros(shape)), Input(np.array(2.0)))


def test_setitem_with_a_value_that_does_not_broadcast_raises_a_runtime_error():
    def put(m, t, v):
        t[m.tensor([0, 1])] = v
        return t

    check(put, Input(np.zeros((2, 3))), Input(np.zeros(2)))


def test_norm_dispatches_to_a_vector_or_a_matrix_norm_as_pytorch():
    # 'fro' over more than two dims goes to linalg.matrix_norm (its errors, in its order);
    # a numeric p is a vector norm, whose dims are checked in order (repeated before range).
    for shape in [(), (2,), (2, 3), (2, 3, 4)]:
        for dims in [(0, 0, 2), (5, 0, 0), (0, 2, 0), (0, 1, 1), (0, 0), (1,), None]:
            for p in ["fro", 1, 2, None, float("inf")]:
                check(lambda m, t, p=p, d=dims: t.norm(p, d), Input(np.ones(shape), requires_grad=True))
    check(lambda m, t: t.norm("abc", (0, 1)), Input(np.ones((2, 3))))


def test_in_place_ops_refuse_a_result_their_dtype_cannot_hold():
    # NumPy's unsafe copy truncated exp_ on int64 to integers; PyTorch refuses (can_cast).
    for op in (
        lambda m, t: t.exp_(),
        lambda m, t: t.sqrt_(),
        lambda m, t: t.mul_(1.5),
        lambda m, t: t.add_(m.tensor([0.5, 1.0])),
        lambda m, t: t.mul_(2),  # int by int: fine
        lambda m, t: t.float().add_(t),  # int into float: fine
        lambda m, t: t.fill_(2.5),  # fill_, copy_ and setitem cast
        lambda m, t: t.copy_(m.tensor([1.5, 2.5])),
        lambda m, t: t.masked_fill_(m.tensor([True, False]), 2.5),
    ):
        check(lambda m, x, op=op: op(m, x.clone()), Input(np.array([1, 4])))
    check(lambda m, x: x.clone().add_(m.tensor([1, 2])), Input(np.array([True, False])))


def test_vector_norm_checks_its_dims_in_order():
    # linalg.vector_norm reports the first bad dim, out of range or repeated (found by the slow
    # profile: a 0-d tensor with dims (0, 0, 1) gave IndexError for 1 instead of "dim 0 appears
    # multiple times").
    for shape in [(), (3,), (2, 3)]:
        for dims in [(0, 0, 1), (5, 0, 0), (0, 2, 0), (0, 1, 1), (-1, 0)]:
            for ord in [2, 1, float("inf"), 0, -1]:
                check(lambda m, t, o=ord, d=dims: m.linalg.vector_norm(t, o, d), Input(np.full(shape, 2.0)))

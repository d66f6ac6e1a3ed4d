"""The fast row reductions (``engine/row_reduce.py``) and the softmax family built on them agree
with NumPy and with torch 2.13 on both of ``exp_rows``'s paths: unshifted (small entries) and
shifted by the row maximum (large entries, rows whose e^x sums below 1, NaN, ∞)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import neuronlab
from neuronlab.engine import row_reduce
from neuronlab.engine.row_reduce import exp_rows, row_max, row_sum

RNG = np.random.default_rng(0)
LAYOUTS = {
    "2d": RNG.standard_normal((32, 16)),
    "3d": RNG.standard_normal((3, 4, 5)),
    "one column": RNG.standard_normal((7, 1)),
    "transposed": RNG.standard_normal((16, 32)).T,  # not C-contiguous: NumPy's own reduction
    "1d": RNG.standard_normal(9),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_row_sum_and_max_match_numpy(layout, dtype):
    x = LAYOUTS[layout].astype(dtype)
    for keepdims in (False, True):
        np.testing.assert_array_equal(row_max(x, x.ndim - 1, keepdims), x.max(axis=-1, keepdims=keepdims))
        got = row_sum(x, -1, keepdims)
        assert got.shape == x.sum(axis=-1, keepdims=keepdims).shape and got.dtype == x.dtype
        # Another order of additions: a few units in the last place of the row's magnitudes.
        tol = 1e-5 if dtype == np.float32 else 1e-13
        np.testing.assert_allclose(got, x.sum(axis=-1, keepdims=keepdims), rtol=tol, atol=tol)


def test_row_max_keeps_nan_and_infinities():
    x = RNG.standard_normal((4, 6)).astype(np.float32)
    x[1, 2], x[2, :], x[3, 5] = np.nan, -np.inf, np.inf
    np.testing.assert_array_equal(row_max(x, 1), x.max(axis=1))


def test_other_axes_go_to_numpy():
    x = RNG.standard_normal((5, 6))
    np.testing.assert_array_equal(row_max(x, 0), x.max(axis=0))
    np.testing.assert_array_equal(row_sum(x, 0, True), x.sum(axis=0, keepdims=True))


def rows(kind: str) -> np.ndarray:
    x = RNG.uniform(-3, 3, (8, 10)).astype(np.float32)
    if kind == "large":  # e^x would overflow: the row maximum must be subtracted
        x[2] += 200.0
    elif kind == "far negative":  # e^x underflows in a whole row (its sum is below 1)
        x[5] -= 120.0
    elif kind == "mixed scales":
        x[1] *= 40.0
    return x


@pytest.mark.parametrize("kind", ["small", "large", "far negative", "mixed scales"])
def test_exp_rows_takes_the_shift_only_where_needed(kind):
    x = rows(kind)
    z, e, s = exp_rows(x, 1, unshifted_ok=True)
    assert (z is x) == (kind == "small")  # only the small rows skip the subtraction
    assert exp_rows(x, 1)[0] is not x  # without unshifted_ok: always shifted
    np.testing.assert_allclose(e / s, torch.softmax(torch.from_numpy(x), 1).numpy(), rtol=1e-5, atol=1e-30)


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # ∞ - ∞ in the inf row, as before
@pytest.mark.parametrize("kind", ["small", "large", "far negative", "mixed scales", "nan", "inf"])
def test_softmax_family_matches_torch(kind):
    x = rows(kind) if kind not in ("nan", "inf") else rows("small")
    if kind == "nan":
        x[3, 4] = np.nan
    if kind == "inf":
        x[3, 4] = np.inf
    target = RNG.integers(0, 10, 8)
    grad = RNG.standard_normal((8, 10)).astype(np.float32)
    for name in ("softmax", "log_softmax", "cross_entropy"):
        results = []
        for lib in (torch, neuronlab):
            t = lib.tensor(x, requires_grad=True)
            if name == "cross_entropy":
                out = lib.nn.functional.cross_entropy(t, lib.from_numpy(target))
                out.backward()
            else:
                out = getattr(lib, name)(t, dim=1)
                out.backward(lib.from_numpy(grad))
            results.append((out.detach().numpy(), t.grad.numpy()))
        (want, want_grad), (got, got_grad) = results
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(got_grad, want_grad, rtol=1e-5, atol=1e-6, err_msg=name)


def test_unshifted_limit_keeps_sums_finite():
    """Every entry below UNSHIFTED_MAX in a row as long as the fast path allows: no overflow."""
    n = row_reduce.SMALL
    x = np.full((1, n), row_reduce.UNSHIFTED_MAX - 1e-3, np.float32)
    _, e, s = exp_rows(x, 1)
    assert np.isfinite(s).all() and np.isfinite(e / s).all()


def test_log_softmax_keeps_the_precision_of_confident_rows():
    """A confident row's largest log-probability is a tiny negative number, -log(1 + δ): with
    the row maximum subtracted (exactly) it is within an ulp of 1 of the true value, as
    PyTorch's is; an unshifted x - log Σ e^x would lose it to cancellation (about ulp(12)
    here). Checked against float64, in log_softmax and in cross_entropy's losses."""
    x = RNG.uniform(-3, 3, (16, 10)).astype(np.float32)
    target = np.argmax(x, axis=1)
    x[np.arange(16), target] = 12.0
    top = (np.arange(16), target)
    exact = torch.log_softmax(torch.from_numpy(x.astype(np.float64)), 1).numpy()
    assert np.all(np.abs(exact[top]) < 1e-3)
    tolerance = 2 * np.spacing(np.float32(1))  # PyTorch's own float32 error here is ~1 ulp of 1
    got = neuronlab.log_softmax(neuronlab.from_numpy(x), 1).numpy()
    np.testing.assert_allclose(got[top], exact[top], rtol=0, atol=tolerance)
    losses = neuronlab.nn.functional.cross_entropy(
        neuronlab.from_numpy(x), neuronlab.from_numpy(target), reduction="none"
    )
    np.testing.assert_allclose(losses.numpy(), -exact[top], rtol=0, atol=tolerance)


def test_float32_log_softmax_is_rounded_once_from_float64():
    """Small float32 inputs take ``log_softmax64`` (unshifted, in float64): every log-probability,
    the near-zero ones of confident rows included, is within 1e-6 of float64's in relative
    terms (the shifted float32 form was off by up to ~1e-3 relative on such rows)."""
    x = (RNG.standard_normal((64, 10)) * 4).astype(np.float32)
    assert row_reduce.log_softmax64(x, 1) is not None
    exact = torch.log_softmax(torch.from_numpy(x.astype(np.float64)), 1).numpy()
    got = neuronlab.log_softmax(neuronlab.from_numpy(x), 1).numpy()
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, exact, rtol=1e-6, atol=0)


@pytest.mark.parametrize("case", ["float64", "large", "nan", "underflow", "transposed"])
def test_log_softmax64_declines_what_it_cannot_take(case):
    """float64, an entry ≥ 700, NaN, rows whose e^x underflows, non-contiguous: ``None``, and
    log_softmax still matches torch through the shifted path."""
    x = RNG.standard_normal((8, 5)).astype(np.float32)
    if case == "float64":
        x = x.astype(np.float64)
    elif case == "large":
        x[2, 3] = 800.0
    elif case == "nan":
        x[1, 1] = np.nan
    elif case == "underflow":
        x[4] = -1000.0
    else:
        x = np.ascontiguousarray(x.T).T
    assert row_reduce.log_softmax64(x, 1) is None
    got = neuronlab.log_softmax(neuronlab.from_numpy(x), 1).numpy()
    want = torch.log_softmax(torch.from_numpy(x), 1).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True)

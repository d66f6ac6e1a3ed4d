"""``torch.linalg`` at its edges, against PyTorch 2.13: the ``out=`` argument (written, resized,
refused for a wrong dtype or with autograd, tuples for several outputs), empty matrices
(0×0, 0×n, n×0, batches of 0), ``matrix_rank`` and ``cholesky_ex``'s partial result."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import neuronlab

from .op_table import dtype_name, to_numpy
from .test_linalg_namespace import well_conditioned

# name -> (call(m, A, out), number of outputs); A is a 3x3 symmetric positive-definite float32 matrix.
OUT_CALLS = {
    "inv": (lambda m, a, out: m.linalg.inv(a, out=out), 1),
    "inv_ex": (lambda m, a, out: m.linalg.inv_ex(a, out=out), 2),
    "det": (lambda m, a, out: m.linalg.det(a, out=out), 1),
    "slogdet": (lambda m, a, out: m.linalg.slogdet(a, out=out), 2),
    "solve": (lambda m, a, out: m.linalg.solve(a, a[:, :2], out=out), 1),
    "solve_ex": (lambda m, a, out: m.linalg.solve_ex(a, a, out=out), 2),
    "pinv": (lambda m, a, out: m.linalg.pinv(a, out=out), 1),
    "svd": (lambda m, a, out: m.linalg.svd(a, out=out), 3),
    "svdvals": (lambda m, a, out: m.linalg.svdvals(a, out=out), 1),
    "eigh": (lambda m, a, out: m.linalg.eigh(a, out=out), 2),
    "eigvalsh": (lambda m, a, out: m.linalg.eigvalsh(a, out=out), 1),
    "cholesky": (lambda m, a, out: m.linalg.cholesky(a, out=out), 1),
    "cholesky_ex": (lambda m, a, out: m.linalg.cholesky_ex(a, out=out), 2),
    "qr": (lambda m, a, out: m.linalg.qr(a, out=out), 2),
    "vector_norm": (lambda m, a, out: m.linalg.vector_norm(a, out=out), 1),
    "cross": (lambda m, a, out: m.linalg.cross(a, a.flip(0), out=out), 1),
    "matmul": (lambda m, a, out: m.linalg.matmul(a, a, out=out), 1),
    "torch.matmul": (lambda m, a, out: m.matmul(a, a, out=out), 1),
    "matrix_power": (lambda m, a, out: m.linalg.matrix_power(a, 3, out=out), 1),
    "matrix_power:negative": (lambda m, a, out: m.linalg.matrix_power(a, -2, out=out), 1),
    "multi_dot": (lambda m, a, out: m.linalg.multi_dot([a, a, a], out=out), 1),
    "solve_triangular": (lambda m, a, out: m.linalg.solve_triangular(a, a, upper=True, out=out), 1),
    "matrix_rank": (lambda m, a, out: m.linalg.matrix_rank(a, out=out), 1),
    "norm": (lambda m, a, out: m.linalg.norm(a, out=out), 1),
    "matrix_norm": (lambda m, a, out: m.linalg.matrix_norm(a, "nuc", out=out), 1),
    "add": (lambda m, a, out: m.add(a, a, out=out), 1),
}  # fmt: skip


def spd(m, requires_grad=False):
    a = well_conditioned(np.random.default_rng(0), (3, 3), "float32")
    return m.tensor(a @ a.T + np.eye(3, dtype=np.float32), requires_grad=requires_grad)


def empties(m, k: int, dtype, shape=(0,)):
    made = [m.empty(shape, dtype=dtype) for _ in range(k)]
    return made[0] if k == 1 else tuple(made)


def outcome(call):
    """("ok", result) or ("error", the exception), warnings recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except Exception as error:  # compared with PyTorch's below
            return "error", error, caught
    return "ok", result, caught


@pytest.mark.parametrize("name", sorted(OUT_CALLS))
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("out_shape", [(0,), (5,)], ids=["empty", "wrong-shape"])
def test_out_is_written_or_refused_as_torch(name, out_dtype, out_shape):
    """The same answer as PyTorch for each out dtype: the values written into ``out`` (resized,
    with PyTorch's warning if it held elements) and ``out`` itself returned; or the same error."""
    call, k = OUT_CALLS[name]
    results = {}
    for m in (torch, neuronlab):
        out = empties(m, k, getattr(m, out_dtype), out_shape)
        results[m.__name__] = (outcome(lambda m=m, out=out: call(m, spd(m), out)), out)
    (their_kind, theirs, their_warnings), their_out = results["torch"]
    (our_kind, ours, our_warnings), our_out = results["neuronlab"]
    assert our_kind == their_kind, (ours, theirs)
    if their_kind == "error":
        assert isinstance(ours, RuntimeError) == isinstance(theirs, RuntimeError), (ours, theirs)
        return
    resized = {str(w.message).split(".")[0] for w in their_warnings if "resized" in str(w.message)}
    assert {str(w.message).split(".")[0] for w in our_warnings if "resized" in str(w.message)} == resized
    if k == 1:
        assert ours is our_out
        ours, theirs, their_out, our_out = (ours,), (theirs,), (their_out,), (our_out,)
    assert all(o is given for o, given in zip(ours, our_out))
    assert type(ours).__name__ == type(theirs).__name__.removesuffix("_out") or k == 1
    for o, t in zip(ours, theirs):
        assert dtype_name(o) == dtype_name(t) and tuple(o.shape) == tuple(t.shape)
        if name not in ("svd", "eigh", "qr"):  # factors unique up to sign: values checked elsewhere
            np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=2e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(OUT_CALLS))
def test_out_with_an_input_that_requires_grad(name):
    """PyTorch refuses ``out=`` where autograd would record the op (same message), except for the
    composite norms, whose ``out`` then carries the gradient; under no_grad all are accepted."""
    call, k = OUT_CALLS[name]
    answers = []
    for m in (torch, neuronlab):
        a = spd(m, requires_grad=True)
        answers.append(outcome(lambda m=m, a=a: call(m, a, empties(m, k, a.dtype))))
        with m.no_grad():
            answers.append(outcome(lambda m=m, a=a: call(m, a, empties(m, k, a.dtype))))
    (their_kind, theirs, _), (their_no_grad, *_) = answers[:2]
    (our_kind, ours, _), (our_no_grad, *_) = answers[2:]
    assert our_no_grad == their_no_grad
    assert our_kind == their_kind, (ours, theirs)
    if their_kind == "error":
        assert type(ours) is RuntimeError and str(ours) == str(theirs)
    else:
        assert ours.requires_grad == theirs.requires_grad


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.svd(m.eye(3), out=m.empty(0)),
        lambda m: m.linalg.svd(m.eye(3), out=(m.empty(0), m.empty(0))),
        lambda m: m.linalg.inv(m.eye(3), out=(m.empty(0),)),
    ],
)
def test_out_of_the_wrong_kind_is_a_type_error(call):
    for m in (torch, neuronlab):
        with pytest.raises(TypeError):
            call(m)


def test_out_result_is_torchs_when_out_is_a_view():
    """out= writes through a view into its base, as PyTorch's does."""
    bases = []
    for m in (torch, neuronlab):
        base = m.zeros(2, 3, 3)
        m.linalg.inv(m.eye(3) * 2, out=base[1])
        bases.append(to_numpy(base))
    np.testing.assert_array_equal(bases[0], bases[1])


# -- empty matrices ----------------------------------------------------------------------------------
EMPTY_CALLS = {
    "inv": lambda m, a: m.linalg.inv(a),
    "inv_ex": lambda m, a: m.linalg.inv_ex(a),
    "det": lambda m, a: m.linalg.det(a),
    "slogdet": lambda m, a: m.linalg.slogdet(a),
    "logdet": lambda m, a: m.logdet(a),
    "svd": lambda m, a: m.linalg.svd(a),
    "svd:reduced": lambda m, a: m.linalg.svd(a, full_matrices=False),
    "svdvals": lambda m, a: m.linalg.svdvals(a),
    "eigh": lambda m, a: m.linalg.eigh(a),
    "eigvalsh": lambda m, a: m.linalg.eigvalsh(a),
    "cholesky": lambda m, a: m.linalg.cholesky(a),
    "cholesky_ex": lambda m, a: m.linalg.cholesky_ex(a),
    "qr": lambda m, a: m.linalg.qr(a),
    "qr:complete": lambda m, a: m.linalg.qr(a, mode="complete"),
    "pinv": lambda m, a: m.linalg.pinv(a),
    "solve": lambda m, a: m.linalg.solve(a, a),
    "lstsq": lambda m, a: m.linalg.lstsq(a, a)[:3],
    "matrix_norm": lambda m, a: [m.linalg.matrix_norm(a, o) for o in ("fro", "nuc", 2, 1, float("inf"))],
    "vector_norm": lambda m, a: m.linalg.vector_norm(a),
    "matrix_rank": lambda m, a: m.linalg.matrix_rank(a),
    "matrix_power": lambda m, a: [m.linalg.matrix_power(a, n) for n in (0, 1, 2, 5, -1)],
    "matrix_exp": lambda m, a: m.linalg.matrix_exp(a),
    "solve_triangular": lambda m, a: m.linalg.solve_triangular(a, a, upper=True),
    "vecdot": lambda m, a: m.linalg.vecdot(a, a),
    "multi_dot": lambda m, a: m.linalg.multi_dot([a, a.mT]) if a.ndim == 2 else a,
    "cross": lambda m, a: m.linalg.cross(a, a, dim=0) if a.shape[0] == 3 else a,
    "matmul": lambda m, a: a @ a.mT,
}
EMPTY_SHAPES = [(0, 0), (0, 3), (3, 0), (0, 2, 2), (2, 0, 0), (2, 0, 3)]


@pytest.mark.parametrize("shape", EMPTY_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("name", sorted(EMPTY_CALLS))
def test_empty_matrices_as_torch(name, shape):
    """Shapes, dtypes and values (det of a 0x0 matrix is 1, its norms 0, ...) or the same error."""
    answers = []
    for m in (torch, neuronlab):
        a = m.zeros(shape, dtype=m.float64, requires_grad=True)
        answers.append(outcome(lambda m=m, a=a: EMPTY_CALLS[name](m, a)))
    (their_kind, theirs, _), (our_kind, ours, _) = answers
    assert our_kind == their_kind, (ours, theirs)
    if their_kind == "error":
        assert type(theirs).__name__ in ("RuntimeError", "_LinAlgError") and isinstance(ours, RuntimeError)
        assert str(ours) == str(theirs)
        return
    theirs = list(theirs) if isinstance(theirs, tuple | list) else [theirs]
    ours = list(ours) if isinstance(ours, tuple | list) else [ours]
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape) and dtype_name(o) == dtype_name(t)
        np.testing.assert_array_equal(to_numpy(o), to_numpy(t))


@pytest.mark.parametrize("shape", [(0, 0), (2, 0, 0), (0, 3, 3)], ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize(
    "name", ["inv", "det", "slogdet", "svdvals", "eigvalsh", "cholesky", "matrix_exp", "solve"]
)
def test_empty_matrices_backward_as_torch(name, shape):
    grads = []
    for m in (torch, neuronlab):
        a = m.zeros(shape, dtype=m.float64, requires_grad=True)
        result = EMPTY_CALLS[name](m, a)
        result = result[-1] if isinstance(result, tuple) else result
        result.sum().backward()
        grads.append(a.grad)
    assert tuple(grads[0].shape) == tuple(grads[1].shape)


# -- matrix_rank, cholesky_ex, eig ------------------------------------------------------------------
RANK_CALLS = [
    lambda m, a: m.linalg.matrix_rank(a),
    lambda m, a: m.linalg.matrix_rank(a @ a.mT, hermitian=True),
    lambda m, a: m.linalg.matrix_rank(a, tol=0.5),
    lambda m, a: m.linalg.matrix_rank(a, 1.5),
    lambda m, a: m.linalg.matrix_rank(a, atol=0.5, rtol=0.1),
    lambda m, a: m.linalg.matrix_rank(a, atol=0.0),
    lambda m, a: m.linalg.matrix_rank(a, rtol=0.3),
    lambda m, a: m.linalg.matrix_rank(
        a, atol=m.tensor([0.5, 100.0], dtype=a.dtype)[:, None, None].squeeze(-1)
    ),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("call", RANK_CALLS)
def test_matrix_rank_as_torch(call, dtype):
    rng = np.random.default_rng(8)
    a = rng.standard_normal((2, 5, 4))
    a[0, :, 3] = a[0, :, 0] + a[0, :, 1]  # rank 3
    a[1] = a[1] * np.array([1.0, 0.2, 0.04, 1e-9])  # singular values spread over decades
    a = a.astype(dtype)
    ours = call(neuronlab, neuronlab.tensor(a, requires_grad=True))
    theirs = call(torch, torch.tensor(a, requires_grad=True))
    assert dtype_name(ours) == dtype_name(theirs) == "int64" and not ours.requires_grad
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_returns_lapacks_partial_factor_and_info(upper):
    a = np.array([[[4.0, 2, 1], [2, 1, 3], [1, 3, 5]], np.eye(3), [[1.0, 2, 0], [2, 5, 1], [0, 1, -1]]])
    ours = neuronlab.linalg.cholesky_ex(neuronlab.tensor(a), upper=upper)
    theirs = torch.linalg.cholesky_ex(torch.tensor(a), upper=upper)
    assert dtype_name(ours.info) == dtype_name(theirs.info) == "int32"
    np.testing.assert_array_equal(to_numpy(ours.info), to_numpy(theirs.info))
    np.testing.assert_allclose(to_numpy(ours.L), to_numpy(theirs.L), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op", ["eig", "eigvals"])
def test_eig_says_why_it_is_missing(op):
    """PyTorch returns complex tensors, which neuronlab does not have: a clear refusal naming
    eigh, rather than real numbers that would differ from PyTorch's."""
    with pytest.raises(NotImplementedError, match="complex.*eigh"):
        getattr(neuronlab.linalg, op)(neuronlab.eye(3))
    assert getattr(torch.linalg, op)(torch.eye(3))[0].is_complex()

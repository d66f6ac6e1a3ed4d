"""``torch.linalg`` (and the top-level aliases) against PyTorch 2.13: values, dtypes, shapes,
return types, gradients (vs torch and by finite differences in float64), double backward,
and which inputs raise which error.

Inputs are well conditioned by construction (``well_conditioned``); decompositions whose factors
are unique only up to sign (U, Vh, eigenvectors) are compared through sign-invariant functions
(|U|, U·diag(w)·Vh), whose gradients are unique too.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import neuronlab
from neuronlab.autograd import gradcheck, gradgradcheck

from .op_table import dtype_name, outputs, to_numpy

TOLERANCE = {"float32": (2e-4, 1e-5), "float64": (1e-9, 1e-11)}
INF = float("inf")


def well_conditioned(rng, shape, dtype="float64") -> np.ndarray:
    """Random matrices with singular values in [1, 3] (batched over leading dims) and distinct
    singular values / eigenvalues (so the decompositions are differentiable)."""
    *batch, m, n = shape
    k = min(m, n)
    out = np.empty(shape)
    for index in np.ndindex(*batch):
        q1, _ = np.linalg.qr(rng.standard_normal((m, m)))
        q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
        s = np.linspace(1.0, 3.0, k) + rng.uniform(0, 0.1, k)
        out[index] = (q1[:, :k] * s) @ q2[:k, :]
    return out.astype(dtype)


def symmetric(rng, shape, dtype="float64") -> np.ndarray:
    """Random symmetric matrices with eigenvalues spread over [-3, 3] (distinct)."""
    *batch, n, _ = shape
    out = np.empty(shape)
    for index in np.ndindex(*batch):
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        values = np.linspace(-3.0, 3.0, n) + rng.uniform(0, 0.1, n)
        out[index] = (q * values) @ q.T
    return out.astype(dtype)


def weights(seed: int, shape) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.5, 1.5, shape)


# -- the cases: (name, fn(m, *inputs), input makers, which inputs are differentiable) ---------------
SQ = (3, 3)
B_SQ = (2, 3, 3)
TALL, WIDE = (4, 3), (3, 5)


def _svd_invariant(m, a):
    """|U|, S, |Vh| and U diag(w) Vh: unique although U and Vh are unique only up to sign."""
    U, S, Vh = m.linalg.svd(a, full_matrices=False)
    w = m.tensor(weights(1, S.shape[-1]), dtype=a.dtype)
    return U.abs(), S, Vh.abs(), (U * w) @ Vh


def _svd_full(m, a):
    """full_matrices=True: the first k columns/rows are unique up to sign; the rest only enter
    through the (PyTorch: ignored) gradient of the extra columns."""
    U, S, Vh = m.linalg.svd(a)
    k = S.shape[-1]
    return U[..., :k].abs(), S, Vh[..., :k, :].abs()


def _eigh_invariant(m, a, uplo="L"):
    L, V = m.linalg.eigh(a, UPLO=uplo)
    w = m.tensor(weights(2, L.shape[-1]), dtype=a.dtype)
    return L, V.abs(), (V * w) @ V.mT


def one(*specs) -> list:
    """Cases of a one-input op: one case per input spec."""
    return [[spec] for spec in specs]


def _sym(a):
    return a + a.mT  # the gradient then covers symmetric perturbations (what eigh's formula assumes)


CASES = {
    "inv": (lambda m, a: m.linalg.inv(a), one(("wc", SQ), ("wc", B_SQ))),
    "inverse": (lambda m, a: m.inverse(a), one(("wc", SQ))),
    "tensor.inverse": (lambda m, a: a.inverse(), one(("wc", B_SQ))),
    "det": (lambda m, a: m.linalg.det(a), one(("wc", SQ), ("wc", B_SQ), ("wc", (1, 1)))),
    "torch.det": (lambda m, a: m.det(a), one(("wc", B_SQ))),
    "tensor.det": (lambda m, a: a.det(), one(("wc", SQ))),
    "slogdet": (lambda m, a: m.linalg.slogdet(a), one(("wc", SQ), ("wc", B_SQ))),
    "slogdet:negative": (lambda m, a: m.slogdet(-a[..., [1, 0, 2], :]), one(("wc", B_SQ))),
    "logdet": (lambda m, a: m.logdet(a @ a.mT), one(("wc", B_SQ))),
    "solve": (lambda m, a, b: m.linalg.solve(a, b), [[("wc", SQ), ("real", (3, 2))]]),
    "solve:vector": (lambda m, a, b: m.linalg.solve(a, b), [[("wc", SQ), ("real", (3,))]]),
    "solve:batch_vector": (lambda m, a, b: m.linalg.solve(a, b), [[("wc", B_SQ), ("real", (2, 3))]]),
    "solve:broadcast": (lambda m, a, b: m.linalg.solve(a, b), [[("wc", (2, 1, 3, 3)), ("real", (4, 3, 2))]]),
    "solve:right": (lambda m, a, b: m.linalg.solve(a, b, left=False), [[("wc", B_SQ), ("real", (2, 4, 3))]]),
    "svd": (_svd_invariant, one(("wc", SQ), ("wc", TALL), ("wc", WIDE), ("wc", (2, 4, 3)))),
    "svd:full": (_svd_full, one(("wc", TALL), ("wc", WIDE))),
    "svdvals": (lambda m, a: m.linalg.svdvals(a), one(("wc", TALL), ("wc", (2, 3, 5)))),
    "torch.svd": (lambda m, a: [x.abs() if i != 1 else x for i, x in enumerate(m.svd(a))], one(("wc", TALL))),
    "eigh": (lambda m, a: _eigh_invariant(m, _sym(a)), one(("sym", SQ), ("sym", (2, 4, 4)))),
    "eigh:upper": (lambda m, a: _eigh_invariant(m, _sym(a), "U"), one(("sym", SQ))),
    "eigvalsh": (lambda m, a: m.linalg.eigvalsh(_sym(a)), one(("sym", SQ), ("sym", (2, 4, 4)))),
    "cholesky": (lambda m, a: m.linalg.cholesky(a @ a.mT), one(("wc", SQ), ("wc", B_SQ))),
    "cholesky:upper": (lambda m, a: m.linalg.cholesky(a @ a.mT, upper=True), one(("wc", B_SQ))),
    "qr": (lambda m, a: m.linalg.qr(a), one(("wc", SQ), ("wc", TALL), ("wc", WIDE), ("wc", (2, 4, 3)))),
    "qr:complete": (lambda m, a: m.linalg.qr(a, mode="complete"), one(("wc", WIDE), ("wc", SQ))),
    "pinv": (lambda m, a: m.linalg.pinv(a), one(("wc", TALL), ("wc", WIDE), ("wc", (2, 3, 3)))),
    "pinverse": (lambda m, a: m.pinverse(a), one(("wc", TALL))),
    "lstsq": (lambda m, a, b: m.linalg.lstsq(a, b).solution, [[("wc", (5, 3)), ("real", (5, 2))]]),
    "lstsq:batch": (
        lambda m, a, b: m.linalg.lstsq(a, b).solution,
        [[("wc", (2, 5, 3)), ("real", (2, 5, 2))]],
    ),
    "vector_norm": (lambda m, a: m.linalg.vector_norm(a), one(("real", (2, 3, 4)))),
    "vector_norm:ords": (
        lambda m, a: [m.linalg.vector_norm(a, o, dim=-1) for o in (1, 3, 0.5, -1, INF, -INF, 0)],
        one(("nonzero", (3, 4))),
    ),
    "vector_norm:dims": (
        lambda m, a: m.linalg.vector_norm(a, 2, dim=(0, 2), keepdim=True),
        one(("real", (2, 3, 4))),
    ),
    "matrix_norm": (
        lambda m, a: [m.linalg.matrix_norm(a, o) for o in ("fro", "nuc", 2, -2, 1, -1, INF, -INF)],
        one(("wc", (2, 3, 4))),
    ),
    "matrix_norm:dims": (
        lambda m, a: [
            m.linalg.matrix_norm(a, o, dim=(0, 2), keepdim=True) for o in ("fro", "nuc", 2, 1, -INF)
        ],
        one(("wc", (3, 2, 4))),
    ),
    "norm": (
        lambda m, a: [
            m.linalg.norm(a),
            m.linalg.norm(a, dim=1),
            m.linalg.norm(a, 3, dim=-1, keepdim=True),
            m.linalg.norm(a, "fro", dim=(0, 2)),
            m.linalg.norm(a[0], 2),
            m.linalg.norm(a[0, 0], INF),
        ],
        one(("wc", (2, 3, 4))),
    ),  # fmt: skip
    "cross": (lambda m, a, b: m.linalg.cross(a, b), [[("real", (4, 3)), ("real", (4, 3))]]),
    "cross:dim": (lambda m, a, b: m.linalg.cross(a, b, dim=0), [[("real", (3, 2)), ("real", (3, 1))]]),
    "torch.cross": (lambda m, a, b: m.cross(a, b), [[("real", (2, 3)), ("real", (2, 3))]]),
    "linalg.matmul": (lambda m, a, b: m.linalg.matmul(a, b), [[("real", (2, 3)), ("real", (3, 4))]]),
    "matrix_power": (lambda m, a: m.linalg.matrix_power(a, 3), one(("wc", SQ), ("wc", B_SQ))),
    "matrix_power:binary": (lambda m, a: m.linalg.matrix_power(a / 2, 13), one(("wc", B_SQ))),
    "matrix_power:negative": (lambda m, a: m.linalg.matrix_power(a, -2), one(("wc", B_SQ))),
    "matrix_power:zero_one_two": (
        lambda m, a: [m.linalg.matrix_power(a, n) for n in (0, 1, 2)],
        one(("wc", SQ)),
    ),
    "torch.matrix_power": (lambda m, a: m.matrix_power(a, 4), one(("wc", SQ))),
    "tensor.matrix_power": (lambda m, a: a.matrix_power(-1), one(("wc", SQ))),
    "matrix_exp": (lambda m, a: m.linalg.matrix_exp(a), one(("real", SQ), ("wc", B_SQ), ("real", (1, 1)))),
    "matrix_exp:large": (lambda m, a: m.linalg.matrix_exp(3 * a), one(("real", (4, 4)))),
    "torch.matrix_exp": (lambda m, a: m.matrix_exp(a), one(("real", B_SQ))),
    "tensor.matrix_exp": (lambda m, a: a.matrix_exp(), one(("real", SQ))),
    "multi_dot": (
        lambda m, *t: m.linalg.multi_dot(t),
        [[("real", (2, 3)), ("real", (3, 6)), ("real", (6, 1)), ("real", (1, 4))]],
    ),
    "multi_dot:vectors": (
        lambda m, *t: m.linalg.multi_dot(t),
        [[("real", (3,)), ("real", (3, 4)), ("real", (4,))]],
    ),
    "multi_dot:first_vector": (lambda m, *t: m.linalg.multi_dot(t), [[("real", (3,)), ("real", (3, 4))]]),
    "multi_dot:last_vector": (
        lambda m, *t: m.linalg.multi_dot(t),
        [[("real", (2, 3)), ("real", (3, 5)), ("real", (5,))]],
    ),
    "vecdot": (lambda m, a, b: m.linalg.vecdot(a, b), [[("real", (2, 3, 4)), ("real", (3, 4))]]),
    "vecdot:dim": (lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [[("real", (3, 2)), ("real", (3, 1))]]),
    "solve_triangular": (
        lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
        [[("tri", SQ), ("real", (3, 2))]],
    ),
    "solve_triangular:lower_batch": (
        lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False),
        [[("tri", (2, 1, 3, 3)), ("real", (4, 3, 2))]],
    ),
    "solve_triangular:right": (
        lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True, left=False),
        [[("tri", B_SQ), ("real", (2, 4, 3))]],
    ),
    "solve_triangular:unit": (
        lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
        [[("tri", SQ), ("real", (3, 2))]],
    ),
    "cholesky_ex": (lambda m, a: m.linalg.cholesky_ex(a @ a.mT), one(("wc", SQ), ("wc", B_SQ))),
    "cholesky_ex:upper": (lambda m, a: m.linalg.cholesky_ex(a @ a.mT, upper=True), one(("wc", B_SQ))),
}


def make_inputs(specs, dtype: str, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    arrays = []
    for kind, shape in specs:
        if kind == "wc":
            arrays.append(well_conditioned(rng, shape, dtype))
        elif kind == "sym":
            arrays.append(symmetric(rng, shape, dtype) / 2)
        elif kind == "tri":  # the triangle solve_triangular reads: a diagonal of ±[1, 2]
            a = rng.uniform(-1, 1, shape)
            diagonal = rng.uniform(1, 2, shape[:-1]) * rng.choice([-1, 1], shape[:-1])
            arrays.append(
                (
                    a + np.vectorize(np.diag, signature="(n)->(n,n)")(diagonal - np.diagonal(a, 0, -2, -1))
                ).astype(dtype)
            )
        elif kind == "nonzero":
            arrays.append((rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)).astype(dtype))
        else:
            arrays.append(rng.uniform(-2, 2, shape).astype(dtype))
    return arrays


def run(m, name, arrays, requires_grad=True):
    fn, _ = CASES[name]
    leaves = [m.tensor(a.copy(), requires_grad=requires_grad) for a in arrays]
    return leaves, outputs(fn(m, *leaves))


def assert_close(ours, theirs, dtype, what):
    rtol, atol = TOLERANCE[dtype]
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=rtol, atol=atol, err_msg=what)


CASE_IDS = [(name, i) for name in sorted(CASES) for i in range(len(CASES[name][1]))]


def case_id(case) -> str:
    name, i = case
    return f"{name}-{'x'.join(map(str, CASES[name][1][i][0][1]))}"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASE_IDS, ids=case_id)
def test_values_and_gradients_match_torch(case, dtype):
    """Same values, dtypes, shapes and requires_grad as PyTorch, and the same input gradients
    for a random upstream gradient on every output."""
    name, i = case
    arrays = make_inputs(CASES[name][1][i], dtype)
    ours_in, ours = run(neuronlab, name, arrays)
    theirs_in, theirs = run(torch, name, arrays)
    assert len(ours) == len(theirs)
    rng = np.random.default_rng(1)
    upstream = []
    for k, (o, t) in enumerate(zip(ours, theirs)):
        assert dtype_name(o) == dtype_name(t), f"output {k}"
        assert tuple(o.shape) == tuple(t.shape), f"output {k}"
        assert o.requires_grad == t.requires_grad, f"output {k}"
        assert_close(o, t, dtype, f"output {k}")
        upstream.append(rng.standard_normal(tuple(t.shape)).astype(dtype) if t.requires_grad else None)
    pairs = [(o, t, g) for o, t, g in zip(ours, theirs, upstream) if g is not None]
    neuronlab.autograd.backward([o for o, _, _ in pairs], [neuronlab.tensor(g) for _, _, g in pairs])
    torch.autograd.backward([t for _, t, _ in pairs], [torch.from_numpy(g) for _, _, g in pairs])
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        assert_close(a.grad, b.grad, dtype, f"gradient of input {i}")


@pytest.mark.parametrize("case", CASE_IDS, ids=case_id)
def test_gradients_match_finite_differences(case):
    name, i = case
    arrays = make_inputs(CASES[name][1][i], "float64", seed=2)
    inputs = [neuronlab.tensor(a, requires_grad=True) for a in arrays]
    fn = CASES[name][0]
    assert gradcheck(lambda *xs: tuple(o for o in outputs(fn(neuronlab, *xs)) if o.requires_grad), inputs)


DOUBLE_BACKWARD = ["inv", "det", "slogdet", "solve", "svd", "svdvals", "eigh", "eigvalsh", "cholesky", "qr", "pinv",
                   "lstsq", "matrix_norm", "vector_norm", "matrix_power", "matrix_power:negative", "matrix_exp",
                   "multi_dot", "vecdot", "solve_triangular", "solve_triangular:right", "cholesky_ex"]  # fmt: skip


@pytest.mark.parametrize("name", DOUBLE_BACKWARD)
def test_double_backward(name):
    """Second derivatives by finite differences of the (recorded) first derivative."""
    arrays = make_inputs(CASES[name][1][0], "float64", seed=3)
    inputs = [neuronlab.tensor(a, requires_grad=True) for a in arrays]
    fn = CASES[name][0]
    assert gradgradcheck(lambda *xs: tuple(o for o in outputs(fn(neuronlab, *xs)) if o.requires_grad), inputs)


# -- return types ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "fields"),
    [
        (lambda m, a: m.linalg.svd(a), ("U", "S", "Vh")),
        (lambda m, a: m.svd(a), ("U", "S", "V")),
        (lambda m, a: m.linalg.eigh(a + a.mT), ("eigenvalues", "eigenvectors")),
        (lambda m, a: m.linalg.slogdet(a), ("sign", "logabsdet")),
        (lambda m, a: m.linalg.lstsq(a, a), ("solution", "residuals", "rank", "singular_values")),
        (lambda m, a: m.linalg.inv_ex(a), ("inverse", "info")),
        (lambda m, a: m.linalg.qr(a), ("Q", "R")),
        (lambda m, a: m.linalg.qr(a, mode="r"), ("Q", "R")),
        (lambda m, a: m.linalg.solve_ex(a, a), ("result", "info")),
    ],
)
def test_named_tuples_have_torchs_fields(call, fields):
    a = make_inputs([("wc", SQ)], "float32")[0]
    ours, theirs = call(neuronlab, neuronlab.tensor(a)), call(torch, torch.from_numpy(a))
    for field in fields:
        o, t = getattr(ours, field), getattr(theirs, field)
        assert tuple(o.shape) == tuple(t.shape) and dtype_name(o) == dtype_name(t), field
    assert len(ours) == len(fields)


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss", "gels"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 5, 3), (3, 5)])
def test_lstsq_fields_follow_torchs_drivers(driver, shape):
    """Which of residuals / rank / singular_values each CPU driver fills, with their values."""
    rng = np.random.default_rng(4)
    a = well_conditioned(rng, shape)
    b = rng.standard_normal(shape[:-1] + (2,))
    ours = neuronlab.linalg.lstsq(neuronlab.tensor(a), neuronlab.tensor(b), driver=driver)
    theirs = torch.linalg.lstsq(torch.from_numpy(a), torch.from_numpy(b), driver=driver)
    for field in ("solution", "residuals", "rank", "singular_values"):
        o, t = getattr(ours, field), getattr(theirs, field)
        assert tuple(o.shape) == tuple(t.shape) and dtype_name(o) == dtype_name(t), field
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=1e-8, atol=1e-10, err_msg=field)


def test_lstsq_rank_deficient_gives_the_minimum_norm_solution_and_rank():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((6, 4))
    a[:, 3] = a[:, 0] + a[:, 1]
    b = rng.standard_normal((6, 2))
    ours = neuronlab.linalg.lstsq(neuronlab.tensor(a), neuronlab.tensor(b))
    theirs = torch.linalg.lstsq(torch.from_numpy(a), torch.from_numpy(b))
    np.testing.assert_allclose(to_numpy(ours.solution), to_numpy(theirs.solution), rtol=1e-8, atol=1e-10)
    assert int(ours.rank) == int(theirs.rank) == 3


# -- special points -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: m.linalg.vector_norm(x),
        lambda m, x: m.linalg.vector_norm(x, 1),
        lambda m, x: m.linalg.vector_norm(x, 3),
        lambda m, x: m.linalg.vector_norm(x, INF),
        lambda m, x: m.linalg.norm(x, dim=-1).sum(),
        lambda m, x: m.linalg.matrix_norm(x),
        lambda m, x: m.linalg.matrix_norm(x, "nuc"),
        lambda m, x: m.linalg.matrix_norm(x, 2),
    ],
)
def test_norm_gradients_at_zero_match_torch(call):
    """The 2-norm's subgradient at 0 is 0 in PyTorch (not NaN); the spectral and nuclear
    norms' are the SVD's at 0 (I / 3 and I)."""
    grads = []
    for m in (neuronlab, torch):
        x = m.zeros(3, 3, dtype=m.float64, requires_grad=True)
        call(m, x).backward()
        grads.append(to_numpy(x.grad))
    np.testing.assert_allclose(grads[0], grads[1], atol=1e-12)


@pytest.mark.parametrize("matrix", [[[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], np.zeros((3, 3))])
def test_det_of_a_singular_matrix_has_torchs_gradient(matrix):
    """PyTorch's det backward solves with the LU factors of A, and a det of exactly 0 makes its
    right-hand side 0: the gradient is 0 (not the cofactor matrix). We give the same."""
    grads = []
    for m in (neuronlab, torch):
        a = m.tensor(np.asarray(matrix), requires_grad=True)
        out = m.linalg.det(a)
        out.backward()
        assert float(out) == 0.0
        grads.append(to_numpy(a.grad))
    np.testing.assert_array_equal(grads[0], grads[1])


def test_slogdet_of_a_singular_matrix():
    ours = neuronlab.linalg.slogdet(neuronlab.tensor([[1.0, 2.0], [2.0, 4.0]]))
    theirs = torch.linalg.slogdet(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    assert float(ours.sign) == float(theirs.sign) == 0.0
    assert float(ours.logabsdet) == float(theirs.logabsdet) == -INF


def test_logdet_of_a_negative_determinant_is_nan():
    a = [[0.0, 1.0], [1.0, 0.0]]
    assert np.isnan(float(neuronlab.logdet(neuronlab.tensor(a)))) and np.isnan(
        float(torch.logdet(torch.tensor(a)))
    )


def test_svd_compute_uv_false_gives_zeros_as_torch():
    a = make_inputs([("wc", TALL)], "float64")[0]
    ours, theirs = (
        neuronlab.svd(neuronlab.tensor(a), compute_uv=False),
        torch.svd(torch.from_numpy(a), compute_uv=False),
    )
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(to_numpy(o), to_numpy(t), rtol=1e-10)


def test_eigh_reads_only_the_named_triangle():
    a = symmetric(np.random.default_rng(6), SQ)
    garbage = a.copy()
    garbage[0, 2] = 100.0  # upper triangle: ignored with UPLO='L'
    for uplo, expected in (("L", np.linalg.eigvalsh(a)), ("U", np.linalg.eigvalsh(garbage, UPLO="U"))):
        ours = neuronlab.linalg.eigvalsh(neuronlab.tensor(garbage), UPLO=uplo)
        theirs = torch.linalg.eigvalsh(torch.from_numpy(garbage), UPLO=uplo)
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-10)
        np.testing.assert_allclose(to_numpy(ours), expected, rtol=1e-10)


# -- errors ----------------------------------------------------------------------------------------
SINGULAR = [[1.0, 2.0], [2.0, 4.0]]
ERRORS = {
    "inv singular": lambda m: m.linalg.inv(m.tensor(SINGULAR)),
    "inv batch singular": lambda m: m.linalg.inv(m.stack([m.eye(2), m.tensor([[1.0, 0.0], [0.0, 0.0]])])),
    "inv non-square": lambda m: m.linalg.inv(m.ones(2, 3)),
    "inv 1-d": lambda m: m.linalg.inv(m.ones(3)),
    "inv integer": lambda m: m.linalg.inv(m.ones(2, 2, dtype=m.int64)),
    "det integer": lambda m: m.linalg.det(m.ones(2, 2, dtype=m.int32)),
    "det non-square": lambda m: m.linalg.det(m.ones(2, 3)),
    "solve singular": lambda m: m.linalg.solve(m.tensor(SINGULAR), m.ones(2)),
    "solve batch singular": lambda m: m.linalg.solve(m.zeros(2, 3, 3), m.ones(2, 3, 1)),
    "solve shapes": lambda m: m.linalg.solve(m.eye(3), m.ones(4)),
    "solve dtypes": lambda m: m.linalg.solve(m.eye(3), m.ones(3, dtype=m.float64)),
    "svd 1-d": lambda m: m.linalg.svd(m.ones(3)),
    "svd integer": lambda m: m.linalg.svd(m.ones(3, 3, dtype=m.int64)),
    "eigh non-square": lambda m: m.linalg.eigh(m.ones(2, 3)),
    "eigh UPLO": lambda m: m.linalg.eigh(m.eye(3), UPLO="X"),
    "cholesky not positive-definite": lambda m: m.linalg.cholesky(m.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]])),
    "lstsq driver": lambda m: m.linalg.lstsq(m.ones(3, 2), m.ones(3, 1), driver="foo"),
    "lstsq rows": lambda m: m.linalg.lstsq(m.ones(3, 2), m.ones(4, 1)),
    "lstsq integer": lambda m: m.linalg.lstsq(m.ones(3, 3, dtype=m.int64), m.ones(3, 1, dtype=m.int64)),
    "qr mode": lambda m: m.linalg.qr(m.ones(4, 3), mode="x"),
    "qr complete backward": lambda m: m.linalg.qr(m.ones(4, 3, requires_grad=True), mode="complete")[0].sum().backward(),
    "qr r backward": lambda m: m.linalg.qr(m.ones(4, 3, requires_grad=True), mode="r")[1].sum().backward(),
    "matrix_norm ord": lambda m: m.linalg.matrix_norm(m.ones(3, 3), ord=3),
    "matrix_norm 1-d": lambda m: m.linalg.matrix_norm(m.ones(3)),
    "vector_norm integer": lambda m: m.linalg.vector_norm(m.ones(3, dtype=m.int64)),
    "vector_norm string ord": lambda m: m.linalg.vector_norm(m.ones(3), ord="fro"),
    "norm 3-d with ord": lambda m: m.linalg.norm(m.ones(2, 2, 2), ord=2),
    "norm 1-d fro": lambda m: m.linalg.norm(m.ones(3), ord="fro"),
    "cross length": lambda m: m.linalg.cross(m.ones(3, 4), m.ones(3, 4)),
    "cross ndim": lambda m: m.linalg.cross(m.ones(2, 1, 3), m.ones(4, 3)),
    "matrix_power float n": lambda m: m.linalg.matrix_power(m.eye(3), 2.0),
    "matrix_power 1-d": lambda m: m.linalg.matrix_power(m.ones(3), 2),
    "matrix_power non-square": lambda m: m.linalg.matrix_power(m.ones(2, 3), 0),
    "matrix_power integer inverse": lambda m: m.linalg.matrix_power(m.ones(2, 2, dtype=m.int64), -1),
    "matrix_power singular inverse": lambda m: m.linalg.matrix_power(m.zeros(3, 3), -1),
    "matrix_exp integer": lambda m: m.linalg.matrix_exp(m.ones(2, 2, dtype=m.int64)),
    "matrix_exp 1-d": lambda m: m.linalg.matrix_exp(m.ones(3)),
    "matrix_exp non-square": lambda m: m.linalg.matrix_exp(m.ones(2, 3)),
    "matrix_rank integer": lambda m: m.linalg.matrix_rank(m.ones(2, 2, dtype=m.int64)),
    "matrix_rank 1-d": lambda m: m.linalg.matrix_rank(m.ones(3)),
    "multi_dot one": lambda m: m.linalg.multi_dot([m.ones(2, 2)]),
    "multi_dot none": lambda m: m.linalg.multi_dot([]),
    "multi_dot dtypes": lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(2, 2, dtype=m.float64)]),
    "multi_dot first 3-d": lambda m: m.linalg.multi_dot([m.ones(2, 2, 2), m.ones(2, 2)]),
    "multi_dot last 3-d": lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(2, 2, 2)]),
    "multi_dot middle 1-d": lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(2), m.ones(2, 2)]),
    "multi_dot shapes": lambda m: m.linalg.multi_dot([m.ones(3, 3), m.ones(4, 2)]),
    "vecdot integer": lambda m: m.linalg.vecdot(m.ones(3, dtype=m.int64), m.ones(3, dtype=m.int64)),
    "vecdot dtypes": lambda m: m.linalg.vecdot(m.ones(3), m.ones(3, dtype=m.float64)),
    "solve_triangular 1-d B": lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(3), upper=True),
    "solve_triangular shapes": lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(4, 2), upper=True),
    "solve_triangular non-square": lambda m: m.linalg.solve_triangular(m.ones(2, 3), m.ones(2, 2), upper=True),
    "solve_triangular integer": lambda m: m.linalg.solve_triangular(m.eye(3, dtype=m.int64), m.ones(3, 1, dtype=m.int64), upper=True),
    "cholesky_ex check_errors": lambda m: m.linalg.cholesky_ex(m.tensor([[1.0, 2.0], [2.0, 1.0]]), check_errors=True),
    "cholesky_ex batch check_errors": lambda m: m.linalg.cholesky_ex(m.stack([m.eye(2), -m.eye(2)]), check_errors=True),
    "cholesky_ex non-square": lambda m: m.linalg.cholesky_ex(m.ones(2, 3)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_as_torch(case):
    """The same exception class (LinAlgError for singular / not positive-definite matrices, a
    RuntimeError subclass) and, for the linalg ops' own checks, the same message."""
    with pytest.raises(Exception) as theirs:
        ERRORS[case](torch)
    with pytest.raises(Exception) as ours:
        ERRORS[case](neuronlab)
    if isinstance(theirs.value, torch.linalg.LinAlgError):
        assert isinstance(ours.value, neuronlab.linalg.LinAlgError) and isinstance(ours.value, RuntimeError)
    else:
        assert isinstance(ours.value, type(theirs.value)), (ours.value, theirs.value)
    assert str(ours.value) == str(theirs.value)


# -- random shapes and batches ---------------------------------------------------------------------
OPS = {
    "inv": lambda m, a, b: m.linalg.inv(a),
    "det": lambda m, a, b: m.linalg.det(a),
    "slogdet": lambda m, a, b: m.linalg.slogdet(a).logabsdet,
    "solve": lambda m, a, b: m.linalg.solve(a, b),
    "svdvals": lambda m, a, b: m.linalg.svdvals(a),
    "eigvalsh": lambda m, a, b: m.linalg.eigvalsh(a + a.mT),
    "pinv": lambda m, a, b: m.linalg.pinv(a),
    "matrix_norm": lambda m, a, b: m.linalg.matrix_norm(a, "nuc"),
}


@settings(max_examples=25, deadline=None)
@given(
    op=st.sampled_from(sorted(OPS)),
    batch=st.lists(st.integers(1, 3), max_size=2),
    n=st.integers(1, 5),
    k=st.integers(1, 3),
    seed=st.integers(0, 2**16),
    dtype=st.sampled_from(["float32", "float64"]),
)
def test_random_well_conditioned_batches_match_torch(op, batch, n, k, seed, dtype):
    rng = np.random.default_rng(seed)
    a = well_conditioned(rng, (*batch, n, n), dtype)
    b = rng.standard_normal((*batch, n, k)).astype(dtype)
    g = None
    results = []
    for m in (neuronlab, torch):
        ta = m.tensor(a.copy(), requires_grad=True)
        out = OPS[op](m, ta, m.tensor(b))
        if g is None:
            g = rng.standard_normal(tuple(out.shape)).astype(dtype)
        out.backward(m.tensor(g))
        results.append((out, ta.grad))
    for ours, theirs in zip(*results):
        assert tuple(ours.shape) == tuple(theirs.shape) and dtype_name(ours) == dtype_name(theirs)
        rtol, atol = TOLERANCE[dtype]
        np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=rtol * 10, atol=atol * 10)


@pytest.mark.parametrize(
    "call",
    [lambda a: a.det(), lambda a: a.logdet(), lambda a: a.slogdet()[1], lambda a: a.inverse(),
     lambda a: a.pinverse(), lambda a: a.svd()[1], lambda a: a.cross(a.flip(0), dim=1)],
)  # fmt: skip
def test_tensor_methods_match_torch(call):
    a = make_inputs([("wc", SQ)], "float64", seed=7)[0]
    a = a @ a.T  # a positive determinant, for logdet
    grads = []
    for m in (neuronlab, torch):
        x = m.tensor(a.copy(), requires_grad=True)
        out = call(x)
        out.sum().backward()
        grads.append((to_numpy(out), to_numpy(x.grad)))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_namespace_is_torchs():
    """Everything this module covers exists in torch.linalg (no invented names)."""
    for name in neuronlab.linalg.__all__:
        assert hasattr(torch.linalg, name), name
    assert issubclass(neuronlab.linalg.LinAlgError, RuntimeError)

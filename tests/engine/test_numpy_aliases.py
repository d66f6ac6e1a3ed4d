"""PyTorch's NumPy-style argument names (issue 13, section 1): ``axis`` for ``dim`` and
``keepdims`` for ``keepdim``, as function and as Tensor method, compared with torch 2.13 --
which accepts them, the values, and the TypeError when one argument is given under both names."""

from __future__ import annotations

import numpy as np
import pytest

from .fuzz_strategies import Input, check

# (name, extra positional arguments after the input, takes keepdim, takes a tuple of dims)
OPS = [
    ("sum", (), True, True),
    ("mean", (), True, True),
    ("prod", (), True, False),
    ("max", (), True, False),
    ("min", (), True, False),
    ("amax", (), True, True),
    ("amin", (), True, True),
    ("argmax", (), True, False),
    ("argmin", (), True, False),
    ("std", (), True, True),
    ("var", (), True, True),
    ("logsumexp", (), True, True),
    ("all", (), True, True),
    ("any", (), True, True),
    ("norm", (), True, True),  # torch.norm is Python code without the aliases: refused
    ("cumsum", (), False, False),
    ("count_nonzero", (), False, True),
    ("softmax", (), False, False),
    ("log_softmax", (), False, False),
    ("sort", (), False, False),
    ("argsort", (), False, False),
    ("topk", (1,), False, False),
    ("squeeze", (), False, True),
    ("unsqueeze", (), False, False),
]

KEYWORDS = [
    {"axis": 1},
    {"axis": -1, "keepdims": True},
    {"axis": 0, "keepdims": False},
    {"dim": 1, "keepdims": True},
    {"axis": 1, "keepdim": True},
    {"axis": (0, 1), "keepdims": True},
    {"dim": 1, "axis": 1},  # both names: TypeError
    {"dim": 0, "axis": 1},
    {"keepdim": True, "keepdims": True},
    {"axis": 1, "keepdims": True, "keepdim": True},
    {"keepdims": True},  # the default dim
    {},
]


@pytest.mark.parametrize("form", ["function", "method"])
@pytest.mark.parametrize(("name", "extra", "keeps", "tuples"), OPS, ids=[op[0] for op in OPS])
def test_axis_and_keepdims_are_accepted_where_pytorch_accepts_them(name, extra, keeps, tuples, form):
    for keywords in KEYWORDS:
        for x in (np.arange(6.0).reshape(2, 3) - 2.5, np.array([[True, False, True], [True, True, False]])):

            def op(m, t, kw=keywords):
                if form == "function":
                    return getattr(m, name)(t, *extra, **kw)
                return getattr(t, name)(*extra, **kw)

            check(op, Input(x, requires_grad=x.dtype.kind == "f"))


def test_karpathy_and_d2l_spellings():
    x = Input(np.arange(12.0).reshape(3, 4), requires_grad=True)
    check(lambda m, t: t / t.sum(1, keepdims=True), x)  # makemore
    check(lambda m, t: (t.argmax(axis=1), m.argmax(t, axis=1)), x)  # d2l's accuracy
    check(lambda m, t: m.sum(t, axis=1, keepdims=True), x)

"""``torch.cat(tensors, out=...)`` writes ``out`` as PyTorch does."""

import pytest
import torch

import neuronlab


def outcome(lib, out_dtype="float32", out_shape=(4, 2), grad=False):
    a = lib.ones(2, 2, requires_grad=grad)
    out = lib.zeros(*out_shape, dtype=getattr(lib, out_dtype))
    try:
        result = lib.cat([a, a * 2], out=out)
    except (RuntimeError, TypeError) as error:
        return type(error).__name__, str(error).replace("torch.", "").split(" but ")[0]
    return result is out, tuple(out.shape), out.tolist(), str(out.dtype).split(".")[-1]


@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
@pytest.mark.parametrize(
    "case",
    [
        {},
        {"out_shape": (1,)},
        {"out_shape": (0,)},
        {"out_dtype": "float64"},
        {"out_dtype": "int64"},
        {"grad": True},
    ],
    ids=str,
)
def test_cat_out_matches_pytorch(case):
    assert outcome(neuronlab, **case) == outcome(torch, **case)

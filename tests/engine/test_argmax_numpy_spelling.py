"""``argmax``/``argmin`` with NumPy's ``axis=``/``keepdims=``, which PyTorch 2.13 accepts (d2l's
``accuracy`` calls ``y_hat.argmax(axis=1)``)."""

import numpy as np
import pytest
import torch

import neuronlab as nl

X = np.array([[1.0, 3.0, 2.0], [4.0, 0.0, 5.0]], dtype=np.float32)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("kwargs", [{"axis": 1}, {"axis": 0}, {"axis": -1, "keepdims": True},
                                    {"dim": 1, "keepdims": True}])  # fmt: skip
def test_numpy_spelling_as_torch(name, kwargs):
    expected = getattr(torch.tensor(X), name)(**kwargs)
    for result in (getattr(nl.tensor(X), name)(**kwargs), getattr(nl, name)(nl.tensor(X), **kwargs)):
        assert result.dtype == nl.int64 and tuple(result.shape) == tuple(expected.shape)
        np.testing.assert_array_equal(result.numpy(), expected.numpy())


def test_dim_and_axis_together_raise_as_torch():
    with pytest.raises(TypeError):
        torch.tensor(X).argmax(dim=1, axis=1)
    with pytest.raises(TypeError, match="argmax"):
        nl.tensor(X).argmax(dim=1, axis=1)

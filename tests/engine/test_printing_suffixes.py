"""Where ``repr(tensor)`` puts its suffixes (``dtype=``, ``requires_grad=True``, ``grad_fn=``): on
the body's last line while it fits in 80 characters, else on a line of their own, as PyTorch 2.13
prints them (d2l's batch-norm chapter prints such tensors). The decision counts neuronlab's own
text: ``dtype=neuronlab.float64`` is 4 characters longer than ``dtype=torch.float64``, so within 4
characters of the limit neuronlab wraps where PyTorch does not (not tested here)."""

import numpy as np
import pytest
import torch

import neuronlab as nl

CASES = [
    (np.linspace(0.5, 1.5, 6), {"requires_grad": True}),
    (np.linspace(0.5, 1.5, 7), {"requires_grad": True}),
    (np.linspace(0.5, 1.5, 8), {"requires_grad": True}),
    (np.linspace(-3, 3, 12).reshape(3, 4), {"requires_grad": True}),
    (np.linspace(0.5, 1.5, 8), {"dtype": "float64", "requires_grad": True}),
    (np.arange(20), {"dtype": "int32"}),
    (np.arange(14), {"dtype": "int16"}),
]


@pytest.mark.parametrize(("values", "options"), CASES)
def test_suffixes_wrap_as_torch(values, options):
    dtype = options.get("dtype", "float32")
    grad = options.get("requires_grad", False)
    t = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=grad)
    n = nl.tensor(values, dtype=getattr(nl, dtype), requires_grad=grad)
    assert repr(n).replace("neuronlab.", "torch.") == repr(t)  # the dtype named from its own module


def test_a_grad_fn_suffix_wraps_as_torch():
    """The suffix's length decides: compared with a grad_fn both libraries name alike."""
    values = np.linspace(0.9, 1.1, 6).astype(np.float32)
    t = torch.tensor(values, requires_grad=True) * 2
    n = nl.tensor(values, requires_grad=True) * 2
    assert t.grad_fn.name() == n.grad_fn.name() == "MulBackward0"
    assert repr(n) == repr(t) and "\n" in repr(t)

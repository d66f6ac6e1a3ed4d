"""``torch.norm`` with p < 0: (Σ|x|^p)^(1/p), 0 where an entry is 0, as PyTorch computes it."""

import numpy as np
import pytest
import torch

import neuronlab


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's divide-by-zero at the zero entry
@pytest.mark.parametrize("p", [-1, -2.5, -0.5])
def test_norm_with_a_negative_p_matches_pytorch(p):
    results = []
    for lib in (torch, neuronlab):
        x = lib.tensor([[0.5, -2.0, 3.0], [1.0, 0.0, 4.0]], requires_grad=True)
        y = lib.norm(x[:, :1] + x[:, 2:], p=p)
        y.backward()
        results.append((lib.norm(x, p=p, dim=1).tolist(), y.item(), x.grad.tolist()))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5)

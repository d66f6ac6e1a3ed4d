"""The MNIST-1D GRU recipe (``lab/references.py``) is mnist1d's ``GRUBase``: built from the same
seed it has PyTorch's initial weights, parameter names and outputs (the benchmark
``benchmarks/mnist1d_gru.py`` relies on it)."""

import numpy as np
import pytest
import torch

import neuronlab as nl
from neuronlab.lab.references import mnist1d_model


class GRUBase(torch.nn.Module):
    """mnist1d's notebooks/models.py ``GRUBase`` (hidden 6, bidirectional), its zero state as zeros."""

    def __init__(self, input_size=1, output_size=10, hidden_size=6, time_steps=40):
        super().__init__()
        self.gru = torch.nn.GRU(input_size=input_size, hidden_size=hidden_size, batch_first=True,
                                bidirectional=True)  # fmt: skip
        self.linear = torch.nn.Linear(2 * hidden_size * time_steps, output_size)

    def forward(self, x):
        output, _ = self.gru(x.view(*x.shape[:2], 1))
        return self.linear(output.reshape(output.shape[0], -1))


def test_gru_recipe_is_greydanus_grubase():
    torch.manual_seed(3)
    reference = GRUBase()
    nl.manual_seed(3)
    model = mnist1d_model("gru")
    t_state, n_state = reference.state_dict(), model.state_dict()
    assert list(n_state) == list(t_state)
    for key in t_state:
        np.testing.assert_array_equal(n_state[key].numpy(), t_state[key].numpy(), err_msg=key)
    x = np.random.default_rng(0).standard_normal((5, 40)).astype(np.float32)
    np.testing.assert_allclose(model(nl.tensor(x)).detach().numpy(), reference(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_unknown_kind_names_the_choices():
    with pytest.raises(ValueError, match="'gru'"):
        mnist1d_model("lstm")

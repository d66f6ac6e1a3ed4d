"""Shared set-up of the engine tests: PyTorch is the reference, on one thread."""

import torch

# The tensors here are tiny: extra threads only add overhead (and contend under pytest-xdist).
torch.set_num_threads(1)

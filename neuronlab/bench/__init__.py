"""``neuronlab bench``: neuronlab and PyTorch side by side in one run, with ratios.

Every workload runs the same code with ``lib = neuronlab`` and ``lib = torch`` from the same
weights and data; the losses must agree before a time is reported. When PyTorch is not
installed, neuronlab's figures are printed alone. Performance lives here, never in timed
tests.
"""

from neuronlab.bench.runner import run_benchmark

__all__ = ["run_benchmark"]

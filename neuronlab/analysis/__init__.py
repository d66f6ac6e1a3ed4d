"""``neuronlab.analysis``: tools for seeing inside models and training, as functions over
models and parameter vectors (figures are drawn separately, in ``plotting``).

* ``explain_backward`` / ``to_dot``: a backward pass node by node with numbers; the graph as DOT.
* ``hvp``, ``full_hessian``, ``top_eigenvalue``, ``hessian_eigenvalues``: second-order information.
* ``landscape_1d`` / ``landscape_2d``: loss slices (chosen parameters or filter-normalized
  random directions), evaluated vectorized; ``convexity_report`` probes them for non-convexity.
* ``LayerStats``: per-layer activation and gradient statistics during training.
* ``estimate_memory`` / ``measure_memory``, ``summary``, ``count_parameters``,
  ``conv_output_shape``: sizes and memory of a model.
"""

from neuronlab.analysis.convexity import ConvexityReport, convexity_report
from neuronlab.analysis.dot import to_dot
from neuronlab.analysis.explain import BackwardExplanation, BackwardStep, Edge, explain_backward
from neuronlab.analysis.hessian import (
    compare_cost,
    extreme_eigenvalues,
    full_hessian,
    hessian_eigenvalues,
    hvp,
    top_eigenvalue,
)
from neuronlab.analysis.landscape import (
    Landscape,
    compare_speed,
    landscape_1d,
    landscape_2d,
    normalize_direction,
    random_direction,
)
from neuronlab.analysis.memory import MemoryReport, estimate_memory, measure_memory
from neuronlab.analysis.stats import LayerStats
from neuronlab.analysis.summary import conv_output_shape, count_parameters, summary

__all__ = [
    "BackwardExplanation", "BackwardStep", "ConvexityReport", "Edge", "Landscape", "LayerStats",
    "MemoryReport", "compare_cost", "compare_speed", "conv_output_shape", "convexity_report",
    "count_parameters", "estimate_memory", "explain_backward", "extreme_eigenvalues", "full_hessian",
    "hessian_eigenvalues", "hvp", "landscape_1d", "landscape_2d", "measure_memory",
    "normalize_direction", "random_direction", "summary", "to_dot", "top_eigenvalue",
]  # fmt: skip

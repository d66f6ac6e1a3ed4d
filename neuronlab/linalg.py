"""``torch.linalg``: norms, inverses, linear systems, determinants and decompositions, batched
over leading dims and differentiable where PyTorch's are (``import neuronlab as torch`` then
``torch.linalg.norm(x)``). The ops live in ``neuronlab/ops`` (``decompositions.py``,
``solvers.py``, ``matrix_norms.py``, ``linalg.py``); this module only gives them PyTorch's
namespace.
"""

from __future__ import annotations

from neuronlab.ops.cross import cross
from neuronlab.ops.decompositions import LinAlgError, cholesky, eigh, eigvalsh, qr, svd, svdvals
from neuronlab.ops.linalg import matmul
from neuronlab.ops.matrix_norms import matrix_norm, norm, vector_norm
from neuronlab.ops.solvers import det, inv, inv_ex, lstsq, pinv, slogdet, solve, solve_ex

__all__ = [
    "LinAlgError",
    "cholesky",
    "cross",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "inv_ex",
    "lstsq",
    "matmul",
    "matrix_norm",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_ex",
    "svd",
    "svdvals",
    "vector_norm",
]

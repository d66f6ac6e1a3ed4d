"""``torch.linalg``: norms, inverses, linear systems, determinants, decompositions and matrix
functions, batched over leading dims and differentiable where PyTorch's are
(``import neuronlab as torch`` then ``torch.linalg.norm(x)``). The ops live in
``neuronlab/ops`` (``decompositions.py``, ``qr.py``, ``solvers.py``, ``matrix_norms.py``,
``matrix_functions.py``, ``linalg.py``, ``cross.py``); this module only gives them PyTorch's
namespace. ``eig`` and ``eigvals`` raise ``NotImplementedError``: their results are complex.
"""

from __future__ import annotations

from neuronlab.ops.cross import cross
from neuronlab.ops.decompositions import (
    cholesky,
    cholesky_ex,
    eig,
    eigh,
    eigvals,
    eigvalsh,
    svd,
    svdvals,
)
from neuronlab.ops.linalg import matmul, multi_dot, vecdot
from neuronlab.ops.linalg_errors import LinAlgError
from neuronlab.ops.matrix_functions import matrix_exp, matrix_power, matrix_rank
from neuronlab.ops.matrix_norms import matrix_norm, norm, vector_norm
from neuronlab.ops.qr import qr
from neuronlab.ops.solvers import det, inv, inv_ex, lstsq, pinv, slogdet, solve, solve_ex, solve_triangular

__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cross",
    "det",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "inv",
    "inv_ex",
    "lstsq",
    "matmul",
    "matrix_exp",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_ex",
    "solve_triangular",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]

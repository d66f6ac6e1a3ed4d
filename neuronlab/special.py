"""``torch.special``: the special functions PyTorch gathers there (``import neuronlab as torch``
then ``torch.special.erfinv(x)``). The ops live in ``neuronlab/ops``; this module only gives
them PyTorch's namespace.
"""

from __future__ import annotations

from neuronlab.ops.erfinv import erfinv
from neuronlab.ops.pointwise import erf

__all__ = ["erf", "erfinv"]

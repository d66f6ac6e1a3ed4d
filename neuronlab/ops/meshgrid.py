"""``meshgrid``: coordinate grids from 1-d tensors, by composition (reshape + expand), so the
gradient flows back to each input through the ops it is built from."""

from __future__ import annotations

from neuronlab.engine.tensor import Tensor


def meshgrid(*tensors, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Grids of shape (len(t₀), len(t₁), ...) for ``indexing="ij"``; ``"xy"`` swaps the first two
    axes (NumPy's and MATLAB's convention).

    Example:
        >>> x, y = neuronlab.meshgrid(neuronlab.arange(3), neuronlab.arange(2), indexing="ij")
        >>> x.shape
        neuronlab.Size([3, 2])
    """
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"torch.meshgrid: indexing must be one of 'xy' or 'ij', but received: {indexing}")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.dim()}D"
            )
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = [tensors[i].numel() for i in order]
    grids = []
    for axis, i in enumerate(order):
        view = [1] * len(tensors)
        view[axis] = -1
        grids.append((i, tensors[i].reshape(view).expand(*shape)))
    return tuple(g for _, g in sorted(grids, key=lambda pair: pair[0]))

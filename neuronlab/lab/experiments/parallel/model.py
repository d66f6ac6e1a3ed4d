"""The seed's model for 003 §4.7 ex. 6 — a one-hidden-layer MLP with weight decay — whole, and
split over the ranks of a process group (model parallelism)."""

from __future__ import annotations

import numpy as np

import neuronlab.distributed as dist
from neuronlab import nn
from neuronlab.nn.parallel import ColumnParallelLinear, RowParallelLinear

FEATURES, CLASSES = 64, 10  # the 8×8 digits
WEIGHT_DECAY = 1e-3
ARRANGEMENTS = ("rows", "all_gather")


def mlp(hidden: int) -> nn.Sequential:
    """64 → ``hidden`` (ReLU) → 10: Z = XW + b, A = ReLU(Z), O = AV + c in the seed's notation."""
    return nn.Sequential(nn.Linear(FEATURES, hidden), nn.ReLU(), nn.Linear(hidden, CLASSES))


def model_parallel_mlp(hidden: int, arrangement: str) -> nn.Sequential:
    """The MLP with W split by columns (each rank computes a block of hidden units), and V split

    * ``"rows"``: by rows, matching W's blocks — each rank multiplies its block of A by its rows
      of V and one all-reduce sums the partial outputs O (Megatron-LM's arrangement);
    * ``"all_gather"``: as the seed describes — the blocks of A are all-gathered so every rank has
      the whole A, and V is split by columns (each rank computes some of the 10 outputs, gathered).

    After the same ``manual_seed`` it equals ``mlp(hidden)`` (each layer draws the whole weight
    and keeps its block).
    """
    if arrangement == "rows":
        return nn.Sequential(ColumnParallelLinear(FEATURES, hidden, gather_output=False), nn.ReLU(),
                             RowParallelLinear(hidden, CLASSES, input_is_parallel=True))  # fmt: skip
    if arrangement == "all_gather":
        return nn.Sequential(ColumnParallelLinear(FEATURES, hidden, gather_output=True), nn.ReLU(),
                             ColumnParallelLinear(hidden, CLASSES, gather_output=True))  # fmt: skip
    raise ValueError(f"unknown arrangement {arrangement!r}; one of {ARRANGEMENTS}")


def flat_parameters(model: nn.Module) -> np.ndarray:
    """Every parameter, flattened and concatenated in the module's order."""
    return np.concatenate([p._data.ravel() for p in model.parameters()]).astype(np.float64)


def unsplit_parameters(split: nn.Sequential) -> np.ndarray:
    """The shards of a ``model_parallel_mlp`` put back together in ``mlp``'s layout (W, b, V, c),
    flattened (collective: every rank takes part and gets the whole)."""

    def gather(array: np.ndarray, axis: int) -> np.ndarray:
        parts = [None] * dist.get_world_size()
        dist.all_gather_object(parts, array)
        return np.concatenate(parts, axis=axis)

    first, second = split[0], split[2]
    w, b = gather(first.weight._data, 0), gather(first.bias._data, 0)
    if isinstance(second, RowParallelLinear):
        v, c = gather(second.weight._data, 1), second.bias._data
    else:
        v, c = gather(second.weight._data, 0), gather(second.bias._data, 0)
    return np.concatenate([a.ravel() for a in (w, b, v, c)]).astype(np.float64)

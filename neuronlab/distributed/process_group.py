"""The process group: ``init_process_group`` / ``destroy_process_group`` and who we are in it.

neuronlab's one backend is MPI (mpi4py over Open MPI, ``pip install "neuronlab[distributed]"``),
launched by the field's launcher: ``mpirun -n N python script.py``. Every process runs the same
script; MPI tells each one its rank and the world size, so ``init_process_group`` needs no
address, port or rendezvous file (PyTorch's ``backend="mpi"`` works the same way).

Collectives wait at most ``timeout`` for the other ranks (PyTorch's default: 30 minutes); a rank
that died or never joined then raises ``DistBackendError`` on the others instead of hanging.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import timedelta

DEFAULT_TIMEOUT = timedelta(minutes=30)


class DistBackendError(RuntimeError):
    """A collective failed or timed out (PyTorch's ``torch.distributed.DistBackendError``)."""


@dataclass
class _Group:
    comm: object  # an mpi4py communicator: a duplicate of COMM_WORLD, ours alone
    rank: int
    size: int
    timeout: float  # seconds


_WORLD: _Group | None = None


def init_process_group(backend: str | None = "mpi", init_method: str | None = None,
                       timeout: timedelta | float | None = None, world_size: int = -1, rank: int = -1,
                       store=None, group_name: str = "") -> None:  # fmt: skip
    """Join the default process group (every process started by ``mpirun``).

    ``world_size`` and ``rank`` may be given to check the launch: they must agree with what MPI
    reports. ``timeout`` (a ``timedelta`` or seconds) bounds every collective's wait.

    Example (run with ``mpirun -n 2 python script.py``):
        >>> import neuronlab.distributed as dist
        >>> dist.init_process_group(backend="mpi")
        >>> dist.get_rank(), dist.get_world_size()
        (0, 2)
    """
    global _WORLD
    if backend not in (None, "mpi"):
        raise ValueError(
            f"init_process_group(): backend {backend!r} is not available in neuronlab; use backend='mpi' "
            "and launch with `mpirun -n N python script.py`"
        )
    if _WORLD is not None:
        raise RuntimeError(
            "trying to initialize the default process group twice; call destroy_process_group() first"
        )
    MPI = _import_mpi()
    if not MPI.Is_initialized():
        MPI.Init()
    world = MPI.COMM_WORLD
    if world_size not in (-1, None) and world_size != world.Get_size():
        raise ValueError(
            f"init_process_group(): world_size={world_size} but mpirun started {world.Get_size()} processes; "
            f"launch with `mpirun -n {world_size} ...` or leave world_size out"
        )
    if rank not in (-1, None) and rank != world.Get_rank():
        raise ValueError(
            f"init_process_group(): rank={rank} but MPI says this process is rank {world.Get_rank()}"
        )
    seconds = _seconds(timeout if timeout is not None else _env_timeout())
    _WORLD = _Group(world.Dup(), world.Get_rank(), world.Get_size(), seconds)
    if _WORLD.size > 1 and not getattr(sys.excepthook, "aborts_mpi", False):
        sys.excepthook = _abort_on_uncaught(sys.excepthook, MPI)


def _abort_on_uncaught(previous, MPI):
    """An uncaught exception on one rank aborts the whole job (as ``python -m mpi4py`` does):
    otherwise this rank would wait in MPI_Finalize at exit while the others wait for it in their
    next collective until the timeout."""

    def hook(kind, value, traceback) -> None:
        previous(kind, value, traceback)
        sys.stderr.flush()
        MPI.COMM_WORLD.Abort(1)

    hook.aborts_mpi = True
    return hook


def destroy_process_group(group=None) -> None:
    """Leave the default group. MPI itself is finalized when the process exits (it cannot be
    initialized twice in one process), so a new ``init_process_group`` may follow."""
    global _WORLD
    if _WORLD is None:
        return
    _WORLD.comm.Free()
    _WORLD = None


def is_initialized() -> bool:
    """Whether ``init_process_group`` has been called (and not undone)."""
    return _WORLD is not None


def is_available() -> bool:
    """Whether the MPI backend can be used (mpi4py is installed)."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


def is_mpi_available() -> bool:
    return is_available()


def get_backend(group=None) -> str:
    world(caller="get_backend")
    return "mpi"


def get_rank(group=None) -> int:
    """This process's rank, 0 … world_size − 1."""
    return world(caller="get_rank").rank


def get_world_size(group=None) -> int:
    """The number of processes in the group."""
    return world(caller="get_world_size").size


def world(caller: str) -> _Group:
    """The default group, or a clear error if there is none yet."""
    if _WORLD is None:
        raise RuntimeError(
            f"neuronlab.distributed.{caller}(): the default process group has not been initialized; call "
            "neuronlab.distributed.init_process_group(backend='mpi') first (and launch with mpirun -n N)"
        )
    return _WORLD


def _import_mpi():
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise RuntimeError(
            "neuronlab.distributed needs mpi4py and an MPI library: pip install 'neuronlab[distributed]'"
        ) from error
    return MPI


def _env_timeout() -> timedelta:
    value = os.environ.get("NEURONLAB_DIST_TIMEOUT")
    return timedelta(seconds=float(value)) if value else DEFAULT_TIMEOUT


def _seconds(timeout: timedelta | float) -> float:
    seconds = timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)
    if not seconds > 0:
        raise ValueError(f"init_process_group(): timeout must be positive, got {timeout!r}")
    return seconds

"""Process-wide settings PyTorch code sets: threads, deterministic algorithms, the default
device, and ``finfo``/``iinfo``.

neuronlab computes with NumPy on the CPU: the thread count is recorded (NumPy's BLAS keeps its
own threads), every algorithm is already deterministic, and the only device is the CPU.
"""

from __future__ import annotations

import os

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.device import CPU, check_device

_settings = {"threads": os.cpu_count() or 1, "interop_threads": 1, "deterministic": False, "warn_only": False}


def set_num_threads(n: int) -> None:
    """Record the intra-op thread count (accepted for compatibility)."""
    if int(n) <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _settings["threads"] = int(n)


def get_num_threads() -> int:
    return _settings["threads"]


def set_num_interop_threads(n: int) -> None:
    _settings["interop_threads"] = int(n)


def get_num_interop_threads() -> int:
    return _settings["interop_threads"]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted: every neuronlab algorithm is deterministic already."""
    _settings["deterministic"], _settings["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _settings["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _settings["warn_only"]


def set_default_device(device) -> None:
    """Only the CPU exists: ``'cpu'`` and ``None`` are accepted, anything else raises."""
    check_device(device)


def get_default_device():
    return CPU


class finfo:  # noqa: N801 - PyTorch's name
    """Limits of a floating dtype: ``bits``, ``eps``, ``max``, ``min``, ``tiny``
    (= ``smallest_normal``), ``resolution``, ``dtype``."""

    def __init__(self, type=None) -> None:
        dt = dtypes.as_dtype(type) if type is not None else dtypes.get_default_dtype()
        info = np.finfo(dt.numpy)
        self.bits, self.eps, self.max, self.min = info.bits, float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0**-info.precision
        self.dtype = str(dt).removeprefix("neuronlab.")

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")  # fmt: skip


class iinfo:  # noqa: N801 - PyTorch's name
    """Limits of an integer dtype: ``bits``, ``max``, ``min``, ``dtype``."""

    def __init__(self, type) -> None:
        dt = dtypes.as_dtype(type)
        info = np.iinfo(dt.numpy)
        self.bits, self.max, self.min = info.bits, int(info.max), int(info.min)
        self.dtype = str(dt).removeprefix("neuronlab.")

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"

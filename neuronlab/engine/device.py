"""Devices: neuronlab computes on the CPU only, and says so when asked for anything else."""

from __future__ import annotations


class device:  # noqa: N801 - PyTorch's name
    """``neuronlab.device("cpu")``; any other device type raises a clear ``RuntimeError``."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, idx = str(type).partition(":")
        if name != "cpu":
            raise RuntimeError(
                f"device {str(type)!r} is not available: neuronlab runs on NumPy and has no "
                "GPU backend; use device='cpu' (or leave device unset)"
            )
        self.type = "cpu"
        self.index = int(idx) if idx else index

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            return other.partition(":")[0] == "cpu"
        return isinstance(other, device)

    def __hash__(self) -> int:
        return hash("cpu")


CPU = device("cpu")


def check_device(value) -> None:
    """Accept ``None``, ``'cpu'`` or a cpu ``device``; raise for anything else."""
    if value is None or value is CPU or value == "cpu":
        return
    device(value)

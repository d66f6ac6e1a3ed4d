"""Small helpers for the command line's sentences."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 experiment"``, ``"2 experiments"`` (``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else many or word + 's'}"

"""What an experiment is: a module with a question, a ``run`` that only computes, and
figures, a table and a conclusion that are all derived from ``run``'s results (STYLE 18).

An experiment module defines::

    NAME = "batch-size"                     # the CLI name
    TITLE = "Epochs, iterations and batch size"
    SEEDS = "000/001 A2.1; 002 question 6"  # where the question comes from
    QUESTION_ZH = "..."                     # the seed's question, quoted in Chinese
    QUESTION_EN = "..."                     # an English rendering

    def setup(config: LabConfig) -> str: ...           # the settings, in words
    def run(config: LabConfig) -> dict: ...            # numbers only (JSON-serializable)
    def figures(results: dict) -> dict[str, Figure]: ...  # name -> matplotlib figure
    def table(results: dict) -> Table: ...
    def conclusion(results: dict) -> str: ...          # computed from results, never pre-written

``run`` must be deterministic given ``config.seed`` and must shrink its work when
``config.quick`` is set (the test suite runs every experiment that way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LabConfig:
    """Settings shared by every experiment of one lab run."""

    quick: bool = False
    seed: int = 0
    out: Path = Path("lab-report")

    def pick(self, full, quick):
        """``quick`` in quick mode, else ``full`` (sizes, epochs, grid resolutions...)."""
        return quick if self.quick else full


@dataclass
class Table:
    """A table of measured numbers: column headers and rows of cells (numbers or text)."""

    headers: list[str]
    rows: list[list] = field(default_factory=list)

    def formatted_rows(self) -> list[list[str]]:
        return [[format_cell(c) for c in row] for row in self.rows]


def format_cell(value) -> str:
    """Numbers with 4 significant digits (integers as integers), everything else as text."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
            return f"{value:.3e}"
        return f"{value:.4g}"
    return str(value)


REQUIRED = (
    "NAME",
    "TITLE",
    "SEEDS",
    "QUESTION_ZH",
    "QUESTION_EN",
    "setup",
    "run",
    "figures",
    "table",
    "conclusion",
)


def check_experiment_module(module) -> None:
    """Raise ``TypeError`` naming what an experiment module is missing."""
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    if missing:
        raise TypeError(f"experiment module {module.__name__} is missing: {', '.join(missing)}")

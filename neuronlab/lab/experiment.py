"""What an experiment is: a declaration of course questions and claims, a ``run`` that only
computes, and figures drawn from its results (STYLE 18).

An experiment is a package ``neuronlab/lab/experiments/<name>/`` whose ``__init__.py`` declares::

    NAME = "optimizers"                      # the CLI name
    TITLE = "SGD, Momentum, Adagrad, RMSprop and Adam compared"
    COURSE = "002 question 3"                # where the question comes from
    QUESTION_ZH = "..."                      # the seed's question, quoted in Chinese (line breaks kept)
    QUESTION_EN = "..."                      # an English rendering
    SIZES = {"epochs": (30, 8), ...}         # every size once: (full, quick)
    CLAIMS = [Claim(...), ...]               # see ``neuronlab.lab.claims``

    def setup(config: LabConfig) -> str: ...            # the settings, in words
    def run(config: LabConfig, seed: int) -> dict: ...  # one seed's numbers (JSON-serializable)
    def figures(runs: list[dict]) -> dict[str, Figure]: ...  # drawn from every seed's results

and optionally ``N_SEEDS = (full, quick)`` (default ``(5, 3)``), ``SEE_ALSO = ("batchnorm", ...)``
(cross-links in the report) and ``table(runs) -> Table`` (extra measured numbers).

``run`` must be deterministic given ``seed`` (the runner seeds every generator before calling it)
and use ``config.sizes(SIZES)`` so quick mode shrinks the work. Wall-clock measurements go under
a ``"timings"`` key of its result: the runner stores them apart from the deterministic results
(claims are decided before they are moved, and the report puts them back for ``figures``/``table``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from neuronlab.lab.claims import Claim

DEFAULT_N_SEEDS = (5, 3)


@dataclass(frozen=True)
class LabConfig:
    """Settings shared by every experiment of one lab run; ``seed`` is the base of the seed
    sequence (an experiment with ``n`` seeds runs ``seed, seed + 1, ..., seed + n - 1``)."""

    quick: bool = False
    seed: int = 0
    out: Path = Path("lab-report")

    def pick(self, full, quick):
        """``quick`` in quick mode, else ``full``."""
        return quick if self.quick else full

    def sizes(self, declared: dict[str, tuple]) -> dict:
        """Every declared ``name: (full, quick)`` size, picked for this mode."""
        return {name: self.pick(*pair) for name, pair in declared.items()}

    def seeds(self, module) -> list[int]:
        """The seeds an experiment runs on."""
        n = self.pick(*getattr(module, "N_SEEDS", DEFAULT_N_SEEDS))
        return [self.seed + i for i in range(n)]


@dataclass
class Table:
    """A table of measured numbers: column headers and rows of cells (numbers or text)."""

    headers: list[str]
    rows: list[list] = field(default_factory=list)

    def formatted_rows(self) -> list[list[str]]:
        return [[format_cell(c) for c in row] for row in self.rows]

    def _repr_html_(self) -> str:
        """The table in Jupyter."""
        from neuronlab.utils.html import table

        return table(self.headers, self.formatted_rows())


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
    "COURSE",
    "QUESTION_ZH",
    "QUESTION_EN",
    "SIZES",
    "CLAIMS",
    "setup",
    "run",
    "figures",
)


def check_experiment_module(module) -> None:
    """Raise ``TypeError`` naming what an experiment module is missing or gets wrong."""
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    if missing:
        raise TypeError(f"experiment module {module.__name__} is missing: {', '.join(missing)}")
    claims = module.CLAIMS
    if not claims or not all(isinstance(c, Claim) for c in claims):
        raise TypeError(f"experiment module {module.__name__}: CLAIMS must be a non-empty list of Claim")
    ids = [c.id for c in claims]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise TypeError(f"experiment module {module.__name__}: duplicate claim ids {duplicated}")
    bad = [k for k, v in module.SIZES.items() if not (isinstance(v, tuple) and len(v) == 2)]
    if bad:
        raise TypeError(f"experiment module {module.__name__}: SIZES entries must be (full, quick): {bad}")

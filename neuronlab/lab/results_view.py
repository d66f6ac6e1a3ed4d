"""A lab run in a Jupyter notebook: ``run_experiment`` runs one experiment in this process (a
progress bar shows the seed and stage running) and returns a ``LabResult``, which displays
its claims as a table (``_repr_html_``) and draws its figures; ``LabResult.claim(id)`` is one
claim, shown with its verdict sentence.

    >>> result = run_experiment("conv-arithmetic", quick=True, sizes={"epochs": 4})
    >>> result                      # the claims table (in Jupyter; text elsewhere)
    >>> result.claim("cnn-vs-mlp")  # one claim and its sentence
    >>> result.figures()            # {name: matplotlib Figure}
"""

from __future__ import annotations

import contextlib
import html
from pathlib import Path

from neuronlab.lab import registry
from neuronlab.lab.claims import VERDICTS, course_verdict, describe, evaluate, format_measured, format_number
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.i18n import N_, ExperimentText, Messages, check_language

VERDICT_COLOURS = {"supports": "#e4f4e4", "contradicts": "#fbe3e3", "inconclusive": "#f3f0dc"}
HEADERS = (N_("claim"), N_("metric"), N_("measured mean [95% interval]"), N_("rule"), N_("verdict"),
           N_("course's answer"))  # fmt: skip


class ClaimResult:
    """One decided claim (its ``results.json`` record) with its sentence."""

    def __init__(self, record: dict, texts: ExperimentText | None = None, lang: str = "en") -> None:
        self.record, self.texts, self.messages = record, texts, Messages(lang)

    @property
    def verdict(self) -> str:
        return self.record["verdict"]

    def sentence(self) -> str:
        return describe(self.record, self.messages, self.texts)

    def __repr__(self) -> str:
        return f"<claim {self.record['id']}: {self.sentence()}>"

    def _repr_html_(self) -> str:
        colour = VERDICT_COLOURS[self.verdict]
        values = ", ".join(format_number(v) for v in self.record["values"])
        return (f'<div style="background: {colour}; padding: 0.4em 0.8em; border-left: 4px solid #888">'
                f"<b>{html.escape(self.record['id'])}</b> ({html.escape(self.record['question'])}): "
                f"{html.escape(self.sentence())}<br><small>{html.escape(self.messages(N_('values per seed')))}: "
                f"{html.escape(values)}</small></div>")  # fmt: skip


class LabResult:
    """One experiment's saved payload (``results.json``'s content) for a notebook."""

    def __init__(self, payload: dict, lang: str | None = "en") -> None:
        self.payload = payload
        self.name = payload["name"]
        self.lang = check_language(lang)
        self.module = registry.load(self.name)
        self.texts = ExperimentText(self.module, self.lang)

    @classmethod
    def load(cls, path, lang: str | None = "en") -> LabResult:
        """From ``DIR/<name>/results.json`` (or the directory of one experiment)."""
        from neuronlab.lab.results_io import read_results

        path = Path(path)
        return cls(read_results(path / "results.json" if path.is_dir() else path), lang)

    @property
    def runs(self) -> list[dict]:
        """Every seed's results."""
        return [r["results"] for r in self.payload["runs"]]

    @property
    def claims(self) -> list[ClaimResult]:
        return [ClaimResult(c, self.texts, self.lang) for c in self.payload["claims"]]

    def claim(self, claim_id: str) -> ClaimResult:
        """One claim, by id (``KeyError`` naming the ids otherwise)."""
        for c in self.claims:
            if c.record["id"] == claim_id:
                return c
        raise KeyError(f"no claim {claim_id!r}; the claims are {[c['id'] for c in self.payload['claims']]}")

    def redecide(self, claim_id: str, threshold: float | None = None, rule: str | None = None) -> ClaimResult:
        """Decide a claim again from the saved runs, with another threshold or rule (to see how
        the verdict depends on it; the declared one is what the report uses)."""
        import dataclasses

        claim = next((c for c in self.module.CLAIMS if c.id == claim_id), None)
        if claim is None:
            raise KeyError(f"no claim {claim_id!r}")
        changes = {k: v for k, v in (("threshold", threshold), ("rule", rule)) if v is not None}
        record = evaluate(dataclasses.replace(claim, **changes), self.payload["settings"]["seeds"], self.runs)
        record["course_agrees"] = claim.course_agrees
        return ClaimResult(record, self.texts, self.lang)

    def summary(self) -> dict[str, int]:
        return {v: sum(c["verdict"] == v for c in self.payload["claims"]) for v in VERDICTS}

    def figures(self) -> dict:
        """The experiment's figures drawn from every seed's results: name -> matplotlib Figure."""
        return self.module.figures(self.runs)

    def show_figures(self) -> None:
        """Display every figure (in Jupyter; elsewhere nothing is shown)."""
        from IPython.display import HTML, display

        from neuronlab.utils.html import png_img

        for fig in self.figures().values():
            display(HTML(png_img(fig)))

    def table(self):
        """The experiment's own table of measured numbers (``Table``), or None."""
        return self.module.table(self.runs) if hasattr(self.module, "table") else None

    def __repr__(self) -> str:
        s = self.summary()
        lines = [f"{self.name}: " + ", ".join(f"{s[v]} {v}" for v in VERDICTS)]
        lines += [f"  [{c.verdict}] {c.record['id']}: {format_measured(c.record)}" for c in self.claims]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from neuronlab.utils.html import escape, table

        m = self.messages = Messages(self.lang)
        rows, styles = [], []
        for c in self.payload["claims"]:
            course = course_verdict(c)
            rows.append([
                escape(self.texts.claim_field(c, "statement")), escape(self.texts.claim_field(c, "metric")),
                escape(format_measured(c, m)), escape(f"{c['rule']} {format_number(c['threshold'])}"),
                f"<b>{escape(m(c['verdict']))}</b>", escape(m(course) if course else "—"),
            ])  # fmt: skip
            styles.append(f"background: {VERDICT_COLOURS[c['verdict']]}")
        settings = self.payload["settings"]
        caption = f"{self.texts.title()} — {m(settings.get('mode', ''))}, seeds {settings.get('seeds')}"
        return table([m(h) for h in HEADERS], rows, caption=caption, raw=True, row_styles=styles)


@contextlib.contextmanager
def sizes_overridden(module, sizes: dict | None):
    """Run ``module`` with some of its ``SIZES`` replaced (the same value in both modes)."""
    if not sizes:
        yield
        return
    unknown = set(sizes) - set(module.SIZES)
    if unknown:
        raise ValueError(f"{module.NAME} has no size {sorted(unknown)}; its sizes are {sorted(module.SIZES)}")
    original = module.SIZES
    module.SIZES = {**original, **{k: (v, v) for k, v in sizes.items()}}
    try:
        yield
    finally:
        module.SIZES = original


def run_experiment(name: str, quick: bool = True, seed: int = 0, sizes: dict | None = None,
                   n_seeds: int | None = None, out=None, progress: bool | None = None,
                   lang: str | None = "en") -> LabResult:  # fmt: skip
    """Run one experiment on its seeds in this process and decide its claims.

    Args:
        sizes: replace some of the experiment's sizes, e.g. ``{"epochs": 4}`` (see ``SIZES``).
        n_seeds: how many seeds (default: the experiment's own; 2 is the fewest that decides).
        out: where ``results.json`` goes (default: a temporary directory).
        progress: a progress bar (None: in a terminal or a notebook).
    """
    import tempfile

    from neuronlab.lab.runner import finish, progress_bar, run_seed

    module = registry.load(name)
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="neuronlab-lab-"))
    config = LabConfig(quick=quick, seed=seed, out=out)
    seeds = config.seeds(module) if n_seeds is None else [seed + i for i in range(n_seeds)]
    bar = progress_bar(len(seeds), progress, name)
    outcomes = []
    try:
        with sizes_overridden(module, sizes):
            for s in seeds:
                if bar is not None:
                    bar.set_postfix_str(f"running seed {s}", refresh=True)
                outcomes.append(run_seed(name, config, s))
                if bar is not None:
                    bar.update(1)
            if bar is not None:
                bar.set_postfix_str("deciding the claims", refresh=True)
            payload = finish(name, config, seeds, outcomes)
    finally:
        if bar is not None:
            bar.close()
    return LabResult(payload, lang)

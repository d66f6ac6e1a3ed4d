"""Claims: the lab's unit of conclusion.

A claim is one statement about one course sub-question, decided by a number measured on every
seed of a run. It is declared once, in its experiment::

    Claim(
        id="momentum-valley",
        question="002 3",
        statement="Momentum ends closer to the optimum of the narrow valley than plain SGD",
        course_says="002 3: 动量能加速收敛、减少震荡 (momentum speeds up convergence and damps oscillation)",
        course_agrees=True,
        metric="log10(SGD distance / Momentum distance)",
        measure=lambda r: math.log10(r["valley"]["SGD"] / r["valley"]["Momentum"]),
        rule=">", threshold=0.0,
    )

The framework measures the metric on each seed, takes the mean and a 95% interval (Student's
t over seeds), and decides::

    rule ">" :  supports if low > threshold,  contradicts if high <= threshold
    rule "<" :  supports if high < threshold, contradicts if low >= threshold
    otherwise (the interval contains the threshold, or a value is not finite): inconclusive

Every sentence about a claim is rendered from its verdict and numbers (``describe``), so no
experiment writes "NOT" into a sentence by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from neuronlab.lab.i18n import N_

VERDICTS = ("supports", "contradicts", "inconclusive")
RULES = (">", "<")
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Claim:
    """One statement about a course sub-question and the rule that decides it.

    Args:
        id: stable and unique within the experiment (``results.json`` and tests refer to it).
        question: the sub-question it answers, e.g. ``"003 4.6 ex.5"`` (seed document, section).
        statement: what is claimed, in one sentence, true or false by the rule.
        metric: the name of the number that decides it (with its unit or form).
        measure: one seed's results -> the metric (a finite float).
        rule: ``">"`` (the statement holds when the metric exceeds ``threshold``) or ``"<"``.
        threshold: the decision boundary.
        course_says: what the seed's worked answer says (quoted or closely paraphrased, with its
            reference), or None where the seed states nothing.
        course_agrees: whether ``statement`` says what the course says (None: the course is
            silent). The report derives "the course's answer holds / fails" from it and the verdict.
        note: shown beside the claim (e.g. what the seed's derivation gets wrong and why); never
            a conclusion — the verdict is the conclusion.
        expected: the verdict a full run gives; used only by the test suite, never rendered.
    """

    id: str
    question: str
    statement: str
    metric: str
    measure: Callable[[dict], float]
    rule: str
    threshold: float
    course_says: str | None = None
    course_agrees: bool | None = None
    note: str | None = None
    expected: str = "supports"

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"claim {self.id!r}: rule must be one of {RULES}, got {self.rule!r}")
        if self.expected not in VERDICTS:
            raise ValueError(f"claim {self.id!r}: expected must be one of {VERDICTS}, got {self.expected!r}")
        if not math.isfinite(self.threshold):
            raise ValueError(f"claim {self.id!r}: threshold must be finite, got {self.threshold}")
        if self.course_agrees is not None and self.course_says is None:
            raise ValueError(f"claim {self.id!r}: course_agrees is set but course_says is None")


def t_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student's t interval for the mean of ``values``: mean ± t_{(1+c)/2, n-1} · s/√n.

    One value gives (-inf, inf): a single seed decides nothing. Equal values give a zero-width
    interval (deterministic quantities such as an exact formula check).
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n < 2:
        return (-math.inf, math.inf)
    from scipy.stats import t

    mean = float(x.mean())
    half = float(t.ppf((1 + confidence) / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return (mean - half, mean + half)


def decide(interval: tuple[float, float], rule: str, threshold: float) -> str:
    """The verdict for an interval under a rule (see the module docstring)."""
    low, high = interval
    if not (math.isfinite(low) and math.isfinite(high)):
        return "inconclusive"
    if rule == ">":
        return "supports" if low > threshold else "contradicts" if high <= threshold else "inconclusive"
    return "supports" if high < threshold else "contradicts" if low >= threshold else "inconclusive"


def evaluate(claim: Claim, seeds: Sequence[int], runs: Sequence[dict]) -> dict:
    """Measure ``claim`` on every seed's results and decide it; the ``results.json`` record."""
    if len(seeds) != len(runs):
        raise ValueError(f"claim {claim.id!r}: {len(seeds)} seeds but {len(runs)} results")
    values = []
    for results in runs:
        value = float(claim.measure(results))
        values.append(value if math.isfinite(value) else None)
    finite = [v for v in values if v is not None]
    complete = len(finite) == len(values)
    mean = float(np.mean(finite)) if finite else None
    interval = t_interval(finite) if complete else (-math.inf, math.inf)
    return {
        "id": claim.id,
        "question": claim.question,
        "statement": claim.statement,
        "course_says": claim.course_says,
        "course_agrees": claim.course_agrees,
        "note": claim.note,
        "metric": claim.metric,
        "rule": claim.rule,
        "threshold": claim.threshold,
        "seeds": list(seeds),
        "values": values,
        "mean": mean,
        "interval": [_json_float(interval[0]), _json_float(interval[1])],
        "verdict": decide(interval, claim.rule, claim.threshold),
    }


def _json_float(x: float) -> float | None:
    return x if math.isfinite(x) else None


def course_verdict(record: dict) -> str | None:
    """Whether the course's worked answer holds, from the claim's verdict: None where the course
    is silent; "holds" / "fails" / "undecided"."""
    agrees = record.get("course_agrees")
    if agrees is None:
        return None
    verdict = record["verdict"]
    if verdict == "inconclusive":
        return "undecided"
    return "holds" if (verdict == "supports") == agrees else "fails"


def format_number(x: float | None) -> str:
    """A number with 3–4 significant digits; "n/a" for a missing (non-finite) one."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.3g}"
    return f"{x:.4g}"


def format_measured(record: dict, messages=None) -> str:
    """``mean [low, high]`` of a claim record; with a single seed, only the mean."""
    low, high = record["interval"]
    if low is None or high is None:
        no_interval = messages(_NO_INTERVAL) if messages is not None else _NO_INTERVAL
        return f"{format_number(record['mean'])} {no_interval}"
    return f"{format_number(record['mean'])} [{format_number(low)}, {format_number(high)}]"


_NO_INTERVAL = N_("(no interval)")

# The words and sentences about verdicts: msgids of the framework's catalogs
# (``neuronlab/lab/i18n/<lang>.json``), English as written here.
_VERDICT_TEXT = {
    "supports": N_("Supported"),
    "contradicts": N_("Contradicted"),
    "inconclusive": N_("Inconclusive"),
}
_SENTENCE = N_("{verdict}: {statement} ({metric} = {measured} over {n} seeds; the rule is {rule}).")
_COURSE_SENTENCE = N_(" The course's answer {course}.")
_COURSE_TEXT = {
    "holds": N_("holds here"),
    "fails": N_("is contradicted by this measurement"),
    "undecided": N_("is neither confirmed nor refuted by this measurement"),
}


def describe(record: dict, messages=None, texts=None) -> str:
    """One sentence about a decided claim, its wording chosen by the verdict alone.

    ``messages`` (``i18n.Messages``) and ``texts`` (``i18n.ExperimentText``) render it in another
    language; without them, English.
    """
    from neuronlab.lab.i18n import Messages

    messages = messages or Messages("en")
    statement = texts.claim_field(record, "statement") if texts is not None else record["statement"]
    metric = texts.claim_field(record, "metric") if texts is not None else record["metric"]
    sentence = messages(
        _SENTENCE, verdict=messages(_VERDICT_TEXT[record["verdict"]]), statement=statement, metric=metric,
        measured=format_measured(record, messages), n=len(record["seeds"]),
        rule=f"{record['rule']} {format_number(record['threshold'])}",
    )  # fmt: skip
    course = course_verdict(record)
    if course is not None:
        sentence += messages(_COURSE_SENTENCE, course=messages(_COURSE_TEXT[course]))
    return sentence


def summarize(records: Sequence[dict]) -> dict[str, int]:
    """How many claims each verdict got."""
    return {v: sum(r["verdict"] == v for r in records) for v in VERDICTS}

"""The one shared test of the lab's claims (SPEC "Claims, not anecdotes"; STYLE 18).

For every experiment, on quick runs from two base seeds:
- results.json follows the contract (claims with id, question, statement, course_says, metric,
  seeds, values, mean, interval, threshold, verdict; timings apart);
- no claim gets the verdict opposite to the one its declaration expects of a full run
  (quick runs may be inconclusive);
- no claim flips between supports and contradicts from one base seed to the other.
"""

from __future__ import annotations

import pytest

from neuronlab.lab import NAMES, load
from neuronlab.lab.claims import VERDICTS

OPPOSITE = {"supports": "contradicts", "contradicts": "supports", "inconclusive": None}
FIELDS = {"id", "question", "statement", "course_says", "metric", "seeds", "values", "mean", "interval",
          "threshold", "verdict"}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_claims_hold_and_do_not_flip_between_base_seeds(name, quick_run):
    module = load(name)
    expected = {c.id: c.expected for c in module.CLAIMS}
    verdicts = {}
    for base in (0, 1000):
        payload = quick_run(name, base)
        assert "timings" in payload and "claims" in payload
        claims = payload["claims"]
        assert [c["id"] for c in claims] == list(expected)
        for c in claims:
            assert FIELDS <= set(c), (name, c["id"], FIELDS - set(c))
            assert len(c["seeds"]) >= 3 and len(c["values"]) == len(c["seeds"])
            assert c["seeds"][0] == base
            assert c["verdict"] in VERDICTS
            assert c["verdict"] != OPPOSITE[expected[c["id"]]], (
                f"{name}/{c['id']} (base seed {base}): {c['verdict']}, expected {expected[c['id']]}; "
                f"values {c['values']}, interval {c['interval']}, rule {c['rule']} {c['threshold']}"
            )
            verdicts.setdefault(c["id"], []).append(c["verdict"])
    flips = [i for i, (a, b) in verdicts.items() if {a, b} == {"supports", "contradicts"}]
    assert not flips, f"{name}: claims flip between base seeds 0 and 1000: {flips}"

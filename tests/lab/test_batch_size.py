"""batch-size (000/001 A2.1, 002 6): structure of a quick run (counts, tuned rates recorded,
warm-up runs, timings apart) and its figures. The claims are asserted by test_claims.py."""

import math

from matplotlib.figure import Figure

from neuronlab.lab.experiments import batch_size
from neuronlab.lab.experiments.batch_size.counting import COUNT_N, count_check


def _runs(payload):
    return [r["results"] for r in payload["runs"]]


def test_counting_covers_batches_that_do_not_divide_n():
    checks = count_check(0)
    assert any(COUNT_N % c["batch_size"] for c in checks) and any(c["drop_last"] for c in checks)
    for c in checks:
        expected = COUNT_N // c["batch_size"] if c["drop_last"] else math.ceil(COUNT_N / c["batch_size"])
        assert c["formula"] == expected and c["matches"]


def test_both_batch_sizes_get_tuned_rates_under_both_budgets(quick_run):
    for r in _runs(quick_run("batch-size")):
        for budget in ("at_epochs", "at_updates"):
            expected = {r["small"], r["large"]} | ({r["moderate"]} if budget == "at_epochs" else set())
            assert set(r[budget]) == {str(b) for b in expected}
            for run in r[budget].values():
                assert run["lr"] in run["lr_grid"]
                assert run["lr_interior"] == (run["lr_grid"][0] < run["lr"] < run["lr_grid"][-1])
        assert r["at_epochs"][str(r["small"])]["updates"] == r["epochs"] * math.ceil(
            r["n_train"] / r["small"]
        )
        assert r["at_updates"][str(r["large"])]["updates"] == r["updates"]
        assert r["warmup"]["lr"] == 2 * r["at_epochs"][str(r["large"])]["lr"]


def test_timings_are_apart(quick_run):
    payload = quick_run("batch-size")
    assert all("timings" not in r for r in _runs(payload))
    assert all(len(t) == 2 and min(t.values()) > 0 for t in payload["timings"]["per_seed"])


def test_figures_and_table_draw_from_all_seeds(quick_run):
    runs = _runs(quick_run("batch-size"))
    figs = batch_size.figures(runs)
    assert figs and all(isinstance(f, Figure) for f in figs.values())
    rows = batch_size.table(runs).rows
    assert len(rows) == 3 + 2 + 2 + 1  # batches at equal epochs, at equal updates, warm-up, the reference

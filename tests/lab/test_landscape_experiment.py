"""landscape (000/001 A2.2): structure of a quick run, its figures and table, and the timing kept
apart from the results. The claims themselves are asserted by tests/lab/test_claims.py."""

from matplotlib.figure import Figure

from neuronlab.lab.experiments import landscape


def _runs(payload):
    return [r["results"] for r in payload["runs"]]


def test_slices_cover_both_losses_and_every_pair(quick_run):
    for results in _runs(quick_run("landscape")):
        for loss in ("mse", "cross_entropy"):
            assert set(results["slices"][loss]) == {"w1_b1", "w1_w2", "w2_b2"}
            s = results["slices"][loss]["w1_b1"]
            n = results["resolution"]
            assert len(s["values"]) == n and len(s["values"][0]) == n
            assert s["exact"]["hessian_points"] > 0 and results["joint"][loss]["hessian_points"] > 0


def test_seeds_draw_different_keras_initializations(quick_run):
    draws = [tuple(r["seed_init"]["w2"]) for r in _runs(quick_run("landscape"))]
    assert len(set(draws)) == len(draws)
    limit = 3**0.5  # glorot uniform for a 1→1 dense layer
    assert all(abs(w) <= limit for d in draws for w in d)


def test_timings_are_stored_apart_from_the_results(quick_run):
    payload = quick_run("landscape")
    assert all("timings" not in r for r in _runs(payload))
    for t in payload["timings"]["per_seed"]:
        assert t["loop_seconds"] > 0 and t["vectorized_seconds"] > 0


def test_figures_and_table_draw_from_all_seeds(quick_run):
    runs = _runs(quick_run("landscape"))
    figs = landscape.figures(runs)
    assert set(figs) == {"surfaces", "contours", "convexity"}
    assert all(isinstance(f, Figure) for f in figs.values())
    table = landscape.table(runs)
    assert len(table.rows) == 7 + 2  # 6 slices, the control, and both losses over all four parameters
    assert all(len(row) == len(table.headers) for row in table.rows)

"""gd-variants (004 (14)): structure of a quick run (tuned rates recorded, budgets respected,
timings apart), its figures, and the measuring tools. The claims are asserted by test_claims.py."""

import math

import numpy as np
from matplotlib.figure import Figure

from neuronlab import nn
from neuronlab.analysis.gradient_noise import (
    flat_gradient,
    gradient_cosines,
    gradient_noise,
    per_sample_gradients,
)
from neuronlab.datasets import digits_split
from neuronlab.lab.experiments import gd_variants
from neuronlab.lab.experiments.gd_variants.training import mlp, probe_schedule, tuned_run, updates_per_epoch
from neuronlab.ops.creation import from_numpy


def _runs(payload):
    return [r["results"] for r in payload["runs"]]


def test_every_variant_gets_its_own_tuned_rate_and_its_budget(quick_run):
    for r in _runs(quick_run("gd-variants")):
        n = r["n_train"]
        for key, b in (("gd", n), ("sgd", 1), ("minibatch", 32)):
            e, u = r["at_epochs"][key], r["at_updates"][key]
            assert e["batch_size"] == b and e["updates"] == r["epochs"] * math.ceil(n / b)
            assert u["updates"] == r["updates"]
            for run in (e, u):
                assert run["lr"] in run["lr_grid"] and len(run["val_loss_by_lr"]) == len(run["lr_grid"])
                assert run["lr_interior"] == (run["lr_grid"][0] < run["lr"] < run["lr_grid"][-1])
        assert 0 <= r["at_updates"]["sgd"]["fraction_updates_raising_loss"] <= 1


def test_timings_are_apart_and_complete(quick_run):
    payload = quick_run("gd-variants")
    assert all("timings" not in r for r in _runs(payload))
    for t in payload["timings"]["per_seed"]:
        assert {f"{k}_{w}_seconds" for k in ("gd", "sgd", "minibatch") for w in ("update", "epoch")} <= set(t)


def test_figures_and_table_draw_from_all_seeds(quick_run):
    runs = _runs(quick_run("gd-variants"))
    figs = gd_variants.figures(runs)
    assert figs and all(isinstance(f, Figure) for f in figs.values())
    assert len(gd_variants.table(runs).rows) == 7  # 3 variants × 2 budgets and the reference recipe


def test_probe_schedule_holds_the_window_and_the_end():
    s = probe_schedule(100, 10)
    assert {0, 1, 100} <= s and set(range(91, 101)) <= s
    assert max(probe_schedule(100, 0)) == 100 and 95 not in probe_schedule(100, 0)
    assert updates_per_epoch(10, None) == 1 and updates_per_epoch(10, 3) == 4


def test_tuned_run_stops_at_its_budget_and_picks_from_the_grid():
    split = digits_split(0, n_train=64)
    r = tuned_run(split, 16, 7, seed=0, hidden=8, grid=[0.01, 0.1, 1.0])
    assert r["updates"] == 7 and r["samples"] == 7 * 16  # 64 images: 4 updates per epoch, stopped mid-epoch
    assert r["lr"] in r["lr_grid"] and r["curve"][0][0] == 0 and r["curve"][-1][0] == 7


def test_batch_gradient_is_the_mean_of_per_sample_gradients():
    split = digits_split(0, n_train=20)
    model, loss = mlp(0, 8), nn.CrossEntropyLoss()
    G = per_sample_gradients(model, loss, split.X_train, split.y_train)
    direct = flat_gradient(model, loss, from_numpy(split.X_train), from_numpy(split.y_train))
    np.testing.assert_allclose(G.mean(0), direct, atol=1e-5)


def test_noise_follows_the_sampling_formula_and_cosines_grow():
    rng = np.random.default_rng(0)
    G = rng.standard_normal((200, 5)) + 1.0
    noise = gradient_noise(G, [1, 10, 100, 200], draws=2000, rng=rng)
    assert noise["batch_sizes"] == [1, 10, 100]  # b = N has no noise to measure
    np.testing.assert_allclose(noise["measured"], noise["predicted"], rtol=0.15)
    cos = gradient_cosines(G, [1, 10, 100], draws=200, rng=rng)["mean_cosine"]
    assert cos[0] < cos[1] < cos[2] <= 1

"""The batchnorm experiment's claims, checked on a quick run."""

import json

import pytest
from matplotlib.figure import Figure

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments import batchnorm
from neuronlab.lab.results_io import _default


@pytest.fixture(scope="module")
def results():
    return batchnorm.run(LabConfig(quick=True, seed=0))


def test_batchnorm1d_computes_the_seed_formula(results):
    f = results["formula"]
    assert f["train_max_abs_diff"] < 1e-5
    assert f["running_mean_max_abs_diff"] < 1e-5 and f["running_var_max_abs_diff"] < 1e-5
    assert f["eval_max_abs_diff"] < 1e-5
    assert f["x_hat_mean_max"] < 1e-6 and f["x_hat_var_max_dev"] < 1e-3


def test_bn_converges_faster_at_the_same_learning_rate(results):
    plain, bn = results["convergence"]["plain"], results["convergence"]["bn"]
    assert bn["final_loss"] < plain["final_loss"] - 0.3
    assert bn["epochs_to_plain_final"] is not None
    assert bn["epochs_to_plain_final"] < len(plain["train_loss_per_epoch"])


def test_bn_trains_over_more_learning_rates_and_init_scales(results):
    def trains(sweep, key):
        return sum(r["trains"] for r in results[sweep][key])

    assert trains("lr_sweep", "bn") > trains("lr_sweep", "plain")
    assert trains("init_sweep", "bn") > trains("init_sweep", "plain")


def test_bn_takes_the_init_scale_out_of_the_gradients(results):
    _, _, plain_spread = batchnorm._grad_spread(results["gradients"], "plain")
    _, _, bn_spread = batchnorm._grad_spread(results["gradients"], "bn")
    assert plain_spread > 1e3 and bn_spread < 10


def test_train_mode_depends_on_the_batch_and_eval_mode_does_not(results):
    m = results["modes"]
    assert m["eval_same_sample_diff"] == 0.0
    assert m["train_same_sample_diff"] > 1e-3
    assert m["train_mode_batch4_accuracy"] < m["eval_accuracy"]
    assert m["running_mean_error_in_stds"] < 0.2


def test_report_parts(results):
    figs = batchnorm.figures(results)
    assert 1 <= len(figs) <= 4 and all(isinstance(f, Figure) for f in figs.values())
    assert batchnorm.table(results).rows
    text = batchnorm.conclusion(results)
    assert f"{results['convergence']['bn']['final_loss']:.3f}" in text
    assert json.loads(json.dumps(results, default=_default))["formula"] == results["formula"]

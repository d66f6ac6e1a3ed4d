"""batchnorm: the structure of a quick run's results, the tuned rates recorded, the figures, and
the probes (the claims themselves are asserted by test_claims.py)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronlab import nn
from neuronlab.engine.grad_mode import no_grad
from neuronlab.lab.experiments import batchnorm
from neuronlab.lab.experiments.batchnorm.networks import make_mlp
from neuronlab.lab.experiments.batchnorm.probes import bn_outputs, formula_check


@pytest.fixture(scope="module")
def payload(quick_run):
    return quick_run("batchnorm")


def test_each_net_has_its_own_tuned_rate_from_its_sweep(payload):
    for run in payload["runs"]:
        r = run["results"]
        for net in r["nets"].values():
            tuning, chosen = net["tuning"], net["chosen"]
            assert chosen["lr"] == tuning["best"] and tuning["interior"]
            assert [x["lr"] for x in net["sweep"]] == tuning["grid"]
            best = min(x["val_loss"] for x in net["sweep"] if x["val_loss"] is not None)
            assert next(x for x in net["sweep"] if x["lr"] == chosen["lr"])["val_loss"] == best
        assert [x["std"] for x in r["init_sweep"]["bn"]] == list(batchnorm.INIT_STDS)
        assert r["reference"]["recipe"] == "digits"


def test_figures_and_table_draw_from_all_seeds(payload):
    runs = [r["results"] for r in payload["runs"]]
    figs = batchnorm.figures(runs)
    assert set(figs) == {"convergence_and_rates", "initialization", "gamma"}
    assert all(isinstance(f, Figure) for f in figs.values())
    assert len(batchnorm.table(runs).rows) == 3


def test_formula_check_is_exact_and_bn_outputs_read_beta_and_gamma():
    f = formula_check(0)
    assert f["train_max_abs_diff"] < 1e-5 and f["eval_max_abs_diff"] < 1e-5
    model = make_mlp(True, 0, depth=2)
    bn = model[1]
    with no_grad():  # γ = 3, β = −2: the output's std is 3 and its mean −2
        bn.weight.fill_(3.0)
        bn.bias.fill_(-2.0)
    layer = bn_outputs(model, np.random.default_rng(0).standard_normal((128, 64)).astype(np.float32))[0]
    assert np.allclose(layer["std"], 3.0, rtol=1e-3) and np.allclose(layer["mean"], -2.0, atol=1e-4)
    assert isinstance(model[0], nn.Linear)


def test_he_init_and_named_std():
    w = make_mlp(False, 0)[2].weight.detach().numpy()
    assert w.std() == pytest.approx(np.sqrt(2 / 64), rel=0.1)
    assert make_mlp(False, 0, std=0.01)[2].weight.detach().numpy().std() == pytest.approx(0.01, rel=0.1)

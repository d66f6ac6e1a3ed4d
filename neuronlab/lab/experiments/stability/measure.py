"""stability's run: gradients at initialization, the learning rate against the gradient's size,
products of matrices, and a diverging run with its remedies."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import digits_split
from neuronlab.engine.tensor import Tensor
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.stability import divergence as d
from neuronlab.lab.experiments.stability.gradients import (
    GRADIENT_CONFIGS,
    gradient_norms,
    learning_rate_and_gradients,
)
from neuronlab.lab.experiments.stability.products import (
    eigenvalue_products,
    growth_per_factor,
    product_singular_values,
)

GAINS = (0.5, 1.0, 2.0)
BIG_LR, SMALL_LR, CLIP, BATCH = 0.5, 0.05, 1.0, 32
TIGHT_FACTOR = 30.0  # DivergenceGuard's explode_factor in the second guarded run (the default is 1e3)


def _divergence(seed: int, steps: int) -> dict:
    data = d.regression_data(seed)
    return {
        "baseline": d.loop_run(data, seed, steps, BATCH, BIG_LR),
        "clipped": d.loop_run(data, seed, steps, BATCH, BIG_LR, clip=CLIP),
        "lower_lr": d.loop_run(data, seed, steps, BATCH, SMALL_LR),
        "guard": d.guard_run(data, seed, steps, BATCH, BIG_LR),
        "guard_tight": d.guard_run(data, seed, steps, BATCH, BIG_LR, explode_factor=TIGHT_FACTOR),
        "adam": d.loop_run(data, seed, steps, BATCH, BIG_LR, adam=True),
        "initial_loss": d.full_loss(d.regression_net(seed), *data),
    }


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.stability import SIZES

    s = config.sizes(SIZES)
    split = digits_split(seed)
    X = Tensor._wrap(split.X_train[: s["probe_batch"]])
    y = Tensor._wrap(split.y_train[: s["probe_batch"]])
    rng = np.random.default_rng(seed)
    return {
        "sizes": s,
        "gradients": [gradient_norms(c, X, y, s["depth"], s["width"], seed) for c in GRADIENT_CONFIGS],
        "learning_rate": learning_rate_and_gradients(split, seed, s["lr_depth"], s["lr_epochs"]),
        "products": [product_singular_values(s["n"], s["k_max"], g, rng) for g in GAINS],
        "growth": growth_per_factor(s["growth_n"], s["growth_k"], 1.0, s["growth_trials"], rng),
        "eigen": eigenvalue_products(16, s["trials"], rng),
        "divergence": _divergence(seed, s["steps"]),
    }

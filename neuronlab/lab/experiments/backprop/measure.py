"""backprop's measurements: one seed's numbers for the 9-parameter network (004 (13)/(20)) and the
weight-decay MLP of 003 §4.7 on a batch of digits drawn by the seed."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import load_digits
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.backprop.mlp import data_parallel, graph_growth, mlp_check
from neuronlab.lab.experiments.backprop.network9 import nine_parameters

LAMBDA = 0.01
ACTIVATIONS = ("relu", "tanh")
SHARDS = (2, 4)


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.backprop import SIZES

    s = config.sizes(SIZES)
    rng = np.random.default_rng(seed)
    X, y = load_digits()
    idx = rng.choice(len(X), s["batch"], replace=False)
    Xb, yb = X[idx].astype(np.float64), y[idx]
    return {
        "nine": nine_parameters(rng, s["draws"]),
        "mlp": {act: mlp_check(Xb, yb, s["hidden"], act, LAMBDA, seed) for act in ACTIVATIONS},
        "data_parallel": {str(k): data_parallel(Xb, yb, s["hidden"], LAMBDA, seed, k) for k in SHARDS},
        "graph": graph_growth(Xb, yb, s["hidden"], LAMBDA, seed),
        "batch": int(len(yb)),
    }

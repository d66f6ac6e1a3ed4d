"""activations' measurements for one seed."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.activations.functions import curves, minibatch, prelu_derivative, tanh_identity
from neuronlab.lab.experiments.activations.networks import (
    along_line,
    collapse_error,
    compare,
    first_layer_gradient,
    regression_outputs,
    spirals,
)

CURVE_GRID = np.linspace(-5.0, 5.0, 201)


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.activations import SIZES

    s = config.sizes(SIZES)
    rng = np.random.default_rng(seed)
    training, models = compare(seed, s["samples"], s["epochs"])
    X_test = spirals(seed, s["samples"])[2]
    return {
        "x": CURVE_GRID.tolist(),
        "curves": curves(CURVE_GRID),
        "tanh_identity_max_error": tanh_identity(rng),
        "prelu": prelu_derivative(rng),
        "minibatch": minibatch(rng),
        "training": training,
        "collapse_relative_error": collapse_error(models["identity"], X_test),
        "lines": {name: along_line(models[name], s["line_points"]) for name in ("relu", "tanh")},
        "first_layer_gradient": {
            name: first_layer_gradient(seed, name) for name in ("sigmoid", "tanh", "relu")
        },
        "regression": regression_outputs(seed, s["regression_steps"]),
    }

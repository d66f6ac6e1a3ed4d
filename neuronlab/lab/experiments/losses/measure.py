"""losses' measurements for one seed."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.losses.fits import focal_vs_cross_entropy, hinge_classifier, robust_regression
from neuronlab.lab.experiments.losses.formulas import curves, gradient_at, kl_and_cross_entropy, seed_formulas

RESIDUAL = np.linspace(-3.0, 3.0, 121)
MARGIN = np.linspace(-4.0, 4.0, 161)
FAR, EASY = -4.0, 3.0  # a confidently wrong and a confidently right margin


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.losses import SIZES

    s = config.sizes(SIZES)
    rng = np.random.default_rng(seed)
    return {
        "residual": RESIDUAL.tolist(),
        "margin": MARGIN.tolist(),
        "curves": curves(RESIDUAL, MARGIN),
        "formulas": seed_formulas(rng),
        "kl": kl_and_cross_entropy(rng),
        "gradients": {"bce_far": gradient_at("bce", FAR), "mse_on_probability_far": gradient_at("mse_on_probability", FAR),
                      "bce_easy": gradient_at("bce", EASY), "focal_easy": gradient_at("focal", EASY)},
        "robust": robust_regression(rng, s["line_steps"]),
        "hinge": hinge_classifier(seed, s["hinge_steps"]),
        "imbalance": focal_vs_cross_entropy(seed, s["majority"], s["epochs"]),
    }  # fmt: skip

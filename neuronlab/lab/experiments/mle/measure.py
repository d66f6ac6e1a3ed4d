"""mle's measurements for one seed: regression data and classification blobs drawn from the seed."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.mle.likelihoods import (
    affine_relation,
    along_line,
    class_frequencies,
    classification_mle,
    gaussian_minimizers,
    gaussian_nll,
    mse,
    regression_data,
    underflow,
    variance_mle,
)

SIGMA = 0.3  # the noise level of the regression data, and the σ of the fixed-σ likelihood
SIGMAS = [0.1, 1.0, 3.0]  # other fixed σ whose likelihoods are minimized too


def run(config: LabConfig, seed: int) -> dict:
    from neuronlab.lab.experiments.mle import SIZES

    s = config.sizes(SIZES)
    rng = np.random.default_rng(seed)
    phi, y, theta_true = regression_data(seed, sigma=SIGMA)
    minimizers = gaussian_minimizers(phi, y, SIGMAS, s["steps"])
    theta_hat = np.asarray(minimizers["least_squares"])
    direction = rng.standard_normal(len(theta_hat))
    ts = np.linspace(-1.0, 1.0, 41)
    mse_line, nll_line = along_line(
        [lambda th: mse(phi, y, th), lambda th: gaussian_nll(phi, y, th, SIGMA**2)],
        theta_hat, direction / np.linalg.norm(direction), ts,
    )  # fmt: skip
    return {
        "n": len(y),
        "theta_true": theta_true.tolist(),
        "affine": affine_relation(phi, y, theta_hat, SIGMA, rng),
        "minimizers": minimizers,
        "variance": variance_mle(phi, y, s["steps"]),
        "line": {"t": ts.tolist(), "mse": mse_line, "nll": nll_line},
        "bernoulli": classification_mle(seed, 2, s["steps"]),
        "categorical": classification_mle(seed, 3, s["steps"]),
        "frequencies": class_frequencies(seed, s["steps"]),
        "underflow": underflow(seed, s["underflow_samples"]),
    }

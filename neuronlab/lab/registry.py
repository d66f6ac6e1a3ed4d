"""The list of experiments, in report order. Adding an experiment means adding its module
to ``neuronlab/lab/experiments/`` and one line here."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from neuronlab.lab.experiment import check_experiment_module

# (CLI name, module in neuronlab.lab.experiments), in the order of the report.
EXPERIMENTS: tuple[tuple[str, str], ...] = (
    ("perceptron", "perceptron"),
    ("backprop", "backprop"),
    ("activations", "activations"),
    ("losses", "losses"),
    ("mle", "mle"),
    ("landscape", "landscape"),
    ("gd-variants", "gd_variants"),
    ("batch-size", "batch_size"),
    ("optimizers", "optimizers"),
    ("initialization", "initialization"),
    ("batchnorm", "batchnorm"),
    ("l1-vs-l2", "l1_vs_l2"),
    ("weight-decay", "weight_decay"),
    ("dropout", "dropout"),
    ("polynomial", "polynomial"),
    ("overfitting", "overfitting"),
    ("mlp-hyperparams", "mlp_hyperparams"),
    ("metrics", "metrics"),
    ("conv-arithmetic", "conv_arithmetic"),
    ("residual", "residual"),
    ("stability", "stability"),
    ("second-order", "second_order"),
    ("memory", "memory"),
    ("parallel", "parallel"),
)

NAMES = tuple(name for name, _ in EXPERIMENTS)
_MODULES = dict(EXPERIMENTS)


def load(name: str) -> ModuleType:
    """The experiment module for a CLI name; ``ValueError`` listing the names if unknown."""
    if name not in _MODULES:
        raise ValueError(
            f"unknown experiment {name!r}; run 'neuronlab lab list' to see them: {', '.join(NAMES)}"
        )
    module = importlib.import_module(f"neuronlab.lab.experiments.{_MODULES[name]}")
    check_experiment_module(module)
    return module


def available() -> list[str]:
    """The names whose modules exist (all of them once the lab is complete)."""
    found = []
    for name, module in EXPERIMENTS:
        spec = importlib.util.find_spec(f"neuronlab.lab.experiments.{module}")
        if spec is not None:
            found.append(name)
    return found

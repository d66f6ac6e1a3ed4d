"""Every optimizer and option combination follows PyTorch's parameter trajectory for 30
steps on a non-quadratic loss (a tanh network with cross-entropy), in float32 and float64."""

import pytest

from .reference import assert_same_trajectory, trajectories, two_groups

CONFIGS = [
    ("SGD", {}),
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.05, "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-3}),
    ("Adagrad", {"lr": 0.05, "maximize": True}),
    (
        "Adagrad",
        {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-6},
    ),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.01, "eps": 1e-4}),
    ("RMSprop", {"lr": 0.01, "weight_decay": 0.05}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5}),
    ("RMSprop", {"lr": 0.005, "maximize": True}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.95, "momentum": 0.3, "centered": True, "weight_decay": 0.01}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99)}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.9)}),  # β₁ < 0.5: the other branch of lerp
    ("Adam", {"lr": 0.01, "eps": 1e-3}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.005, "maximize": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01, "maximize": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01, "betas": (0.3, 0.9), "eps": 1e-6}),
    ("AdamW", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.005, "maximize": True, "amsgrad": True, "weight_decay": 0.05}),
]


def config_id(config):
    name, kwargs = config
    return name + "(" + ",".join(f"{k}={v}" for k, v in kwargs.items()) + ")"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_trajectory_matches_torch(config, dtype):
    name, kwargs = config
    ours, theirs = trajectories(name, kwargs, dtype)
    assert_same_trajectory(ours, theirs, dtype)


TWO_GROUP_CONFIGS = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.2, "weight_decay": 0.05, "nesterov": True}),
    ("Adagrad", {"lr": 0.1}, {"lr": 0.2, "weight_decay": 0.05, "lr_decay": 0.01}),
    ("RMSprop", {"lr": 0.01}, {"lr": 0.02, "weight_decay": 0.05, "momentum": 0.5, "centered": True}),
    ("Adam", {"lr": 0.01}, {"lr": 0.02, "weight_decay": 0.05, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}, {"lr": 0.02, "weight_decay": 0.1, "betas": (0.85, 0.95)}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "name, defaults, weight_options", TWO_GROUP_CONFIGS, ids=[c[0] for c in TWO_GROUP_CONFIGS]
)
def test_two_param_groups_match_torch(name, defaults, weight_options, dtype):
    """Weight decay (and other options) on the weights only, half the lr on the biases."""
    ours, theirs = trajectories(
        name, defaults, dtype, groups=lambda params: two_groups(params, **weight_options)
    )
    assert_same_trajectory(ours, theirs, dtype)

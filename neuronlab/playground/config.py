"""The playground's configuration: one table of controls, and the validation every request passes.

Every setting the page can change is a row of ``CONTROLS``: its name, kind, default and the
values it accepts. The page builds its control panel from this table (served as
``/api/schema``), the server validates every message against it, the shareable URL and the
exported JSON are written from it. Adding a control is adding a row here and using
``config[name]`` where the training reads it (``docs/playground.md``).

Nothing the page sends is ever executed: values are parsed as numbers, booleans, integer
lists or names from a fixed list, and anything else is refused with a message that names
the control and says what it accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CONTROLS", "ConfigError", "Control", "defaults", "from_query", "to_query", "validate"]


class ConfigError(ValueError):
    """A setting the page sent is not one the playground accepts (the message says why)."""


@dataclass(frozen=True)
class Control:
    """One setting: ``kind`` is "choice", "float", "int", "bool", "ints" (a list of integers,
    the hidden layers) or "names" (a subset of ``choices``, the input features)."""

    name: str
    kind: str
    default: Any
    label: str
    label_zh: str
    group: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    log: bool = False  # a slider over log10 of the value (learning and regularization rates)
    max_len: int = 0  # "ints": the most entries
    help: str = ""
    show_if: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shown only when these match


DATASETS_CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "moons")
DATASETS_REGRESSION = ("plane", "multigauss")
FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")

CONTROLS: tuple[Control, ...] = (
    Control("mode", "choice", "network", "Mode", "模式", "data", ("network", "perceptron"),
            help="network: an MLP trained by backprop; perceptron: Rosenblatt's rule on the course's double moon"),
    Control("problem", "choice", "classification", "Problem type", "问题类型", "data",
            ("classification", "regression"), show_if={"mode": ("network",)}),
    Control("dataset", "choice", "circle", "Data set", "数据集", "data",
            DATASETS_CLASSIFICATION + DATASETS_REGRESSION + ("csv",), show_if={"mode": ("network",)},
            help="circle, xor, gauss, spiral, moons (the course's shifted double moon) classify; "
            "plane and multigauss are regression; csv is your own upload"),
    Control("classes", "int", 2, "Classes", "类别数", "data", low=2, high=6,
            show_if={"dataset": ("gauss", "spiral")}),
    Control("noise", "float", 0.0, "Noise", "噪声", "data", low=0.0, high=0.5),
    Control("n_samples", "int", 500, "Points", "样本数", "data", low=50, high=2000),
    Control("train_ratio", "float", 0.5, "Ratio of training data", "训练集比例", "data", low=0.1, high=0.9),
    Control("batch_size", "int", 10, "Batch size", "批大小", "data", low=1, high=1000,
            show_if={"mode": ("network",)}),
    Control("features", "names", ("x1", "x2"), "Features", "输入特征", "features", FEATURES,
            show_if={"mode": ("network",)}),
    Control("hidden", "ints", (4, 2), "Hidden layers", "隐藏层", "network", low=1, high=8, max_len=6,
            show_if={"mode": ("network",)}),
    Control("activation", "choice", "tanh", "Activation", "激活函数", "network",
            ("tanh", "relu", "sigmoid", "linear", "leaky_relu", "elu", "gelu"), show_if={"mode": ("network",)}),
    Control("init", "choice", "xavier", "Initialization", "初始化", "network",
            ("xavier", "kaiming", "normal", "zeros"), show_if={"mode": ("network",)},
            help="zeros makes every unit of a layer the same: watch the symmetry never break"),
    Control("dropout", "float", 0.0, "Dropout p", "Dropout 概率", "network", low=0.0, high=0.9,
            show_if={"mode": ("network",)}),
    Control("batch_norm", "bool", False, "Batch norm", "批归一化", "network", show_if={"mode": ("network",)}),
    Control("optimizer", "choice", "sgd", "Optimizer", "优化器", "optimizer",
            ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"), show_if={"mode": ("network",)}),
    Control("learning_rate", "float", 0.03, "Learning rate", "学习率", "optimizer", low=1e-5, high=10.0, log=True),
    Control("momentum", "float", 0.9, "Momentum", "动量", "optimizer", low=0.0, high=0.999,
            show_if={"optimizer": ("momentum", "nesterov")}),
    Control("beta1", "float", 0.9, "β₁", "β₁", "optimizer", low=0.0, high=0.999, show_if={"optimizer": ("adam",)}),
    Control("beta2", "float", 0.999, "β₂", "β₂", "optimizer", low=0.0, high=0.9999,
            show_if={"optimizer": ("adam", "rmsprop")}),
    Control("regularization", "choice", "none", "Regularization", "正则化", "optimizer", ("none", "l1", "l2"),
            show_if={"mode": ("network",)}),
    Control("reg_rate", "float", 0.001, "Regularization rate", "正则化系数", "optimizer", low=1e-6, high=10.0,
            log=True, show_if={"regularization": ("l1", "l2")}),
    Control("seed", "int", 0, "Seed", "随机种子", "optimizer", low=0, high=2**31 - 1),
)  # fmt: skip

BY_NAME = {c.name: c for c in CONTROLS}


def defaults() -> dict[str, Any]:
    """The configuration the page starts from (lists as lists, JSON-friendly)."""
    return {c.name: list(c.default) if isinstance(c.default, tuple) else c.default for c in CONTROLS}


def validate(raw: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``base`` (the defaults if None) updated with the settings in ``raw``, each checked.

    Raises ``ConfigError`` naming the first bad setting. Unknown names are refused, so a
    typo in a shared URL or an imported file is reported rather than silently ignored.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"a configuration is a JSON object of settings, got {type(raw).__name__}")
    config = dict(defaults() if base is None else base)
    for name, value in raw.items():
        control = BY_NAME.get(name)
        if control is None:
            raise ConfigError(f"unknown setting {name!r}; known settings: {', '.join(BY_NAME)}")
        config[name] = _check(control, value)
    _check_consistent(config)
    return config


def _check(c: Control, value: Any) -> Any:
    if c.kind == "choice":
        if value not in c.choices:
            raise ConfigError(f"{c.name} must be one of {', '.join(c.choices)}; got {value!r}")
        return value
    if c.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{c.name} must be true or false; got {value!r}")
        return value
    if c.kind == "int":
        return _bounded(c, _integer(c.name, value))
    if c.kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ConfigError(f"{c.name} must be a finite number; got {value!r}")
        return _bounded(c, float(value))
    if c.kind == "ints":
        if not isinstance(value, list | tuple) or len(value) > c.max_len:
            raise ConfigError(f"{c.name} must be a list of at most {c.max_len} integers; got {value!r}")
        return [_bounded(c, _integer(c.name, v)) for v in value]
    if c.kind == "names":
        if not isinstance(value, list | tuple) or not value or any(v not in c.choices for v in value):
            raise ConfigError(
                f"{c.name} must be a non-empty list drawn from {', '.join(c.choices)}; got {value!r}"
            )
        return [v for v in c.choices if v in value]  # canonical order, no repeats
    raise AssertionError(f"unknown control kind {c.kind}")  # pragma: no cover - the table is ours


def _integer(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer; got {value!r}")
    return value


def _bounded(c: Control, value):
    if not c.low <= value <= c.high:
        raise ConfigError(f"{c.name} must be between {c.low:g} and {c.high:g}; got {value!r}")
    return value


def _check_consistent(config: dict[str, Any]) -> None:
    """Settings that are each valid but not together."""
    dataset, problem = config["dataset"], config["problem"]
    if problem == "classification" and dataset in DATASETS_REGRESSION:
        raise ConfigError(f"data set {dataset!r} is for regression; choose the problem type regression")
    if problem == "regression" and dataset in DATASETS_CLASSIFICATION:
        raise ConfigError(
            f"data set {dataset!r} is for classification; choose the problem type classification"
        )


# -- the shareable URL: the settings that differ from the defaults, as a query string -----------


def to_query(config: dict[str, Any]) -> dict[str, str]:
    """The settings that differ from the defaults, as strings (``hidden=4,2``, ``batch_norm=1``)."""
    out = {}
    for name, value in config.items():
        if value == defaults()[name]:
            continue
        if isinstance(value, bool):
            out[name] = "1" if value else "0"
        elif isinstance(value, list):
            out[name] = ",".join(str(v) for v in value)
        else:
            out[name] = f"{value:g}" if isinstance(value, float) else str(value)
    return out


def from_query(query: dict[str, str]) -> dict[str, Any]:
    """Parse the strings of a shareable URL and validate them (``ConfigError`` on a bad one)."""
    raw = {}
    for name, text in query.items():
        control = BY_NAME.get(name)
        if control is None:
            raise ConfigError(f"unknown setting {name!r} in the URL")
        raw[name] = _parse(control, text)
    return validate(raw)


def _parse(c: Control, text: str) -> Any:
    try:
        if c.kind == "bool":
            if text not in ("0", "1", "true", "false"):
                raise ValueError
            return text in ("1", "true")
        if c.kind == "int":
            return int(text)
        if c.kind == "float":
            return float(text)
        if c.kind in ("ints", "names"):
            parts = [p for p in text.split(",") if p]
            return [int(p) for p in parts] if c.kind == "ints" else parts
    except ValueError:
        raise ConfigError(f"{c.name} in the URL is not a valid {c.kind}: {text!r}") from None
    return text

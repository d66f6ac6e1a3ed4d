"""One browser tab's state: its configuration, its uploaded data, and the run being trained.

Every message from the page goes through ``Session.handle``, which validates it and answers
with a list of JSON messages (or raises ``ConfigError`` / ``CSVError`` with a message for the
user). The server gives each WebSocket connection a ``Session`` of its own, so tabs never
share state.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from neuronlab.playground import config as cfg
from neuronlab.playground.data import make_data, parse_csv, split
from neuronlab.playground.explain import explain_weight
from neuronlab.playground.export import export_script
from neuronlab.playground.landscape import landscape_frame
from neuronlab.playground.perceptron import PerceptronRun
from neuronlab.playground.training import NetworkRun

__all__ = ["Session"]

MAX_STEPS_PER_REQUEST = 1000


class Session:
    """The tab's configuration (``config``), the user's CSV data (``upload``) and the run."""

    def __init__(self, config: dict[str, Any] | None = None):
        self.config = cfg.validate(config or {})
        self.upload: tuple[np.ndarray, np.ndarray] | None = None
        self.run = self._build()

    def _data(self) -> tuple[np.ndarray, ...]:
        c = self.config
        if c["mode"] == "perceptron":
            X, y = make_data("moons", c["n_samples"], c["noise"], c["seed"])
        elif c["dataset"] == "csv":
            if self.upload is None:
                raise cfg.ConfigError("the data set csv needs a file: upload one first")
            X, y = self.upload
        else:
            X, y = make_data(c["dataset"], c["n_samples"], c["noise"], c["seed"], c["classes"])
        return split(X, y, c["train_ratio"], c["seed"])

    def _build(self) -> NetworkRun | PerceptronRun:
        data = self._data()
        if self.config["mode"] == "perceptron":
            return PerceptronRun(self.config, data)
        if self.config["batch_norm"] and min(self.config["batch_size"], len(data[0])) < 2:
            raise cfg.ConfigError(
                "batch norm needs a batch size of at least 2 (it normalizes over the batch)"
            )
        return NetworkRun(self.config, data)

    # -- actions -------------------------------------------------------------------------------
    def configure(self, raw: Any) -> None:
        """Apply settings (validated against the current ones) and rebuild."""
        self._replace(cfg.validate(raw, self.config))

    def _replace(self, config: dict[str, Any]) -> None:
        """Rebuild with ``config``; on an error the session keeps its previous state."""
        previous, self.config = self.config, config
        try:
            self.run = self._build()
        except ValueError:
            self.config = previous
            raise

    def upload_csv(self, text: Any) -> None:
        if not isinstance(text, str):
            raise cfg.ConfigError("a CSV upload is sent as text")
        self.upload = parse_csv(text, self.config["problem"])
        self.configure({"dataset": "csv", "mode": "network"})

    def start(self) -> list[dict]:
        """What the page needs after a (re)build: the settings, the data, the first frame."""
        return [self.settings(), self.run.describe(), self.run.frame()]

    def settings(self) -> dict:
        return {"type": "config", "config": self.config, "query": cfg.to_query(self.config)}

    def _train(self, steps: int, seconds: float) -> None:
        """``steps`` iterations, or fewer if ``seconds`` (> 0) run out first (one frame's budget)."""
        if seconds <= 0:
            self.run.train(steps)
            return
        deadline = time.perf_counter() + seconds
        for _ in range(steps):
            self.run.train(1)
            if time.perf_counter() >= deadline:
                return

    def handle(self, message: Any) -> list[dict]:
        """Answer one message from the page (``{"type": ..., ...}``)."""
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise cfg.ConfigError('a message is a JSON object with a "type"')
        kind = message["type"]
        if kind == "hello":
            return self.start()
        if kind == "config":
            self.configure(message.get("config"))
            return self.start()
        if kind == "query":
            query = message.get("query")
            if not isinstance(query, dict) or not all(isinstance(v, str) for v in query.values()):
                raise cfg.ConfigError("a shared URL's settings are name=value text")
            self._replace(cfg.from_query(query))
            return self.start()
        if kind == "reset":
            self.run = self._build()
            return self.start()
        if kind == "step":
            self._train(_count(message.get("steps", 1)), _seconds(message.get("seconds", 0)))
            return [self.run.frame()]
        if kind == "csv":
            self.upload_csv(message.get("text"))
            return self.start()
        if kind == "export":
            return [{"type": "export", "config": self.config, "query": cfg.to_query(self.config),
                     "script": export_script(self.config, self.run.step, self.upload)}]  # fmt: skip
        if kind == "explain":
            return [explain_weight(self.run, message)]
        if kind == "landscape":
            return [landscape_frame(self.run)]
        raise cfg.ConfigError(f"unknown message type {kind!r}")


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise cfg.ConfigError(f"seconds must be a number from 0 to 1; got {value!r}")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STEPS_PER_REQUEST:
        raise cfg.ConfigError(f"steps must be an integer from 1 to {MAX_STEPS_PER_REQUEST}; got {value!r}")
    return value

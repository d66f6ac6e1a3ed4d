"""Reading and writing ``results.json``: an experiment's numbers with its settings and the
versions that produced them (STYLE 16: settings live in a manifest, not in file names)."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from pathlib import Path

import numpy as np


def _default(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"results must hold numbers, strings, lists and dicts; got {type(value).__name__}")


def versions() -> dict:
    """The software that produced a result."""
    import neuronlab

    return {"neuronlab": neuronlab.__version__, "numpy": np.__version__, "python": platform.python_version()}


def write_results(path: Path, payload: dict) -> None:
    """Write ``payload`` as JSON atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, default=_default, indent=1, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be read by others
    os.replace(tmp, path)


def read_results(path: Path) -> dict:
    """Load a ``results.json`` written by ``write_results``."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} not found: run 'neuronlab lab run' first") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}); re-run the experiment") from None

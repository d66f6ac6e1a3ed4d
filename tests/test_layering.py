"""The architecture's one-way imports (STYLE 1): a module never imports from a layer above it."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "neuronlab"

# Longest matching prefix wins. Higher numbers are higher layers.
LAYERS = {
    "neuronlab.engine": 0,
    "neuronlab.ops": 0,
    "neuronlab.autograd": 0,
    "neuronlab.nn.parameter": 1,
    "neuronlab.nn.functional": 1,
    "neuronlab.nn.init": 1,
    "neuronlab.distributed": 1,  # torch.distributed: below nn.parallel, above the engine
    "neuronlab.nn": 2,
    "neuronlab.optim": 3,
    "neuronlab.utils": 3,
    "neuronlab.datasets": 3,
    "neuronlab.serialization": 3,
    "neuronlab.train": 4,
    "neuronlab.metrics": 4,
    "neuronlab.classic": 5,
    "neuronlab.analysis": 5,
    "neuronlab.lab": 6,
    "neuronlab.bench": 6,
    "neuronlab.tune": 6,  # hyperparameter search over the Trainer (issue 15)
    "neuronlab.cli": 7,
    "neuronlab.playground": 7,  # the interface layer, beside the cli that starts it
    "neuronlab": 8,  # the top-level package re-exports everything
}


def layer_of(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {m for m in found if m == "neuronlab" or m.startswith("neuronlab.")}


FILES = sorted(p for p in PACKAGE.rglob("*.py") if module_name(p) != "neuronlab")


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_imports_point_down(path):
    own = layer_of(module_name(path))
    for target in imported_modules(path):
        if target == "neuronlab":  # the public tensor API; the engine itself must not use it (cycle)
            assert own > 0, f"{module_name(path)} imports the top-level package from inside the engine"
            continue
        assert layer_of(target) <= own, (
            f"{module_name(path)} (layer {own}) imports {target} (layer {layer_of(target)})"
        )

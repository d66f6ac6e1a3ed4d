"""The architecture's one-way imports (STYLE 1): a module never imports from a layer above it.

Layers, lowest first: engine < ops < autograd < nn.functional (and nn.parameter, nn.init) <
nn < optim / data / serialization < train / metrics < classic / analysis < lab / bench <
cli < the top-level package. There is one named exception, documented in
``engine/call_time_imports.py`` and docs/engine.md: ``Tensor``'s methods reach the ops at call
time through that module. Inside the core (engine, ops, autograd) imports sit at the top of
their files: no import inside a function, no import cycle between modules.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "neuronlab"

# Longest matching prefix wins. Higher numbers are higher layers.
LAYERS = {
    "neuronlab.engine": 0,
    "neuronlab.ops": 1,
    "neuronlab.autograd": 2,
    "neuronlab.nn.parameter": 3,
    "neuronlab.nn.functional": 3,
    "neuronlab.nn.init": 3,
    "neuronlab.distributed": 3,  # torch.distributed: below nn.parallel, above the engine
    "neuronlab.nn": 4,
    "neuronlab.optim": 5,
    "neuronlab.utils": 5,
    "neuronlab.datasets": 5,
    "neuronlab.serialization": 5,
    "neuronlab.train": 6,
    "neuronlab.metrics": 6,
    "neuronlab.classic": 7,
    "neuronlab.analysis": 7,
    "neuronlab.lab": 8,
    "neuronlab.bench": 8,
    "neuronlab.tune": 8,  # hyperparameter search over the Trainer (issue 15)
    "neuronlab.cli": 9,
    "neuronlab.playground": 9,  # the interface layer, beside the cli that starts it
    "neuronlab": 10,  # the top-level package re-exports everything
}
# The one exception: (module, the layer above it that it may import from).
CALL_TIME_EXCEPTION = ("neuronlab.engine.call_time_imports", "neuronlab.ops")
CORE = ("neuronlab.engine", "neuronlab.ops", "neuronlab.autograd")


def layer_of(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str) -> list[tuple[str, bool]]:
    """``(module, inside_a_function)`` for every ``neuronlab`` import in ``source`` (not those
    under ``if TYPE_CHECKING:``, which only annotations see). For ``from package import name``
    the module is ``package.name`` when that is a module."""
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test) == "TYPE_CHECKING":
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    sub = f"{child.module}.{alias.name}"
                    found.append((sub if _is_module(sub) else child.module, inner))
            visit(child, inner)

    visit(ast.parse(source), False)
    return [(m, f) for m, f in found if m == "neuronlab" or m.startswith("neuronlab.")]


def _is_module(name: str) -> bool:
    parts = name.split(".")
    base = PACKAGE.parent.joinpath(*parts)
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def violations(module: str, source: str) -> list[str]:
    """What in ``source`` (the text of ``module``) breaks the layering rules."""
    own = layer_of(module)
    found = []
    for target, in_function in imports(source):
        if target == "neuronlab":  # the public API; nothing in a lower layer may use it
            if own < LAYERS["neuronlab.lab"]:
                found.append(f"{module} imports the top-level package")
            continue
        allowed = module == CALL_TIME_EXCEPTION[0] and layer_of(target) <= layer_of(CALL_TIME_EXCEPTION[1])
        if layer_of(target) > own and not allowed:
            found.append(f"{module} (layer {own}) imports {target} (layer {layer_of(target)})")
        if in_function and module.startswith(CORE) and module != CALL_TIME_EXCEPTION[0]:
            found.append(f"{module} imports {target} inside a function")
    return found


FILES = sorted(p for p in PACKAGE.rglob("*.py") if module_name(p) != "neuronlab")


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_imports_point_down(path):
    assert violations(module_name(path), path.read_text()) == []


def test_the_check_fails_on_a_back_edge():
    """The rules can fail: synthetic modules that break each of them."""
    assert violations("neuronlab.engine.fake", "from neuronlab.ops import arithmetic")
    assert violations("neuronlab.ops.fake", "import neuronlab.autograd.functional")
    assert violations("neuronlab.ops.fake", "def f():\n    from neuronlab.nn import Linear\n")
    assert violations("neuronlab.nn.functional.fake", "from neuronlab.nn.modules import Linear")
    assert violations("neuronlab.analysis.fake", "import neuronlab")
    assert violations(
        "neuronlab.ops.fake", "def f():\n    from neuronlab.ops import cast\n"
    )  # core: at the top
    # The exception is one module, and only up to the ops.
    assert not violations(CALL_TIME_EXCEPTION[0], "def f():\n    from neuronlab.ops import cast\n")
    assert violations(CALL_TIME_EXCEPTION[0], "def f():\n    from neuronlab.nn import Linear\n")
    assert violations("neuronlab.engine.tensor", "def f():\n    from neuronlab.ops import cast\n")
    assert not violations("neuronlab.ops.fake", "from neuronlab.engine.tensor import Tensor")


def _core_graph() -> dict[str, set[str]]:
    """The core's import-time edges (the call-time exception imports inside a function)."""
    graph = {}
    for path in FILES:
        name = module_name(path)
        if name.startswith(CORE):
            graph[name] = {
                t
                for t, in_function in imports(path.read_text())
                if t.startswith(CORE) and t != name and not in_function
            }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_import_cycle_in_the_core():
    assert cycles(_core_graph()) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_exception_is_documented():
    doc = (PACKAGE.parent / "docs" / "engine.md").read_text()
    assert "call_time_imports" in doc
    assert importlib.util.find_spec(CALL_TIME_EXCEPTION[0]) is not None


def test_every_test_folder_is_a_package():
    tests = Path(__file__).resolve().parent
    folders = [
        tests,
        *(
            d
            for d in tests.rglob("*")
            if d.is_dir() and d.name != "__pycache__" and not d.name.startswith(".") and any(d.glob("*.py"))
        ),  # folders of test code (not generated ones such as screenshots)
    ]
    assert [d for d in folders if not (d / "__init__.py").exists()] == []

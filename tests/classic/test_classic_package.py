"""The package's promises: docstring examples run, imports stay light and point down, docs match."""

import ast
import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neuronlab
import neuronlab.classic as classic

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "neuronlab.classic",
    "neuronlab.classic.mp_neuron",
    "neuronlab.classic.perceptron",
    "neuronlab.classic.convergence",
    "neuronlab.classic.plotting",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    pytest.importorskip("scipy")
    pytest.importorskip("matplotlib")
    names = {k: getattr(classic, k) for k in classic.__all__}
    result = doctest.testmod(
        importlib.import_module(name),
        extraglobs={"neuronlab": neuronlab, "np": np, **names},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0 and result.failed == 0


def test_every_public_name_has_a_docstring_with_an_example():
    for name in classic.__all__:
        obj = getattr(classic, name)
        if isinstance(obj, type) and issubclass(obj, Warning | Exception):
            continue
        assert obj.__doc__ and "Example" in obj.__doc__, name


def test_import_does_not_load_matplotlib_or_scipy():
    code = (
        "import sys, neuronlab.classic; print(sorted({'matplotlib', 'scipy', 'sklearn'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_classic_does_not_import_analysis_lab_or_cli():
    for path in (ROOT / "neuronlab" / "classic").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for name in names:
                assert not name.startswith(("neuronlab.analysis", "neuronlab.lab", "neuronlab.cli")), (
                    path,
                    name,
                )
        # matplotlib only lazily, inside the plotting functions (or under TYPE_CHECKING)
        top_level = [
            n for n in ast.parse(path.read_text()).body if isinstance(n, ast.Import | ast.ImportFrom)
        ]
        assert not [n for n in top_level if "matplotlib" in ast.dump(n)], path


def test_docs_table_is_the_networks_table():
    text = (ROOT / "docs" / "classic.md").read_text(encoding="utf-8")
    net = classic.xor_network()
    header = "| " + " | ".join(net.table_header()) + " |"
    assert header in text
    for row in net.table():
        assert "| " + " | ".join(map(str, row)) + " |" in text

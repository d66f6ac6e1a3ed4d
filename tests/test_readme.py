"""Every Python example in README.md runs as written (with ``neuronlab`` as ``torch``)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index):
    namespace: dict = {}
    prelude = "import neuronlab as torch\n"
    for block in BLOCKS[: index + 1]:  # later blocks may use names from earlier ones
        exec(compile(prelude + block, f"README block {index}", "exec"), namespace)


def test_benchmark_spread_table_is_computed_from_the_saved_runs():
    """The README's spread table is exactly what `neuronlab bench --spread` prints for the
    full runs saved in benchmarks/results/ (no hand-edited numbers)."""
    from neuronlab.bench.spread import format_spread

    runs = sorted((README.parent / "benchmarks" / "results").glob("*.json"))
    assert len(runs) >= 3
    assert format_spread(runs) in README.read_text()

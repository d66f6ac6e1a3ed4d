"""Every Python example in README.md runs on its own, as pasted into a fresh interpreter (no
hidden import, no name from another block), and prints what its comments say."""

import builtins
import re
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3


def expected_outputs(block: str) -> dict[int, str]:
    """Line number -> the output its comment promises, for every ``print(...)  # output`` line.
    A comment may end with ``: explanation`` after the output when the output has no colon."""
    found = {}
    for number, line in enumerate(block.splitlines(), 1):
        if line.lstrip().startswith("print(") and "  # " in line:
            found[number] = line.split("  # ", 1)[1].strip()
    return found


def matches(printed: str, promised: str) -> bool:
    """Whitespace-insensitive; ``...`` in the promise stands for anything."""
    norm = " ".join(printed.split())
    promise = " ".join(promised.split())
    pattern = ".*?".join(re.escape(part) for part in promise.split("..."))
    if re.fullmatch(pattern, norm, flags=re.S):
        return True
    head = promise.split(": ")[0]  # "<output>: what it is"
    return head != promise and re.fullmatch(
        ".*?".join(re.escape(p) for p in head.split("...")), norm, flags=re.S
    )


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs_as_pasted_and_prints_what_it_says(index):
    block = BLOCKS[index]
    printed: dict[int, list[str]] = {}
    real_print = builtins.print

    def recording_print(*args, sep=" ", end="\n", file=None, flush=False):
        frame = sys._getframe(1)
        if file is None and frame.f_code.co_filename == f"README block {index}":
            printed.setdefault(frame.f_lineno, []).append(sep.join(str(a) for a in args))
        real_print(*args, sep=sep, end=end, file=file, flush=flush)

    namespace: dict = {"__name__": "__main__", "print": recording_print}
    exec(compile(block, f"README block {index}", "exec"), namespace)
    for line, promised in expected_outputs(block).items():
        assert line in printed, f"line {line} printed nothing"
        text = "\n".join(printed[line])
        assert matches(text, promised), (
            f"README block {index}, line {line}: printed {text!r}, README says {promised!r}"
        )


def test_every_print_in_the_readme_says_what_it_prints():
    for block in BLOCKS:
        for line in block.splitlines():
            if line.lstrip().startswith("print("):
                assert "  # " in line, line


def test_benchmark_spread_table_is_computed_from_the_saved_runs():
    """The README's spread table is exactly what `neuronlab bench --spread` prints for the
    full runs saved in benchmarks/results/ (no hand-edited numbers)."""
    from neuronlab.bench.spread import format_spread

    runs = sorted((README.parent / "benchmarks" / "results").glob("*.json"))
    assert len(runs) >= 3
    assert format_spread(runs) in README.read_text()


def test_seeded_example_prints_what_pytorch_prints():
    """The README's seeded example, run with ``import torch`` instead, prints the same lines."""
    import subprocess

    pytest.importorskip("torch")
    (block,) = [b for b in BLOCKS if "torch.manual_seed(42)" in b]
    as_torch = block.replace("import neuronlab as torch", "import torch").replace(
        "from neuronlab import nn", "from torch import nn"
    )
    assert "neuronlab" not in as_torch

    def output(code: str) -> str:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    assert output(as_torch) == output(block)

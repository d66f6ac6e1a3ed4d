"""The notebooks, generated from the experiments' declarations and executed top to bottom on a
real Jupyter kernel (nbclient + ipykernel); the rich displays checked in the executed outputs.

The default suite executes the tour and two representative experiments' notebooks (about 20 s);
every experiment's notebook runs under the ``slow`` marker (``pytest -m slow``)."""

from __future__ import annotations

import json

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from neuronlab.lab import NAMES  # noqa: E402
from neuronlab.lab.notebooks import experiment_notebook, tour_notebook, write_notebooks  # noqa: E402

REPRESENTATIVE = ("backprop", "losses")


def slow_requested(config) -> bool:
    """Whether ``-m slow`` selected the slow tests: the default suite (CI runs every test) skips
    these (~5 min of kernels) rather than only deselecting them on request."""
    expr = config.getoption("markexpr") or ""
    return "slow" in expr and "not slow" not in expr


def execute(nb, cwd):
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return nb


def outputs(nb, mime: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mime in data:
                found.append(data[mime])
    return found


def test_notebook_command_writes_valid_notebooks(tmp_path, capsys):
    from neuronlab.cli import main

    assert main(["lab", "notebook", "backprop", "conv-arithmetic", "--tour", "--out", str(tmp_path)]) == 0
    assert "Wrote 3 notebooks" in capsys.readouterr().out
    for name in ("tour", "backprop", "conv-arithmetic"):
        nb = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
    text = (tmp_path / "conv-arithmetic.ipynb").read_text()
    assert (
        "seed-formula-without-floor" in text and "(3, 244, 244)" in text
    )  # claims and question, from the declaration


def test_every_experiment_has_a_notebook_from_its_declaration(tmp_path):
    paths = write_notebooks(list(NAMES), tmp_path, tour=True)
    assert len(paths) == len(NAMES) + 1
    for name in NAMES:
        nb = json.loads((tmp_path / f"{name}.ipynb").read_text())
        source = "".join("".join(c["source"]) for c in nb["cells"])
        assert f"run_experiment({name!r}" in source


def test_tour_runs_on_a_kernel_with_rich_displays(tmp_path):
    nb = execute(tour_notebook(), tmp_path)
    html = "\n".join(outputs(nb, "text/html"))
    assert (
        "local derivative" in html and "upstream gradient" in html and "dL/dw11" in html
    )  # BackwardExplanation
    assert "Output Shape" in html and "Param #" in html  # ModelSummary
    assert "History: 5 epochs" in html  # History
    assert "memory for training, batch 64" in html  # MemoryReport
    assert "convexity probe: not convex" in html  # ConvexityReport
    assert "measured mean [95% interval]" in html and "supports" in html  # LabResult
    assert outputs(nb, "image/png")  # History.plot()
    streams = "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "stream"
    )
    assert "epoch 1" in streams and "backprop" in streams  # progress bars in the kernel (tqdm.auto)


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_experiment_notebook_runs_on_a_kernel(tmp_path, name):
    nb = execute(experiment_notebook(name), tmp_path)
    html = "\n".join(outputs(nb, "text/html"))
    assert "verdict" in html and "<img" in html  # the claims table, the figures
    printed = "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "stream"
    )
    assert "over 3 seeds" in printed  # the conclusions


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NAMES if n not in REPRESENTATIVE])
def test_every_experiment_notebook_runs_on_a_kernel(tmp_path, name, request):
    if not slow_requested(request.config):
        pytest.skip("every experiment's notebook runs with -m slow")
    nb = execute(experiment_notebook(name), tmp_path)
    assert "verdict" in "\n".join(outputs(nb, "text/html"))


def test_chinese_notebook_uses_the_catalogs():
    nb = experiment_notebook("conv-arithmetic", lang="zh")
    text = "".join(c.source for c in nb.cells)
    assert "## 实验设置" in text and "## 论断" in text

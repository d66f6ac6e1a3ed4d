"""The built wheel installed into a fresh virtual environment runs as users run it: no pytest,
no editable install, no source tree on the path (``neuronlab lab list`` once crashed only
there: ``importlib.util`` had been loaded by pytest and editable installs, never by itself).

Offline and fast: the wheel is built without build isolation (setuptools from this
environment), installed with ``--no-deps``, and the fresh environment reaches NumPy and the
lab's extras through a ``.pth`` line naming this environment's site-packages (appended after its
own, so the installed wheel is the neuronlab it imports).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args, cwd, env=None, timeout=300):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    pytest.importorskip("setuptools")
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    # A copy of the sources (build artefacts stay out of the shared tree).
    source = work / "src"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()  # fmt: skip
    for name in files:
        if name.startswith(("neuronlab/", "README.md", "pyproject.toml")) and (ROOT / name).is_file():
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((ROOT / name).read_bytes())
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
          str(source)], work)  # fmt: skip
    wheel = next(dist.glob("neuronlab-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)], work
    )
    # NumPy and the extras from this environment, after the fresh one's own site-packages.
    (Path(purelib) / "zz_outer_site.pth").write_text(sysconfig.get_path("purelib") + "\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST"))}
    return {"python": python, "bin": python.parent, "env": clean, "cwd": work, "purelib": purelib}


def test_the_wheel_is_what_the_fresh_environment_imports(installed):
    result = _run([str(installed["python"]), "-c", "import neuronlab; print(neuronlab.__file__)"],
                  installed["cwd"], installed["env"])  # fmt: skip
    assert result.stdout.strip().startswith(installed["purelib"])


def test_lab_list_runs_from_the_installed_wheel(installed):
    result = _run([str(installed["bin"] / "neuronlab"), "lab", "list"], installed["cwd"], installed["env"])
    assert "conv-arithmetic" in result.stdout and "claims]" in result.stdout
    assert "not implemented" not in result.stdout


def test_the_registry_lists_the_experiments_in_a_bare_interpreter(installed):
    """Nothing else has loaded ``importlib.util`` here (the CLI's other commands may, which hid
    the defect behind ``neuronlab lab list``)."""
    code = "from neuronlab.lab import NAMES, available; assert available() == list(NAMES); print(len(NAMES))"
    result = _run([str(installed["python"]), "-c", code], installed["cwd"], installed["env"])
    assert int(result.stdout) >= 23


def test_python_dash_m_neuronlab_help_from_the_installed_wheel(installed):
    result = _run([str(installed["python"]), "-m", "neuronlab", "--help"], installed["cwd"], installed["env"])
    assert "lab" in result.stdout and "train" in result.stdout


def test_the_wheel_ships_the_catalogs(installed):
    catalogs = list(Path(installed["purelib"], "neuronlab", "lab").rglob("zh.json"))
    assert Path(installed["purelib"], "neuronlab", "lab", "i18n", "zh.json") in catalogs

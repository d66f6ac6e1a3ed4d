"""The command line as users meet it (issue 16, section 3): one line per error, never a
traceback; Ctrl-C stops at once with exit 130 and keeps finished results; ``python -m
neuronlab``; help for every option; plurals; lazy submodules; ``train`` on a CSV file."""

from __future__ import annotations

import argparse
import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from neuronlab.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "neuronlab"


def _run(args: list[str], cwd, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env, **kwargs)  # fmt: skip


def test_every_module_using_importlib_util_imports_it():
    """``import importlib`` does not load ``importlib.util``: pytest and editable installs did,
    so ``neuronlab lab list`` crashed only on a real install (tests/test_install.py runs one)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "importlib.util." not in source:
            continue
        imported = {a.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Import) for a in n.names}
        from_util = any(
            isinstance(n, ast.ImportFrom)
            and n.module == "importlib"
            and any(a.name == "util" for a in n.names)
            for n in ast.walk(ast.parse(source))
        )
        if "importlib.util" not in imported and not from_util:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_python_dash_m_neuronlab(tmp_path):
    result = _run(["-m", "neuronlab", "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "usage: neuronlab" in result.stdout or "usage: __main__.py" in result.stdout
    assert "lab" in result.stdout and "train" in result.stdout


def _parsers(parser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def test_every_option_has_help_text():
    missing = [
        (" ".join(path), action.option_strings or action.dest)
        for path, parser in _parsers(build_parser())
        for action in parser._actions
        if action.help is None and not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    ]
    assert not missing


def test_plurals_in_lab_run(tmp_path, capsys):
    assert main(["lab", "run", "backprop", "--quick", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "Running 1 experiment," in out and "1 job," in out
    assert "(1 experiment, 10 claims" in out
    assert "experiments" not in out.split("Report:")[1].split(",")[0]
    assert "(s)" not in out


def test_lab_list_plural_claims(capsys):
    assert main(["lab", "list"]) == 0
    assert " 1 claims" not in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["file", "under-a-file"])
def test_invalid_out_is_one_line_before_anything_runs(tmp_path, capsys, kind):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = blocker if kind == "file" else blocker / "report"
    start = time.perf_counter()
    assert main(["lab", "run", "backprop", "--quick", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--out" in err and "Traceback" not in err
    assert time.perf_counter() - start < 2  # nothing ran


def test_report_of_a_missing_directory_is_one_line(tmp_path, capsys):
    assert main(["lab", "report", str(tmp_path / "nothing")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("blocked", "args", "extra"),
    [
        ("nbformat", ["lab", "notebook", "backprop", "--out", "nb"], "notebook"),
        ("threadpoolctl", ["bench", "--quick"], "bench"),
        ("tensorboardX", ["train", "--data", "xor", "--epochs", "1", "--tensorboard", "tb"], "tensorboard"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(tmp_path, blocked, args, extra):
    code = (f"import sys; sys.modules[{blocked!r}] = None\n"
            f"from neuronlab.cli import main\nsys.exit(main({args!r}))")  # fmt: skip
    result = _run(["-c", code], tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"neuronlab[{extra}]" in lines[0] and blocked in lines[0], result.stderr


def test_a_missing_matplotlib_is_one_line(tmp_path):
    """The report needs matplotlib (the lab extra): one line, after the results were saved."""
    assert main(["lab", "run", "backprop", "--quick", "--out", str(tmp_path / "r")]) == 0
    code = ("import sys; sys.modules['matplotlib'] = None\nfrom neuronlab.cli import main\n"
            f"sys.exit(main(['lab', 'report', {str(tmp_path / 'r')!r}]))")  # fmt: skip
    result = _run(["-c", code], tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "neuronlab[lab]" in lines[0]


def test_report_language_option(tmp_path, capsys):
    """``lab run/report --lang``: the same saved results, rendered in Chinese then in English."""
    out = tmp_path / "r"
    assert main(["lab", "run", "backprop", "--quick", "--lang", "zh", "--out", str(out)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "反向传播：手算与自动求导" in page and "判定" in page
    assert main(["lab", "report", str(out), "--lang", "en"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Backpropagation by hand and by autograd" in page and "verdict" in page
    with pytest.raises(SystemExit) as refused:  # argparse: one usage line, exit 2
        main(["lab", "report", str(out), "--lang", "fr"])
    assert refused.value.code == 2


def test_bench_without_torch_says_it_shows_neuronlab_alone(tmp_path):
    code = ("import sys, importlib.util\nfind = importlib.util.find_spec\n"
            "importlib.util.find_spec = lambda name, *a: None if name == 'torch' else find(name, *a)\n"
            "import neuronlab.bench.runner as r\nr.run_benchmark = lambda **k: {}\nr.format_table = lambda rep: ''\n"
            "import neuronlab.cli.bench_cmd as b\nb.run_benchmark = r.run_benchmark\nb.format_table = r.format_table\n"
            "from neuronlab.cli import main\nsys.exit(main(['bench', '--quick']))")  # fmt: skip
    result = _run(["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "neuronlab alone" in result.stdout


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_stops_promptly_with_exit_130_and_keeps_finished_results(tmp_path, jobs):
    """backprop finishes in about a second; gd-variants and dropout then run for tens of seconds:
    SIGINT (Ctrl-C) once backprop is saved stops everything within seconds, one line, exit 130."""
    out = tmp_path / "r"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "neuronlab", "lab", "run", "backprop", "gd-variants", "dropout", "--quick",
         "--jobs", str(jobs), "--out", str(out)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not (out / "backprop" / "results.json").exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "backprop never finished"
            time.sleep(0.1)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        stdout, stderr = process.communicate(timeout=20)
        elapsed = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert elapsed < 10
    lines = [
        line for line in stderr.splitlines() if line.strip() and "Warning" not in line and "warn" not in line
    ]
    assert len(lines) == 1 and "interrupted" in lines[0] and "Traceback" not in stderr, stderr
    assert json.loads((out / "backprop" / "results.json").read_text())["name"] == "backprop"
    assert not (out / "dropout" / "results.json").exists()
    if jobs == 2:  # no worker left behind
        time.sleep(0.5)
        ps = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
        assert not [line for line in ps.splitlines() if line.split()[1:2] == [str(process.pid)]]


def test_lazy_submodules_keep_import_light(tmp_path):
    code = (
        "import sys\nimport neuronlab as nl\n"
        "heavy = [m for m in ('neuronlab.lab', 'neuronlab.classic', 'neuronlab.analysis', 'neuronlab.train', "
        "'matplotlib', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert nl.classic.Perceptron and nl.analysis.explain_backward and nl.train.Trainer and nl.lab.NAMES\n"
        "assert {'classic', 'analysis', 'train', 'lab'} <= set(dir(nl))\n"
        "try:\n    nl.no_such_thing\nexcept AttributeError as e:\n    print('ok', e)\n"
    )
    result = _run(["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def _write_csv(path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 3))
    labels = np.where(X[:, 0] + X[:, 1] > 0, "cat", "dog")
    lines = ["width,height,kind,depth"] + [f"{a:.4f},{b:.4f},{k},{c:.4f}" for (a, b, c), k in zip(X, labels)]
    path.write_text("\n".join(lines) + "\n")


def test_train_on_a_csv_file_saves_the_model_and_logs_for_tensorboard(tmp_path, capsys):
    import neuronlab

    data = tmp_path / "data.csv"
    _write_csv(data)
    model, logs = tmp_path / "model.safetensors", tmp_path / "tb"
    args = ["train", "--csv", str(data), "--target", "kind", "--hidden", "16", "--lr", "0.01", "--epochs", "15",
            "--save", str(model), "--tensorboard", str(logs)]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "data.csv: 168 train / 36 val / 36 test samples, 3 features, 2 classes" in out
    accuracy = float(out.split("test: loss")[1].split("accuracy")[1].split()[0])
    assert accuracy > 0.85
    saved = neuronlab.load(model)
    assert saved["classes"] == ["cat", "dog"] and saved["features"] == ["width", "height", "depth"]
    assert saved["architecture"]["hidden"] == [16] and set(saved["model"]) == {
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
    }
    assert list(logs.glob("events.out.tfevents.*"))


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("a,b\n1,2\n3,4\n", ["--target", "c"], "no column 'c'"),
        ("a,b\n1,x\n3,0\n", ["--target", "a"], "row 2, column 'b'"),
        ("a,b\n1,2\n3,1\n", [], "--csv needs --target"),
    ],
)
def test_train_csv_errors_are_one_line(tmp_path, capsys, content, args, message):
    data = tmp_path / "d.csv"
    data.write_text(content)
    assert main(["train", "--csv", str(data), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err


def test_lab_progress_bars_show_the_stage_running(tmp_path, capsys):
    """The bars (tqdm.auto: a widget in Jupyter, text in a terminal) name what is running now,
    the figures included, not the last thing finished."""
    from neuronlab.lab import LabConfig, build_report, run_experiments

    out = tmp_path / "r"
    run_experiments(["backprop"], LabConfig(quick=True, out=out), progress=True)
    build_report(out, ["backprop"], progress=True)
    err = capsys.readouterr().err
    assert "running backprop seed 0" in err and "running backprop seed 2" in err
    assert "backprop: deciding the claims" in err and "backprop: drawing the figures" in err

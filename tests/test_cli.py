"""The README's main command works: ``neuronlab demo`` trains and its loss falls."""

import subprocess
import sys

from neuronlab.cli import main
from neuronlab.cli.demo import train_xor


def test_demo_loss_falls():
    losses = train_xor(steps=300, lr=0.2, seed=0)
    assert losses[-1] < 0.1 * losses[0]


def test_demo_command_prints_falling_loss(capsys):
    assert main(["demo", "--steps", "200"]) == 0
    out = capsys.readouterr().out
    assert "The loss fell" in out


def test_bad_option_is_one_clear_line(capsys):
    assert main(["demo", "--lr", "-1"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "--lr must be positive" in err


def test_console_script_entry_point():
    result = subprocess.run([sys.executable, "-m", "neuronlab.cli", "demo", "--steps", "50"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "MSE loss" in result.stdout


def test_train_command_prints_test_metrics(capsys):
    assert main(["train", "--data", "moons", "--hidden", "16,16", "--epochs", "3", "--lr", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "test: loss" in out and "accuracy" in out


def test_train_command_rejects_bad_options(capsys):
    assert main(["train", "--hidden", "a,b"]) == 2
    assert "--hidden must be comma-separated integers" in capsys.readouterr().err
    assert main(["train", "--dropout", "1.5"]) == 2
    for bad in ("inf", "nan", "0"):
        assert main(["train", "--lr", bad]) == 2
        assert "--lr must be a positive finite number" in capsys.readouterr().err

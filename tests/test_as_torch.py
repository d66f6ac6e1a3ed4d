"""``install_as_torch`` / ``python -m neuronlab.as_torch``: ``import torch`` loads neuronlab."""

import subprocess
import sys
import textwrap

import neuronlab
from neuronlab.as_torch import MODULES

SCRIPT = textwrap.dedent(
    """
    import sys
    import torch
    import torch.nn.functional as F
    from torch import nn, optim
    from torch.optim.lr_scheduler import StepLR
    from torch.utils.data import DataLoader, TensorDataset
    print(torch.__name__, nn.__name__, F.__name__, optim.__name__, StepLR.__name__, DataLoader.__name__)
    print(sys.argv[1:])
    """
)


def run(*args, code=None):
    command = [sys.executable, *(["-c", code] if code else ["-m", "neuronlab.as_torch", *args])]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_every_mapped_module_exists():
    import importlib

    for ours in MODULES.values():
        assert importlib.import_module(ours).__name__ == ours


def test_a_script_importing_torch_runs_on_neuronlab(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    done = run(str(script), "--epochs", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "neuronlab neuronlab.nn neuronlab.nn.functional neuronlab.optim StepLR DataLoader"
    assert lines[1] == "['--epochs', '3']"


def test_install_refuses_when_pytorch_is_already_imported():
    done = run(code="import torch, neuronlab\nneuronlab.install_as_torch()")
    assert done.returncode == 1
    assert "RuntimeError: install_as_torch: PyTorch is already imported" in done.stderr


def test_install_in_process_then_import_torch():
    done = run(code="import neuronlab\nneuronlab.install_as_torch()\nneuronlab.install_as_torch()\n"
               "import torch\nimport torch.nn.functional as F\nprint(F.relu(torch.tensor([-1.0, 2.0])))")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "tensor([0., 2.])"


def test_missing_script_is_a_one_line_error():
    done = run("no_such_script.py")
    assert done.returncode == 2
    assert done.stderr.strip() == "neuronlab.as_torch: error: no such script: no_such_script.py"
    assert neuronlab.install_as_torch.__doc__

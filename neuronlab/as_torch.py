"""Let ``import torch`` (and ``from torch import nn``, ``import torch.nn.functional as F``...)
load neuronlab, so a learner's PyTorch program runs without editing a single import.

``import neuronlab as torch`` covers code that reaches everything through the name ``torch``;
but ``from torch import nn`` looks the module ``torch`` up by its name, and
``import torch.nn.functional as F`` looks up ``torch.nn.functional``. ``install_as_torch()``
registers neuronlab and its sub-packages under PyTorch's module names (the pattern of
PyMySQL's ``install_as_MySQLdb()``). From the command line::

    python -m neuronlab.as_torch train.py --epochs 3     # runs train.py with torch = neuronlab

Example:
    >>> import neuronlab
    >>> neuronlab.install_as_torch()  # doctest: +SKIP
    >>> from torch import nn  # neuronlab.nn  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import sys

# PyTorch's module name -> neuronlab's. Only modules neuronlab has; a program importing another
# torch module (torch.fft, torchvision...) gets the usual ModuleNotFoundError.
MODULES = {
    "torch": "neuronlab",
    "torch.autograd": "neuronlab.autograd",
    "torch.autograd.functional": "neuronlab.autograd.functional",
    "torch.backends": "neuronlab.backends",
    "torch.backends.cudnn": "neuronlab.backends.cudnn",
    "torch.backends.mps": "neuronlab.backends.mps",
    "torch.cuda": "neuronlab.engine.cuda_stub",
    "torch.linalg": "neuronlab.linalg",
    "torch.nn": "neuronlab.nn",
    "torch.nn.functional": "neuronlab.nn.functional",
    "torch.nn.init": "neuronlab.nn.init",
    "torch.nn.modules": "neuronlab.nn.modules",
    "torch.nn.parameter": "neuronlab.nn.parameter",
    "torch.nn.utils": "neuronlab.nn.utils",
    "torch.optim": "neuronlab.optim",
    "torch.optim.lr_scheduler": "neuronlab.optim.lr_scheduler",
    "torch.special": "neuronlab.special",
    "torch.testing": "neuronlab.testing",
    "torch.utils": "neuronlab.utils",
    "torch.utils.data": "neuronlab.utils.data",
}


def install_as_torch() -> None:
    """Register neuronlab under PyTorch's module names (``torch``, ``torch.nn``,
    ``torch.nn.functional``, ``torch.optim``, ``torch.utils.data``, ...), so that every later
    ``import torch`` in this process gets neuronlab.

    Raises ``RuntimeError`` if the real PyTorch is already imported: its modules would be
    mixed with neuronlab's. Calling it twice is harmless.
    """
    already = sys.modules.get("torch")
    if already is not None and getattr(already, "__name__", "") != "neuronlab":
        raise RuntimeError(
            "install_as_torch: PyTorch is already imported in this process, so `import torch` "
            "cannot be redirected; call neuronlab.install_as_torch() before anything imports torch"
        )
    for torch_name, ours in MODULES.items():
        try:
            sys.modules[torch_name] = importlib.import_module(ours)
        except ModuleNotFoundError:  # an optional part missing from this install
            continue


def main(argv: list[str] | None = None) -> int:
    """``python -m neuronlab.as_torch script.py [args...]``: run a PyTorch script on neuronlab."""
    import runpy

    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(
            "usage: python -m neuronlab.as_torch SCRIPT.py [ARGS...]  (runs SCRIPT with `import torch` = neuronlab)"
        )
        return 0 if argv else 2
    from pathlib import Path

    if not Path(argv[0]).is_file():
        print(f"neuronlab.as_torch: error: no such script: {argv[0]}", file=sys.stderr)
        return 2
    install_as_torch()
    sys.argv = list(argv)
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())

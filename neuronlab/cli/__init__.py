"""The ``neuronlab`` command line (also ``python -m neuronlab``): ``lab``, ``train``, ``bench``,
``demo``. Errors are printed as one clear line, not a traceback: a missing optional dependency
names the extra to install, Ctrl-C stops with exit status 130."""

from __future__ import annotations

import argparse
import sys

from neuronlab.cli.bench_cmd import add_bench_parser
from neuronlab.cli.demo import add_demo_parser
from neuronlab.cli.lab import add_lab_parser
from neuronlab.cli.playground_cmd import add_playground_parser
from neuronlab.cli.run_cmd import add_run_parser
from neuronlab.cli.train_cmd import add_train_parser
from neuronlab.cli.tune_cmd import add_tune_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neuronlab",
        description="neuronlab: a NumPy deep-learning engine with PyTorch's API, for learning how "
        "neural networks are trained.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_lab_parser(sub)
    add_train_parser(sub)
    add_tune_parser(sub)
    add_run_parser(sub)
    add_bench_parser(sub)
    add_demo_parser(sub)
    add_playground_parser(sub)
    return parser


# The optional dependencies, by the extra of pyproject.toml that installs them.
EXTRAS = {
    "matplotlib": "lab", "sklearn": "lab", "scipy": "lab", "tqdm": "lab", "safetensors": "lab", "mnist1d": "lab",
    "filelock": "lab", "threadpoolctl": "bench", "tensorboardX": "tensorboard", "optuna": "search",
    "nbformat": "notebook", "nbclient": "notebook", "ipykernel": "notebook",
}  # fmt: skip


def missing_extra(error: ImportError) -> str | None:
    """The sentence for an optional dependency that is not installed, or None for other errors."""
    name = (error.name or "").split(".")[0]
    extra = EXTRAS.get(name)
    if extra is None:
        return None
    return f"this needs {name}, which is not installed: pip install 'neuronlab[{extra}]'"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        return 0
    except KeyboardInterrupt as interrupt:  # Ctrl-C: one line, the shell's code for SIGINT
        detail = f"; {interrupt}" if str(interrupt) else ""
        print(f"\nneuronlab {args.command}: interrupted{detail}", file=sys.stderr)
        return 130
    except ImportError as error:
        message = missing_extra(error)
        if message is None:
            raise
        print(f"neuronlab {args.command}: error: {message}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, RuntimeError, FileNotFoundError) as error:
        print(f"neuronlab {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

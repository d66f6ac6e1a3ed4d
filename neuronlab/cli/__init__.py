"""The ``neuronlab`` command line: ``neuronlab demo`` (and, as they land, ``lab``, ``train``,
``bench``). Errors are printed as one clear line, not a traceback."""

from __future__ import annotations

import argparse
import sys

from neuronlab.cli.bench_cmd import add_bench_parser
from neuronlab.cli.demo import add_demo_parser
from neuronlab.cli.lab import add_lab_parser
from neuronlab.cli.playground_cmd import add_playground_parser
from neuronlab.cli.train_cmd import add_train_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neuronlab",
        description="neuronlab: a NumPy deep-learning engine with PyTorch's API, for learning how "
        "neural networks are trained.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_lab_parser(sub)
    add_train_parser(sub)
    add_bench_parser(sub)
    add_demo_parser(sub)
    add_playground_parser(sub)
    return parser


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
    except (ValueError, TypeError, RuntimeError, FileNotFoundError) as error:
        print(f"neuronlab {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

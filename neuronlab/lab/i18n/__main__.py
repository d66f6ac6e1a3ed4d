"""``python -m neuronlab.lab.i18n check [--results DIR]`` lists what every experiment's catalog
lacks; ``python -m neuronlab.lab.i18n extract NAME [--results DIR]`` writes the skeleton of
one experiment's catalog (``DIR/<name>/results.json`` adds the words of its tables and figures)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from neuronlab.lab import registry
from neuronlab.lab.i18n import catalog_path, extract, problems
from neuronlab.lab.results_io import read_results


def _runs(results: str | None, name: str):
    if results is None or not (Path(results) / name / "results.json").exists():
        return None
    return [r["results"] for r in read_results(Path(results) / name / "results.json")["runs"]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neuronlab.lab.i18n", description=__doc__)
    parser.add_argument("action", choices=["check", "extract"], help="list problems, or write a skeleton")
    parser.add_argument("names", nargs="*", metavar="NAME", help="experiments (default: all)")
    parser.add_argument("--lang", default="zh", help="the catalog's language (default zh)")
    parser.add_argument("--results", metavar="DIR", help="a lab run's directory, for table and figure words")
    args = parser.parse_args(argv)
    names = args.names or list(registry.NAMES)
    bad = 0
    for name in names:
        module = registry.load(name)
        runs = _runs(args.results, name)
        if args.action == "check":
            found = problems(module, args.lang, runs)
            bad += bool(found)
            for line in found:
                print(f"{name}: {line}")
        else:
            path = catalog_path(module, args.lang)
            text = json.dumps(extract(module, args.lang, runs), ensure_ascii=False, indent=1)
            path.write_text(text + "\n", encoding="utf-8")
            print(f"wrote {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

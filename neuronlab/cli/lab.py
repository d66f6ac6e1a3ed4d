"""``neuronlab lab list | run | report | notebook``: the course's experiments, their report and
their notebooks."""

from __future__ import annotations

import argparse
import os
import tempfile
import textwrap
from pathlib import Path

from neuronlab.cli.text import plural
from neuronlab.lab import NAMES, LabConfig, available, build_report, load, run_experiments
from neuronlab.lab.claims import summarize
from neuronlab.lab.i18n import LANGUAGES

LANG_HELP = (
    f"language of the report: {', '.join(LANGUAGES)} (default: the locale's, $LANG or $LANGUAGE, else en)"
)


def add_lab_parser(sub) -> None:
    lab = sub.add_parser("lab", help="run the course's experiments and write a report")
    lab_sub = lab.add_subparsers(dest="lab_command", metavar="SUBCOMMAND", required=True)

    p = lab_sub.add_parser("list", help="list the experiments with their questions")
    p.set_defaults(run=cmd_list)

    p = lab_sub.add_parser(
        "run", help="run experiments and write DIR/index.html, DIR/README.md, figures and results",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("names", nargs="*", metavar="NAME", help="experiments to run (see 'neuronlab lab list')")
    p.add_argument("--all", action="store_true", help="run every experiment")
    p.add_argument(
        "--quick", action="store_true", help="reduced sizes and 3 seeds per experiment (for tests)"
    )
    p.add_argument(
        "--seed", type=int, default=0,
        help="base of the seed sequence (default 0): an experiment with n seeds runs seed, seed+1, ..., seed+n-1; "
        "the same base gives the same numbers",
    )  # fmt: skip
    p.add_argument("--out", default="lab-report", help="report directory (default ./lab-report)")
    p.add_argument("--jobs", type=int, default=1,
                   help="seed-runs to compute in parallel processes (default 1; 2 on a 2-core machine)")  # fmt: skip
    p.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    p.set_defaults(run=cmd_run)

    p = lab_sub.add_parser("report", help="rebuild the report from saved results without re-running")
    p.add_argument("dir", help="a directory written by 'neuronlab lab run'")
    p.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    p.set_defaults(run=cmd_report)

    p = lab_sub.add_parser(
        "notebook", help="write a Jupyter notebook per experiment (and a tour) generated from its declaration"
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="experiments (see 'neuronlab lab list')")
    p.add_argument("--all", action="store_true", help="every experiment, and the tour notebook")
    p.add_argument("--tour", action="store_true", help="also write the tour notebook (tour.ipynb)")
    p.add_argument("--out", default="notebooks", help="directory for the .ipynb files (default ./notebooks)")
    p.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    p.set_defaults(run=cmd_notebook)


def check_out_dir(out: Path) -> Path:
    """Make sure ``out`` can receive the report before anything runs: ``ValueError`` (one
    line) when it is a file, or cannot be created or written."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".write-check.")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise ValueError(f"--out {out}: cannot write there ({error.strerror or error})") from None
    return out


def cmd_list(args) -> int:
    ready = set(available())
    for name in NAMES:
        if name not in ready:
            print(f"{name:<16} (not implemented yet)")
            continue
        module = load(name)
        question = textwrap.shorten(module.QUESTION_EN.replace("\n", " "), 110)
        print(f"{name:<16} {module.TITLE}  [{module.COURSE}; {plural(len(module.CLAIMS), 'claim')}]")
        print(f"{'':<16} {question}")
    return 0


def _names(args) -> list[str]:
    if args.all and args.names:
        raise ValueError("give experiment names or --all, not both")
    names = list(NAMES) if args.all else list(args.names)
    for name in names:
        load(name)  # an unknown name fails here, before anything runs
    return names


def cmd_run(args) -> int:
    names = _names(args)
    if not names:
        raise ValueError("name at least one experiment (see 'neuronlab lab list') or pass --all")
    if args.seed < 0:
        raise ValueError(f"--seed must be non-negative, got {args.seed}")
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    out = check_out_dir(Path(args.out))
    config = LabConfig(quick=args.quick, seed=args.seed, out=out)
    mode = "quick" if args.quick else "full"
    print(f"Running {plural(len(names), 'experiment')}, {mode} mode, base seed {args.seed}, "
          f"{plural(args.jobs, 'job')}, into {out}/")  # fmt: skip
    try:
        run_experiments(names, config, jobs=args.jobs)
    except KeyboardInterrupt:
        finished = [n for n in names if (out / n / "results.json").exists()]
        raise KeyboardInterrupt(
            f"the finished results are kept in {out}/ ({plural(len(finished), 'experiment')}; "
            f"'neuronlab lab report {out}' draws their report)"
        ) from None
    previous = [n for n in NAMES if n not in names and (out / n / "results.json").exists()]
    sections = build_report(
        out, [n for n in NAMES if n in names or n in previous], log=print, lang=args.lang, progress=None
    )
    claims = [c for s in sections for c in s.claims]
    counts = summarize(claims)
    print(f"Report: {out / 'index.html'} ({plural(len(sections), 'experiment')}, {plural(len(claims), 'claim')}: "
          + ", ".join(f"{counts[v]} {v}" for v in counts) + f"; also {out / 'README.md'})")  # fmt: skip
    return 0


def cmd_report(args) -> int:
    out = Path(args.dir)
    if not out.is_dir():
        raise FileNotFoundError(f"{out}: no such directory (write one with 'neuronlab lab run --out {out}')")
    check_out_dir(out)
    sections = build_report(out, log=print, lang=args.lang, progress=None)
    print(f"Report rebuilt from saved results: {out / 'index.html'} ({plural(len(sections), 'experiment')})")
    return 0


def cmd_notebook(args) -> int:
    from neuronlab.lab.notebooks import write_notebooks

    names = _names(args)
    tour = args.tour or args.all
    if not names and not tour:
        raise ValueError("name at least one experiment (see 'neuronlab lab list'), or pass --all or --tour")
    out = check_out_dir(Path(args.out))
    paths = write_notebooks(names, out, tour=tour, lang=args.lang)
    for path in paths:
        print(f"  {path}")
    print(f"Wrote {plural(len(paths), 'notebook')} into {out}/ (open them with 'jupyter lab {out}')")
    return 0

"""``neuronlab lab list | run | report``: the course's experiments and their report."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from neuronlab.lab import NAMES, LabConfig, available, build_report, load, run_experiments
from neuronlab.lab.claims import summarize


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
    p.set_defaults(run=cmd_run)

    p = lab_sub.add_parser("report", help="rebuild the report from saved results without re-running")
    p.add_argument("dir", help="a directory written by 'neuronlab lab run'")
    p.set_defaults(run=cmd_report)


def cmd_list(args) -> int:
    ready = set(available())
    for name in NAMES:
        if name not in ready:
            print(f"{name:<16} (not implemented yet)")
            continue
        module = load(name)
        question = textwrap.shorten(module.QUESTION_EN.replace("\n", " "), 110)
        print(f"{name:<16} {module.TITLE}  [{module.COURSE}; {len(module.CLAIMS)} claims]")
        print(f"{'':<16} {question}")
    return 0


def cmd_run(args) -> int:
    if args.all and args.names:
        raise ValueError("give experiment names or --all, not both")
    names = list(NAMES) if args.all else args.names
    if not names:
        raise ValueError("name at least one experiment (see 'neuronlab lab list') or pass --all")
    if args.seed < 0:
        raise ValueError(f"--seed must be non-negative, got {args.seed}")
    for name in names:
        load(name)  # an unknown name fails here, before anything runs
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    out = Path(args.out)
    config = LabConfig(quick=args.quick, seed=args.seed, out=out)
    mode = "quick" if args.quick else "full"
    print(
        f"Running {len(names)} experiment(s), {mode} mode, base seed {args.seed}, {args.jobs} job(s), into {out}/"
    )
    run_experiments(names, config, jobs=args.jobs)
    previous = [n for n in NAMES if n not in names and (out / n / "results.json").exists()]
    sections = build_report(out, [n for n in NAMES if n in names or n in previous], log=print)
    claims = [c for s in sections for c in s.claims]
    counts = summarize(claims)
    print(f"Report: {out / 'index.html'} ({len(sections)} experiments, {len(claims)} claims: "
          + ", ".join(f"{counts[v]} {v}" for v in counts) + f"; also {out / 'README.md'})")  # fmt: skip
    return 0


def cmd_report(args) -> int:
    out = Path(args.dir)
    sections = build_report(out, log=print)
    print(f"Report rebuilt from saved results: {out / 'index.html'} ({len(sections)} experiments)")
    return 0

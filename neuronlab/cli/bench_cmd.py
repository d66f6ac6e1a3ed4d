"""``neuronlab bench``: neuronlab against PyTorch, side by side in one run."""

from __future__ import annotations

from neuronlab.bench.runner import format_table, run_benchmark, write_json
from neuronlab.bench.spread import format_spread


def add_bench_parser(sub) -> None:
    p = sub.add_parser("bench", help="time neuronlab against PyTorch on the same workloads")
    p.add_argument("--quick", action="store_true", help="small sizes and few repeats (to check it works)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory probes (workload 6)")
    p.add_argument("--spread", nargs="+", metavar="JSON",
                   help="run nothing: summarize saved full runs (each ratio's range against its target)")  # fmt: skip
    p.set_defaults(run=cmd_bench)


def cmd_bench(args) -> int:
    if args.spread:
        print(format_spread(args.spread))
        return 0
    print(
        "neuronlab bench: each workload runs in neuronlab and PyTorch from the same weights; losses are checked first"
    )
    report = run_benchmark(quick=args.quick, memory=not args.no_memory)
    print(format_table(report))
    if args.json:
        write_json(report, args.json)
        print(f"JSON written to {args.json}")
    return 0

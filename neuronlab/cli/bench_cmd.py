"""``neuronlab bench``: neuronlab against PyTorch, side by side in one run."""

from __future__ import annotations

import importlib.util

from neuronlab.bench import op_overhead
from neuronlab.bench.op_profile import profile_chains
from neuronlab.bench.runner import WORKLOADS, format_table, run_benchmark, write_json
from neuronlab.bench.spread import format_spread


def add_bench_parser(sub) -> None:
    p = sub.add_parser("bench", help="time neuronlab against PyTorch on the same workloads")
    p.add_argument("--quick", action="store_true", help="small sizes and few repeats (to check it works)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory probes (workload 6)")
    p.add_argument(
        "--only",
        nargs="+",
        choices=WORKLOADS,
        metavar="WORKLOAD",
        help=f"run only these workloads ({', '.join(WORKLOADS)})",
    )
    p.add_argument(
        "--spread",
        nargs="+",
        metavar="JSON",
        help="run nothing: summarize saved full runs (each ratio's range against its target)",
    )
    p.add_argument(
        "--profile",
        choices=[op_overhead.WORKLOAD],
        help="time nothing against PyTorch: profile neuronlab on the op-overhead chains (cProfile)",
    )
    chains = [*op_overhead.CHAINS, *op_overhead.STEPS]
    p.add_argument(
        "--chain",
        nargs="+",
        choices=chains,
        metavar="CHAIN",
        help=f"with --profile: only these chains ({', '.join(chains)})",
    )
    p.add_argument("--calls", type=int, default=2000, help="with --profile: calls per chain (default 2000)")
    p.add_argument("--top", type=int, default=25, help="with --profile: functions listed (default 25)")
    p.set_defaults(run=cmd_bench)  # fmt: skip


def cmd_bench(args) -> int:
    if args.spread:
        print(format_spread(args.spread))
        return 0
    if args.profile:
        print(profile_chains(args.chain, calls=args.calls, top=args.top))
        return 0
    if importlib.util.find_spec("threadpoolctl") is None:
        raise ImportError("neuronlab bench pins BLAS threads with threadpoolctl", name="threadpoolctl")
    if importlib.util.find_spec("torch") is None:
        print("neuronlab bench: PyTorch is not installed, so this shows neuronlab alone "
              "(pip install torch to time both side by side)")  # fmt: skip
    else:
        print("neuronlab bench: each workload runs in neuronlab and PyTorch from the same weights; "
              "losses are checked first")  # fmt: skip
    report = run_benchmark(quick=args.quick, memory=not args.no_memory, only=args.only)
    print(format_table(report))
    if args.json:
        write_json(report, args.json)
        print(f"JSON written to {args.json}")
    return 0

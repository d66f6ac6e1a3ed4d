"""Workload 7, op overhead: common small-tensor chains written as ordinary, unfused user code,
each run forward and backward in neuronlab and in PyTorch side by side (issue 12, section 4).

On a 32×16 batch the arithmetic is a few hundred floating-point operations, so what is timed
is each library's cost per op: creating tensors, recording the graph, walking it backwards,
accumulating into leaves. A chain ending in a scalar calls ``backward()``; any other gets a
fixed random upstream gradient (``out.backward(grad)``), so that no extra reduction is
recorded. Every call first sets the leaves' ``.grad`` to ``None``, as ``zero_grad()`` does.
Two training steps of the 1-1-1 sigmoid network end the list: the loss written out as
``((net(x) - y) ** 2).mean()``, and ``nn.MSELoss()`` (one fused node).

Before anything is timed, each chain's output and input gradients (or, for the steps, the
first three losses) must agree between the libraries. Each library runs in its own process
(``isolated.py``); in every repeat the parent cycles through the chains, alternating the
libraries within each.
"""

from __future__ import annotations

import numpy as np

from neuronlab.bench.workloads import build_tiny_sigmoid

WORKLOAD = "op-overhead"
TITLE = "7 op overhead: small-tensor chains, forward + backward"
N, D = 32, 16  # a small batch: per-op overhead, not arithmetic, dominates

# id -> (the code as a user writes it, the inputs it takes, the chain)
CHAINS = {
    "mul_add": ("a * b + c", ("a", "b", "c"), lambda lib, a, b, c: a * b + c),
    "pow": ("a ** 3", ("a",), lambda lib, a: a**3),
    "mse": ("((a - b) ** 2).mean()", ("a", "b"), lambda lib, a, b: ((a - b) ** 2).mean()),
    "sum": ("a.sum()", ("a",), lambda lib, a: a.sum()),
    "mean": ("a.mean()", ("a",), lambda lib, a: a.mean()),
    "matmul": ("a @ w.T", ("a", "w"), lambda lib, a, w: a @ w.T),
    "matmul_bias": ("a @ w.T + bias", ("a", "w", "bias"), lambda lib, a, w, bias: a @ w.T + bias),
    "sigmoid": ("torch.sigmoid(a)", ("a",), lambda lib, a: lib.sigmoid(a)),
    "tanh": ("torch.tanh(a)", ("a",), lambda lib, a: lib.tanh(a)),
    "relu": ("torch.relu(a)", ("a",), lambda lib, a: lib.relu(a)),
    "softmax": ("torch.softmax(a, dim=1)", ("a",), lambda lib, a: lib.softmax(a, dim=1)),
    "log_softmax": ("torch.log_softmax(a, dim=1)", ("a",), lambda lib, a: lib.log_softmax(a, dim=1)),
    "index": ("a[idx]", ("a", "idx"), lambda lib, a, idx: a[idx]),
    "slice": ("a[1:20:2, 4:]", ("a",), lambda lib, a: a[1:20:2, 4:]),
    "reshape": ("a.view(4, 8, 16).permute(2, 0, 1).reshape(16, 32)", ("a",),
                lambda lib, a: a.view(4, 8, 16).permute(2, 0, 1).reshape(16, 32)),
    "cat": ("torch.cat([a, b], dim=1)", ("a", "b"), lambda lib, a, b: lib.cat([a, b], dim=1)),
    "exp_log": ("(a.exp() + 1).log()", ("a",), lambda lib, a: (a.exp() + 1).log()),
    "clamp": ("a.clamp(-0.5, 0.5)", ("a",), lambda lib, a: a.clamp(-0.5, 0.5)),
    "where": ("torch.where(a > 0, a, b)", ("a", "b"), lambda lib, a, b: lib.where(a > 0, a, b)),
    "max_dim": ("a.max(dim=1)[0]", ("a",), lambda lib, a: a.max(dim=1)[0]),
    "cross_entropy": ("F.cross_entropy(logits, target)", ("logits", "target"),
                      lambda lib, z, t: lib.nn.functional.cross_entropy(z, t)),
}  # fmt: skip
# id -> (label, fused loss?): one SGD step of the 1-1-1 sigmoid network on 4 samples
STEPS = {
    "step_unfused": ("1-1-1 step, ((net(x) - y) ** 2).mean()", False),
    "step_mse": ("1-1-1 step, nn.MSELoss()", True),
}
LABELS = {key: spec[0] for key, spec in {**CHAINS, **STEPS}.items()}

# Timing per chain: ``repeats`` batches of ``inner`` calls per library, after ``warmup`` calls.
# Full: each batch takes 5-50 ms, long enough to rise above the timer and short enough that
# 21 repeats of all chains fit in about a minute. Quick proves it runs.
FULL = {"repeats": 21, "warmup": 50, "inner": 200}
QUICK = {"repeats": 2, "warmup": 1, "inner": 2}
# Both libraries run these chains on one thread. At this size a second thread has nothing to
# gain, and PyTorch does start one for some of them: on this shared machine under load
# (load average 16 on 2 cores) its 2-thread `a @ w.T` took 2.3 ms against 56 µs on one
# thread, and a whole 2-thread run reported PyTorch's matmul, tanh, softmax and
# cross-entropy chains 20-150× slower than on one; neuronlab runs them on one thread anyway.
THREADS = 1
# Seconds of sleep before each timed batch: with one thread per library there are no idle
# BLAS/OpenMP threads spinning for the large workloads' 0.3 s to wait out, so a short pause
# suffices and 23 chains × 2 libraries × 21 repeats stay near a minute.
SETTLE = 0.02


def _tensors(lib) -> dict:
    """The chains' inputs, the same numbers in every process (a fixed generator)."""
    rng = np.random.default_rng(0)

    def leaf(*shape):
        return lib.tensor(rng.uniform(-1, 1, shape).astype(np.float32), requires_grad=True)

    return {"a": leaf(N, D), "b": leaf(N, D), "c": leaf(N, D), "w": leaf(8, D), "bias": leaf(8),
            "logits": leaf(N, 10), "idx": lib.from_numpy(rng.integers(0, N, 16)),
            "target": lib.from_numpy(rng.integers(0, 10, N))}  # fmt: skip


def _chain_call(lib, fn, inputs: list, grad):
    leaves = [t for t in inputs if t.requires_grad]

    def call():
        for t in leaves:
            t.grad = None
        fn(lib, *inputs).backward(grad)

    return call


def build(lib, quick: bool):
    """``({id: callable}, {id: values})`` in ``lib``: one forward + backward per call, and the
    values checked across libraries (output and gradients, or a step's first losses)."""
    tensors = _tensors(lib)
    rng = np.random.default_rng(1)
    calls, values = {}, {}
    for key, (_, names, fn) in CHAINS.items():
        inputs = [tensors[name] for name in names]
        out = fn(lib, *inputs)
        grad = None if out.dim() == 0 else lib.from_numpy(rng.standard_normal(out.shape).astype(np.float32))
        calls[key] = _chain_call(lib, fn, inputs, grad)
        calls[key]()
        arrays = [out.detach().numpy()] + [t.grad.numpy() for t in inputs if t.requires_grad]
        values[key] = np.concatenate([a.ravel() for a in arrays]).astype(float).tolist()
    for key, (_, fused) in STEPS.items():
        calls[key], values[key] = build_tiny_sigmoid(lib, quick, fused=fused)
    return calls, values


def check_values(values: dict) -> float:
    """The largest difference between the libraries' values over all chains, relative to the
    values' scale; raises if a chain's differ by more than 1e-4 of it."""
    if len(values) < 2:
        return 0.0
    first, second = values.values()
    worst = 0.0
    for key in first:
        a, b = np.asarray(first[key]), np.asarray(second[key])
        difference = float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))
        if a.shape != b.shape or difference > 1e-4:
            raise RuntimeError(
                f"bench op overhead: {LABELS[key]!r} differs between the libraries; refusing to time it"
            )
        worst = max(worst, difference)
    return worst


def _stats(samples: list[float]) -> dict:
    q1, median, q3 = np.percentile(samples, [25, 50, 75])
    return {"median": float(median), "q1": float(q1), "q3": float(q3), "low": min(samples),
            "high": max(samples), "repeats": len(samples)}  # fmt: skip


def run(session, quick: bool) -> dict:
    """Time every chain in both libraries (``session``: an ``isolated.Isolated``); returns the
    JSON-able section ``report["op_overhead"]``."""
    agreement = {}

    def check(values):
        agreement["value"] = check_values(values)

    keys = [*CHAINS, *STEPS]
    _, samples = session.run(WORKLOAD, check=check, chains=keys, settle=0.0 if quick else SETTLE,
                             threads=THREADS, **(QUICK if quick else FULL))  # fmt: skip
    libraries = list(samples)
    chains = []
    for key in keys:
        times = {lib: _stats(samples[lib][key]) for lib in libraries}
        row = {"id": key, "chain": LABELS[key], "times": times}
        if len(libraries) > 1:
            # Repeat i of both libraries ran back to back, so their ratio is robust to drift
            # in the machine's load; the ratio reported is the median of these.
            paired = np.divide(samples[libraries[0]][key], samples[libraries[1]][key])
            q1, median, q3 = np.percentile(paired, [25, 50, 75])
            row["ratio"], row["ratio_q1"], row["ratio_q3"] = float(median), float(q1), float(q3)
        chains.append(row)
    return {"workload": TITLE, "size": f"{N}×{D}", "threads": THREADS, "value_agreement": agreement["value"],
            "chains": chains}  # fmt: skip


def summary(section: dict) -> dict:
    """The figures the targets are judged on: median ratio, worst chain, the unfused step."""
    rows = [row for row in section["chains"] if "ratio" in row]
    if not rows:
        return {}
    worst = max(rows, key=lambda row: row["ratio"])
    return {"median": float(np.median([row["ratio"] for row in rows])), "worst": worst["ratio"],
            "worst_chain": worst["chain"], "chains": len(rows),
            "within_07": sum(row["ratio"] <= 0.7 for row in rows),
            "step_unfused": next(row["ratio"] for row in rows if row["id"] == "step_unfused")}  # fmt: skip


# The targets: (text, the figure, how it is shown, test)
TARGETS = [
    ("every chain ≤ 0.7×", lambda s: f"{s['within_07']} of {s['chains']} chains; worst {s['worst']:.2f}× "
     f"(`{s['worst_chain']}`)", lambda s: s["worst"] <= 0.7),
    ("median ≤ 0.5×", lambda s: f"{s['median']:.2f}×", lambda s: s["median"] <= 0.5),
    ("unfused 1-1-1 step ≤ 0.5×", lambda s: f"{s['step_unfused']:.2f}×", lambda s: s["step_unfused"] <= 0.5),
]  # fmt: skip
VERDICT = {True: "met", False: "not met"}


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f}"


def format_section(section: dict) -> str:
    """The chains as a Markdown table (µs per forward + backward, median and IQR over the
    repeats; ratio = neuronlab / PyTorch, the median and IQR of the per-repeat ratios), the
    summary line, and each target of issue 12 with its verdict."""
    libraries = list(section["chains"][0]["times"])
    repeats = section["chains"][0]["times"][libraries[0]]["repeats"]
    header = " | ".join(f"{lib} µs (IQR)" for lib in libraries)
    lines = [f"{section['workload']} ({section['size']} float32, {section['threads']} thread; median over "
             f"{repeats} repeats)", "",
             f"| chain | {header} | ratio (IQR) |", "|---|" + "---|" * (len(libraries) + 1)]  # fmt: skip
    for row in section["chains"]:
        cells = " | ".join(
            f"{_us(t['median'])} ({_us(t['q1'])}–{_us(t['q3'])})" for t in row["times"].values()
        )
        ratio = f"{row['ratio']:.2f} ({row['ratio_q1']:.2f}–{row['ratio_q3']:.2f})" if "ratio" in row else ""
        lines.append(f"| `{row['chain']}` | {cells} | {ratio} |")
    figures = summary(section)
    if not figures:
        return "\n".join(lines)
    lines += ["", f"Median ratio {figures['median']:.2f} over {figures['chains']} chains; worst chain "
              f"`{figures['worst_chain']}` at {figures['worst']:.2f}.", "",
              "| target (issue 12) | measured | verdict |", "|---|---|---|"]  # fmt: skip
    for text, shown, met in TARGETS:
        lines.append(f"| {text} | {shown(figures)} | {VERDICT[met(figures)]} |")
    return "\n".join(lines)

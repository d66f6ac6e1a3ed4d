"""parallel's figures and table, drawn from every seed's results (mean and range over seeds)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import new_figure

KIB = 1024.0
MIB = 1024.0**2


def _measured(runs: list[dict]) -> list[dict]:
    return [r for r in runs if not r.get("skipped")]


def _bars(ax, labels, per_seed, color=None, offset=0.0, width=0.8, label=None):
    """Bars at the mean over seeds with the range as error bars."""
    values = np.asarray(per_seed, dtype=float)  # seeds × bars
    x = np.arange(len(labels)) + offset
    mean = values.mean(0)
    err = np.maximum(0, np.vstack([mean - values.min(0), values.max(0) - mean]))
    ax.bar(x, mean, width=width, color=color, label=label, yerr=err, capsize=3)
    ax.set_xticks(np.arange(len(labels)), labels, fontsize=8)


def _skipped_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.0)
    ax.axis("off")
    ax.text(0.5, 0.5, f"not measured: {runs[0]['skipped']}", ha="center", va="center", wrap=True, fontsize=9)
    return fig


def _bytes_memory_figure(runs: list[dict]):
    fig, axes = new_figure(1, 2, width=4.5)
    batches = sorted(runs[0]["dp_bytes_per_step"], key=int)
    labels = ["data parallel", "model parallel, V by rows", "model parallel, all-gather"]
    for i, batch in enumerate(batches):
        per_seed = [[r["dp_bytes_per_step"][batch] / KIB, sum(r["mp_bytes"][batch]["rows"].values()) / KIB,
                     sum(r["mp_bytes"][batch]["all_gather"].values()) / KIB] for r in runs]  # fmt: skip
        _bars(
            axes[0],
            labels,
            per_seed,
            color=f"C{i}",
            offset=(i - 0.5) * 0.4,
            width=0.4,
            label=f"batch {batch}",
        )
    axes[0].set(yscale="log", ylabel="KiB handed to collectives per step", title="Communication per step")
    axes[0].tick_params(axis="x", labelrotation=15)
    axes[0].legend(fontsize=7)
    memory = [[r["memory"]["one_process"] / MIB, max(r["memory"]["data_parallel"]) / MIB,
               max(r["memory"]["model_parallel"]) / MIB] for r in runs]  # fmt: skip
    _bars(axes[1], ["one process", "data parallel", "model parallel"], memory, color=["C0", "C1", "C2"])
    axes[1].set(ylabel="MiB (traced peak, largest process)", title="Memory of a training step per process")
    axes[1].tick_params(axis="x", labelrotation=15)
    return fig


def _training_figure(runs: list[dict]):
    fig, ax = new_figure(width=6.0)
    for i, kind in enumerate(("one_process", "data_parallel")):
        trained = [r["training"][kind] for r in runs]
        grid = sorted({lr for t in trained for lr in t["lr_grid"]})
        per_seed = np.array([[dict(zip(t["lr_grid"], t["val_accuracy_by_lr"])).get(lr, np.nan) for lr in grid]
                             for t in trained], dtype=float)  # fmt: skip
        batch = runs[0]["training"]["effective_batch"][kind]
        label = f"{'one process' if kind == 'one_process' else 'DDP'}, effective batch {batch}"
        line = ax.plot(grid, np.nanmean(per_seed, 0), marker="o", color=f"C{i}", label=label)[0]
        ax.fill_between(
            grid, np.nanmin(per_seed, 0), np.nanmax(per_seed, 0), color=line.get_color(), alpha=0.2
        )
    ax.set(xscale="log", xlabel="learning rate", ylabel="validation accuracy",
           title=f"Same epochs, per-process batch kept ({len(runs)} seeds)")  # fmt: skip
    ax.legend(fontsize=7)
    return fig


def figures(runs: list[dict]) -> dict:
    measured = _measured(runs)
    if not measured:
        return {"skipped": _skipped_figure(runs)}
    return {"bytes_and_memory": _bytes_memory_figure(measured), "training": _training_figure(measured)}


def _mean(values) -> float:
    return float(np.mean(values))


def table(runs: list[dict]) -> Table:
    measured = _measured(runs)
    headers = ["quantity", "setting", f"mean of {len(measured)} seeds"]
    if not measured:
        return Table(headers, [["not measured", str(runs[0]["skipped"]), ""]])
    rows = []
    for batch in sorted(measured[0]["dp_bytes_per_step"], key=int):
        rows.append(["bytes per step: data parallel", f"global batch {batch}",
                     _mean([r["dp_bytes_per_step"][batch] for r in measured])])  # fmt: skip
        for arrangement in ("rows", "all_gather"):
            rows.append([f"bytes per step: model parallel, {arrangement.replace('_', '-')}", f"global batch {batch}",
                         _mean([sum(r["mp_bytes"][batch][arrangement].values()) for r in measured])])  # fmt: skip
    memory = [r["memory"] for r in measured]
    rows.append(
        ["parameter bytes per process: unsplit", "", _mean([m["unsplit_parameter_bytes"] for m in memory])]
    )
    rows.append(["parameter bytes per process: model parallel", "",
                 _mean([max(m["model_parallel_parameter_bytes"]) for m in memory])])  # fmt: skip
    for key, what in (("one_process", "one process"), ("data_parallel", "data parallel"),
                      ("model_parallel", "model parallel")):  # fmt: skip
        rows.append([f"traced peak of a step (MiB): {what}", "largest process",
                     _mean([np.max(m[key]) / MIB for m in memory])])  # fmt: skip
    for kind, what in (("one_process", "one process"), ("data_parallel", "DDP")):
        runs_ = [r["training"][kind] for r in measured]
        lrs = ", ".join(f"{t['lr']:.3g}" for t in runs_)
        interior = "" if all(t["lr_interior"] for t in runs_) else " (on the grid's edge in some seed)"
        batch = measured[0]["training"]["effective_batch"][kind]
        rows.append([f"training: {what}, effective batch {batch}", f"lr chosen per seed: {lrs}{interior}",
                     f"test accuracy {_mean([t['test_accuracy'] for t in runs_]):.4f}, final training loss "
                     f"{_mean([t['train_loss'] for t in runs_]):.4f}"])  # fmt: skip
    same = [r["training"]["data_parallel_at_one_process_lr"] for r in measured]
    rows.append(["training: DDP at the one-process lr", "",
                 f"test accuracy {_mean([t['test_accuracy'] for t in same]):.4f}, final training loss "
                 f"{_mean([t['train_loss'] for t in same]):.4f}"])  # fmt: skip
    return Table(headers, rows)

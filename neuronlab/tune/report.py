"""What a search shows: a table of its trials, the best configuration, and a plot of the value
per trial with the best so far."""

from __future__ import annotations

import math
from pathlib import Path

import optuna
from optuna.trial import TrialState


def trials_table(study: optuna.Study) -> str:
    """One line per trial: number, state, value, epochs trained, seconds and parameters."""
    names = sorted({name for t in study.trials for name in t.params})
    header = ["#", "state", "value", "epochs", "seconds", *names]
    rows = [header]
    for t in study.trials:
        value = _value(t)
        rows.append([
            str(t.number), t.state.name.lower(), "—" if value is None else f"{value:.4f}",
            str(t.user_attrs.get("epochs", "")), f"{t.user_attrs.get('seconds', 0.0):.2f}",
            *[_fmt(t.params.get(name)) for name in names],
        ])  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def best_summary(study: optuna.Study) -> str:
    done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not done:
        return "no trial completed"
    best = study.best_trial
    params = ", ".join(f"{k}={_fmt(v)}" for k, v in best.params.items())
    extra = {k: v for k, v in best.user_attrs.items() if k not in ("seconds", "epochs")}
    shown = "".join(f", {k}={_fmt(v)}" for k, v in extra.items())
    return f"best: trial {best.number}, value {best.value:.4f}{shown}; {params}"


def plot_search(study: optuna.Study, path: str | Path, title: str | None = None) -> Path:
    """Value per trial (pruned trials at their last reported value, as ×) and the best so far."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minimize = study.direction == optuna.study.StudyDirection.MINIMIZE
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    best, xs, bests = None, [], []
    for t in study.trials:
        value = _value(t)
        if value is None or not math.isfinite(value):
            continue
        marker = "x" if t.state == TrialState.PRUNED else "o"
        ax.scatter(t.number, value, marker=marker, color="tab:gray" if marker == "x" else "tab:blue", s=18)
        if t.state == TrialState.COMPLETE:
            best = value if best is None or (value < best if minimize else value > best) else best
        if best is not None:
            xs.append(t.number)
            bests.append(best)
    ax.step(xs, bests, where="post", color="tab:red", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel("objective (validation loss)" if minimize else "objective")
    ax.set_title(title or study.study_name)
    ax.legend(loc="upper right")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _value(t) -> float | None:
    if t.state == TrialState.COMPLETE:
        return t.value
    if t.state == TrialState.PRUNED and t.intermediate_values:
        return t.intermediate_values[max(t.intermediate_values)]
    return None


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "" if v is None else str(v)

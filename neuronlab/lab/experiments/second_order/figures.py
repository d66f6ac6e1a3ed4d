"""second-order's figures and table, drawn from every seed's results (the wall-clock timings are
kept apart by the runner; the claims report them)."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter

from neuronlab.lab.experiment import Table
from neuronlab.lab.plots import new_figure


def figures(runs: list[dict]) -> dict:
    fig, (ax, bx) = new_figure(1, 2)
    n = [s["n"] for s in runs[0]["sizes"]]
    ax.loglog(n, [s["hvp_backward_passes"] for s in runs[0]["sizes"]], marker="o", label="one HVP")
    ax.loglog(n, [s["hessian_backward_passes"] for s in runs[0]["sizes"]], marker="s", label="full Hessian")
    ops = np.array([[s["gradient_graph"][0] / s["loss_graph"][0] for s in r["sizes"]] for r in runs])
    ax.set(xlabel="parameters P", ylabel="backward passes", title="Backward passes: 2 against P + 1")
    ax.legend()
    for key, label in (("hvp_vs_hessian", "HVP vs H·v"), ("hvp_vs_finite_differences", "HVP vs finite differences"),
                       ("power_vs_eigvalsh", "power iteration vs eigvalsh")):  # fmt: skip
        values = np.array([[max(s[key], 1e-17) for s in r["sizes"]] for r in runs])
        line = bx.loglog(n, values.mean(0), marker="o", label=label)[0]
        bx.fill_between(n, values.min(0), values.max(0), color=line.get_color(), alpha=0.2)
    bx.set(
        xlabel="parameters P",
        ylabel="relative difference",
        title=f"Agreement (mean and range, {len(runs)} seeds)",
    )
    ax.text(0.03, 0.3, f"the gradient's graph (create_graph=True)\nhas {ops.mean():.1f}× the ops of the loss's",
            transform=ax.transAxes, fontsize=8)  # fmt: skip
    for axis in (ax, bx):
        axis.xaxis.set_minor_formatter(NullFormatter())
    bx.legend(fontsize=7)
    return {"passes_and_agreement": fig}


def table(runs: list[dict]) -> Table:
    rows = []
    for i, first in enumerate(runs[0]["sizes"]):
        sizes = [r["sizes"][i] for r in runs]
        rows.append([first["width"], first["n"], f"{first['loss_graph'][0]} / {first['gradient_graph'][0]}",
                     float(np.mean([s["gradient_graph"][1] / s["loss_graph"][1] for s in sizes])),
                     f"{first['hvp_backward_passes']} / {first['hessian_backward_passes']}",
                     max(s["hvp_vs_hessian"] for s in sizes), max(s["hvp_vs_finite_differences"] for s in sizes),
                     max(s["power_vs_eigvalsh"] for s in sizes)])  # fmt: skip
    return Table(["width h", "parameters P", "ops: loss / gradient graph", "bytes: gradient / loss graph (mean)",
                  "backward passes: HVP / Hessian", "max ‖HVP − H·v‖/‖H·v‖", "max FD vs HVP (rel.)",
                  "max power vs eigvalsh (rel.)"], rows)  # fmt: skip

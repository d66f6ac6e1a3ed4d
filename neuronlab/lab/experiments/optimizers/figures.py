"""optimizers' figures and table, drawn from every seed's results."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import Table
from neuronlab.lab.experiments.optimizers.surfaces import surface_grid
from neuronlab.lab.plots import new_figure


def _lrs(values) -> str:
    return ", ".join(f"{x:.3g}" for x in sorted(set(values)))


def figures(runs: list[dict]) -> dict:
    return {"surfaces": _surfaces(runs), "digits": _digits(runs), "adagrad": _adagrad(runs)}


def _surfaces(runs: list[dict]):
    first = runs[0]
    fig, axes = new_figure(2, len(first["surfaces"]), width=4.6, height=3.8)
    for col, (name, surface) in enumerate(first["surfaces"].items()):
        ax = axes[0, col]
        X, Y, Z = surface_grid(name)
        ax.contour(X, Y, Z - Z.min() + 1e-3, levels=np.geomspace(1e-3, Z.max() - Z.min() + 1e-3, 18),
                   colors="0.7", linewidths=0.6)  # fmt: skip
        for opt_name, run in surface["runs"].items():
            path = np.array(run["path"])
            ax.plot(path[:, 0], path[:, 1], lw=1.2, label=f"{opt_name} (lr {run['lr']:.3g})")
        ax.plot(*surface["optimum"], "k*", markersize=10)
        ax.set_xlim(X.min(), X.max())
        ax.set_ylim(Y.min(), Y.max())
        ax.set_title(f"{name}: paths at each tuned lr (first seed)", fontsize="small")
        ax.legend(fontsize=6)
        ax = axes[1, col]
        for opt_name in surface["runs"]:
            curves = [
                np.maximum(r["surfaces"][name]["runs"][opt_name]["distance_curve"], 1e-12) for r in runs
            ]
            longest = max(len(c) for c in curves)
            padded = np.array(
                [np.pad(c, (0, longest - len(c)), mode="edge") for c in curves]
            )  # stopped early: flat
            line = ax.semilogy(np.exp(np.log(padded).mean(0)), label=opt_name)[0]
            ax.fill_between(range(longest), padded.min(0), padded.max(0), color=line.get_color(), alpha=0.15)
        ax.set_xlabel("step")
        ax.set_ylabel("distance to the optimum")
        ax.set_title(f"{name}: geometric mean and range over {len(runs)} seeds", fontsize="small")
        ax.legend(fontsize=6)
    return fig


def _digits(runs: list[dict]):
    fig, (ax1, ax2) = new_figure(1, 2, width=5.0)
    for name in runs[0]["digits"]:
        curves = np.array(
            [[np.nan if x is None else x for x in r["digits"][name]["train_loss_per_epoch"]] for r in runs]
        )
        epochs = np.arange(1, curves.shape[1] + 1)
        line = ax1.plot(epochs, np.nanmean(curves, 0), marker=".",
                        label=f"{name} (lr {_lrs(r['digits'][name]['lr'] for r in runs)})")[0]  # fmt: skip
        ax1.fill_between(
            epochs, np.nanmin(curves, 0), np.nanmax(curves, 0), color=line.get_color(), alpha=0.15
        )
    ax1.set_yscale("log")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training loss")
    ax1.set_title(f"digits MLP at each tuned lr ({len(runs)} seeds)")
    ax1.legend(fontsize=6)
    grid = runs[0]["sensitivity"]["grid"]
    for name in ("SGD", "Adam"):
        acc = np.array([r["sensitivity"][name]["val_accuracy"] for r in runs])
        line = ax2.semilogx(grid, acc.mean(0), "o-", label=name)[0]
        ax2.fill_between(grid, acc.min(0), acc.max(0), color=line.get_color(), alpha=0.2)
    threshold = runs[0]["usable"] * np.mean([r["sensitivity"]["best"] for r in runs])
    ax2.axhline(threshold, color="grey", ls=":", lw=0.8, label="usable (mean threshold)")
    ax2.set_xlabel("learning rate")
    ax2.set_ylabel(f"validation accuracy after {runs[0]['epochs']} epochs")
    ax2.set_title("sensitivity to the learning rate")
    ax2.legend()
    return fig


def _adagrad(runs: list[dict]):
    fig, ax = new_figure(width=5.5)
    for key, label in (("median_step_dense", "dense features"), ("median_step_sparse", "sparse features")):
        curves = np.array([r["adagrad"][key] for r in runs])
        steps = np.arange(1, curves.shape[1] + 1)
        line = ax.loglog(steps, np.exp(np.log(curves).mean(0)), label=label)[0]
        ax.fill_between(steps, curves.min(0), curves.max(0), color=line.get_color(), alpha=0.2)
    ax.set_xlabel("update")
    ax.set_ylabel("median effective step η/(√G + ε)")
    ax.set_title("Adagrad: the step only falls, more slowly for sparse features")
    ax.legend()
    return fig


def table(runs: list[dict]) -> Table:
    rows = []
    for name in runs[0]["digits"]:
        d = [r["digits"][name] for r in runs]
        valley = [r["surfaces"]["narrow valley"]["runs"][name] for r in runs]
        rosen = [r["surfaces"]["rosenbrock"]["runs"][name] for r in runs]
        accuracy = [x["test_accuracy"] for x in d]
        rows.append([name, _lrs(v["lr"] for v in rosen), _lrs(v["lr"] for v in valley), _lrs(x["lr"] for x in d),
                     all(x["lr_interior"] for x in d + valley + rosen), float(np.mean(accuracy)),
                     float(np.std(accuracy))])  # fmt: skip
    ref = [r["reference"] for r in runs]
    accuracy = [x["test_accuracy"] for x in ref]
    rows.append([f"reference recipe (Adam 1e-3, {ref[0]['epochs']} epochs, 80/20 split; published "
                 f"{ref[0]['published']:.1%})", "", "", "0.001", True, float(np.mean(accuracy)),
                 float(np.std(accuracy))])  # fmt: skip
    headers = ["optimizer", "rosenbrock: tuned lr", "narrow valley: tuned lr", "digits: tuned lr (per seed)",
               "every lr interior", "digits: test accuracy (mean)", "(std over seeds)"]  # fmt: skip
    return Table(headers, rows)

"""optimizers: SGD, Momentum, Adagrad, RMSprop and Adam on 2-D test surfaces (trajectories,
distance to the optimum) and on real data (loss curves, accuracy, sensitivity to the learning
rate) — 002 question 3."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments._gd_variants_helpers import digits_split
from neuronlab.lab.experiments._optimizers_helpers import (
    OPTIMIZERS,
    SURFACES,
    AdagradStepSize,
    descend,
    distances,
    steps_to,
    surface_grid,
)  # fmt: skip
from neuronlab.lab.plots import new_figure
from neuronlab.train import Trainer

NAME = "optimizers"
TITLE = "SGD, Momentum, Adagrad, RMSprop and Adam compared"
SEEDS = "002 question 3"
QUESTION_ZH = (
    "3. 优化器的作用与常见类型：常见的优化器有哪些？SGD（随机梯度下降）、带动量的 SGD（Momentum）、Adagrad、"
    "Adam（Adaptive Moment Estimation）——四种优化器的主要区别是什么？"
)
QUESTION_EN = (
    "3. What do optimizers do, and which are common? SGD, SGD with momentum, Adagrad and Adam: "
    "what are the main differences between them?"
)

TOL = 1e-3  # "reached the optimum" on a 2-D surface
USABLE = 0.9  # a learning rate is usable on digits when test accuracy reaches this


def _sizes(config: LabConfig) -> dict:
    return {
        "steps": config.pick(300, 100),
        "surface_lrs": config.pick([3e-3, 1e-2, 3e-2, 1e-1, 3e-1], [3e-3, 3e-2, 3e-1]),
        "digits_lrs": config.pick([1e-4, 1e-3, 1e-2, 1e-1, 1.0], [1e-3, 1e-2, 1e-1, 1.0]),
        "epochs": config.pick(10, 4),
        "n_train": config.pick(None, 500),
    }


def setup(config: LabConfig) -> str:
    s = _sizes(config)
    return (
        "Five optimizers from neuronlab.optim with PyTorch's defaults: SGD, SGD with momentum 0.9 "
        "(PyTorch's v ← μv + g, θ ← θ − ηv, the seed's v ← γv + η∇ up to where η is applied), Adagrad, "
        "RMSprop (α = 0.99) and Adam (β = 0.9, 0.999). 2-D surfaces, float64, autograd gradients: "
        "Rosenbrock from (−1.2, 1), the quadratic x²/20 + 5y² (condition number 100) from (−8, 1), and "
        f"the saddle x² − y² + y⁴/4 from (1, 0.001); up to {s['steps']} steps for each lr in "
        f"{s['surface_lrs']}, stopping early on convergence or divergence; the best lr is the one that "
        f"gets within {TOL} of the optimum soonest, else ends closest. Real data: an MLP 64-64-10 (ReLU) on "
        f"the 8×8 digits (stratified 80/20 split{'' if s['n_train'] is None else ', first ' + str(s['n_train'])}"
        f"), batch 64, {s['epochs']} epochs, the same initial weights and batch order for every run, "
        f"lr ∈ {s['digits_lrs']}; a learning rate counts as usable when test accuracy reaches {USABLE:.0%}."
    )


def _score(run: dict) -> tuple:
    """Reached the optimum (sooner is better), else ended closer, else diverged."""
    if run["steps_to_tol"] is not None:
        return (0, run["steps_to_tol"])
    return (1, run["distance"]) if run["distance"] is not None else (2, 0)


def _surface(name: str, sizes: dict) -> dict:
    optimum = SURFACES[name][2]
    runs = {}
    for opt_name, make in OPTIMIZERS.items():
        sweep = []
        for lr in sizes["surface_lrs"]:
            run = descend(name, make, lr, sizes["steps"])
            run["distance_curve"] = distances(run["path"], optimum)
            run["steps_to_tol"] = None if run["diverged"] else steps_to(run["distance_curve"], TOL)
            sweep.append(run)
        best = min(sweep, key=_score)
        runs[opt_name] = {
            "sweep": [{k: r[k] for k in ("lr", "distance", "diverged", "steps_to_tol")} for r in sweep],
            "best_lr": best["lr"], "best_distance": best["distance"], "best_steps_to_tol": best["steps_to_tol"],
            "path": best["path"], "distance_curve": best["distance_curve"],
        }  # fmt: skip
    return {"start": list(SURFACES[name][1]), "optimum": list(optimum), "runs": runs}


def _digits_run(make, lr: float, data, config: LabConfig, epochs: int, callbacks=()) -> dict:
    X_tr, y_tr, X_te, y_te = data
    manual_seed(config.seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    trainer = Trainer(model, make(model.parameters(), lr), nn.CrossEntropyLoss(), callbacks=list(callbacks),
                      progress=False)  # fmt: skip
    manual_seed(config.seed)
    history = trainer.fit((X_tr, y_tr), val=(X_te, y_te), epochs=epochs, batch_size=64)
    losses = history.column("train_loss", per="epoch")
    final = trainer.evaluate((X_tr, y_tr))["loss"]
    return {
        "lr": lr, "train_loss": final if math.isfinite(final) else None,
        "test_accuracy": _accuracy(trainer, X_te, y_te),
        "failed": not math.isfinite(final) or final >= math.log(10),
        "loss_curve": [x if math.isfinite(x) else None for x in losses.tolist()],
    }  # fmt: skip


def _accuracy(trainer, X, y) -> float:
    predicted = trainer.predict(X).numpy()
    return float(np.mean(np.nan_to_num(predicted).argmax(1) == y))


def _digits(config: LabConfig, sizes: dict) -> dict:
    data = digits_split(config.seed, sizes["n_train"])
    out = {}
    for name, make in OPTIMIZERS.items():
        sweep = [_digits_run(make, lr, data, config, sizes["epochs"]) for lr in sizes["digits_lrs"]]
        best = max(sweep, key=lambda r: r["test_accuracy"])
        out[name] = {
            "sweep": [{k: r[k] for k in ("lr", "train_loss", "test_accuracy", "failed")} for r in sweep],
            "best_lr": best["lr"], "best_accuracy": best["test_accuracy"], "loss_curve": best["loss_curve"],
            "usable_lrs": sum(r["test_accuracy"] >= USABLE for r in sweep),
        }  # fmt: skip
    probe = AdagradStepSize()
    _digits_run(OPTIMIZERS["Adagrad"], out["Adagrad"]["best_lr"], data, config, sizes["epochs"], [probe])
    out["adagrad_step_size_per_epoch"] = probe.per_epoch
    return out


def run(config: LabConfig) -> dict:
    sizes = _sizes(config)
    surfaces = {name: _surface(name, sizes) for name in SURFACES}
    return {**sizes, "tol": TOL, "usable": USABLE, "surfaces": surfaces, "digits": _digits(config, sizes)}


def figures(results: dict) -> dict:
    fig, axes = new_figure(1, 3, width=4.4, height=3.8)
    for ax, (name, surface) in zip(axes, results["surfaces"].items()):
        X, Y, Z = surface_grid(name)
        ax.contour(X, Y, Z - Z.min() + 1e-3, levels=np.geomspace(1e-3, Z.max() - Z.min() + 1e-3, 18),
                   colors="0.7", linewidths=0.6)  # fmt: skip
        for opt_name, run in surface["runs"].items():
            path = np.array(run["path"])
            ax.plot(path[:, 0], path[:, 1], lw=1.2, label=f"{opt_name} (lr {run['best_lr']:g})")
        ax.plot(*surface["optimum"], "k*", markersize=10)
        ax.set_xlim(X.min(), X.max())
        ax.set_ylim(Y.min(), Y.max())
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(f"{name}: paths at each optimizer's best lr")
        ax.legend(fontsize=7)
    return {"trajectories": fig, "distance": _distance_figure(results), "digits": _digits_figure(results)}


def _distance_figure(results: dict):
    fig, axes = new_figure(1, 3, width=4.4)
    for ax, (name, surface) in zip(axes, results["surfaces"].items()):
        for opt_name, run in surface["runs"].items():
            ax.semilogy(np.maximum(run["distance_curve"], 1e-12), label=opt_name)
        ax.axhline(results["tol"], color="grey", ls=":", lw=0.8)
        ax.set_xlabel("step")
        ax.set_ylabel("distance to the optimum")
        ax.set_title(name)
        ax.legend(fontsize=7)
    return fig


def _digits_figure(results: dict):
    fig, (ax1, ax2) = new_figure(1, 2)
    for name, r in results["digits"].items():
        if name == "adagrad_step_size_per_epoch":
            continue
        curve = [np.nan if x is None else x for x in r["loss_curve"]]
        ax1.plot(range(1, len(curve) + 1), curve, marker=".", label=f"{name} (lr {r['best_lr']:g})")
        ax2.semilogx(
            [s["lr"] for s in r["sweep"]], [s["test_accuracy"] for s in r["sweep"]], "o-", label=name
        )
    ax1.set_yscale("log")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training loss")
    ax1.set_title("digits MLP at each optimizer's best lr")
    ax1.legend()
    ax2.axhline(results["usable"], color="grey", ls=":", lw=0.8)
    ax2.set_xlabel("learning rate")
    ax2.set_ylabel(f"test accuracy after {results['epochs']} epochs")
    ax2.set_title("sensitivity to the learning rate")
    ax2.legend()
    return fig


def table(results: dict) -> Table:
    rows = []
    for name in results["digits"]:
        if name == "adagrad_step_size_per_epoch":
            continue
        row = [name]
        for surface in results["surfaces"].values():
            run = surface["runs"][name]
            row += [run["best_lr"], run["best_distance"], run["best_steps_to_tol"]]
        d = results["digits"][name]
        row += [d["best_lr"], d["best_accuracy"], f"{d['usable_lrs']} of {len(d['sweep'])}"]
        rows.append(row)
    headers = ["optimizer"]
    for s in results["surfaces"]:
        headers += [f"{s}: best lr", f"{s}: final distance", f"{s}: steps to {results['tol']}"]
    headers += ["digits: best lr", "digits: test accuracy", f"digits: lrs reaching {results['usable']:.0%}"]
    return Table(headers, rows)


def conclusion(results: dict) -> str:
    parts = [_surface_sentence(name, s) for name, s in results["surfaces"].items()]
    parts.append(_digits_sentence(results))
    parts.append(_claims_sentence(results))
    return " ".join(parts)


def _outcome(run: dict) -> str:
    if run["best_distance"] is None:
        return "diverged at every lr tried"
    if run["best_steps_to_tol"] is not None:
        return (
            f"reached the optimum (within {TOL}) in {run['best_steps_to_tol']} steps at lr {run['best_lr']:g}"
        )
    return f"ended {run['best_distance']:.3g} from the optimum at its best lr {run['best_lr']:g}"


def _surface_sentence(name: str, surface: dict) -> str:
    runs = surface["runs"]
    ranked = sorted(runs, key=lambda k: _score({"steps_to_tol": runs[k]["best_steps_to_tol"],
                                                "distance": runs[k]["best_distance"]}))  # fmt: skip
    diverged = {k: [s["lr"] for s in r["sweep"] if s["diverged"]] for k, r in runs.items()}
    diverged = {k: v for k, v in diverged.items() if v}
    div_text = ("; diverged: " + ", ".join(f"{k} at lr {', '.join(f'{x:g}' for x in v)}" for k, v in diverged.items())
                if diverged else "; no optimizer diverged at any lr tried")  # fmt: skip
    return (
        f"On the {name} surface {ranked[0]} did best: it {_outcome(runs[ranked[0]])}; {ranked[-1]} did worst: "
        f"it {_outcome(runs[ranked[-1]])}{div_text}."
    )


def _digits_sentence(results: dict) -> str:
    d = {k: v for k, v in results["digits"].items() if k != "adagrad_step_size_per_epoch"}
    best = max(d, key=lambda k: d[k]["best_accuracy"])
    acc = ", ".join(f"{k} {v['best_accuracy']:.1%} (lr {v['best_lr']:g})" for k, v in d.items())
    usable = ", ".join(f"{k} {v['usable_lrs']}" for k, v in d.items())
    failed = {k: [s["lr"] for s in v["sweep"] if s["failed"]] for k, v in d.items()}
    failed_text = ", ".join(f"{k} at lr {', '.join(f'{x:g}' for x in v)}" for k, v in failed.items() if v)
    return (
        f"On the digits, best test accuracy after {results['epochs']} epochs: {acc} — {best} highest "
        f"(reference: a PyTorch 64-64-10 MLP with Adam lr 1e-3 reaches 97.3% after 100 epochs). Learning "
        f"rates of the {len(d[best]['sweep'])} tried that reached {results['usable']:.0%}: {usable}"
        + (f"; training failed (loss not below its start) for {failed_text}." if failed_text else ".")
    )


def _claims_sentence(results: dict) -> str:
    d = results["digits"]
    steps = d["adagrad_step_size_per_epoch"]
    usable = {k: v["usable_lrs"] for k, v in d.items() if k != "adagrad_step_size_per_epoch"}
    most = max(usable.values())
    adam_text = (
        f"Adam's usable range ({usable['Adam']} lrs) was the widest, as the seed says"
        if usable["Adam"] == most and sum(u == most for u in usable.values()) == 1
        else f"Adam's usable range ({usable['Adam']} lrs) was NOT wider than every other's "
        f"(widest: {', '.join(k for k, u in usable.items() if u == most)} with {most}), so the seed's "
        "'insensitive to hyperparameters' is not borne out here beyond Adam working across a band of lrs"
    )
    shrink = steps[0] / steps[-1]
    adagrad = (
        "the shrinking learning rate the seed warns about"
        if shrink >= 2
        else f"a mild decay that did not stall training here (Adagrad reached {d['Adagrad']['best_accuracy']:.1%})"
    )
    return (
        f"{adam_text}. Adagrad's effective step lr/√s (median over weights) fell from {steps[0]:.3g} after "
        f"epoch 1 to {steps[-1]:.3g} after epoch {len(steps)} ({shrink:.1f}×), {adagrad}. "
        + _momentum_sentence(results)
    )


def _momentum_sentence(results: dict) -> str:
    valley = results["surfaces"]["narrow valley"]["runs"]
    mom, sgd = (math.inf if valley[k]["best_distance"] is None else valley[k]["best_distance"]
                for k in ("Momentum", "SGD"))  # fmt: skip
    d = {k: v for k, v in results["digits"].items() if k != "adagrad_step_size_per_epoch"}
    slowest = min(d, key=lambda k: d[k]["best_accuracy"])
    text = (
        f"In the narrow valley momentum ended {mom:.2g} from the optimum against plain SGD's {sgd:.2g}"
        + (": accumulated velocity crosses the flat direction that SGD, held to a small lr by the steep one, "
           "crawls along." if mom < sgd else ", so momentum did NOT help in this valley.")
    )  # fmt: skip
    return text + (
        f" On the digits plain SGD had the lowest best accuracy ({d['SGD']['best_accuracy']:.1%}), the slow "
        "convergence the seed attributes to it."
        if slowest == "SGD"
        else f" On the digits the lowest best accuracy was {slowest}'s ({d[slowest]['best_accuracy']:.1%}), not SGD's."
    )

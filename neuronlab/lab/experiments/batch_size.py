"""batch-size: epoch, iteration and batch defined and counted, and what the batch size
changes — speed, gradient noise, final accuracy — with the linear learning-rate scaling rule
put to the test (000/001 A2.1, 002 question 6)."""

from __future__ import annotations

import math

import numpy as np

from neuronlab import nn, optim
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments._batch_size_helpers import activation_values, count_check, gradient_cosines
from neuronlab.lab.experiments._gd_variants_helpers import digits_split
from neuronlab.lab.plots import new_figure
from neuronlab.train import Trainer

NAME = "batch-size"
TITLE = "Epoch, iteration and batch; what the batch size changes"
SEEDS = "000/001 A2.1; 002 question 6"
QUESTION_ZH = (
    "A2.1 (5 points) 尝试解释Epoch、Iteration、Batch几个概念及其不同，尝试说明batch_size的选择依据和影响\n\n"
    "6. 神经网络训练中的超参数：batch size：该超参数对模型的训练效率和稳定性有着显著影响。"
)
QUESTION_EN = (
    "A2.1 Explain the concepts epoch, iteration and batch and how they differ; explain how to "
    "choose batch_size and what it affects.\n\n"
    "6. Hyperparameters of training: the batch size has a marked effect on training efficiency "
    "and stability."
)

BASE_BATCH, BASE_LR = 16, 0.05
SPEED_SAMPLES = 384
HIDDEN = 64


def _sizes(config: LabConfig) -> dict:
    return {
        "n_train": config.pick(None, 400),
        "epochs": config.pick(20, 4),
        "batches": [4, 16, 64, 256],
        "speed_batches": [1, 4, 16, 64, 256, None],
        "speed_epochs": config.pick(3, 2),
        "noise_samples": config.pick(500, 300),
        "noise_draws": config.pick(100, 40),
    }


def setup(config: LabConfig) -> str:
    s = _sizes(config)
    n = "all 1437" if s["n_train"] is None else f"the first {s['n_train']}"
    return (
        "A2.1's original answer trains on MNIST-sized images; here scikit-learn's 8×8 digits stand in "
        f"(shipped with the package; stratified 80/20 split, {n} training images). Counting: Trainer.fit "
        "on 250 samples for 2 epochs with 7 batch sizes, with and without drop_last, against "
        f"ceil(N/b) (floor(N/b) with drop_last). Speed: an MLP 64-{HIDDEN}-10 (ReLU) on {SPEED_SAMPLES} "
        f"images, the fastest of {s['speed_epochs']} epochs per batch size in {s['speed_batches']} (None = all "
        f"{SPEED_SAMPLES}), scaled to the whole training set. Accuracy: the same MLP "
        f"trained with plain SGD for {s['epochs']} epochs at b ∈ {s['batches']}, once with a fixed "
        f"lr = {BASE_LR} and once with the linear scaling rule lr = {BASE_LR}·b/{BASE_BATCH}, the same "
        f"initial weights for every run. Gradient noise: at the initial weights, the cosine between a "
        f"batch gradient and the full gradient of {s['noise_samples']} samples, over {s['noise_draws']} "
        "random batches per size."
    )


def _model(seed: int) -> nn.Module:
    manual_seed(seed)
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def _speed(data, config: LabConfig, sizes: dict) -> list[dict]:
    """Throughput per batch size on the first SPEED_SAMPLES training images: the fastest of
    ``speed_epochs`` epochs (the minimum is the least disturbed by other work on the machine);
    seconds per epoch are for the whole training set at that throughput."""
    X_tr, y_tr = data[0][:SPEED_SAMPLES], data[1][:SPEED_SAMPLES]
    n = len(data[0])
    rows = []
    for b in sizes["speed_batches"]:
        model = _model(config.seed)
        trainer = Trainer(
            model, optim.SGD(model.parameters(), lr=BASE_LR), nn.CrossEntropyLoss(), progress=False
        )
        history = trainer.fit((X_tr, y_tr), epochs=sizes["speed_epochs"], batch_size=b)
        rate = len(X_tr) / float(np.min(history.column("time", per="epoch")))
        per_iteration = (b or len(X_tr)) / rate
        rows.append({"batch_size": b or len(X_tr), "samples_per_second": rate, "seconds_per_epoch": n / rate,
                     "seconds_per_iteration": per_iteration,
                     "activation_values": activation_values(model, X_tr[: b or len(X_tr)])})  # fmt: skip
    return rows


def _train(b: int, lr: float, data, config: LabConfig, epochs: int) -> dict:
    X_tr, y_tr, X_te, y_te = data
    model = _model(config.seed)
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=lr), nn.CrossEntropyLoss(), metrics=["accuracy"],
                      progress=False)  # fmt: skip
    manual_seed(config.seed)
    history = trainer.fit((X_tr, y_tr), val=(X_te, y_te), epochs=epochs, batch_size=b)
    last_epoch = [s["loss"] for s in history.steps if s["epoch"] == epochs]
    train = trainer.evaluate((X_tr, y_tr))
    test = trainer.evaluate((X_te, y_te))
    return {
        "batch_size": b, "lr": lr, "iterations": trainer.iteration, "samples": trainer.samples_seen,
        "steps_recorded": len(history.steps), "iterations_per_epoch": trainer.iterations_per_epoch,
        "train_loss": train["loss"], "train_accuracy": train["accuracy"], "test_accuracy": test["accuracy"],
        "diverged": not math.isfinite(train["loss"]),
        "test_accuracy_per_epoch": history.column("val_accuracy", per="epoch").tolist(),
        "last_epoch_batch_losses": last_epoch, "last_epoch_loss_std": float(np.std(last_epoch)),
    }  # fmt: skip


def run(config: LabConfig) -> dict:
    sizes = _sizes(config)
    data = digits_split(config.seed, sizes["n_train"])
    fixed = [_train(b, BASE_LR, data, config, sizes["epochs"]) for b in sizes["batches"]]
    scaled = [_train(b, BASE_LR * b / BASE_BATCH, data, config, sizes["epochs"]) for b in sizes["batches"]]
    rng = np.random.default_rng(config.seed)
    noise_X, noise_y = data[0][: sizes["noise_samples"]], data[1][: sizes["noise_samples"]]
    cosines = gradient_cosines(_model(config.seed), nn.CrossEntropyLoss(), noise_X, noise_y,
                               [1, *sizes["batches"]], sizes["noise_draws"], rng)  # fmt: skip
    return {**sizes, "n_train": len(data[0]), "base_batch": BASE_BATCH, "base_lr": BASE_LR,
            "counting": count_check(config.seed), "speed": _speed(data, config, sizes), "fixed_lr": fixed,
            "scaled_lr": scaled, "noise": cosines}  # fmt: skip


def figures(results: dict) -> dict:
    fig, (ax1, ax2) = new_figure(1, 2)
    b = [r["batch_size"] for r in results["speed"]]
    ax1.loglog(b, [r["samples_per_second"] for r in results["speed"]], "o-", label="samples / s")
    ax1.loglog(b, [1 / r["seconds_per_iteration"] for r in results["speed"]], "s--", label="iterations / s")
    ax1.set_xlabel("batch size")
    ax1.set_ylabel("throughput")
    ax1.set_title("speed against batch size")
    ax1.legend()
    ax2.loglog(b, [r["seconds_per_epoch"] for r in results["speed"]], "o-", label="one epoch")
    ax2.set_xlabel("batch size")
    ax2.set_ylabel("seconds per epoch")
    ax2.set_title("time for one pass over the data")
    ax2.legend()
    return {"speed": fig, "accuracy": _accuracy_figure(results), "noise": _noise_figure(results)}


def _accuracy_figure(results: dict):
    fig, (ax1, ax2) = new_figure(1, 2)
    for key, label in (("fixed_lr", f"fixed lr {results['base_lr']}"), ("scaled_lr", "lr ∝ batch size")):
        runs = results[key]
        ax1.semilogx([r["batch_size"] for r in runs], [r["test_accuracy"] for r in runs], "o-", label=label)
    ax1.set_xlabel("batch size")
    ax1.set_ylabel(f"test accuracy after {results['epochs']} epochs")
    ax1.set_title("linear learning-rate scaling")
    ax1.legend()
    for r in results["fixed_lr"]:
        acc = r["test_accuracy_per_epoch"]
        ax2.plot(range(1, len(acc) + 1), acc, label=f"b = {r['batch_size']}")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("test accuracy")
    ax2.set_title(f"fixed lr {results['base_lr']}: accuracy per epoch")
    ax2.legend()
    return fig


def _noise_figure(results: dict):
    fig, (ax1, ax2) = new_figure(1, 2)
    noise = results["noise"]
    ax1.semilogx(noise["batch_sizes"], noise["mean_cosine"], "o-", label="mean cos(g_B, g)")
    ax1.set_xlabel("batch size")
    ax1.set_ylabel("cosine with the full gradient")
    ax1.set_title("how well a batch gradient points")
    ax1.legend()
    for r in results["fixed_lr"]:
        losses = r["last_epoch_batch_losses"]
        ax2.plot(np.linspace(0, 1, len(losses)), losses, label=f"b = {r['batch_size']}")
    ax2.set_xlabel("fraction of the last epoch")
    ax2.set_ylabel("batch loss")
    ax2.set_title("per-iteration loss (fixed lr)")
    ax2.legend()
    return fig


def table(results: dict) -> Table:
    speed = {r["batch_size"]: r for r in results["speed"]}
    cos = dict(zip(results["noise"]["batch_sizes"], results["noise"]["mean_cosine"]))
    rows = []
    for f, s in zip(results["fixed_lr"], results["scaled_lr"]):
        b = f["batch_size"]
        sp = speed.get(b, {})
        rows.append([b, math.ceil(results["n_train"] / b), f["iterations_per_epoch"], sp.get("seconds_per_epoch"),
                     sp.get("samples_per_second"), cos.get(b), f["last_epoch_loss_std"], f["test_accuracy"],
                     s["lr"], s["test_accuracy"], s["train_accuracy"] - s["test_accuracy"]])  # fmt: skip
    headers = ["batch", "iterations/epoch ceil(N/b)", "iterations/epoch (Trainer)", "seconds/epoch", "samples/s",
               "cos(g_B, g)", "batch-loss std (last epoch)", f"test acc, lr {results['base_lr']}",
               "scaled lr", "test acc, scaled lr", "train − test acc, scaled lr"]  # fmt: skip
    return Table(headers, rows)


def conclusion(results: dict) -> str:
    return " ".join([_counting_sentence(results), _speed_sentence(results), _noise_sentence(results),
                     _scaling_sentence(results)])  # fmt: skip


def _counting_sentence(results: dict) -> str:
    checks = results["counting"]
    ok = sum(c["matches"] for c in checks)
    runs = results["fixed_lr"]
    digits_ok = all(r["iterations"] == r["iterations_per_epoch"] * results["epochs"] == r["steps_recorded"]
                    and r["samples"] == results["n_train"] * results["epochs"] for r in runs)  # fmt: skip
    example = runs[0]
    return (
        f"An epoch is one pass over all N samples, an iteration one update on one batch of b samples, so an "
        f"epoch has ceil(N/b) iterations: Trainer's counters matched the formula in {ok} of {len(checks)} "
        f"(N, b, drop_last) cases (floor(N/b) with drop_last), and in the digits runs "
        f"{'every' if digits_ok else 'NOT every'} count agreed — e.g. N = {results['n_train']}, "
        f"b = {example['batch_size']}: {example['iterations_per_epoch']} iterations per epoch, "
        f"{example['iterations']} in {results['epochs']} epochs, {example['samples']} samples seen."
    )


def _speed_sentence(results: dict) -> str:
    speed = results["speed"]
    small, large = speed[0], speed[-1]
    gain = large["samples_per_second"] / small["samples_per_second"]
    values = large["activation_values"] / small["activation_values"]
    return (
        f"Throughput went from {small['samples_per_second']:.0f} samples/s at b = {small['batch_size']} to "
        f"{large['samples_per_second']:.0f} at b = {large['batch_size']} ({gain:.0f}×"
        + (", so a larger batch does train faster per epoch" if gain > 1 else ": no speed-up from batching")
        + f"; an epoch over all {results['n_train']} images takes {small['seconds_per_epoch']:.3f} s against "
        f"{large['seconds_per_epoch']:.4f} s), while the activations a forward pass holds grew {values:.0f}× — "
        "the memory limit A2.1 names."
    )


def _noise_sentence(results: dict) -> str:
    noise = results["noise"]
    cos, b = noise["mean_cosine"], noise["batch_sizes"]
    fixed = results["fixed_lr"]
    std_small, std_large = fixed[0]["last_epoch_loss_std"], fixed[-1]["last_epoch_loss_std"]
    return (
        f"Smaller batches are noisier: a single sample's gradient had a mean cosine of {cos[0]:.2f} with the "
        f"full gradient, a batch of {b[-1]} {cos[-1]:.2f}; the per-iteration loss in the last epoch "
        f"fluctuated with std {std_small:.3f} at b = {fixed[0]['batch_size']} and {std_large:.3f} at "
        f"b = {fixed[-1]['batch_size']}."
    )


def _scaling_sentence(results: dict) -> str:
    fixed, scaled = results["fixed_lr"], results["scaled_lr"]
    acc_f = [r["test_accuracy"] for r in fixed]
    acc_s = [r["test_accuracy"] for r in scaled]
    b = [r["batch_size"] for r in fixed]
    spread_f, spread_s = max(acc_f) - min(acc_f), max(acc_s) - min(acc_s)
    diverged = [r["batch_size"] for r in scaled if r["diverged"]]
    verdict = (
        "the rule held: scaling the learning rate with the batch size kept the accuracy far more even"
        if spread_s < spread_f / 2
        else "the rule did NOT even out the accuracy here"
    )
    return (
        f"With a fixed lr = {results['base_lr']} and {results['epochs']} epochs, test accuracy went "
        + ", ".join(f"{a:.1%} (b = {x})" for a, x in zip(acc_f, b))
        + f"{': larger batches make fewer updates per epoch and fall behind' if acc_f[-1] < acc_f[0] else ''}. "
        + "With lr ∝ b it went "
        + ", ".join(f"{a:.1%} (lr {r['lr']:.3g})" for a, r in zip(acc_s, scaled))
        + f"; {verdict} (spread {spread_s:.1%} against {spread_f:.1%})"
        + (f", though b = {diverged} diverged" if diverged else "")
        + " (reference: a PyTorch 64-64-10 MLP trained with Adam reaches 97.3% on this split). "
        + _best_batch_sentence(results)
    )


def _best_batch_sentence(results: dict) -> str:
    scaled = results["scaled_lr"]
    acc = [r["test_accuracy"] for r in scaled]
    gaps = [r["train_accuracy"] - r["test_accuracy"] for r in scaled]
    best = int(np.argmax(acc))
    b = [r["batch_size"] for r in scaled]
    if max(acc) - min(acc) < 0.02:
        choice = (f"Once the lr is scaled no batch size is clearly best: all runs lie within "
                  f"{max(acc) - min(acc):.1%} of each other (best b = {b[best]}), so the choice is about speed "
                  "and memory")  # fmt: skip
    else:
        where = "a middle batch size, as A2.1 suggests" if 0 < best < len(b) - 1 else "an end of the range"
        choice = f"The best scaled run used b = {b[best]} ({acc[best]:.1%}), {where}"
    trend = "widened" if gaps[-1] > gaps[0] + 0.01 else "did not widen"
    return (
        f"{choice}. The generalization gap (train − test accuracy) with scaled lr was {gaps[0]:.1%} at "
        f"b = {b[0]} and {gaps[-1]:.1%} at b = {b[-1]}: it {trend} with the batch size"
        + ("." if trend == "widened" else ", so this run shows no large-batch generalization penalty.")
    )

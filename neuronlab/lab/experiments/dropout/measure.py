"""dropout's measurements on MNIST-1D: every variant of d2l §4.6's MLP trained with its own
setting chosen on validation data (``tune``), the activation variance per epoch, the test-time
analysis of a dropout net, and DropConnect's cost per step timed alternately with dropout's."""

from __future__ import annotations

import numpy as np

from neuronlab import nn, optim
from neuronlab.bench.timing import measure_interleaved
from neuronlab.datasets import load_mnist1d
from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.random import manual_seed
from neuronlab.lab.experiments.dropout.networks import (
    RATES,
    cross_entropy,
    hidden_activations,
    mlp,
    scaled_eval_logits,
    stochastic_probabilities,
)
from neuronlab.lab.references import mnist1d_reference
from neuronlab.lab.tuning import tune
from neuronlab.ops.creation import tensor
from neuronlab.train import Trainer
from neuronlab.train.callbacks import Callback

N_TRAIN, N_VAL = 1000, 500  # drawn per seed from MNIST-1D's 4000 training signals; test: its 1000
BATCH, MOMENTUM = 100, 0.9
LR_GRID = [0.03, 0.1, 0.3]  # SGD (momentum 0.9) learning rates, widened by tune when the best is on an edge
LAMBDA_GRID = [3e-4, 3e-3, 3e-2]  # weight decay λ (SGD's coupled weight_decay = the L2 penalty's gradient)
NOISE_GRID = [0.03, 0.1, 0.3]  # σ of the additive Gaussian noise on every hidden activation
PROBE = 256  # training signals whose hidden activations are probed after every epoch
PASSES = 20  # stochastic forward passes of the test-time analysis
SWAPPED = RATES[::-1]


def split(seed: int) -> dict:
    """Training and validation signals drawn per seed from MNIST-1D's training part; the test
    part is MNIST-1D's own 1000 signals."""
    X, y, X_test, y_test = load_mnist1d()
    order = np.random.default_rng(seed).permutation(len(y))
    train, val = order[:N_TRAIN], order[N_TRAIN : N_TRAIN + N_VAL]
    return {"train": (X[train], y[train]), "val": (X[val], y[val]), "test": (X_test, y_test)}


class VarianceProbe(Callback):
    """The variance of every hidden layer's activations (eval mode, on a fixed probe batch) at
    the start and after every epoch."""

    def __init__(self, X) -> None:
        self.X, self.variance = tensor(X), []

    def _record(self, trainer) -> None:
        self.variance.append([float(h.var()) for h in hidden_activations(trainer.model, self.X)])

    def on_fit_start(self, trainer) -> None:
        self._record(trainer)

    def on_epoch_end(self, trainer, record: dict) -> None:
        self._record(trainer)


def fit(data: dict, hidden: int, epochs: int, seed: int, kind: str = "plain", lr: float = 0.03,
        weight_decay: float = 0.0, rates=RATES, noise_std: float = 0.0) -> dict:  # fmt: skip
    """SGD with momentum on cross-entropy, batch 100, ``epochs`` epochs (a fixed budget).
    Weight decay is the optimizer's (it never enters the loss), so every reported loss is the
    data loss. Returns the validation curves, final train/val/test numbers, the variance probe
    and the model."""
    manual_seed(seed)
    model = mlp(hidden, kind, rates, noise_std)
    probe = VarianceProbe(data["train"][0][:PROBE])
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM, weight_decay=weight_decay),
                      nn.CrossEntropyLoss(), metrics=["accuracy"], callbacks=[probe], progress=False)  # fmt: skip
    history = trainer.fit(data["train"], val=data["val"], epochs=epochs, batch_size=BATCH)
    final = {part: trainer.evaluate(data[part]) for part in ("train", "val", "test")}
    return {
        **{f"{part}_{k}": float(final[part][k]) for part in final for k in ("loss", "accuracy")},
        "val_loss_curve": history.column("val_loss", per="epoch").tolist(),
        "val_accuracy_curve": history.column("val_accuracy", per="epoch").tolist(),
        "train_loss_curve": history.column("train_loss", per="epoch").tolist(),
        "variance": probe.variance,
        "model": model,
    }


def late_swing(curve: list[float]) -> float:
    """Mean |change| of a per-epoch curve from one epoch to the next over its second half."""
    c = np.asarray(curve, dtype=np.float64)
    return float(np.abs(np.diff(c[len(c) // 2 :])).mean())


def summary(run: dict) -> dict:
    out = {k: v for k, v in run.items() if k != "model"}
    out["late_swing"] = late_swing(run["val_loss_curve"])
    return out


def tuned(
    data: dict, hidden: int, epochs: int, seed: int, key: str, grid: list[float], **fixed
) -> tuple[dict, object]:
    """Fit for every value of ``key`` on ``grid`` (widened until the best validation accuracy
    is interior); the chosen run's summary with the choice recorded, and its model."""
    runs = {}

    def val_accuracy(value: float) -> float:
        runs[value] = fit(data, hidden, epochs, seed, **fixed, **{key: value})
        return runs[value]["val_accuracy"]

    result = tune(val_accuracy, grid, higher_is_better=True, max_widen=2)
    chosen = runs[result["best"]]
    out = summary(chosen)
    out.update(tuned=key, chosen=result["best"], interior=result["interior"], grid=result["grid"],
               val_by_value=result["scores"])  # fmt: skip
    return out, chosen["model"]


def test_time(model, data: dict) -> dict:
    """Why dropout is off at test time: eval mode (one deterministic pass) against single
    stochastic passes and their Monte-Carlo average, and the seed's (1 − p) rescaling at test time."""
    X, y = data["test"]
    Xt = tensor(X)
    logits = scaled_eval_logits(model, Xt)
    eval_logits = _eval_logits(model, Xt)
    stochastic = stochastic_probabilities(model, Xt, PASSES)
    accuracy = lambda p: float((p.argmax(1) == y).mean())  # noqa: E731
    singles = [accuracy(p) for p in stochastic]
    return {
        "eval_accuracy": accuracy(eval_logits),
        "eval_loss": cross_entropy(eval_logits, y),
        "single_pass_accuracy": float(np.mean(singles)),
        "mc_accuracy": accuracy(np.mean(stochastic, axis=0)),
        "passes": PASSES,
        "scaled_accuracy": accuracy(logits),
        "scaled_loss": cross_entropy(logits, y),
    }


def _eval_logits(model, X) -> np.ndarray:
    model.eval()
    with no_grad():
        return model(X).numpy()


def step_timings(data: dict, hidden: int, seed: int, repeats: int, inner: int = 5) -> dict:
    """One SGD step of the dropout net and of the DropConnect net (same rates, same batch),
    timed alternately in this process: min and median of ``repeats`` batches of ``inner`` steps."""
    X, y = data["train"][0][:BATCH], data["train"][1][:BATCH]
    X, y = tensor(X), tensor(y)
    steps = {}
    for kind in ("dropout", "dropconnect"):
        manual_seed(seed)
        model = mlp(hidden, kind)
        opt = optim.SGD(model.parameters(), lr=0.01, momentum=MOMENTUM)
        loss_fn = nn.CrossEntropyLoss()

        def step(model=model, opt=opt, loss_fn=loss_fn) -> None:
            opt.zero_grad()
            loss_fn(model(X), y).backward()
            opt.step()

        steps[kind] = step
    times = measure_interleaved(steps, repeats=repeats, warmup=2, inner=inner)
    return {f"{k}_step_{stat}_seconds": getattr(t, attr) for k, t in times.items()
            for stat, attr in (("min", "low"), ("median", "median"))}  # fmt: skip


def run(config, seed: int) -> dict:
    from neuronlab.lab.experiments.dropout import SIZES

    s = config.sizes(SIZES)
    hidden, epochs = s["hidden"], s["epochs"]
    data = split(seed)
    common = (data, hidden, epochs, seed)
    variants, models = {}, {}
    for name, kind, rates in (("none", "plain", RATES), ("dropout", "dropout", RATES),
                              ("swapped", "dropout", SWAPPED), ("dropconnect", "dropconnect", RATES)):  # fmt: skip
        variants[name], models[name] = tuned(*common, "lr", LR_GRID, kind=kind, rates=rates)
    lr_none = variants["none"]["chosen"]
    variants["weight_decay"], _ = tuned(*common, "weight_decay", LAMBDA_GRID, lr=lr_none)
    # both: dropout at its tuned lr with weight decay at its tuned λ — each at the setting that was best
    # alone, which is what "are the effects additive?" asks about
    both = fit(*common, kind="dropout", lr=variants["dropout"]["chosen"],
               weight_decay=variants["weight_decay"]["chosen"])  # fmt: skip
    variants["both"] = summary(both)
    variants["noise"], _ = tuned(*common, "noise_std", NOISE_GRID, kind="noise", lr=lr_none)
    # the swapped rates at dropout's lr too: their fluctuation compared at one lr, since the swing of a
    # curve grows with the lr itself
    swapped_same_lr = summary(fit(*common, kind="dropout", rates=SWAPPED, lr=variants["dropout"]["chosen"]))
    return {
        "hidden": hidden,
        "epochs": epochs,
        "variants": variants,
        "swapped_at_dropout_lr": swapped_same_lr,
        "test_time": test_time(models["dropout"], data),
        "reference": mnist1d_reference("mlp", seed, s["reference_steps"]),
        # the GRU recipe against the same MLP recipe at one (small) budget: what the architecture buys
        "families": {
            "steps": s["gru_steps"],
            **{kind: mnist1d_reference(kind, seed, s["gru_steps"]) for kind in ("gru", "mlp")},
        },
        "timings": step_timings(data, hidden, seed, s["timing_repeats"]),
    }

"""memory: how much memory training needs against prediction, predicted by a formula and by
``estimate_memory`` and measured by ``measure_memory``, for MLPs and a CNN across batch sizes,
depths and optimizers (003 §4.7 exercises 3 and 4)."""

from __future__ import annotations

import numpy as np

from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _memory_helpers as h
from neuronlab.lab.plots import new_figure

NAME = "memory"
TITLE = "Memory for training and for prediction: predicted against measured"
SEEDS = "003 §4.7 exercises 3 and 4"
QUESTION_ZH = (
    "给出模型为：带权重衰减（L2正则化）的单隐藏层多层感知机\n"
    "3. 计算模型用于训练和预测的内存占用\n"
    "（种子答案：参数内存 4P 字节，P = dh + h + hc + c；激活值内存 4b(2h + 2c) 字节；梯度内存 4P 字节。）\n"
    "4. 计算本节所描述的模型，用于训练和预测的内存占用。\n（种子答案：略）"
)
QUESTION_EN = (
    "The model: a one-hidden-layer MLP with weight decay (L2 regularization).\n"
    "3. Compute the memory footprint of the model for training and for prediction.\n(The seed's answer: "
    "parameters 4P bytes with P = dh + h + hc + c; activations 4b(2h + 2c) bytes; gradients 4P bytes.)\n"
    "4. Compute the memory footprint for training and prediction of the model described in this section.\n"
    "(The seed leaves it out.)"
)

OPTIMIZERS = ("sgd", "sgd_momentum", "adam")
SWEEP_OPTIMIZER = "adam"


def _sizes(config: LabConfig) -> dict:
    return {
        "mlp_batches": config.pick([1, 16, 64, 256, 1024], [1, 16, 64]),
        "cnn_batches": config.pick([8, 32, 128, 256], [4, 16]),
        "depths": config.pick([1, 2, 4, 8], [1, 2, 4]),
        "sweep_batch": config.pick(h.BATCH, 32),
        "exercise_batch": config.pick(h.BATCH, 64),
    }


def setup(config: LabConfig) -> str:
    s = _sizes(config)
    return (
        f"float32 throughout. Exercise 3: the seed's MLP {h.D}-{h.H}-{h.C} with biases (d2l's Fashion-MNIST sizes), "
        f"batch {s['exercise_batch']}, SGD with weight_decay = {h.WEIGHT_DECAY}: the seed's formula (4P for parameters and "
        "gradients, 4b(2h + 2c) for activations) against estimate_memory (a traced forward pass) and "
        "measure_memory (a real training step: the arrays the graph keeps before backward, every p.grad, the "
        "optimizer's buffers, tracemalloc's peak). Exercise 4: d2l §4.7's model (no biases, the penalty "
        "λ/2(‖W⁽¹⁾‖² + ‖W⁽²⁾‖²) part of the graph) against the same model with weight_decay in the optimizer. "
        f"Sweeps ({SWEEP_OPTIMIZER}): the MLP at batch sizes {s['mlp_batches']}, LeNet-5 (ReLU, max pooling, "
        f"1×28×28) at {s['cnn_batches']}, MLPs with {s['depths']} hidden layers of {h.H} at batch {s['sweep_batch']}; "
        f"the MLP with {', '.join(OPTIMIZERS)} at batch {s['sweep_batch']}. Prediction = eval mode under no_grad."
    )


def run(config: LabConfig) -> dict:
    s = _sizes(config)
    seed = config.seed
    return {
        "exercise_3": h.exercise_3(seed, s["exercise_batch"]),
        "exercise_4": h.exercise_4(seed, s["exercise_batch"]),
        "mlp_batch": h.batch_sweep(
            lambda: h.mlp(seed=seed), (h.D,), s["mlp_batches"], SWEEP_OPTIMIZER, "MLP 784-256-10"
        ),
        "cnn_batch": h.batch_sweep(
            lambda: h.lenet(seed), (1, 28, 28), s["cnn_batches"], SWEEP_OPTIMIZER, "LeNet-5"
        ),
        "depth": h.depth_sweep(s["depths"], SWEEP_OPTIMIZER, seed, s["sweep_batch"]),
        "optimizers": h.optimizer_sweep(OPTIMIZERS, seed, s["sweep_batch"]),
    }


def _mib(n: float) -> float:
    return n / h.MIB


def _split(rows: list[dict], training: bool) -> list[dict]:
    return [r for r in rows if r["training"] == training]


def _all_rows(results: dict) -> list[dict]:
    e3, e4 = results["exercise_3"], results["exercise_4"]
    fixed = [e3["train"], e3["predict"], e4["penalty_in_graph"], e4["penalty_in_optimizer"], e4["predict"]]
    return fixed + results["optimizers"] + results["mlp_batch"] + results["cnn_batch"] + results["depth"]


def figures(results: dict) -> dict:
    return {"batch_size": _batch_figure(results), "depth": _depth_figure(results),
            "components": _components_figure(results), "ratio": _ratio_figure(results)}  # fmt: skip


def _plot_modes(ax, rows: list[dict], xkey: str) -> None:
    for training, mode, marker in ((True, "training", "o"), (False, "prediction", "s")):
        part = _split(rows, training)
        x = [r[xkey] for r in part]
        line = ax.plot(x, [_mib(r["total"]) for r in part], marker=marker, label=f"{mode}, measured")[0]
        ax.plot(x, [_mib(r["predicted"]["total"]) for r in part], linestyle="--", marker="x", color=line.get_color(),
                label=f"{mode}, estimate_memory")  # fmt: skip


def _batch_figure(results: dict):
    fig, axes = new_figure(1, 2)
    for ax, key, title in (
        (axes[0], "mlp_batch", "MLP 784-256-10"),
        (axes[1], "cnn_batch", "LeNet-5, 1×28×28"),
    ):
        _plot_modes(ax, results[key], "batch")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("batch size")
        ax.set_ylabel("MiB")
        ax.set_title(f"{title} ({SWEEP_OPTIMIZER})")
        ax.legend(fontsize="small")
    return fig


def _depth_figure(results: dict):
    fig, ax = new_figure()
    _plot_modes(ax, results["depth"], "depth")
    ax.set_xlabel("hidden layers of 256 units")
    ax.set_ylabel("MiB")
    ax.set_title(f"Memory against depth (batch {results['depth'][0]['batch']}, {SWEEP_OPTIMIZER})")
    ax.legend(fontsize="small")
    return fig


COMPONENTS = ("parameters", "gradients", "optimizer_state", "optimizer_workspace", "activations")


def _components_figure(results: dict):
    e3, e4 = results["exercise_3"], results["exercise_4"]
    bars = [("ex. 3 predict", e3["predict"]), ("ex. 3 train", e3["train"]),
            ("ex. 4 train\n(penalty in loss)", e4["penalty_in_graph"])]  # fmt: skip
    bars += [(f"{r['optimizer']}\nB={r['batch']}", r) for r in results["optimizers"]]
    fig, ax = new_figure(width=8.0)
    bottom = np.zeros(len(bars))
    for comp in COMPONENTS:
        values = np.array([_mib(row[comp]) for _, row in bars])
        ax.bar(range(len(bars)), values, bottom=bottom, label=comp.replace("_", " "))
        bottom += values
    ax.set_xticks(range(len(bars)), [name for name, _ in bars], fontsize="small")
    ax.set_ylabel("MiB (measured)")
    ax.set_title("What the memory holds, by kind")
    ax.legend(fontsize="small")
    return fig


def _ratio_figure(results: dict):
    rows = _all_rows(results)
    fig, ax = new_figure(width=7.0)
    for training, mode, marker in ((True, "training", "o"), (False, "prediction", "s")):
        part = [(i, r) for i, r in enumerate(rows) if r["training"] == training]
        ax.scatter([i for i, _ in part], [r["ratio"] for _, r in part], marker=marker, label=mode)
    ax.axhspan(0.9, 1.1, color="green", alpha=0.15, label="±10%")
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_xlabel("configuration (see the table, in order)")
    ax.set_ylabel("predicted / measured total")
    ax.set_title("estimate_memory against measure_memory")
    ax.legend()
    return fig


def table(results: dict) -> Table:
    rows = []
    for r in _all_rows(results):
        mode = "train" if r["training"] else "predict"
        state = r["optimizer_state"] + r["optimizer_workspace"]
        rows.append([r["label"], mode, r["optimizer"] if r["training"] else "-", r["batch_size"], _mib(r["parameters"]),
                     _mib(r["gradients"]), _mib(state), _mib(r["activations"]), _mib(r["total"]),
                     _mib(r["predicted"]["total"]), r["ratio"], _mib(r["peak"])])  # fmt: skip
    return Table(["model", "mode", "optimizer", "batch", "parameters MiB", "gradients MiB", "optimizer state + "
                  "workspace MiB", "activations MiB", "measured MiB", "predicted MiB", "predicted / measured",
                  "peak MiB"], rows)  # fmt: skip


def conclusion(results: dict) -> str:
    return " ".join([_exercise_3_text(results), _exercise_4_text(results), _scaling_text(results),
                     _optimizer_text(results), _ratio_text(results)])  # fmt: skip


def _kept(breakdown: list[dict]) -> str:
    """'1× 256×784 float32, 2× 256×256 float32, ...' from an activation breakdown."""
    return ", ".join(
        f"{g['count']}× {'×'.join(map(str, g['shape'])) or 'scalar'} {g['dtype']}" for g in breakdown
    )


def _exercise_3_text(results: dict) -> str:
    e3 = results["exercise_3"]
    f, train, pred = e3["formula"], e3["train"], e3["predict"]
    missing = train["activations"] - f["activations"]
    return (
        f"Exercise 3 (d = {h.D}, h = {h.H}, c = {h.C}, b = {train['batch_size']}): P = {f['n_parameters']:,} parameters, so the "
        f"seed's 4P = {_mib(f['parameters']):.3f} MiB for the parameters and again for the gradients — measured "
        f"{_mib(train['parameters']):.3f} and {_mib(train['gradients']):.3f} MiB. Its activations 4b(2h + 2c) = "
        f"{_mib(f['activations']):.3f} MiB fall short of the measured {_mib(train['activations']):.3f} MiB by "
        f"{_mib(missing):.3f} MiB, of which {_mib(f['input_batch']):.3f} MiB is the input batch X (4bd), kept for "
        f"∂L/∂W; the graph holds {_kept(e3['breakdown'])}. SGD's weight decay keeps "
        f"{train['optimizer_state']} bytes of state; neuronlab's optimizer keeps "
        f"{_mib(train['optimizer_workspace']):.3f} MiB of scratch arrays. A training step holds "
        f"{_mib(train['total']):.2f} MiB, a prediction {_mib(pred['total']):.2f} MiB (parameters plus the live layer "
        f"outputs, no gradients): training needs {train['total'] / pred['total']:.1f}× the memory."
    )


def _exercise_4_text(results: dict) -> str:
    e4 = results["exercise_4"]
    graph, opt, pred = e4["penalty_in_graph"], e4["penalty_in_optimizer"], e4["predict"]
    extra = graph["activations"] - opt["activations"]
    squares = abs(extra / e4["weight_bytes"] - 1) < 0.05
    what = "the squared weights" if squares else "arrays other than one copy of the weights"
    return (
        f"Exercise 4 (d2l §4.7's model: no biases, J = L + λ/2(‖W⁽¹⁾‖² + ‖W⁽²⁾‖²)): training {_mib(graph['total']):.2f} "
        f"MiB with the penalty in the graph, {_mib(opt['total']):.2f} MiB with weight_decay in the optimizer, "
        f"prediction {_mib(pred['total']):.2f} MiB. The penalty's graph keeps {what}: "
        f"{_mib(extra):.3f} MiB more activations, {extra / e4['weight_bytes']:.2f}× the weights' "
        f"{_mib(e4['weight_bytes']):.3f} MiB; estimate_memory traces only the model, so it predicts "
        f"{graph['ratio']:.3f} of that run against {opt['ratio']:.3f} with weight_decay."
    )


def _slope_of(rows: list[dict], key: str, value: str = "total") -> float:
    """The growth of measured ``value`` bytes per unit of ``key`` (least-squares line)."""
    return float(np.polyfit([r[key] for r in rows], [r[value] for r in rows], 1)[0])


def _scaling_text(results: dict) -> str:
    mlp, depth = results["mlp_batch"], results["depth"]
    train, pred = _split(mlp, True), _split(mlp, False)
    small, large = train[0], train[-1]
    deep_train, deep_pred = _split(depth, True), _split(depth, False)
    layer_params = _slope_of(deep_pred, "depth", "parameters")
    return (
        f"Batch size: memory grows linearly with b — {_slope_of(train, 'batch') / 1024:.2f} KiB per sample in "
        f"training and {_slope_of(pred, 'batch') / 1024:.2f} KiB in prediction for the MLP (the {h.D} input floats alone "
        f"are {h.D * h.FLOAT / 1024:.2f} KiB); activations are {small['activations'] / small['total']:.1%} of a training step at "
        f"b = {small['batch']} and {large['activations'] / large['total']:.1%} at b = {large['batch']}. Depth (batch "
        f"{depth[0]['batch']}): each hidden layer of {h.H} adds {_mib(_slope_of(deep_train, 'depth')):.3f} MiB to "
        f"training and {_mib(_slope_of(deep_pred, 'depth')):.3f} MiB to prediction, of which "
        f"{_mib(layer_params):.3f} MiB is the layer's weights: prediction's activations change by "
        f"{_mib(_slope_of(deep_pred, 'depth', 'activations')):.3f} MiB per layer, because a layer's output is freed "
        "once the next is computed, while training keeps every one for backward."
    )


def _optimizer_text(results: dict) -> str:
    rows = results["optimizers"]
    per = ", ".join(f"{r['optimizer']} {r['optimizer_state'] / r['parameters']:.0f}×" for r in rows)
    return f"Optimizer state, as a multiple of the parameters' bytes: {per} (measured)."


def _ratio_text(results: dict) -> str:
    penalty = results["exercise_4"]["penalty_in_graph"]
    rows = [r for r in _all_rows(results) if r is not penalty]
    train = [r["ratio"] for r in rows if r["training"]]
    pred = [r["ratio"] for r in rows if not r["training"]]
    within = all(0.9 <= x <= 1.1 for x in train)
    cnn, cnn_train = _split(results["cnn_batch"], False), _split(results["cnn_batch"], True)
    return (
        f"estimate_memory against measure_memory, predicted/measured: training {min(train):.3f}–{max(train):.3f} "
        f"over {len(train)} configurations ({'all within' if within else 'NOT all within'} 10%; exercise 4's penalty "
        f"in the loss, which the estimate cannot see, {penalty['ratio']:.3f}); prediction {min(pred):.3f}–"
        f"{max(pred):.3f}. The estimate leaves out temporaries inside ops: for LeNet-5 the prediction ratio is "
        f"{cnn[0]['ratio']:.2f} at b = {cnn[0]['batch']} and {cnn[-1]['ratio']:.2f} at b = {cnn[-1]['batch']} "
        f"(im2col copies are such temporaries), and a training step's peak is {cnn_train[-1]['peak'] / cnn_train[-1]['total']:.2f}× the "
        f"memory it holds at b = {cnn_train[-1]['batch']}."
    )

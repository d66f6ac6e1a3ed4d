"""backprop: the 9-parameter network of seed 004 (13)/(20) worked by hand, by
``explain_backward`` and by autograd; the forward and backward equations of a 1-hidden-layer
MLP with weight decay (003 §4.7) written out in NumPy and checked against autograd on real
data; gradient shapes, the computational graph, second derivatives and data parallelism."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import load_digits
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _backprop_helpers as H
from neuronlab.lab.plots import new_figure

NAME = "backprop"
TITLE = "Backpropagation by hand and by autograd"
SEEDS = "004 questions (13) and (20); 003 §4.7 exercises 1–6"
QUESTION_ZH = (
    "004 (13)看我的视频”手撕神经网络前向、反向、求导、更参“、将例子中的 9 个参数分别手撕求导，并更新参数。\n"
    "当输入为x1 = 1，x2 = 2时预测值y = 5但是正确的y为2\n"
    "(20)将我的视频”手撕神经网络前向、反向、求导、更参“例子对应代码实现。\n\n"
    "003 4.7 给出模型为：带权重衰减（L2正则化）的单隐藏层多层感知机\n"
    "1. 假设一些标量函数X的输入X是n × m矩阵。f相对于X的梯度维数是多少？\n"
    "2. 向模型的隐藏层添加偏置项（不需要在正则化中包含偏置项）。1. 画出相应的计算图。2. 推导正向和反向传播方程。\n"
    "3. 计算模型用于训练和预测的内存占用\n"
    "4. 计算本节所描述的模型，用于训练和预测的内存占用。\n"
    "5. 假设想计算二阶导数。计算图发生了什么？预计计算需要多长时间？\n"
    "6. 假设计算图对当前拥有的GPU来说太大了。1. 请试着把它划分到多个GPU上。2. 与小批量训练相比，有哪些优点和缺点？"
)
QUESTION_EN = (
    "004 (13) Work the example network by hand: differentiate the loss with respect to each of its 9 "
    "parameters and update them. With inputs x1 = 1, x2 = 2 the prediction is y = 5, the target 2.\n"
    "(20) Implement the example in code.\n\n"
    "003 4.7 The model is a 1-hidden-layer MLP with weight decay (L2 regularization).\n"
    "1. For a scalar function f of an n × m matrix X, what is the shape of the gradient of f with respect to X?\n"
    "2. Add a bias to the hidden layer (not regularized). Draw the computational graph; derive the forward "
    "and backward equations.\n"
    "3.–4. Compute the memory the model needs for training and for prediction.\n"
    "5. To compute second derivatives, what happens to the computational graph? How long will it take?\n"
    "6. The computational graph is too large for one GPU: split it over several GPUs; what are the "
    "advantages and disadvantages compared with minibatch training?"
)

LAMBDA = 0.01
ACTIVATIONS = ("relu", "tanh")


def setup(config: LabConfig) -> str:
    """The settings of this run, in words."""
    batch, hidden = config.pick(256, 32), config.pick(64, 16)
    return (
        "004 (13)/(20): the seed's network — z1 = w11·x1 + w12·x2 + b11, z2 = w21·x1 + w22·x2 + b12, "
        "a = ReLU(z), y = w1·a1 + w2·a2 + b21, L = ½(y − Y)² with x = (1, 2), Y = 2, w11 = w12 = w21 = 1, "
        "w22 = −1, w1 = 1, w2 = −1, all biases 1 — written exactly as the seed's (20) code (integer inputs, "
        "the three biases unpacked from one tensor) with `import neuronlab as torch`; the nine gradients by "
        "the chain rule in plain Python (ReLU'(0) = 0, PyTorch's convention, and also ReLU'(0) = 1), by "
        "`analysis.explain_backward` and by `loss.backward()`; then one `optim.SGD` step of lr 0.01. "
        f"003 §4.7: the seed's model Z = XW + b, A = φ(Z), O = AV + c, J = CE(O, y) + λ/2(‖W‖² + ‖V‖²), "
        f"λ = {LAMBDA}, 64 → {hidden} → 10, φ = ReLU and tanh, on a batch of {batch} scikit-learn digits "
        "(float64); its backward equations in NumPy against `autograd.grad` for ∂J/∂O, V, c, A, Z, W, b and "
        "the input X. Also: the seed's ∂L/∂O = Ŷ − Y taken literally; the graph as DOT (`analysis.to_dot`); "
        "graph size and time of a Hessian-vector product (create_graph=True) against a gradient; the "
        "gradient averaged over 2 and 4 equal shards of the batch (data parallelism) against the full batch. "
        "Memory for training vs prediction (exercises 3–4) is measured by the `memory` experiment, the "
        "cost of second derivatives in depth by `second-order`."
    )


def run(config: LabConfig) -> dict:
    """The nine gradients; the §4.7 equations per activation; graph, second order, data parallel."""
    X, y = load_digits()
    rng = np.random.default_rng(config.seed)
    idx = rng.choice(len(X), config.pick(256, 32), replace=False)
    Xb, yb = X[idx].astype(np.float64), y[idx]
    hidden = config.pick(64, 16)
    return {
        "nine": H.nine_parameters(),
        "mlp": {act: H.mlp_check(Xb, yb, hidden, act, LAMBDA, config.seed) for act in ACTIVATIONS},
        "graph": H.graph_facts(Xb, yb, hidden, LAMBDA, config.seed, config.pick(7, 3)),
        "data_parallel": {str(k): H.data_parallel(Xb, yb, hidden, LAMBDA, config.seed, k) for k in (2, 4)},
        "batch": len(yb),
        "hidden": hidden,
        "lambda": LAMBDA,
    }


# -- figures ------------------------------------------------------------------------------------
def figures(results: dict) -> dict:
    """The figures, drawn from ``results`` only."""
    return {
        "nine_gradients": _fig_nine(results),
        "mlp_equations": _fig_mlp(results),
        "graph": _fig_graph(results),
    }


def _fig_nine(results: dict):
    nine = results["nine"]
    fig, ax = new_figure(width=7, height=3.8)
    x = np.arange(len(H.PARAMS))
    series = (("hand, ReLU'(0) = 0", nine["hand"], "C0"), ("explain_backward", nine["explain"], "C1"),
              ("loss.backward()", nine["autograd"], "C2"), ("hand, ReLU'(0) = 1", nine["hand_relu_prime_zero_is_one"], "C7"))  # fmt: skip
    for k, (label, values, color) in enumerate(series):
        ax.bar(x + (k - 1.5) * 0.2, [values[p] for p in H.PARAMS], width=0.2, color=color, label=label)
    ax.axhline(0, color="k", linewidth=0.8)
    ax.set_xticks(x, H.PARAMS)
    ax.set_xlabel("parameter")
    ax.set_ylabel("dL/dparameter")
    ax.set_title(f"004 (13): the nine gradients at y = {nine['forward']['y']:g}, Y = {H.TARGET}")
    ax.legend(fontsize="small")
    return fig


def _fig_mlp(results: dict):
    fig, ax = new_figure(width=7, height=3.8)
    x = np.arange(len(H.GRADIENTS))
    floor = 1e-18
    series = [(f"{act}: NumPy equations", results["mlp"][act]["max_abs_difference"]) for act in ACTIVATIONS]
    series.append(
        ("relu: seed's ∂L/∂O = Ŷ − Y (no 1/n)", results["mlp"]["relu"]["literal_max_abs_difference"])
    )
    for k, (label, diffs) in enumerate(series):
        ax.bar(x + (k - 1) * 0.27, [max(diffs[g], floor) for g in H.GRADIENTS], width=0.27, label=label)
    ax.set_yscale("log")
    ax.set_xticks(x, [f"∂J/∂{g}" for g in H.GRADIENTS])
    ax.set_xlabel("gradient")
    ax.set_ylabel(f"max |hand − autograd| (0 drawn at {floor:g})")
    ax.set_ylim(floor / 10, 1e8)  # room above the bars for the legend
    ax.set_title("003 §4.7: backward equations against autograd (float64)")
    ax.legend(fontsize="small", loc="upper left")
    return fig


def _fig_graph(results: dict):
    g = results["graph"]
    fig, (left, right) = new_figure(1, 2)
    left.bar(
        ["J (forward)", "∇J·v (create_graph)"],
        [g["forward_nodes"], g["gradient_graph_nodes"]],
        color=["C0", "C3"],
    )
    left.set_ylabel("nodes in the recorded graph")
    left.set_title("Second derivatives: the graph grows")
    ms = [1e3 * g["grad_seconds"], 1e3 * g["hvp_seconds"]]
    right.bar(["gradient", "Hessian-vector product"], ms, color=["C0", "C3"])
    right.set_ylabel("milliseconds (median)")
    right.set_title(f"Time: HVP / gradient = {ms[1] / ms[0]:.1f}×")
    for ax in (left, right):
        ax.set_xlabel("computation")
    return fig


# -- table and conclusion -----------------------------------------------------------------------
def table(results: dict) -> Table:
    """The measured numbers, one row per quantity."""
    nine = results["nine"]
    rows = [[f"dL/d{p}", "scalar", nine["hand"][p], nine["autograd"][p], abs(nine["hand"][p] - nine["autograd"][p])]
            for p in H.PARAMS]  # fmt: skip
    rows += [[f"dL/d{k} (explain_backward)", "scalar", nine["chain_hand"][k], nine["chain_explain"][k],
              abs(nine["chain_hand"][k] - nine["chain_explain"][k])] for k in ("y", "a1", "z1")]  # fmt: skip
    rows.append(["w11 after one step, lr 0.01", "scalar", nine["updated_hand"]["w11"], nine["updated"]["w11"],
                 abs(nine["updated_hand"]["w11"] - nine["updated"]["w11"])])  # fmt: skip
    for act in ACTIVATIONS:
        m = results["mlp"][act]
        for g in H.GRADIENTS:
            shapes = f"{'×'.join(map(str, m['hand_shapes'][g]))} / {'×'.join(map(str, m['grad_shapes'][g]))}"
            rows.append(
                [f"∂J/∂{g} ({act}), norm", shapes, m["norms"][g], m["norms"][g], m["max_abs_difference"][g]]
            )
    return Table(["quantity", "shape (hand / autograd)", "hand (NumPy)", "autograd", "abs. difference"], rows)


def conclusion(results: dict) -> str:
    """The answer, computed from the measured numbers."""
    return " ".join(
        part.strip() for part in (_nine_text(results["nine"]), _mlp_text(results), _graph_text(results))
    )


def _nine_text(nine: dict) -> str:
    params = H.PARAMS
    agree = all(nine["hand"][p] == nine["autograd"][p] == nine["explain"][p] for p in params)
    values = ", ".join(f"{p} {nine['autograd'][p]:g}" for p in params)
    c = nine["chain_explain"]
    text = (
        f"004 (13): the forward pass gives z1 = {nine['forward']['z1']:g}, z2 = {nine['forward']['z2']:g}, "
        f"y = {nine['forward']['y']:g} and L = {nine['forward']['loss']:g}. The hand chain rule, explain_backward "
        f"({nine['steps']} nodes) and loss.backward() {'agree on all nine gradients' if agree else 'DISAGREE'}: "
        f"{values}. The chain-rule steps are dL/dy = {c['y']:g}, dL/da1 = {c['a1']:g}, dL/dz1 = {c['z1']:g} "
        "(seed: 3, 3, 3). "
    )
    zero_one = nine["hand_relu_prime_zero_is_one"]
    if nine["forward"]["z2"] == 0:
        text += (
            f"z2 = 0 sits exactly on ReLU's kink: with ReLU'(0) = 0 (PyTorch's convention) w21, w22, b12 get 0; "
            f"with ReLU'(0) = 1 they would get {zero_one['w21']:g}, {zero_one['w22']:g}, {zero_one['b12']:g}. "
        )
    w11 = nine["updated"]["w11"]
    text += (
        f"One SGD step of lr 0.01 moves w11 to {w11:.4g} (seed: 0.97) and lowers the loss from "
        f"{nine['forward']['loss']:g} to {nine['loss_after']:.4g}; the seed's check w11_grad == w11.grad is "
        f"{nine['seed_check_w11']}. "
    )
    if nine["biases_are_views"]:
        text += (
            "In the seed's (20) code the three biases are unpacked from one tensor, so they are not leaves: "
            "b11.grad stays None and their gradients land in that tensor's .grad. "
        )
    return text


def _mlp_text(results: dict) -> str:
    worst = {act: max(results["mlp"][act]["max_abs_difference"].values()) for act in ACTIVATIONS}
    relu = results["mlp"]["relu"]
    same_shape = all(relu["grad_shapes"][g] == relu["shapes"][g] for g in H.GRADIENTS)
    verdict = "match" if max(worst.values()) < 1e-10 else "do NOT match"
    return (
        f"003 §4.7: on a batch of {results['batch']} digits the NumPy backward equations {verdict} autograd for "
        f"∂J/∂O, V, c, A, Z, W, b and X (max |difference| {worst['relu']:.1e} with ReLU, {worst['tanh']:.1e} with "
        f"tanh, float64). Exercise 1: every gradient {'has' if same_shape else 'does NOT have'} the shape of its "
        f"tensor, e.g. ∂J/∂X is {'×'.join(map(str, relu['grad_shapes']['X']))} like X. Taken literally, the "
        f"seed's ∂L/∂O = Ŷ − Y omits the 1/n of its own batch-mean loss: it makes the data part of ∂J/∂V "
        f"{relu['literal_factor']:.0f}× too large (n = {results['batch']}), max error "
        f"{relu['literal_max_abs_difference']['V']:.3g}."
    )


def _graph_text(results: dict) -> str:
    g, dp = results["graph"], results["data_parallel"]
    agree = "equals" if max(dp.values()) < 1e-12 else "does NOT equal"
    return (
        f"Exercise 2.1: the graph of J has {g['dot_ops']} op nodes and {g['dot_leaves']} leaves (DOT text in "
        f"results['graph']['dot']); parameters {g['parameters_counted']} = dh + h + hc + c = "
        f"{g['parameters_formula']}. Exercise 5: recording the gradient for a second derivative grows the graph "
        f"from {g['forward_nodes']} to {g['gradient_graph_nodes']} nodes, and a Hessian-vector product took "
        f"{g['hvp_seconds'] / g['grad_seconds']:.1f}× the time of a gradient ({1e3 * g['hvp_seconds']:.2f} ms vs "
        f"{1e3 * g['grad_seconds']:.2f} ms; the full Hessian costs one such product per parameter, see "
        f"`second-order`). Exercise 6: the mean of the gradients of 2 and 4 equal shards {agree} the full-batch "
        f"gradient (max |difference| {max(dp.values()):.1e}), so data parallelism computes the same update; "
        "memory for training vs prediction (exercises 3–4) is measured by the `memory` experiment."
    )

"""perceptron: the M-P neuron, Rosenblatt's perceptron on the seed's double moon (with and
without the shift that makes it separable), the convergence theorem against the mistakes
observed, and XOR, which needs a hidden layer (seed 004 questions (2)–(10))."""

from __future__ import annotations

import numpy as np

from neuronlab.datasets import SEED_MOONS_SHIFT, make_moons, make_xor, train_val_test_split
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _perceptron_helpers as H
from neuronlab.lab.plots import new_figure

NAME = "perceptron"
TITLE = "The M-P neuron, Rosenblatt's perceptron and why XOR needs a hidden layer"
SEEDS = "004 questions (2)–(10)"
QUESTION_ZH = (
    "(2)为什么说M-P神经元将所有信号的输入看做是同时发生的。\n"
    "(3)输入的信号在传导的过程中分别做了怎样的计算。\n"
    "(4)常见到的激活函数还有Relu与leakyRelu，tanh等，请写出各自函数定义。\n"
    "(5)在Python环境下使用Numpy编写Sgn、Logistic激活函数。\n"
    "(6)感知器的收敛算法是怎样的? 请用自己语言描述。(选做)\n"
    "(7)代码实现Rosenblatt感知器与收敛算法, 并使用均方误差 (MSE) 衡量模型性能。使用线性可分的双月数据集 "
    "进行训练与测试。 (选做)\n"
    "(8)那么，什么是输入层、隐藏层和输出层?\n"
    "(9)请将上面右图(b)分类区域中4个点分别按左图(a)网络参数设置进行计算。\n"
    "(10)现在你应当清楚的体会到, 模型的节点（神经元）数量越多, 参数越大, 模型的拟合能力也就越强了。"
    "那么请你 思考，激活函数的作用到底是什么? 如果没有激活函数网络会怎样?"
)
QUESTION_EN = (
    "(2) Why does the M-P neuron treat all of its input signals as arriving at the same time?\n"
    "(3) What computation is applied to the input signals on their way through the neuron?\n"
    "(4) Other common activations are ReLU, LeakyReLU and tanh: write down their definitions.\n"
    "(5) Write the Sgn and Logistic activations in NumPy.\n"
    "(6) How does the perceptron's convergence algorithm work? Describe it in your own words. (optional)\n"
    "(7) Implement Rosenblatt's perceptron and its convergence algorithm, and measure it with the mean "
    "squared error (MSE). Train and test it on the linearly separable double-moon data set. (optional)\n"
    "(8) What are the input layer, the hidden layers and the output layer?\n"
    "(9) Compute the output of the network of figure (a) for the 4 points of figure (b).\n"
    "(10) More neurons and parameters give a model more capacity. So what is the activation function "
    "for? What happens to a network without one?"
)

N_SAMPLES, NOISE, DATA_SEED = 1000, 0.1, 123  # the seed's make_moons(1000, noise=0.1, random_state=123)


def setup(config: LabConfig) -> str:
    """The settings of this run, in words."""
    max_iter, seeds, epochs = config.pick(100, 30), config.pick(20, 5), config.pick(300, 150)
    return (
        "M-P neurons (y = step(w·x − θ), firing at w·x = θ as the seed's (2) and (8) define it) for AND "
        "(θ = 1.5), OR (θ = 0.5) and NOT (w = −1, θ = −0.5); 200 random 5-input neurons with permuted "
        "inputs for (2). Activations of (4)–(5) at the seed's points −5, −1, 0, 1, 5 against their formulas. "
        f"Rosenblatt's perceptron (w̃ = 0 at the start, labels ±1, an update on every yᵢ w̃·x̃ᵢ ≤ 0) on the "
        f"seed's double moon ({N_SAMPLES} points, noise {NOISE}, random_state {DATA_SEED}) with class 0 moved "
        f"up by {SEED_MOONS_SHIFT:g} (separable) and without the shift, at most {max_iter} epochs; the "
        "seed's order (no shuffling, η = 0.1 and 1), shuffled with seed `config.seed`, and over "
        f"{seeds} more shuffling seeds; the MSE of the ±1 outputs after every epoch; an 80/20 stratified "
        "train/test split for (7)'s test error; Novikoff's bound (R/γ)² with the maximum-margin γ (bias "
        "coordinate included). The seed's (7) code is also run as written for a few epochs. XOR: the "
        "perceptron, every M-P neuron with w₁, w₂, θ on a 0.25-grid in [−2, 2], the seed's M-P network "
        f"(Zhou Fig. 5.5, θ = 0.5) and 2-8-1 networks trained {epochs} full-batch Adam steps (lr 0.05) "
        "with tanh and with no activation. Note on the seed's (9): its final answers are right, but its "
        "lines drop the thresholds and write f(0) = 0 against its own sgn(0) = 1, and the (1,1) output "
        "line reads the inputs instead of the hidden units and gives f(2) = 0; the two slips cancel "
        "(docs/classic.md §5). The run below measures the network with θ = 0.5 and with θ = 0."
    )


def run(config: LabConfig) -> dict:
    """M-P gates, activations, the perceptron on both moons and on XOR, XOR networks."""
    rng = np.random.default_rng(config.seed)
    X, y = make_moons(N_SAMPLES, noise=NOISE, random_state=DATA_SEED, shift=SEED_MOONS_SHIFT)
    X0, y0 = make_moons(N_SAMPLES, noise=NOISE, random_state=DATA_SEED)
    max_iter = config.pick(100, 30)
    _, unshifted = H.fit(X0, y0, random_state=config.seed, max_iter=max_iter)
    unshifted["separable"] = H.novikoff(X0, y0)["separable"]
    return {
        "gates": H.gate_tables(),
        "order": H.order_invariance(rng, 200),
        "activations": H.activation_checks(),
        "shifted": _shifted(X, y, config, rng),
        "unshifted": unshifted,
        "seed_code": {
            "errors_per_epoch": H.seed_code_errors(X, y, config.pick(10, 3)),
            "fixed_errors_per_epoch": H.seed_code_errors(X, np.where(y == 1, 1, -1), 50),
        },  # fmt: skip
        "xor": _xor(config, max_iter),
        "moons": {"X": np.round(X, 4).tolist(), "y": y.tolist(), "shift": SEED_MOONS_SHIFT},
        "max_iter": max_iter,
    }


def _shifted(X: np.ndarray, y: np.ndarray, config: LabConfig, rng: np.random.Generator) -> dict:
    """The separable moons: one shuffled run, the seed's order, η-invariance, spread, bound, test error."""
    _, main = H.fit(X, y, random_state=config.seed)
    _, seed_order = H.fit(X, y, shuffle=False, eta0=0.1)
    _, seed_order_eta1 = H.fit(X, y, shuffle=False, eta0=1.0)
    seeds = rng.integers(0, 10_000, config.pick(20, 5)).tolist()
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(
        X, y, val_size=0, test_size=0.2, random_state=config.seed
    )
    clf, train_run = H.fit(X_tr, y_tr, random_state=config.seed)
    split = {"train_size": len(y_tr), "test_size": len(y_te), "converged": train_run["converged"],
             "epochs": train_run["epochs"], "train_mse": H.mse_pm1(clf, X_tr, y_tr),
             "test_mse": H.mse_pm1(clf, X_te, y_te), "test_accuracy": clf.score(X_te, y_te)}  # fmt: skip
    return {
        **main,
        "seed_order": seed_order,
        "eta_invariant": seed_order["mistakes_per_epoch"] == seed_order_eta1["mistakes_per_epoch"],
        "coef_ratio_eta1_over_eta01": float(seed_order_eta1["coef"][0] / seed_order["coef"][0]),
        "spread": H.shuffle_spread(X, y, seeds),
        "novikoff": H.novikoff(X, y),
        "split": split,
    }


def _xor(config: LabConfig, max_iter: int) -> dict:
    X, y = make_xor()
    _, perceptron = H.fit(X, y, random_state=config.seed, max_iter=max_iter)
    perceptron["separable"] = H.novikoff(X, y)["separable"]
    epochs = config.pick(300, 150)
    return {
        "perceptron": perceptron,
        "single_neuron": H.best_single_neuron(),
        "network": H.xor_networks(),
        "trained_tanh": H.train_xor_net("tanh", epochs, config.seed),
        "trained_linear": H.train_xor_net("identity", epochs, config.seed),
    }


# -- figures ------------------------------------------------------------------------------------
def figures(results: dict) -> dict:
    """The figures, drawn from ``results`` only."""
    return {"decision_line": _fig_line(results), "convergence": _fig_convergence(results),
            "novikoff": _fig_bound(results), "xor": _fig_xor(results)}  # fmt: skip


def _fig_line(results: dict):
    X, y = np.asarray(results["moons"]["X"]), np.asarray(results["moons"]["y"])
    s = results["shifted"]
    fig, ax = new_figure(width=6, height=4.2)
    for k in (0, 1):
        ax.scatter(X[y == k, 0], X[y == k, 1], s=8, color=f"C{k}", label=f"class {k}")
    xs = np.linspace(X[:, 0].min(), X[:, 0].max(), 50)
    for run, style, label in ((s, "-", "shuffled"), (s["seed_order"], "--", "seed's order")):
        (w1, w2), b = run["coef"], run["intercept"]
        ax.plot(
            xs, -(b + w1 * xs) / w2, "k" + style, label=f"perceptron, {label} ({run['mistakes']} mistakes)"
        )
    ax.set_ylim(X[:, 1].min() - 0.3, X[:, 1].max() + 0.3)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(f"Double moon, class 0 moved up by {results['moons']['shift']:g}: learned lines")
    ax.legend(fontsize="small")
    return fig


def _fig_convergence(results: dict):
    fig, (left, right) = new_figure(1, 2)
    runs = (("shifted (separable)", results["shifted"]), ("unshifted", results["unshifted"]),
            ("XOR (4 points)", results["xor"]["perceptron"]))  # fmt: skip
    for k, (label, run) in enumerate(runs):
        epochs = np.arange(1, len(run["mistakes_per_epoch"]) + 1)
        left.plot(epochs, run["mistakes_per_epoch"], marker="o", ms=3, color=f"C{k}", label=label)
        right.plot(epochs, run["mse_per_epoch"], marker="o", ms=3, color=f"C{k}", label=label)
    left.set_yscale("symlog", linthresh=1)
    left.set_title("Mistakes (weight updates) per epoch")
    left.set_ylabel("mistakes in the epoch")
    right.set_title("MSE of the ±1 outputs after each epoch")
    right.set_ylabel("MSE = 4 × error rate")
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.legend(fontsize="small")
    return fig


def _fig_bound(results: dict):
    s = results["shifted"]
    spread, bound = s["spread"], s["novikoff"]["bound"]
    fig, ax = new_figure()
    ax.scatter(
        range(1, len(spread["mistakes"]) + 1),
        spread["mistakes"],
        color="C0",
        label="observed, one per shuffling seed",
    )
    ax.axhline(s["seed_order"]["mistakes"], color="C2", linestyle="--", label="observed, seed's order")
    ax.axhline(bound, color="C3", label=f"Novikoff bound (R/γ)² = {bound:.0f}")
    ax.set_yscale("log")
    ax.set_xlabel("shuffling seed (index)")
    ax.set_ylabel("total mistakes until convergence")
    ax.set_title("The convergence theorem: bound vs observed")
    ax.legend(fontsize="small")
    return fig


def _fig_xor(results: dict):
    x = results["xor"]
    fig, (left, right) = new_figure(1, 2)
    g = np.linspace(-0.5, 1.5, 201)
    gx, gy = np.meshgrid(g, g)
    hidden = [(n["weights"], n["threshold"]) for n in x["network"]["layers"][0]]
    h = [(w[0] * gx + w[1] * gy - t >= 0).astype(float) for w, t in hidden]
    (wo, to) = x["network"]["layers"][1][0]["weights"], x["network"]["layers"][1][0]["threshold"]
    out = wo[0] * h[0] + wo[1] * h[1] - to >= 0
    left.contourf(gx, gy, out.astype(float), levels=[-0.5, 0.5, 1.5], colors=["C0", "C1"], alpha=0.2)
    for k, (w, t) in enumerate(hidden):
        left.plot(
            g,
            (t - w[0] * g) / w[1],
            "k--" if k else "k:",
            label=f"h{k + 1}: {w[0]:+g}·x1 {w[1]:+g}·x2 = {t:g}",
        )
    X, y = make_xor()
    for k in (0, 1):
        left.scatter(X[y == k, 0], X[y == k, 1], s=60, color=f"C{k}", edgecolor="k", label=f"XOR = {k}")
    left.set(
        xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="x1", ylabel="x2", title="M-P network for XOR: regions"
    )
    left.legend(fontsize="x-small", loc="upper right")
    bars = {"perceptron\n(last epoch)": x["perceptron"]["accuracy"], "best single\nM-P neuron": x["single_neuron"]["best_accuracy"],
            "linear 2-8-1\n(trained)": x["trained_linear"]["accuracy"], "tanh 2-8-1\n(trained)": x["trained_tanh"]["accuracy"],
            "M-P network\n(θ = 0.5)": x["network"]["accuracy"]}  # fmt: skip
    right.bar(range(len(bars)), list(bars.values()), color=["C3", "C3", "C3", "C2", "C2"])
    right.set_xticks(range(len(bars)), list(bars), fontsize="x-small")
    right.set_ylabel("accuracy on the 4 XOR points")
    right.set_title("One line cannot, a hidden layer can")
    right.set_ylim(0, 1.05)
    return fig


# -- table and conclusion -----------------------------------------------------------------------
def table(results: dict) -> Table:
    """The measured numbers, one row per quantity."""
    s, u, x, a = results["shifted"], results["unshifted"], results["xor"], results["activations"]
    gates_ok = all(g["output"] == g["expected"] for g in results["gates"].values())
    order = results["order"]
    rows = [
        ["(2)", "output changes, (wᵢ, xᵢ) pairs permuted / inputs rewired", f"{order['changed_pairs_permuted']} / {order['changed_inputs_rewired']}", f"of {order['neurons']} neurons"],
        ["(3)", "AND, OR, NOT truth tables from f(Σwᵢxᵢ − θ)", "all correct" if gates_ok else "WRONG", "truth tables"],
        ["(4)", "max |neuronlab − formula|, ReLU/LeakyReLU/tanh/logistic", max(a["max_abs_difference"].values()), "0"],
        ["(5)", "sgn(0): np.sign / M-P sgn", f"{a['np_sign'][2]:g} / {a['mp_sgn'][2]:g}", "seed (2), (8): 1"],
        ["(6)", "mistakes per epoch, seed's order, η = 0.1 vs η = 1", "identical" if s["eta_invariant"] else "different", "identical (w̃ = 0 start)"],
        ["(7)", "shifted: epochs / total mistakes (shuffled)", f"{s['epochs']} / {s['mistakes']}", "converges"],
        ["(7)", "shifted: epochs / total mistakes (seed's order)", f"{s['seed_order']['epochs']} / {s['seed_order']['mistakes']}", "converges"],
        ["(7)", "Novikoff bound (R/γ)²; R; γ", f"{s['novikoff']['bound']:.0f}; {s['novikoff']['radius']:.3f}; {s['novikoff']['gamma']:.4f}", "docs: 1631; 2.475; 0.0613"],
        ["(7)", "mistakes over shuffling seeds (min–max)", f"{min(s['spread']['mistakes'])}–{max(s['spread']['mistakes'])}", "≤ bound"],
        ["(7)", "80/20 split: train MSE / test MSE / test accuracy", f"{s['split']['train_mse']:.3f} / {s['split']['test_mse']:.3f} / {s['split']['test_accuracy']:.1%}", "—"],
        ["(7)", f"unshifted: fewest mistakes in an epoch ({u['epochs']} epochs)", min(u["mistakes_per_epoch"]), "> 0 (not separable)"],
        ["(7)", "unshifted: final training accuracy / MSE", f"{u['accuracy']:.1%} / {u['mse_per_epoch'][-1]:.3f}", "—"],
        ["(7)", "seed's code as written: errors per epoch", ", ".join(map(str, results["seed_code"]["errors_per_epoch"])), "docs: about 500"],
        ["(8)", "XOR network layer sizes (input, hidden, output)", ", ".join(map(str, x["network"]["layer_sizes"])), "2, 2, 1"],
        ["(9)", "M-P network (θ = 0.5) accuracy on XOR / with θ = 0", f"{x['network']['accuracy']:.0%} / {x['network']['no_threshold_accuracy']:.0%}", "100% / —"],
        ["(9)", "best of the single M-P neurons on XOR", f"{x['single_neuron']['best_accuracy']:.0%} of {x['single_neuron']['neurons']}", "≤ 75%"],
        ["(10)", "trained 2-8-1 on XOR: tanh / no activation", f"{x['trained_tanh']['accuracy']:.0%} / {x['trained_linear']['accuracy']:.0%}", "100% / ≤ 75%"],
    ]  # fmt: skip
    return Table(["question", "measured quantity", "value", "expected / reference"], rows)


def conclusion(results: dict) -> str:
    """The answer, computed from the measured numbers."""
    return " ".join(
        [_mp_text(results), _shifted_text(results["shifted"]), _unshifted_text(results), _xor_text(results)]
    )


def _mp_text(results: dict) -> str:
    order, a = results["order"], results["activations"]
    gates_ok = all(g["output"] == g["expected"] for g in results["gates"].values())
    text = (
        f"M-P neurons computed AND, OR and NOT {'exactly' if gates_ok else 'WRONGLY'} as f(Σwᵢxᵢ − θ). "
        f"Permuting the (weight, input) pairs changed the output of {order['changed_pairs_permuted']} of "
        f"{order['neurons']} random neurons (only the sum counts, so the inputs act as if simultaneous), while "
        f"moving the inputs to other synapses changed {order['changed_inputs_rewired']}. "
    )
    worst = max(a["max_abs_difference"].values())
    text += f"ReLU, LeakyReLU, tanh and the logistic match their formulas to {worst:.1e}; "
    if a["sgn_disagreements"]:
        text += (
            f"np.sign, which the seed's (5) uses, returns {a['np_sign'][2]:g} at 0 while the M-P sgn the seed "
            f"defines in (2) and (8) returns {a['mp_sgn'][2]:g}."
        )
    else:
        text += "np.sign and the M-P sgn agree at every test point."
    return text


def _shifted_text(s: dict) -> str:
    nov, spread, split = s["novikoff"], s["spread"], s["split"]
    state = "converged" if s["converged"] else "did NOT converge"
    within = max(spread["mistakes"] + [s["mistakes"]]) <= nov["bound"]
    text = (
        f"On the shifted double moon the perceptron {state} after {s['epochs']} epochs and {s['mistakes']} "
        f"mistakes (per epoch: {', '.join(map(str, s['mistakes_per_epoch']))}; MSE after the last epoch "
        f"{s['mse_per_epoch'][-1]:.3f}); in the seed's order it took {s['seed_order']['epochs']} epochs and "
        f"{s['seed_order']['mistakes']} mistakes, and η = 1 instead of 0.1 gave "
        f"{'the same' if s['eta_invariant'] else 'DIFFERENT'} mistakes with weights ×{s['coef_ratio_eta1_over_eta01']:.3g}. "
        f"Over {len(spread['mistakes'])} shuffling seeds it made {min(spread['mistakes'])}–{max(spread['mistakes'])} "
        f"mistakes, {'all within' if within else 'NOT all within'} Novikoff's bound (R/γ)² = {nov['bound']:.0f} "
        f"(R = {nov['radius']:.3f}, γ = {nov['gamma']:.4f}; docs/classic.md: 1631), a worst case "
        f"{nov['bound'] / max(spread['mistakes'] + [1]):.0f}× above the worst run. "
    )
    text += (
        f"Trained on 80% it {'converged' if split['converged'] else 'did not converge'}; test MSE "
        f"{split['test_mse']:.3f} (accuracy {split['test_accuracy']:.1%}) against train MSE {split['train_mse']:.3f}."
    )
    return text


def _unshifted_text(results: dict) -> str:
    u, code = results["unshifted"], results["seed_code"]
    if u["converged"]:
        verdict = f"Without the shift it nevertheless converged after {u['epochs']} epochs."
    else:
        verdict = (
            f"Without the shift (not linearly separable: the margin LP is "
            f"{'feasible' if u['separable'] else 'infeasible'}) it never converged: after {u['epochs']} epochs it still "
            f"made {u['mistakes_per_epoch'][-1]} mistakes per epoch (never fewer than {min(u['mistakes_per_epoch'])}), "
            f"final training accuracy {u['accuracy']:.1%} (MSE {u['mse_per_epoch'][-1]:.3f})."
        )
    errors, fixed = code["errors_per_epoch"], code["fixed_errors_per_epoch"]
    fix = f"converges in {len(fixed)} epochs" if fixed[-1] == 0 else f"still errs after {len(fixed)} epochs"
    return (
        f"{verdict} The seed's (7) code as written counts {min(errors)}–{max(errors)} errors in each of its "
        f"first {len(errors)} epochs on the separable data (0/1 labels against np.sign's ±1), so it would run all "
        f"10,000 epochs; with the labels mapped to ±1 the same loop {fix}."
    )


def _xor_text(results: dict) -> str:
    x = results["xor"]
    p, net, single = x["perceptron"], x["network"], x["single_neuron"]
    table = "; ".join(f"({r[0]},{r[1]}) → h = ({r[2]},{r[3]}), y = {r[4]}" for r in net["table"])
    text = (
        f"On XOR the perceptron {'converged' if p['converged'] else 'never converged'} ({p['epochs']} epochs, "
        f"{p['mistakes_per_epoch'][-1]} mistakes in the last, accuracy {p['accuracy']:.0%}) and the best of "
        f"{single['neurons']} single M-P neurons scores {single['best_accuracy']:.0%}"
        f"{'' if single['solving'] == 0 else ' (SOME SOLVE IT)'}; the seed's network with one hidden layer of "
        f"{net['layer_sizes'][1]} neurons gives {table} — accuracy {net['accuracy']:.0%}. "
    )
    zero = net["no_threshold_table"][0]
    text += (
        f"Dropping the thresholds, as the seed's (9) lines do, makes it output {zero[4]} on (0,0) "
        f"(accuracy {net['no_threshold_accuracy']:.0%}): the seed's table comes out right only because it also "
        "writes f(0) = 0. "
    )
    tanh, linear = x["trained_tanh"]["accuracy"], x["trained_linear"]["accuracy"]
    text += (
        f"Activation (10): a trained 2-8-1 network reaches {tanh:.0%} with tanh and {linear:.0%} without an "
        f"activation, {'because without one it is a single linear map' if linear <= 0.75 < tanh else 'CONTRARY to expectation'}."
    )
    return text

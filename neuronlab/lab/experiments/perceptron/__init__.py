"""perceptron: the M-P neuron, Rosenblatt's perceptron on the seed's double moon (with and
without the shift that makes it separable), the convergence theorem, and XOR, which needs a
hidden layer (seed 004 questions (2)–(10))."""

from __future__ import annotations

import math

from neuronlab.datasets import SEED_MOONS_SHIFT
from neuronlab.lab.claims import Claim
from neuronlab.lab.experiment import LabConfig
from neuronlab.lab.experiments.perceptron.figures import figures, table
from neuronlab.lab.experiments.perceptron.measure import DATA_SEED, N_SAMPLES, NOISE, XOR_LR, run

NAME = "perceptron"
TITLE = "The M-P neuron, Rosenblatt's perceptron and why XOR needs a hidden layer"
COURSE = "004 questions (2)–(10)"
QUESTION_ZH = """(2)为什么说M-P神经元将所有信号的输入看做是同时发生的。
(3)输入的信号在传导的过程中分别做了怎样的计算。
(4)常见到的激活函数还有Relu与leakyRelu，tanh等，请写出各自函数定义。
(5)在Python环境下使用Numpy编写Sgn、Logistic激活函数。
(6)感知器的收敛算法是怎样的? 请用自己语言描述。(选做)
(7)代码实现Rosenblatt感知器与收敛算法, 并使用均方误差 (MSE) 衡量模型性能。使用线性可分的双月数据集 进行训练与测试。 (选做)
(8)那么，什么是输入层、隐藏层和输出层?
(9)请将上面右图(b)分类区域中4个点分别按左图(a)网络参数设置进行计算。
(10)现在你应当清楚的体会到, 模型的节点（神经元）数量越多, 参数越大, 模型的拟合能力也就越强了。那么请你 思考，激活函数的作用到底是什么? 如果没有激活函数网络会怎样?"""
QUESTION_EN = """(2) Why does the M-P neuron treat all of its input signals as arriving at the same time?
(3) What computation is applied to the input signals on their way through the neuron?
(4) Other common activations are ReLU, LeakyReLU and tanh: write down their definitions.
(5) Write the Sgn and Logistic activations in NumPy.
(6) How does the perceptron's convergence algorithm work? Describe it in your own words. (optional)
(7) Implement Rosenblatt's perceptron and its convergence algorithm, and measure it with the mean squared error (MSE).
Train and test it on the linearly separable double-moon data set. (optional)
(8) What are the input layer, the hidden layers and the output layer?
(9) Compute the output of the network of figure (a) for the 4 points of figure (b).
(10) More neurons and parameters give a model more capacity. So what is the activation function for?
What happens to a network without one?"""
SEE_ALSO = ("activations", "backprop", "losses")

SIZES = {
    "max_epochs": (100, 30),  # epoch cap of the perceptron (non-separable data never stop by themselves)
    "seed_code_epochs": (5, 3),  # epochs of the seed's (7) code run as written
    "neurons": (500, 200),  # random 5-input M-P neurons for (2)
    "xor_epochs": (300, 150),  # full-batch Adam steps of the 2-8-1 XOR networks
}


def setup(config: LabConfig) -> str:
    s = config.sizes(SIZES)
    return (
        "M-P neurons y = step(w·x − θ), firing at w·x = θ as the seed's (2) and (8) define it: AND (θ = 1.5), "
        f"OR (θ = 0.5), NOT (w = −1, θ = −0.5); {s['neurons']} random 5-input neurons per seed, their (weight, "
        "input) pairs permuted, or only their inputs moved to other synapses. Activations of (4)–(5) at the "
        "seed's points −5, −1, 0, 1, 5 and 200 random points against their definitions. Rosenblatt's "
        "perceptron (w̃ = 0 at the start, labels ±1, an update on every yᵢ w̃·x̃ᵢ ≤ 0, samples shuffled "
        f"by the seed) on the seed's double moon ({N_SAMPLES} points, noise {NOISE}, random_state {DATA_SEED}) "
        f"with class 0 moved up by {SEED_MOONS_SHIFT:g} (separable) and without the shift, at most "
        f"{s['max_epochs']} epochs; η = 0.1 against η = 1; the projection of w̃ on the maximum-margin "
        "direction u recorded at every update (the seed's proof step); Novikoff's bound (R/γ)² (bias "
        "coordinate included); an 80/20 stratified train/test split per seed for (7)'s test MSE. The "
        f"seed's (7) code run as written for {s['seed_code_epochs']} epochs. XOR: the perceptron, every M-P "
        "neuron with w₁, w₂, θ on a 0.25-grid in [−2, 2], the seed's M-P network (Zhou Fig. 5.5, θ = 0.5) "
        "and the same network computed as the seed's (9) lines write it (no thresholds, f = the sgn of (8)), "
        f"and 2-8-1 networks trained on noisy XOR (200 points, noise 0.15, drawn from the seed) {s['xor_epochs']} full-batch Adam steps (lr {XOR_LR}, initialization "
        "from the seed) with tanh and with no activation."
    )


def _unshifted_min_mistakes(r: dict) -> float:
    return float(min(r["moons"]["unshifted"]["mistakes_per_epoch"]))


CLAIMS = [
    Claim(
        id="order-of-inputs",
        question="004 (2)",
        statement="An M-P neuron sees only Σ wᵢxᵢ: permuting its (weight, input) pairs never changes its output",
        course_says="004 (2): 在 M-P 神经元模型中，所有输入信号被同时处理，因此被视为是同时发生的",
        course_agrees=True,
        metric="fraction of random 5-input neurons whose output changes when the (wᵢ, xᵢ) pairs are permuted",
        measure=lambda r: r["order"]["changed_pairs_permuted"],
        rule="<",
        threshold=0.5,
        note="Moving the inputs to other synapses (x permuted, w kept) does change outputs (see the table): "
        "it is the pairing, not the arrival order, that matters.",
    ),
    Claim(
        id="gates",
        question="004 (3)",
        statement="Weighted sum, minus a threshold, through a step computes AND, OR and NOT exactly",
        course_says="004 (3): 线性变换、加权求和、阈值比较和激活函数处理",
        course_agrees=True,
        metric="wrong rows in the AND, OR and NOT truth tables",
        measure=lambda r: r["gate_errors"],
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="activation-definitions",
        question="004 (4)",
        statement="ReLU, LeakyReLU (α = 0.01), tanh and the logistic of the library follow the seed's definitions",
        course_says="004 (4): f(x) = max(0, x); f(x) = αx (x < 0), x (x ≥ 0); f(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)",
        course_agrees=True,
        metric="max |library − definition| over 205 points (float64)",
        measure=lambda r: max(r["activations"]["max_abs_difference"].values()),
        rule="<",
        threshold=1e-12,
    ),
    Claim(
        id="np-sign-is-mp-sgn",
        question="004 (5)",
        statement="np.sign, the seed's Sgn, is the M-P neuron's sgn (1 at x ≥ 0) that the seed defines in (2) and (8)",
        course_says="004 (5): def sgn(x): return np.sign(x)  # 输出：[-1. -1.  0.  1.  1.]",
        course_agrees=True,
        metric="seed test points (−5, −1, 0, 1, 5) where np.sign differs from the M-P sgn",
        measure=lambda r: r["activations"]["sgn_disagreements"],
        rule="<",
        threshold=0.5,
        note="np.sign(0) = 0, which is neither the seed's (2) (y = 1 if Σ wᵢxᵢ + b ≥ 0, else −1) nor its (8) "
        "(sgn(x) = 1 for x ≥ 0, 0 otherwise); docs/classic.md §1.",
        expected="contradicts",
    ),
    Claim(
        id="learning-rate-irrelevant",
        question="004 (6)",
        statement="Started from w̃ = 0, the perceptron makes the same mistakes with η = 0.1 and η = 1",
        course_says=None,
        metric="1 if the mistakes per epoch are identical for η = 0.1 and η = 1, else 0",
        measure=lambda r: r["moons"]["eta_same_mistakes"],
        rule=">",
        threshold=0.5,
        note="Every update is a multiple of η, so w̃(η) = η·w̃(1): the weights only scale (ratio in the table).",
    ),
    Claim(
        id="seed-proof-step",
        question="004 (6)",
        statement="Each perceptron update lowers d = w̃·u, the projection of the weights on the best separating "
        "direction u (the seed's d_{t+1} ≤ d_t − γ²η)",
        course_says="004 收敛定理证明: d_{t+1} ≤ d_t + ηγ² = d_t − γ²η，这证明了感知器算法的收敛性",
        course_agrees=True,
        metric="smallest fall of d = w̃·u over the updates of one run, min (d_t − d_{t+1}) (η = 1)",
        measure=lambda r: -r["moons"]["proof"]["max_rise"],
        rule=">",
        threshold=0.0,
        note="Each update adds η·yᵢx̃ᵢ with yᵢ u·x̃ᵢ ≥ γ, so d rises by at least ηγ; the seed's last line also "
        "writes d_t + ηγ² = d_t − γ²η. The standard argument (d rises, ‖w̃‖ grows at most like √k) is in "
        "docs/classic.md §3 (the table gives the smallest rise in units of ηγ).",
        expected="contradicts",
    ),
    Claim(
        id="converges-within-bound",
        question="004 (7)",
        statement="On the separable double moon the perceptron stops, after fewer mistakes than Novikoff's bound (R/γ)²",
        course_says="004 收敛定理: 当训练数据集线性可分时，感知器算法将会在有限次迭代内找到一个能够正确分类所有样本的超平面",
        course_agrees=True,
        metric="log10((R/γ)² / total mistakes) for a run that stopped (−inf if it did not)",
        measure=lambda r: (
            math.log10(r["moons"]["proof"]["bound"] / max(r["moons"]["shifted"]["mistakes"], 1))
            if r["moons"]["shifted"]["converged"]
            else -math.inf
        ),  # fmt: skip
        rule=">",
        threshold=0.0,
    ),
    Claim(
        id="test-mse",
        question="004 (7)",
        statement="Trained on 80% of the separable moons, the perceptron's ±1 outputs have a test MSE below that of "
        "a constant guess of the majority class",
        metric="test MSE of the constant guess (≈ 4 × 0.5) − test MSE of the perceptron",
        measure=lambda r: 2.0 - r["moons"]["split"]["test_mse"],
        rule=">",
        threshold=0.0,
        note="With ±1 outputs the MSE is 4 × the error rate; the test split is balanced, so guessing one class "
        "has MSE 2.",
    ),
    Claim(
        id="seed-code-stops",
        question="004 (7)",
        statement="The seed's (7) code, run as written on the separable moons, reaches an epoch without errors",
        course_says="004 (7): update = self.eta * (yi - np.sign(np.dot(xi, self.w))) ... if error_count == 0: break",
        course_agrees=True,
        metric="fewest 'errors' counted in an epoch of the seed's loop",
        measure=lambda r: min(r["moons"]["seed_code_errors"]),
        rule="<",
        threshold=0.5,
        note="make_moons gives labels 0/1 but np.sign predicts ±1, so every class-0 sample counts as an error in "
        "every epoch and the loop runs all 10,000 epochs; with the labels mapped to ±1 the same loop stops "
        "(table). The code also never computes the MSE the question asks for.",
        expected="contradicts",
    ),
    Claim(
        id="unshifted-never-stops",
        question="004 (7)",
        statement="Without the shift (not linearly separable) the perceptron never has an epoch without mistakes",
        metric="fewest mistakes in an epoch of the unshifted moons",
        measure=_unshifted_min_mistakes,
        rule=">",
        threshold=0.5,
    ),
    Claim(
        id="xor-one-neuron",
        question="004 (10)",
        statement="No single M-P neuron computes XOR (one line cannot separate it)",
        course_says="004: 一个神经元无法完成像抑或问题这样线性不可分的复杂问题",
        course_agrees=True,
        metric="best accuracy on the 4 XOR points over 4913 M-P neurons",
        measure=lambda r: r["xor"]["single_neuron"]["best_accuracy"],
        rule="<",
        threshold=1.0,
    ),
    Claim(
        id="xor-hidden-layer",
        question="004 (9)",
        statement="One hidden layer of two M-P neurons (θ = 0.5) computes XOR on the 4 points",
        course_says="004 (9): (0,1) → 1, (1,1) → 0, (0,0) → 0, (1,0) → 1",
        course_agrees=True,
        metric="wrong outputs on the 4 XOR points",
        measure=lambda r: r["xor"]["network"]["errors"],
        rule="<",
        threshold=0.5,
    ),
    Claim(
        id="xor-network-as-written",
        question="004 (9)",
        statement="Computed as the seed's (9) lines write it — no thresholds, f the sgn of its own (8) — the "
        "network outputs XOR on the 4 points",
        course_says="004 (9): (0,0) 第二层 左节点：f(0 x 1 + 0 x (-1)) = f(0) = 0 ... 第三层 输出：f(0) = 0",
        course_agrees=True,
        metric="wrong outputs on the 4 XOR points",
        measure=lambda r: r["xor"]["network"]["as_written_errors"],
        rule="<",
        threshold=0.5,
        note="The seed's lines drop the thresholds and write f(0) = 0 against its own sgn(0) = 1; the (1,1) output "
        "line reads the inputs instead of the hidden units and gives f(2) = 0. With θ = 0 and sgn(0) = 1, "
        "(0,0) gives h = (1, 1) and y = 1. The network with θ = 0.5 (the book figure) makes no error "
        "(table); docs/classic.md §5.",
        expected="contradicts",
    ),
    Claim(
        id="xor-needs-nonlinearity",
        question="004 (10)",
        statement="A trained 2-8-1 network classifies XOR better with tanh than with no activation "
        "(without one it is a single linear map)",
        course_says="004 (10): 如果没有激活函数，那么再多的节点拼接而成的网络最终也只是进行了一次线性变换",
        course_agrees=True,
        metric="training accuracy on noisy XOR (200 points) with tanh − without activation",
        measure=lambda r: r["xor"]["trained_tanh"]["accuracy"] - r["xor"]["trained_linear"]["accuracy"],
        rule=">",
        threshold=0.0,
    ),
]

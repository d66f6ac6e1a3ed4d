"""second-order: what happens to the computational graph when second derivatives are asked
for, what they cost (Hessian-vector products against the full Hessian as the model grows),
whether they agree, and what the Hessian's eigenvalues say (003 §4.7 exercise 5)."""

from __future__ import annotations

import numpy as np

from neuronlab.analysis import full_hessian, top_eigenvalue
from neuronlab.lab.experiment import LabConfig, Table
from neuronlab.lab.experiments import _second_order_helpers as h
from neuronlab.lab.plots import new_figure

NAME = "second-order"
TITLE = "Second derivatives: Hessian-vector products against the full Hessian"
SEEDS = "003 §4.7 exercise 5"
QUESTION_ZH = (
    "5. 假设想计算二阶导数。计算图发生了什么？预计计算需要多长时间？\n"
    "（种子答案：计算图会变得复杂……如果参数数量为 P，Hessian 矩阵大小为 P×P，计算和存储成本为 O(P²)……"
    "可能比一阶导数慢 P 倍或更多。实际中，通常避免直接计算完整 Hessian，而使用近似方法（如 Hessian-vector "
    "products），但即使这样，计算时间也可能增加一个数量级以上。）"
)
QUESTION_EN = (
    "5. Suppose we want second derivatives. What happens to the computational graph? How long "
    "should the computation take?\n(The seed's answer: the graph grows; with P parameters the Hessian "
    "is P×P, so time and memory are O(P²), possibly P times slower than a gradient or more; in practice "
    "one uses Hessian-vector products instead, which may still cost an order of magnitude more.)"
)

FACTORS = (0.5, 0.9, 1.1, 1.5)  # learning rates as multiples of 2/λ_max
SPECTRUM_WIDTH = 8


def _sizes(config: LabConfig) -> dict:
    return {
        "widths": config.pick([2, 4, 8, 16, 32, 64, 128, 256], [2, 4, 8, 16]),
        "n_data": config.pick(100, 50), "repeats": config.pick(5, 3), "train_steps": config.pick(1500, 500),
        "gd_steps": config.pick(100, 60), "power_iters": config.pick(60, 30),
    }  # fmt: skip


def setup(config: LabConfig) -> str:
    s = _sizes(config)
    return (
        f"Regression y = sin(x) + N(0, 0.1²) on {s['n_data']} points of [-3, 3] with a 1-h-1 tanh network "
        f"in float64, MSE loss, h ∈ {s['widths']} (n = 3h + 1 parameters). For each size: the median time "
        f"of {s['repeats']} gradients (forward + backward) and of {s['repeats']} Hessian-vector products "
        "(Pearlmutter: a gradient recorded with create_graph=True, differentiated once more along v), the "
        "time and backward passes of the full Hessian (one HVP per column), H·v from both, H·v against "
        f"central differences of the gradient (ε = {h.FD_EPS:g}), the graph's ops and bytes for the loss and "
        "for the gradient, and the eigenvalues (numpy eigvalsh of the full Hessian) against power "
        f"iteration on HVPs. The h = {SPECTRUM_WIDTH} network's spectrum at initialization and after "
        f"{s['train_steps']} full-batch Adam steps (lr 0.01); from there, and on a linear least-squares "
        f"quadratic (200×10, Hessian (2/N)AᵀA known in closed form), {s['gd_steps']} steps of gradient "
        f"descent at lr = f·2/λ_max for f ∈ {list(FACTORS)}."
    )


def _quadratic_results(seed: int, steps: int) -> dict:
    model, loss_fn, exact = h.quadratic(seed)
    params = list(model.parameters())
    eig = np.linalg.eigvalsh(exact)
    lam = float(eig[-1])
    return {
        "n_parameters": len(exact), "lambda_exact": lam, "condition_number": lam / float(eig[0]),
        "lambda_power": top_eigenvalue(loss_fn, params, iters=2000, tol=1e-13, seed=seed)[0],
        "hessian_max_diff": float(np.abs(full_hessian(loss_fn, params) - exact).max()),
        "runs": h.lr_sweep(loss_fn, params, lam, FACTORS, steps, seed),
    }  # fmt: skip


def run(config: LabConfig) -> dict:
    s = _sizes(config)
    data = h.sine_data(config.seed, s["n_data"])
    rows = [h.cost_row(w, data, config.seed, s["repeats"]) for w in s["widths"]]
    largest = h.sine_net(s["widths"][-1], config.seed)
    trajectory = h.power_trajectory(
        h.closure(largest, *data), list(largest.parameters()), s["power_iters"], config.seed
    )
    spectrum, trained = h.spectrum_before_after(SPECTRUM_WIDTH, data, config.seed, s["train_steps"])
    params = list(trained.parameters())
    lam = spectrum["trained"]["lambda_max"]
    net_runs = h.lr_sweep(h.closure(trained, *data), params, lam, FACTORS, s["gd_steps"], config.seed)
    return {
        "sizes": rows, "power_trajectory": trajectory, "power_target": rows[-1]["power_top"],
        "spectrum": spectrum, "net_gd": net_runs, "quadratic": _quadratic_results(config.seed, s["gd_steps"]),
        "gd_steps": s["gd_steps"], "widths": s["widths"],
    }  # fmt: skip


def _slope(rows, key: str) -> float:
    """The log-log slope of ``key`` against n over the larger half of the sizes."""
    half = rows[len(rows) // 2 - 1 :] if len(rows) > 3 else rows
    return float(np.polyfit(np.log([r["n"] for r in half]), np.log([r[key] for r in half]), 1)[0])


def _iterations_to(trajectory: list[float], target: float, tol: float) -> int | None:
    return next(
        (k + 1 for k, value in enumerate(trajectory) if abs(value - target) <= tol * abs(target)), None
    )


def figures(results: dict) -> dict:
    return {"cost": _cost_figure(results), "power_iteration": _power_figure(results),
            "spectrum": _spectrum_figure(results), "gd_near_2_over_lambda": _gd_figure(results)}  # fmt: skip


def _cost_figure(results: dict):
    rows = results["sizes"]
    n = [r["n"] for r in rows]
    fig, (ax, bx) = new_figure(1, 2)
    for key, label in (("grad_seconds", "gradient"), ("hvp_seconds", "Hessian-vector product"),
                       ("hessian_seconds", "full Hessian")):  # fmt: skip
        ax.loglog(n, [r[key] for r in rows], marker="o", label=label)
    ax.set_xlabel("number of parameters n")
    ax.set_ylabel("seconds")
    ax.set_title("Time against model size")
    ax.legend()
    bx.loglog(n, [r["hvp_backward_passes"] for r in rows], marker="o", label="one HVP")
    bx.loglog(n, [r["hessian_backward_passes"] for r in rows], marker="s", label="full Hessian")
    bx.set_xlabel("number of parameters n")
    bx.set_ylabel("backward passes")
    bx.set_title("Backward passes: 2 against n + 1")
    bx.legend()
    return fig


def _power_figure(results: dict):
    target = results["power_target"]
    errors = [max(abs(v - target) / abs(target), 1e-17) for v in results["power_trajectory"]]
    fig, ax = new_figure()
    ax.semilogy(range(1, len(errors) + 1), errors, marker=".", label=f"n = {results['sizes'][-1]['n']}")
    ax.set_xlabel("power iteration (one HVP each)")
    ax.set_ylabel("|vᵀHv − λ_max| / λ_max")
    ax.set_title("Power iteration on HVPs converges to λ_max")
    ax.legend()
    return fig


def _spectrum_figure(results: dict):
    fig, ax = new_figure()
    for key, label in (("init", "at initialization"), ("trained", "after training")):
        spec = results["spectrum"][key]
        eig = spec["eigenvalues"]
        ax.plot(range(1, len(eig) + 1), eig, marker="o", label=f"{label} (loss {spec['loss']:.3g})")
    ax.axhline(0.0, color="gray", linewidth=0.8)
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_xlabel("eigenvalue index (ascending)")
    ax.set_ylabel("Hessian eigenvalue")
    ax.set_title(f"Spectrum of the 1-{SPECTRUM_WIDTH}-1 network")
    ax.legend(loc="upper left")
    return fig


def _gd_figure(results: dict):
    fig, axes = new_figure(1, 2)
    for ax, runs, title in ((axes[0], results["quadratic"]["runs"], "Quadratic (least squares)"),
                            (axes[1], results["net_gd"], f"1-{SPECTRUM_WIDTH}-1 tanh network (trained)")):  # fmt: skip
        for run in runs:
            start = run["losses"][0]
            ratio = [x / start for x in run["losses"] if x is not None]
            ax.semilogy(range(len(ratio)), ratio, label=f"lr = {run['factor']}·2/λ_max ({run['outcome']})")
        ax.set_xlabel("gradient-descent step")
        ax.set_ylabel("loss / initial loss")
        ax.set_title(title)
        ax.legend(fontsize="small")
    return fig


def table(results: dict) -> Table:
    rows = [[r["n"], r["grad_seconds"] * 1e3, r["hvp_seconds"] * 1e3, r["hessian_seconds"] * 1e3,
             f"{r['hvp_backward_passes']} / {r['hessian_backward_passes']}", r["hvp_vs_hessian_max_diff"],
             r["fd_relative_error"], r["lambda_max"], r["power_top"], r["lambda_min"], r["negative"]]
            for r in results["sizes"]]  # fmt: skip
    return Table(["n", "gradient ms", "HVP ms", "Hessian ms", "backward passes HVP / Hessian", "max |Hv − H·v|",
                  "HVP vs finite diff. (rel.)", "λ_max (eigvalsh)", "λ_max (power)", "λ_min", "negative λ"], rows)  # fmt: skip


def conclusion(results: dict) -> str:
    return " ".join([_graph_text(results), _cost_text(results), _agreement_text(results),
                     _spectrum_text(results), _gd_text(results)])  # fmt: skip


def _graph_text(results: dict) -> str:
    rows = results["sizes"]
    big = rows[-1]
    (loss_ops, loss_bytes), (grad_ops, grad_bytes) = big["loss_graph"], big["gradient_graph"]
    same = len({r["gradient_graph"][0] for r in rows}) == 1
    return (
        f"The graph: asking for the gradient with create_graph=True records the backward pass as new ops on top "
        f"of the forward graph, {loss_ops} ops holding {loss_bytes / 1024:.0f} KiB for the loss become "
        f"{grad_ops} ops holding {grad_bytes / 1024:.0f} KiB for the gradient ({grad_bytes / loss_bytes:.1f}× "
        f"the memory, n = {big['n']}); the number of ops {'is the same at every n' if same else 'changes with n'}, "
        "the arrays grow with the layers."
    )


def _cost_text(results: dict) -> str:
    rows = results["sizes"]
    big, small = rows[-1], rows[0]
    ratios = [r["hvp_seconds"] / r["grad_seconds"] for r in rows]
    order = "less than" if np.median(ratios) < 10 else "more than"
    hess_ratio = big["hessian_seconds"] / big["grad_seconds"]
    times = (
        "as the seed's 'P times slower or more' says"
        if hess_ratio >= big["n"]
        else "less than the seed's 'P times'"
    )
    slope = _slope(rows, "hessian_seconds")
    shape = "close to" if slope >= 1.7 else "between linear and" if slope >= 1.2 else "about linear, not"
    per_pass = [1e3 * r["hessian_seconds"] / r["hessian_backward_passes"] for r in (small, big)]
    overhead = (
        " (at these sizes a pass costs fixed per-op overhead, not time ∝ n)"
        if per_pass[1] < 2 * per_pass[0]
        else ""
    )
    return (
        f"The time: one Hessian-vector product took a median {np.median(ratios):.1f}× a gradient "
        f"({min(ratios):.1f}–{max(ratios):.1f}× over the sizes; 2 backward passes against 1), {order} the order of "
        f"magnitude the seed warns of. The full Hessian needs n + 1 backward passes "
        f"({big['hessian_backward_passes']} at n = {big['n']}) and took {big['hessian_seconds']:.3g} s = "
        f"{hess_ratio:.0f} gradients = {hess_ratio / big['n']:.1f}·n, {times}. Its time grew as n^{slope:.2f} over the "
        f"larger models, {shape} the seed's O(n²): each pass cost {per_pass[0]:.2f} ms at n = {small['n']} and "
        f"{per_pass[1]:.2f} ms at n = {big['n']}{overhead}. The O(n²) is certain in memory: the matrix holds n² = "
        f"{big['n'] ** 2} numbers."
    )


def _agreement_text(results: dict) -> str:
    rows = results["sizes"]
    q = results["quadratic"]
    worst_fd = max(r["fd_relative_error"] for r in rows)
    worst_power = max(r["power_top_rel_error"] for r in rows)
    k = _iterations_to(results["power_trajectory"], results["power_target"], 1e-6)
    reach = f"reached λ_max within 1e-6 after {k} HVPs" if k else "had not reached 1e-6 after its iterations"
    return (
        f"Agreement: H·v from the HVP and from the full Hessian differ by at most "
        f"{max(r['hvp_vs_hessian_max_diff'] for r in rows):.1e}; against central differences of the gradient the "
        f"relative error is at most {worst_fd:.1e}; on the least-squares quadratic the autograd Hessian equals "
        f"(2/N)AᵀA to {q['hessian_max_diff']:.1e} and power iteration gives λ_max = {q['lambda_power']:.6f} "
        f"(closed form {q['lambda_exact']:.6f}). Power iteration matched the largest-magnitude eigenvalue of the full "
        f"spectrum to {worst_power:.1e} at every size; at n = {rows[-1]['n']} it {reach}, against "
        f"{rows[-1]['hessian_backward_passes']} backward passes for the whole Hessian."
    )


def _spectrum_text(results: dict) -> str:
    init, trained = results["spectrum"]["init"], results["spectrum"]["trained"]
    n = len(init["eigenvalues"])
    verdict = ("a saddle region: the loss is not convex there" if init["negative"] else
               "no negative curvature at this start")  # fmt: skip
    end = ("only flat directions remain, as near a minimum" if abs(trained["min_over_max"]) < 1e-2 else
           "clearly negative curvature remains, so training did not reach a minimum")  # fmt: skip
    return (
        f"Eigenvalues: at initialization the 1-{SPECTRUM_WIDTH}-1 network's Hessian has {init['negative']} negative "
        f"eigenvalues of {n} (λ_min/λ_max = {init['min_over_max']:.2f}), {verdict}; after training (loss "
        f"{init['loss']:.3g} → {trained['loss']:.3g}) λ_min/λ_max = {trained['min_over_max']:.1e}: {end}."
    )


def _gd_text(results: dict) -> str:
    q, net = results["quadratic"], results["net_gd"]
    stable_q = [r["factor"] for r in q["runs"] if r["outcome"] == "stable"]
    above = [r for r in q["runs"] if r["factor"] > 1]
    expected = all((r["factor"] < 1) == (r["outcome"] == "stable") for r in q["runs"])
    growth = "; ".join(f"f = {r['factor']}: ×{r['last_step_ratio']:.3f} per step (predicted ×{r['top_direction_factor']:.2f})"
                       for r in above)  # fmt: skip
    text = (
        f"Sharpness: gradient descent on the quadratic with lr = f·2/λ_max was stable for f ∈ {stable_q} "
        f"and diverged above 2/λ_max ({growth}), "
        f"{'exactly as' if expected else 'NOT as'} the stability limit lr < 2/λ_max predicts."
    )
    text += "".join(_net_text(r) for r in net if r["factor"] > 1)
    below = all(r["outcome"] == "stable" for r in net if r["factor"] < 1)
    return text + f" Below 2/λ_max the network's loss {'never rose' if below else 'DID rise'}."


def _net_text(r: dict) -> str:
    """What gradient descent above 2/λ_max did on the trained network."""
    lr = f"lr = {r['factor']}·2/λ_max"
    if r["outcome"] == "diverged":
        return f" On the trained network {lr} diverged."
    if r["outcome"] == "stable":
        return f" On the trained network {lr} never raised the loss, unlike on the quadratic."
    flatter = r["final_sharpness"] < 2 / r["lr"]
    return (
        f" On the trained network {lr} made the loss jump ×{r['max_over_start']:.3g}, yet it did not diverge: after "
        f"{len(r['losses'])} steps it stood at ×{r['final_over_start']:.3g} the start, where the sharpness was "
        f"{r['final_sharpness']:.3g} {'<' if flatter else '≥'} 2/lr = {2 / r['lr']:.3g}"
        + (" — the network moved to a flatter region where this lr is stable." if flatter else ".")
    )

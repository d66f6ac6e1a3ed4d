"""landscape's measurements (000/001 A2.2): the seed's 1-1-1 network, its loss slices over pairs
of parameters, the convexity probe on them (grid and exact Hessians), the convex control, the
seed's own Keras-initialized setting, and the vectorized grid timed against one forward pass per
point, alternately in the same run."""

from __future__ import annotations

import numpy as np

import neuronlab
from neuronlab import nn
from neuronlab.analysis import convexity_report, landscape_2d
from neuronlab.bench.timing import measure_interleaved
from neuronlab.engine.grad_mode import no_grad
from neuronlab.lab.experiment import LabConfig
from neuronlab.nn import functional as F

X_SEED = [0.5, 1.0, 1.5, 2.0]  # the seed's x_train and y_train
Y_SEED = [0.0, 1.0, 1.0, 0.0]
NAMES = {"w1": "0.weight", "b1": "0.bias", "w2": "2.weight", "b2": "2.bias"}
CENTER = {"w1": 1.0, "b1": 0.0, "w2": 2.0, "b2": -0.5}  # the parameters a slice holds fixed
LOSSES = {
    "mse": ("mse", F.mse_loss),
    "cross_entropy": ("bce_with_logits", F.binary_cross_entropy_with_logits),
}
GLOROT_1_1 = float(np.sqrt(6.0 / 2.0))  # Keras's glorot_uniform limit for Dense(1) on 1 input


def data(dtype=neuronlab.float64) -> tuple:
    """The seed's four points as (N, 1) tensors."""
    x = neuronlab.tensor([[v] for v in X_SEED], dtype=dtype)
    y = neuronlab.tensor([[v] for v in Y_SEED], dtype=dtype)
    return x, y


def one_one_one(center: dict, double: bool = True) -> nn.Sequential:
    """The seed's 1-1-1 network: Dense(1, sigmoid) then Dense(1); its output is the MSE
    prediction, or the logit of P(y = 1) for cross-entropy (sigmoid + BCE, on logits)."""
    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid(), nn.Linear(1, 1))
    model = model.double() if double else model
    params = dict(model.named_parameters())
    with no_grad():
        for short, name in NAMES.items():
            params[name].fill_(center[short])
    return model


def report_dict(report) -> dict:
    """A ``ConvexityReport`` as JSON-friendly numbers."""
    worst, most = report.worst_midpoint, report.most_negative
    return {
        "midpoint_pairs": report.midpoint_pairs,
        "midpoint_violations": report.midpoint_violations,
        "worst_gap": None if worst is None else float(worst["gap"]),
        "worst_a": None if worst is None else [float(v) for v in np.ravel(worst["a"])],
        "worst_b": None if worst is None else [float(v) for v in np.ravel(worst["b"])],
        "hessian_points": report.hessian_points,
        "negative_curvature_points": report.negative_curvature_points,
        "most_negative_eigenvalue": None if most is None else float(most["eigenvalue"]),
        "most_negative_point": None if most is None else [float(v) for v in np.ravel(most["point"])],
        "is_convex": bool(report.is_convex),
        "summary": report.summary(),
    }


def slice_and_probe(model, pair: tuple[str, str], loss: str, ranges, resolution: int, seed: int) -> dict:
    """The loss over a pair of parameters on a grid, and the grid convexity probe on it."""
    x, y = data()
    s = landscape_2d(model, tuple(NAMES[p] for p in pair), ranges, resolution, (x, y), loss)
    return {
        "labels": list(pair),
        "axes": [a.tolist() for a in s.axes],
        "values": np.round(s.values, 6).tolist(),  # for the figures; the probe uses full precision
        "grid": report_dict(convexity_report(s, seed=seed)),
    }


def exact_probe(model, pair: tuple[str, str], loss_fn, bounds, n_points: int, seed: int) -> dict:
    """The probe with exact Hessians (double backward) at random points of the box."""
    x, y = data()
    params = dict(model.named_parameters())
    tensors = [params[NAMES[p]] for p in pair]
    report = convexity_report(lambda: loss_fn(model(x), y), tensors, bounds=bounds, n_points=n_points,
                              n_pairs=4 * n_points, seed=seed)  # fmt: skip
    return report_dict(report)


def exact_all(loss_fn, bounds, n_points: int, seed: int) -> dict:
    """Exact 4×4 Hessians over all of (w1, b1, w2, b2) at random points of the box."""
    x, y = data()
    model = one_one_one(CENTER)
    report = convexity_report(lambda: loss_fn(model(x), y), list(model.parameters()), bounds=bounds,
                              n_points=n_points, n_pairs=4 * n_points, seed=seed)  # fmt: skip
    return report_dict(report)


def logistic_regression(ranges, resolution: int, n_points: int, seed: int) -> dict:
    """The convex control: σ(w x + b) with cross-entropy on the same four points."""
    x, y = data()
    model = nn.Sequential(nn.Linear(1, 1)).double()
    s = landscape_2d(model, ("0.weight", "0.bias"), ranges, resolution, (x, y), "bce_with_logits")
    grid = convexity_report(s, seed=seed)
    tensors = [model[0].weight, model[0].bias]
    exact = convexity_report(lambda: F.binary_cross_entropy_with_logits(model(x), y), tensors, bounds=ranges,
                             n_points=n_points, n_pairs=4 * n_points, seed=seed)  # fmt: skip
    return {"grid": report_dict(grid), "exact": report_dict(exact)}


def seed_initializations(draws: int, rng: np.random.Generator, resolution: int, seed: int) -> dict:
    """The seed's own slice: (w1, b1) on [−2, 2]², with w2 drawn as Keras initializes it
    (glorot uniform, limit √3) and b2 = 0; how many draws are non-convex per loss."""
    w2 = rng.uniform(-GLOROT_1_1, GLOROT_1_1, size=draws)
    out = {"w2": w2.tolist()}
    for name, (loss, _) in LOSSES.items():
        reports = []
        for w in w2:
            model = one_one_one({**CENTER, "w2": float(w), "b2": 0.0})
            reports.append(slice_and_probe(model, ("w1", "b1"), loss, (-2.0, 2.0), resolution, seed)["grid"])
        out[name] = {"non_convex": sum(not r["is_convex"] for r in reports),
                     "midpoint_violations": [r["midpoint_violations"] for r in reports],
                     "negative_curvature_points": [r["negative_curvature_points"] for r in reports]}  # fmt: skip
    return out


def speed(resolution: int, repeats: int) -> tuple[dict, dict]:
    """The seed's grid, (w1, b1) on [−2, 2]² of the MSE loss (float32), evaluated vectorized (one
    batched forward pass) and with one forward pass per point as the seed's Keras loop does.

    The two are timed alternately, ``repeats`` times each (``bench.timing.measure_interleaved``),
    so a burst of load on the shared machine hits both alike; the minimum of each is kept.
    Returns (deterministic facts, timings)."""
    x, y = data(neuronlab.float32)
    model = one_one_one(CENTER, double=False)

    def grid(vectorized: bool):
        return landscape_2d(model, ("0.weight", "0.bias"), (-2.0, 2.0), resolution, (x, y), "mse",
                            vectorized=vectorized)  # fmt: skip

    fast, slow = grid(True), grid(False)  # also the warm-up of the timing
    timed = measure_interleaved({"vectorized": lambda: grid(True), "loop": lambda: grid(False)}, repeats=repeats,
                                warmup=0)  # fmt: skip
    facts = {
        "points": int(fast.values.size),
        "max_abs_difference": float(np.max(np.abs(fast.values - slow.values))),
    }
    timings = {"vectorized_seconds": timed["vectorized"].low, "loop_seconds": timed["loop"].low}
    return facts, timings


PAIRS = (("w1", "b1"), ("w1", "w2"), ("w2", "b2"))
RANGE = (-10.0, 10.0)


def run(config: LabConfig, seed: int) -> dict:
    """Slices, grid and exact probes per loss and pair; the convex control; the seed's own
    Keras-initialized setting; the timing. The seed draws the probes' random pairs and points
    and the Keras initializations."""
    from neuronlab.lab.experiments.landscape import SIZES

    s = config.sizes(SIZES)
    slices = {}
    for name, (loss, loss_fn) in LOSSES.items():
        slices[name] = {}
        for pair in PAIRS:
            model = one_one_one(CENTER)
            sl = slice_and_probe(model, pair, loss, RANGE, s["resolution"], seed)
            sl["exact"] = exact_probe(model, pair, loss_fn, RANGE, s["exact_points"], seed)
            slices[name]["_".join(pair)] = sl
    joint = {
        name: exact_all(loss_fn, RANGE, s["exact_points"], seed) for name, (_, loss_fn) in LOSSES.items()
    }
    facts, timings = speed(s["speed_grid"], s["speed_repeats"])
    return {
        "slices": slices, "joint": joint,
        "logistic": logistic_regression(RANGE, s["resolution"], s["exact_points"], seed),
        "seed_init": seed_initializations(s["keras_draws"], np.random.default_rng(seed), s["seed_grid"], seed),
        "speed": facts, "center": CENTER, "range": list(RANGE), "resolution": s["resolution"],
        "timings": timings,
    }  # fmt: skip

"""Loss-landscape slices: the loss along a line or over a plane through parameter space.

A slice is θ(α, β) = θ₀ + α d₁ + β d₂. Two kinds of directions:

* **chosen parameters** (``params=("0.weight", "0.bias")``): dᵢ is the unit vector of one
  scalar parameter and α, β are that parameter's *values* (θ₀ has those coordinates set to
  0), as in the course's w₁-b₁ surface of the 1-1-1 network (seed 000/001 A2.2);
* **random directions** (``params=None``): Gaussian directions with *filter normalization*
  (Li et al., 2018, "Visualizing the Loss Landscape of Neural Nets"), and α, β offsets from
  the current parameters θ₀. See :func:`normalize_direction`.

Evaluation is vectorized: the grid's points are stacked along a new leading axis P and the
model is run once per chunk of points with batched weights W (P, out, in) (``x @ Wᵀ`` then
broadcasts to (P, N, out)). This works for ``Linear`` layers and elementwise activations in
an ``nn.Sequential``, and for functions ``fn(x, **params)`` of scalar parameters; the loop
fallback (``vectorized=False``) runs one ordinary forward pass per grid point.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from neuronlab.engine.grad_mode import no_grad
from neuronlab.engine.tensor import Tensor
from neuronlab.nn import modules as nn
from neuronlab.nn.modules.module import Module

__all__ = [
    "Landscape", "compare_speed", "landscape_1d", "landscape_2d", "normalize_direction",
    "random_direction",
]  # fmt: skip

# Parameter-free layers that act elementwise, so a leading grid axis passes through them.
_ELEMENTWISE = (
    nn.Identity, nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.ELU, nn.GELU, nn.SiLU,
    nn.Softplus, nn.Hardtanh, nn.LogSigmoid, nn.Softsign, nn.Sign, nn.Step,
)  # fmt: skip
LOSSES = ("mse", "bce", "bce_with_logits", "cross_entropy")


@dataclass
class Landscape:
    """A loss slice: ``values[i, j]`` is the loss at (``axes[0][i]``, ``axes[1][j]``)
    (``values[i]`` at ``axes[0][i]`` for a 1-D slice). ``metadata`` is JSON-friendly."""

    axes: tuple[np.ndarray, ...]
    values: np.ndarray
    labels: tuple[str, ...]
    metadata: dict = field(default_factory=dict)

    @property
    def ndim(self) -> int:
        return len(self.axes)


def landscape_2d(
    model: Module | Callable,
    params: tuple[str, str] | None = None,
    ranges=(-1.0, 1.0),
    resolution: int | tuple[int, int] = 41,
    data: tuple | None = None,
    loss: str | Callable = "mse",
    **options,
) -> Landscape:
    """The loss over a plane θ₀ + α d₁ + β d₂ on a ``resolution`` grid of (α, β) in ``ranges``.

    ``params``: two parameter names (``"0.weight"`` for a one-element tensor or
    ``"0.weight[1, 0]"`` for one entry), or ``None`` for two random filter-normalized
    directions. ``ranges``: one (lo, hi) for both axes or one per axis. ``data``: ``(x, y)``.
    ``loss``: ``"mse"``, ``"bce"`` (on probabilities), ``"bce_with_logits"``,
    ``"cross_entropy"`` (logits and class indices), each the mean over samples, or
    ``loss(pred, target) -> (P,)`` for predictions with a leading grid axis P.

    Options: ``directions`` (two dicts name → array, used as given), ``center`` (the
    parameter values of a function ``model(x, **params)``), ``normalization``
    (``"filter"``, ``"layer"`` or ``None``), ``ignore_bias`` (True), ``seed`` (0),
    ``vectorized`` (True; False runs one forward per point), ``chunk_size``.

    Shape:
        ``values`` (G1, G2); ``values[i, j]`` at α = axes[0][i], β = axes[1][j].

    Example:
        >>> model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid(), nn.Linear(1, 1))
        >>> x, y = neuronlab.tensor([[0.5], [1.0], [1.5], [2.0]]), neuronlab.tensor([0.0, 1, 1, 0])
        >>> s = landscape_2d(model, ("0.weight", "0.bias"), (-10, 10), 40, (x, y), "mse")
        >>> s.values.shape
        (40, 40)
    """
    return _landscape(model, params, ranges, resolution, data, loss, 2, options)


def landscape_1d(
    model: Module | Callable,
    params: str | None = None,
    ranges=(-1.0, 1.0),
    resolution: int = 51,
    data: tuple | None = None,
    loss: str | Callable = "mse",
    **options,
) -> Landscape:
    """The loss along a line θ₀ + α d through parameter space (see :func:`landscape_2d`;
    ``params`` is one name, the option ``directions`` one dict).

    Shape:
        ``values`` (G,) at α = axes[0].

    Example:
        >>> model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid(), nn.Linear(1, 1))
        >>> x, y = neuronlab.tensor([[0.5], [1.0], [1.5], [2.0]]), neuronlab.tensor([0.0, 1, 1, 0])
        >>> s = landscape_1d(model, "0.bias", (-5, 5), 21, (x, y))
        >>> s.values.shape
        (21,)
    """
    names = None if params is None else (params,)
    if "directions" in options and isinstance(options["directions"], Mapping):
        options["directions"] = [options["directions"]]
    return _landscape(model, names, ranges, resolution, data, loss, 1, options)


def random_direction(
    weights,
    seed: int | np.random.Generator = 0,
    normalization: str | None = "filter",
    ignore_bias: bool = True,
) -> dict[str, np.ndarray]:
    """A Gaussian direction d ~ N(0, I) over ``weights`` (a module or dict name → array),
    normalized by :func:`normalize_direction`. ``seed`` is an int or a NumPy Generator.

    Example:
        >>> fc = nn.Linear(3, 2)
        >>> d = random_direction(fc, seed=0)
        >>> (np.linalg.norm(d["weight"], axis=1) / np.linalg.norm(fc.weight.detach().numpy(), axis=1)).round(6)
        array([1., 1.])
    """
    center = _arrays(weights)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    direction = {name: rng.standard_normal(w.shape) for name, w in center.items()}
    return normalize_direction(direction, center, normalization, ignore_bias)


def normalize_direction(
    direction: dict[str, np.ndarray], weights, normalization: str | None = "filter", ignore_bias: bool = True
) -> dict[str, np.ndarray]:
    """Rescale a direction so that its scale matches the weights' (Li et al., 2018).

    ``"filter"``: every row dᵢ of a tensor with ≥ 2 dims (one output neuron of a Linear
    weight, one filter of a conv weight) becomes dᵢ · ‖θᵢ‖ / ‖dᵢ‖, so a step of α = 1
    changes each neuron as much as its own weights are large, and the plot does not depend
    on the network's scale invariances. ``"layer"``: the same per tensor. ``None``: as is.
    Tensors with ≤ 1 dim (biases, batch-norm) get d = 0 when ``ignore_bias`` (the paper's
    ``ignore='biasbn'``), otherwise d = θ (what the paper's code does for them).
    """
    center = _arrays(weights)
    out = {}
    for name, w in center.items():
        d = np.asarray(direction[name], dtype=np.float64)
        if w.ndim <= 1:
            d = np.zeros(w.shape) if ignore_bias else w.astype(np.float64)
        elif normalization == "filter":
            rows_w, rows_d = w.reshape(w.shape[0], -1), d.reshape(d.shape[0], -1)
            scale = np.linalg.norm(rows_w, axis=1) / (np.linalg.norm(rows_d, axis=1) + 1e-10)
            d = (rows_d * scale[:, None]).reshape(w.shape)
        elif normalization == "layer":
            d = d * np.linalg.norm(w) / (np.linalg.norm(d) + 1e-10)
        elif normalization is not None:
            raise ValueError(f"normalization must be 'filter', 'layer' or None, got {normalization!r}")
        out[name] = d
    return out


def compare_speed(
    model, data: tuple, loss="mse", params=None, ranges=(-1.0, 1.0), resolution: int = 40, **options
) -> dict:
    """Time the vectorized and the loop evaluation of the same 2-D slice (measured, not
    asserted): ``{"points", "vectorized_seconds", "loop_seconds", "speedup",
    "max_abs_difference"}``."""
    runs = {}
    for vectorized in (True, False):
        start = time.perf_counter()
        result = landscape_2d(model, params, ranges, resolution, data, loss, vectorized=vectorized, **options)
        runs[vectorized] = (time.perf_counter() - start, result.values)
    (fast_seconds, fast), (loop_seconds, slow) = runs[True], runs[False]
    return {
        "points": int(fast.size),
        "vectorized_seconds": fast_seconds,
        "loop_seconds": loop_seconds,
        "speedup": loop_seconds / max(fast_seconds, 1e-12),
        "max_abs_difference": float(np.max(np.abs(fast - slow))),
    }


# -- building the slice ---------------------------------------------------------------------
def _landscape(model, params, ranges, resolution, data, loss, k: int, options: dict) -> Landscape:
    known = {"directions", "center", "normalization", "ignore_bias", "seed", "vectorized", "chunk_size"}
    unknown = set(options) - known
    if unknown:
        raise TypeError(f"unexpected options {sorted(unknown)}; known: {sorted(known)}")
    if data is None:
        raise ValueError("data=(x, y) is required")
    if isinstance(loss, str) and loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES} or a callable, got {loss!r}")
    center = _arrays(model if isinstance(model, Module) else options.get("center"))
    center, directions, labels, mode = _plane(center, params, k, options)
    ranges = [tuple(ranges)] * k if np.ndim(ranges) == 1 else [tuple(r) for r in ranges]
    sizes = [resolution] * k if np.ndim(resolution) == 0 else list(resolution)
    axes = tuple(np.linspace(lo, hi, int(g)) for (lo, hi), g in zip(ranges, sizes))
    coeffs = np.stack([c.ravel() for c in np.meshgrid(*axes, indexing="ij")], axis=1)
    vectorized = options.get("vectorized", True)
    start = time.perf_counter()
    evaluate = _Evaluator(model, center, directions, data, loss)
    values = evaluate.batched(coeffs, options.get("chunk_size")) if vectorized else evaluate.loop(coeffs)
    metadata = {
        "loss": loss if isinstance(loss, str) else getattr(loss, "__name__", "custom"),
        "mode": mode, "vectorized": bool(vectorized), "points": int(len(coeffs)),
        "seconds": time.perf_counter() - start, "seed": options.get("seed", 0),
        "normalization": options.get("normalization", "filter") if mode == "random" else None,
        "ignore_bias": options.get("ignore_bias", True) if mode == "random" else None,
    }  # fmt: skip
    return Landscape(axes, values.reshape([len(a) for a in axes]), labels, metadata)


def _plane(center: dict[str, np.ndarray], params, k: int, options: dict):
    """(θ₀, directions, axis labels, mode) for chosen parameters or (random) directions."""
    if params is not None:
        if len(params) != k:
            raise ValueError(f"expected {k} parameter name(s), got {params!r}")
        center = {n: w.astype(np.float64) for n, w in center.items()}
        directions = []
        for spec in params:
            name, index = _parse(spec, center)
            center[name][index] = 0.0  # the axis values are the parameter's own values
            d = {n: np.zeros(w.shape) for n, w in center.items()}
            d[name][index] = 1.0
            directions.append(d)
        return center, directions, tuple(params), "parameters"
    given = options.get("directions")
    if given is not None:
        directions = [{n: np.asarray(d[n], dtype=np.float64) for n in center} for d in given]
        return center, directions, ("α", "β")[:k], "given"
    rng = np.random.default_rng(options.get("seed", 0))
    norm, ignore = options.get("normalization", "filter"), options.get("ignore_bias", True)
    directions = [random_direction(center, rng, norm, ignore) for _ in range(k)]
    return center, directions, ("α", "β")[:k], "random"


def _parse(spec: str, center: dict[str, np.ndarray]) -> tuple[str, tuple]:
    match = re.fullmatch(r"\s*([^\[\]]+?)\s*(?:\[([\d,\s]+)\])?\s*", spec)
    if match is None or match.group(1) not in center:
        raise KeyError(f"no parameter {spec!r}; parameters: {list(center)}")
    name, index = match.group(1), match.group(2)
    if index is None:
        if center[name].size != 1:
            raise ValueError(f"{name} has shape {center[name].shape}: name one entry, e.g. '{name}[0, 0]'")
        return name, (0,) * center[name].ndim
    return name, tuple(int(i) for i in index.split(","))


def _arrays(weights) -> dict[str, np.ndarray]:
    if isinstance(weights, Module):
        return {n: p.detach().numpy().copy() for n, p in weights.named_parameters()}
    if not isinstance(weights, Mapping):
        raise TypeError("give a Module, or center={name: value} for a function model(x, **params)")
    return {
        n: np.array(v.detach().numpy() if isinstance(v, Tensor) else v, dtype=np.float64)
        for n, v in weights.items()
    }


# -- evaluating it --------------------------------------------------------------------------
class _Evaluator:
    """The loss at θ₀ + Σ cₖ dₖ for rows c of a coefficient matrix, batched or one by one."""

    def __init__(self, model, center, directions, data, loss) -> None:
        self.model, self.center, self.directions, self.loss = model, center, directions, loss
        self.module = isinstance(model, Module)
        if not self.module and any(w.size != 1 for w in center.values()):
            raise ValueError("a function model(x, **params) takes scalar parameters only; use an nn.Module")
        dtypes = [p.detach().numpy().dtype for p in model.parameters()] if self.module else [np.float64]
        self.dtype = dtypes[0] if dtypes else np.float64
        x, y = data
        x = x.detach().numpy() if isinstance(x, Tensor) else np.asarray(x)
        self.x = Tensor._wrap(x.astype(self.dtype) if x.dtype.kind == "f" else x)
        self.target = y.detach().numpy() if isinstance(y, Tensor) else np.asarray(y)

    def thetas(self, coeffs: np.ndarray) -> dict[str, np.ndarray]:
        """θ for each row of ``coeffs`` (P, k): name → (P, *shape), in the model's dtype."""
        out = {}
        for name, w in self.center.items():
            theta = np.broadcast_to(w, (len(coeffs),) + w.shape).astype(np.float64)
            for k, d in enumerate(self.directions):
                if np.any(d[name]):
                    theta = theta + coeffs[:, k].reshape((-1,) + (1,) * w.ndim) * d[name]
            out[name] = theta.astype(self.dtype)
        return out

    def batched(self, coeffs: np.ndarray, chunk_size: int | None) -> np.ndarray:
        if chunk_size is None:  # about 2²² numbers per chunk: the weights plus the widest activation
            width = max(
                [self.x.shape[-1] if self.x.ndim else 1]
                + [max(w.shape, default=1) for w in self.center.values()]
            )
            per_point = (
                sum(w.size for w in self.center.values()) + self.x._data.size // max(1, width) * width * 2
            )
            chunk_size = max(1, 2**22 // per_point)
        values = []
        with no_grad():
            for start in range(0, len(coeffs), chunk_size):
                thetas = self.thetas(coeffs[start : start + chunk_size])
                if self.module:
                    pred = _batched_forward(self.model, self.x, thetas, "")
                else:
                    scalars = {n: Tensor._wrap(t.reshape(len(t), 1)) for n, t in thetas.items()}
                    pred = self.model(self.x, **scalars)
                values.append(_per_point_loss(pred, self.target, self.loss))
        return np.concatenate(values)

    def loop(self, coeffs: np.ndarray) -> np.ndarray:
        """One ordinary forward pass per grid point (the reference and the slow path)."""
        live = dict(self.model.named_parameters()) if self.module else {}
        saved = {n: p.detach().numpy().copy() for n, p in live.items()}
        values = np.empty(len(coeffs))
        try:
            with no_grad():
                for i in range(len(coeffs)):
                    theta = {n: t[0] for n, t in self.thetas(coeffs[i : i + 1]).items()}
                    if self.module:
                        for name, p in live.items():
                            p.copy_(Tensor._wrap(theta[name]))
                        pred = self.model(self.x)
                    else:
                        pred = self.model(
                            self.x, **{n: Tensor._wrap(t.reshape(())) for n, t in theta.items()}
                        )
                    values[i] = _per_point_loss(pred.unsqueeze(0), self.target, self.loss)[0]
        finally:
            with no_grad():
                for name, p in live.items():
                    p.copy_(Tensor._wrap(saved[name]))
        return values


def _batched_forward(model: Module, h: Tensor, thetas: dict[str, np.ndarray], prefix: str) -> Tensor:
    """``model(h)`` for P parameter sets at once: Linear weights (P, out, in) → (P, N, out)."""
    layers = list(model.named_children()) if isinstance(model, nn.Sequential) else [("", model)]
    for name, layer in layers:
        path = f"{prefix}{name}." if name else prefix
        if type(layer) is nn.Linear:
            weight = Tensor._wrap(thetas[path + "weight"])
            h = h @ weight.mT
            if layer.bias is not None:
                h = h + Tensor._wrap(thetas[path + "bias"]).unsqueeze(1)
        elif isinstance(layer, nn.Sequential):
            h = _batched_forward(layer, h, thetas, path)
        elif isinstance(layer, _ELEMENTWISE):
            h = layer(h)
        else:
            raise ValueError(
                f"vectorized=True handles Linear layers and elementwise activations in a Sequential; "
                f"got {type(layer).__name__}: pass vectorized=False for one forward pass per point"
            )
    return h


def _per_point_loss(pred: Tensor, target: np.ndarray, loss) -> np.ndarray:
    """The mean loss for each of the P predictions in ``pred`` (P, ...); shape (P,)."""
    n = pred.shape[0]
    if callable(loss):
        out = loss(pred, Tensor._wrap(target))
        return np.asarray(out.numpy() if isinstance(out, Tensor) else out, dtype=np.float64).reshape(n)
    z = pred.numpy().astype(np.float64)
    if loss == "cross_entropy":  # z (P, N, C) logits, target (N,) class indices
        shifted = z - z.max(axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        picked = np.take_along_axis(log_probs, target.astype(int)[None, :, None], axis=-1)
        return -picked.reshape(n, -1).mean(axis=1)
    t = target.astype(np.float64)
    if t.size == int(np.prod(z.shape[1:])):  # (N,) targets against (N, 1) outputs
        t = t.reshape(z.shape[1:])
    if loss == "mse":
        per = (z - t) ** 2
    elif loss == "bce":  # on probabilities; log clamped at -100 as in PyTorch
        with np.errstate(divide="ignore"):
            per = -(t * np.maximum(np.log(z), -100) + (1 - t) * np.maximum(np.log1p(-z), -100))
    else:  # bce_with_logits, stable for any logit
        per = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return per.reshape(n, -1).mean(axis=1)

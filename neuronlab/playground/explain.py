"""Click a weight, see its gradient worked out: ``explain_backward`` on one training sample.

For the weight w_rc of a Linear layer (z = W a + b) the chain rule gives
dL/dw_rc = dL/dz_r · a_c, and for its bias dL/db_r = dL/dz_r. The page shows that product
with the numbers, the same value read from ``neuronlab.analysis.explain_backward`` (which
walks the recorded graph node by node), and the walk itself.
"""

from __future__ import annotations

from typing import Any

import neuronlab
from neuronlab.analysis import explain_backward
from neuronlab.playground.config import ConfigError
from neuronlab.playground.training import NetworkRun

__all__ = ["explain_weight"]

MAX_LINES = 80


def _index(message: dict, key: str, low: int, high: int) -> int:
    value = message.get(key, low)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{key} must be an integer from {low} to {high}; got {value!r}")
    return value


def explain_weight(run: Any, message: dict) -> dict:
    """``{"layer": l, "row": r, "col": c}`` (``col`` −1 for the bias) and an optional ``sample``."""
    if not isinstance(run, NetworkRun):
        raise ConfigError("explaining a gradient works in the network mode")
    positions = [k for k, m in enumerate(run.model) if isinstance(m, neuronlab.nn.Linear)]
    layer = _index(message, "layer", 0, len(positions) - 1)
    linear = run.model[positions[layer]]
    row = _index(message, "row", 0, linear.out_features - 1)
    col = _index(message, "col", -1, linear.in_features - 1)
    sample = _index(message, "sample", 0, len(run.F_train) - 1)

    run.model.eval()  # one sample: batch norm uses its running statistics, dropout is off
    x = neuronlab.tensor(run.F_train[sample : sample + 1])
    h, a, z = x, None, None
    for k, module in enumerate(run.model):
        if k == positions[layer]:
            a = h
        h = module(h)
        if k == positions[layer]:
            z = h
    loss = run.loss_fn(h, run._target(run.y_train[sample : sample + 1]))
    names = {name: p for name, p in run.model.named_parameters()}
    explanation = explain_backward(loss, {**names, "x": x})
    (dz,) = neuronlab.autograd.grad(loss, [z], retain_graph=True)
    g = float(dz.numpy()[0, row])
    pname = f"{positions[layer]}.{'bias' if col < 0 else 'weight'}"
    total = explanation.gradients[pname]
    if col < 0:
        target, by_hand, value = f"b[{row}]", f"dL/dz{row} = {g:.6g}", float(total[row])
    else:
        a_c = float(a.numpy()[0, col])
        target = f"w[{row},{col}]"
        by_hand = f"dL/dz{row} · a{col} = {g:.6g} × {a_c:.6g} = {g * a_c:.6g}"
        value = float(total[row, col])
    lines = explanation.text().splitlines()
    return {
        "type": "explain",
        "title": f"layer {layer + 1}, {target} ({pname}), sample {sample}, loss {loss.item():.6g}",
        "chain": f"dL/d{target} = {by_hand}",
        "gradient": value,
        "text": "\n".join(lines[:MAX_LINES] + (["…"] if len(lines) > MAX_LINES else [])),
    }

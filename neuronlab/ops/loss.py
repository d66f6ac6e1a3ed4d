"""The fused loss ops: mean squared error, binary cross-entropy (from probabilities and from
logits) and cross-entropy with class indices. ``nn.functional``'s loss functions (argument
checks, ``reduction``, weights) apply these, or compose other ops where nothing is fused.

Each is fused (STYLE rule 7) for speed -- the small networks of the course are dominated by
per-op overhead (``neuronlab bench``, workload 2) -- or for stability, as its docstring says.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import data, log, log1p, maximum, sigmoid, softmax
from neuronlab.engine.function import Function
from neuronlab.engine.row_reduce import exp_rows, row_starts, row_sum

__all__ = ["BCEWithLogits", "BinaryCrossEntropy", "CrossEntropyIndices", "MSE"]


class MSE(Function):
    """Fused mean (or sum) of squared errors: loss = Σ (x - t)² (/ N);
    grad_x = 2 (x - t) · grad (/ N), grad_t = -grad_x.

    Fused for speed: one node instead of four (sub, mul, sum, div).
    """

    grad_fn_name = "MseLossBackward0"

    def forward(self, x, t, reduction):
        self.reduction = reduction
        diff = x - t
        total = np.dot(diff.ravel(), diff.ravel()) if x.dtype.kind == "f" else (diff**2).sum()
        return total / x.size if reduction == "mean" else total

    def backward(self, grad, x, t):
        scale = 2.0 / data(x).size if self.reduction == "mean" else 2.0
        d = (x - t) * (grad * scale)
        return (d if self.needs_input_grad[0] else None, -d if self.needs_input_grad[1] else None)


class BinaryCrossEntropy(Function):
    """loss = -(t ln p + (1 - t) ln(1 - p)), each log clamped at -100 (PyTorch's choice: p = 0
    or 1 gives a finite loss);  d/dp = (p - t) / max(p (1 - p), 1e-12),  d/dt = ln(1 - p) - ln p.

    Its own op so that the gradient at p = 0 or 1 is PyTorch's large finite number, not the
    0/0 = NaN that differentiating the clamped logs gives.
    """

    grad_fn_name = "BinaryCrossEntropyBackward0"

    def forward(self, p, t):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100.0)
            log_q = np.maximum(np.log1p(-p), -100.0)
        return -(t * log_p + (1 - t) * log_q)

    def backward(self, grad, p, t):
        grad_p = grad_t = None
        if self.needs_input_grad[0]:
            grad_p = grad * (p - t) / maximum(p * (1.0 - p), 1e-12)
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                grad_t = grad * (log1p(-p) - log(p))
        return grad_p, grad_t


class BCEWithLogits(Function):
    """Fused binary cross-entropy from logits (no weights; the target is a constant):
    loss = (1 - t) x + ln(1 + e^-|x|) + max(-x, 0);  grad_x = (σ(x) - t) · grad (/ N for mean).

    Fused for speed (one node instead of about ten) and stability: on arrays σ(x) is computed
    as (1 + tanh(x/2))/2, which never overflows.
    """

    grad_fn_name = "BinaryCrossEntropyWithLogitsBackward0"

    def forward(self, x, target, reduction):
        self.target, self.reduction = target, reduction
        losses = (1.0 - target) * x + np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0.0)
        if reduction == "none":
            return losses
        total = losses.sum(dtype=x.dtype)
        return total / x.size if reduction == "mean" else total

    def backward(self, grad, x):
        d = sigmoid(x) - self.target
        if self.reduction == "mean":
            grad = grad / data(x).size
        return (d * grad,)


class CrossEntropyIndices(Function):
    """Fused log-softmax + NLL for (N, C) logits and class indices (no weights, no smoothing):
    loss_i = logsumexp(x_i) - x_i[y_i];  grad_x = (softmax(x) - onehot(y)) · grad (/ N for mean).

    Fused for speed: one node, one pass computes the probabilities the backward needs (on
    Tensors the backward recomputes them from x, recorded), and no division by a probability
    that could be 0.
    """

    grad_fn_name = "NllLossBackward0"

    def forward(self, x, target, reduction):
        self.target, self.reduction = target, reduction
        # e^(x - max) and its row sums from row_reduce.exp_rows (always shifted: see there).
        shifted, e, total = exp_rows(x, 1)
        # Each row's target entry taken at its flat index (a fancy index x[rows, target] costs
        # more); the backward puts its 1s at the same places.
        self.flat = row_starts(*x.shape) + target
        losses = np.log(total[:, 0]) - shifted.ravel().take(self.flat)
        e /= total
        self.probs = e
        if reduction == "none":
            return losses
        out = row_sum(losses, 0)  # (a dot product with ones: losses.sum() is Python code in NumPy)
        return out / x.shape[0] if reduction == "mean" else out

    def backward(self, grad, x):
        n = self.target.shape[0]
        onehot = np.zeros(x.shape, dtype=data(x).dtype)
        onehot.put(self.flat, 1)
        d = softmax(x, 1, from_forward=self.probs) - onehot
        if self.reduction == "none":
            return (d * grad.reshape(n, 1),)
        return (d * (grad / n if self.reduction == "mean" else grad),)

"""Finite-difference checks of gradients (``gradcheck``) and of second derivatives
(``gradgradcheck``), as PyTorch defines them: run them in float64.

For each input element x_k the numerical derivative is the central difference
(f(x + ε e_k) - f(x - ε e_k)) / 2ε; the analytical one comes from backward. They must agree
within ``atol + rtol·|numerical|``.
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine.grad_mode import enable_grad, no_grad
from neuronlab.engine.graph import run_backward
from neuronlab.engine.tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


def _outputs(func, inputs) -> list[Tensor]:
    out = func(*inputs)
    return [out] if isinstance(out, Tensor) else [o for o in out if isinstance(o, Tensor)]


def _numerical_jacobian(func, inputs, index: int, eps: float) -> list[np.ndarray]:
    """One (n_out, n_in) matrix per output: d output / d inputs[index]."""
    x = inputs[index]._data
    if not x.flags.writeable:
        raise ValueError(
            f"gradcheck: input {index} is a read-only broadcast view (from expand), whose elements "
            "cannot be perturbed one at a time; pass a copy (.clone()) instead"
        )
    columns: list[list[np.ndarray]] = []
    with no_grad():
        # Element by element in row-major order (x may be a non-contiguous view: no reshape).
        for position in np.ndindex(x.shape):
            original = x[position]
            x[position] = original + eps
            plus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(func, inputs)]
            x[position] = original - eps
            minus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(func, inputs)]
            x[position] = original
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(columns[0]) if columns else len(_outputs(func, inputs))
    return [np.stack([c[j] for c in columns], axis=1) if columns else np.zeros((0, 0)) for j in range(n_out)]


def _analytical_jacobian(func, inputs, index: int) -> list[np.ndarray]:
    outputs = _outputs(func, inputs)
    target = inputs[index]
    result = []
    for out in outputs:
        rows = []
        for k in range(out.numel()):
            seed = np.zeros(out._data.size, dtype=out._data.dtype)
            seed[k] = 1.0
            if not out.requires_grad:
                rows.append(np.zeros(target.numel()))
                continue
            (g,) = run_backward([out], [Tensor._wrap(seed.reshape(out.shape))], True, False,
                                inputs=[target], allow_unused=True)  # fmt: skip
            rows.append(np.zeros(target.numel()) if g is None else g._data.astype(np.float64).ravel())
        result.append(np.stack(rows) if rows else np.zeros((0, target.numel())))
    return result


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **_ignored) -> bool:  # fmt: skip
    """Check ``func``'s gradients against central finite differences for every input that
    requires grad. Returns True, or raises ``GradcheckError`` naming the input and the worst
    element (returns False when ``raise_exception=False``)."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            continue
        if t.dtype.name != "float64":
            warnings.warn(
                f"gradcheck: input {i} is {t.dtype}, not float64; finite differences in single "
                "precision are unreliable", stacklevel=2,
            )  # fmt: skip
        numerical = _numerical_jacobian(func, inputs, i, eps)
        analytical = _analytical_jacobian(func, inputs, i)
        for j, (num, ana) in enumerate(zip(numerical, analytical)):
            if num.shape != ana.shape or not np.allclose(ana, num, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                diff = np.abs(ana - num) if num.shape == ana.shape else None
                where = (
                    np.unravel_index(int(diff.argmax()), diff.shape)
                    if diff is not None and diff.size
                    else None
                )
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i}:\n"
                    f"numerical:{num}\nanalytical:{ana}\n"
                    + (
                        f"worst element {where}: numerical {num[where]:.6g}, analytical {ana[where]:.6g}"
                        if where
                        else ""
                    )
                )
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, raise_exception: bool = True, **_ignored) -> bool:  # fmt: skip
    """Check second derivatives: ``gradcheck`` of the map (inputs, v) -> vᵀ ∂func/∂inputs,
    computed with ``create_graph=True``. ``grad_outputs`` v defaults to random float64 values."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outputs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            Tensor(rng.standard_normal(o.shape).astype(o._data.dtype), requires_grad=True) for o in outputs
        ]
    else:
        grad_outputs = [grad_outputs] if isinstance(grad_outputs, Tensor) else list(grad_outputs)
    diff_inputs = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    n = len(inputs)

    def first_derivative(*args):
        ins, vs = args[:n], args[n:]
        with enable_grad():  # the finite differences call this under no_grad
            outs = _outputs(func, ins)
            targets = [t for t in ins if isinstance(t, Tensor) and t.requires_grad]
            grads = run_backward(outs, list(vs), True, True, inputs=targets, allow_unused=True)
            return tuple(g if g is not None else t * 0.0 for g, t in zip(grads, targets))

    del diff_inputs
    return gradcheck(first_derivative, (*inputs, *grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)  # fmt: skip

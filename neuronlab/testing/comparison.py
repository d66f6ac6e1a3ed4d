"""``assert_close(actual, expected)`` with PyTorch's default tolerances per dtype.

|actual - expected| <= atol + rtol · |expected| elementwise, with (rtol, atol) = (1.3e-6, 1e-5)
for float32, (1e-7, 1e-7) for float64, (1e-3, 1e-5) for float16, and exact equality for
integers and bools. Shapes and dtypes must match unless ``check_dtype=False``.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.tensor import Tensor

_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}  # fmt: skip


def _array(value) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.detach().numpy()
    return np.asarray(value)


def assert_close(actual, expected, *, rtol: float | None = None, atol: float | None = None,
                 equal_nan: bool = False, check_device: bool = True, check_dtype: bool = True,
                 check_layout: bool = True, check_stride: bool = False, msg: str | None = None) -> None:  # fmt: skip
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close (PyTorch's rule).

    Example:
        >>> neuronlab.testing.assert_close(neuronlab.tensor([1.0]), neuronlab.tensor([1.0 + 1e-7]))
    """
    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    if isinstance(actual, list | tuple) and isinstance(expected, list | tuple):
        if len(actual) != len(expected):
            raise AssertionError(
                msg or f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
            )
        for a, e in zip(actual, expected, strict=True):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
        return
    a, e = _array(actual), _array(expected)
    if a.shape != e.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}.")
    if check_dtype and isinstance(actual, Tensor) and isinstance(expected, Tensor) and a.dtype != e.dtype:
        raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}.")
    if rtol is None:
        rtol, atol = _TOLERANCES.get(np.promote_types(a.dtype, e.dtype), (0.0, 0.0))
    close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not close.all():
        bad = int((~close).sum())
        worst = float(np.max(np.abs(a.astype(np.float64) - e.astype(np.float64))[~close]))
        raise AssertionError(msg or f"Tensor-likes are not close!\n\nMismatched elements: {bad} / {a.size} "
                                    f"({100 * bad / max(a.size, 1):.1f}%)\nGreatest absolute difference: {worst} "
                                    f"(up to {atol} allowed)")  # fmt: skip

"""Creating tensors: tensor, from_numpy, zeros/ones/full/empty, arange/linspace/logspace, eye,
the ``*_like`` forms, and random tensors (rand, randn, randint, randperm, normal, bernoulli).

Floating results default to float32 (``get_default_dtype()``); random ones draw from
``generator`` or from the default generator that ``manual_seed`` seeds.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.device import check_device
from neuronlab.engine.random import rng_of
from neuronlab.engine.tensor import Size, Tensor, as_array


def _size(size) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], tuple | list | Size):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, int | np.integer) or isinstance(s, bool):
            raise TypeError(f"size must be a sequence of ints, got {size!r}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _float_dtype(dtype) -> np.dtype:
    return (dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()).numpy


def _finish(array: np.ndarray, requires_grad: bool, device=None) -> Tensor:
    check_device(device)
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, arrays, tensors).

    Python floats give the default dtype (float32), ints int64, bools bool.
    """
    return _finish(as_array(data, dtype), requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but without a copy when ``data`` is already an array of that dtype."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtypes.as_dtype(dtype)):
        return data
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtypes.as_dtype(dtype).numpy):
        dtypes.from_numpy_dtype(data.dtype)
        return _finish(data, False, device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (no copy; keeps the array's dtype)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)
    return Tensor._wrap(array)


def _filled(size, value, dtype, requires_grad, device, default) -> Tensor:
    np_dtype = dtypes.as_dtype(dtype).numpy if dtype is not None else default
    return _finish(np.full(_size(size), value, dtype=np_dtype), requires_grad, device)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """A tensor of zeros."""
    return _filled(size, 0, dtype, requires_grad, device, dtypes.get_default_dtype().numpy)


def ones(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """A tensor of ones."""
    return _filled(size, 1, dtype, requires_grad, device, dtypes.get_default_dtype().numpy)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """An uninitialized tensor (neuronlab fills it with zeros)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype follows the value when not given)."""
    default = dtypes.scalar_dtype(fill_value)
    return _filled((tuple(size),), fill_value, dtype, requires_grad, device, default)


def zeros_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return zeros(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return ones(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return zeros(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return full(input.shape, fill_value, dtype=dtype or input.dtype, requires_grad=requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end``; int64 for integer arguments."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange(): upper bound and larger bound inconsistent with step sign "
            f"(start={start}, end={end}, step={step})"
        )
    is_float = any(isinstance(v, float) for v in (start, end, step))
    if dtype is not None:
        np_dtype = dtypes.as_dtype(dtype).numpy
    else:
        np_dtype = dtypes.get_default_dtype().numpy if is_float else np.int64
    count = int(np.ceil((end - start) / step))
    array = (start + np.arange(count, dtype=np.float64) * step).astype(np_dtype)
    return _finish(array, requires_grad, device)


def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    return _finish(np.linspace(start, end, steps).astype(_float_dtype(dtype)), requires_grad, device)


def logspace(start, end, steps: int, base: float = 10.0, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``base ** linspace(start, end, steps)``."""
    array = np.power(base, np.linspace(start, end, steps)).astype(_float_dtype(dtype))
    return _finish(array, requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (n x m)."""
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Samples of U[0, 1)."""
    array = rng_of(generator).random(_size(size), dtype=_float_dtype(dtype))
    return _finish(np.asarray(array), requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Samples of the standard normal N(0, 1)."""
    array = rng_of(generator).standard_normal(_size(size), dtype=_float_dtype(dtype))
    return _finish(np.asarray(array), requires_grad, device)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Integers drawn uniformly from [low, high); ``randint(high, size)`` starts at 0."""
    if size is None:
        if high is None or not isinstance(high, tuple | list | Size):
            raise TypeError("randint() missing required argument 'size' (a tuple such as (3, 4))")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    np_dtype = dtypes.as_dtype(dtype).numpy if dtype is not None else np.int64
    array = rng_of(generator).integers(low, high, _size((tuple(size),))).astype(np_dtype)
    return _finish(np.asarray(array), requires_grad, device)


def randperm(n: int, *, generator=None, dtype=None, device=None) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    np_dtype = dtypes.as_dtype(dtype).numpy if dtype is not None else np.int64
    return _finish(rng_of(generator).permutation(n).astype(np_dtype), False, device)


def rand_like(input, *, dtype=None, generator=None) -> Tensor:
    return rand(input.shape, dtype=dtype or input.dtype, generator=generator)


def randn_like(input, *, dtype=None, generator=None) -> Tensor:
    return randn(input.shape, dtype=dtype or input.dtype, generator=generator)


def randint_like(input, low, high=None, *, dtype=None, generator=None) -> Tensor:
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, generator=generator)


def normal(mean, std, size=None, *, generator=None) -> Tensor:
    """Samples of N(mean, std²); ``mean``/``std`` may be tensors (broadcast) or numbers with ``size``."""
    rng = rng_of(generator)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if isinstance(s, np.ndarray) and (s < 0).any() or not isinstance(s, np.ndarray) and s < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s}")
    shape = _size((tuple(size),)) if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    dt = next((x.dtype for x in (m, s) if isinstance(x, np.ndarray)), dtypes.get_default_dtype().numpy)
    return Tensor._wrap(np.asarray(rng.normal(m, s, shape)).astype(dt))


def bernoulli(input, p=None, *, generator=None) -> Tensor:
    """0/1 samples: 1 with probability ``input`` (elementwise)."""
    probs = input._data if p is None else np.full(input.shape, p)
    if (probs < 0).any() or (probs > 1).any():
        raise RuntimeError("bernoulli(): all probabilities must be in [0, 1]")
    return Tensor._wrap((rng_of(generator).random(probs.shape) < probs).astype(input._data.dtype))


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Indices drawn from the (unnormalized) probabilities in each row of ``input``."""
    rng = rng_of(generator)
    probs = np.atleast_2d(input._data).astype(np.float64)
    probs = probs / probs.sum(axis=1, keepdims=True)
    rows = [rng.choice(probs.shape[1], num_samples, replace=replacement, p=row) for row in probs]
    out = np.asarray(rows, dtype=np.int64)
    return Tensor._wrap(out if input.ndim == 2 else out[0])

"""Creating tensors: tensor, from_numpy, zeros/ones/full/empty, arange/linspace/logspace, eye,
the ``*_like`` forms, and random tensors (rand, randn, randint, randperm, normal, bernoulli).

Floating results default to float32 (``get_default_dtype()``); random ones draw from
``generator`` or from the default generator that ``manual_seed`` seeds.
"""

from __future__ import annotations

import math

import numpy as np

from neuronlab.engine import dtypes, runtime, sampling
from neuronlab.engine.device import check_device
from neuronlab.engine.random import generator_of
from neuronlab.engine.tensor import Size, Tensor, as_array
from neuronlab.ops import range_values


def _size(size) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], tuple | list | Size):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, int | np.integer) or isinstance(s, bool):
            raise TypeError(f"size must be a sequence of ints, got {size!r}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _shape(size: tuple, keyword) -> tuple[int, ...]:
    """The shape from ``*size`` or from PyTorch's keyword form ``size=(2, 3)``, not both."""
    if keyword is not None:
        if size:
            raise TypeError("size given both positionally and as size=")
        return _size((tuple(keyword),))
    return _size(size)


def _float_dtype(dtype) -> np.dtype:
    return (dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()).numpy


def _finish(array: np.ndarray, requires_grad: bool, device=None, out=None) -> Tensor:
    """Wrap ``array``; with ``out=``, write it into that tensor instead (resized if needed)."""
    check_device(device)
    if out is not None:
        if tuple(out.shape) == array.shape:
            out._data[...] = array
        else:  # PyTorch resizes an out= tensor of another shape
            out._data = np.array(array, dtype=out._data.dtype)
        out._version[0] += 1
        return out
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


def _filled(shape, value, dtype, requires_grad, device, default, out=None) -> Tensor:
    np_dtype = dtypes.as_dtype(dtype).numpy if dtype is not None else default
    if out is not None and dtype is None:
        np_dtype = out._data.dtype
    return _finish(np.full(shape, value, dtype=np_dtype), requires_grad, device, out)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, **size_keyword) -> Tensor:  # fmt: skip
    """A tensor of zeros (``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``)."""
    shape = _shape(size, _size_keyword(size_keyword))
    return _filled(shape, 0, dtype, requires_grad, device, dtypes.get_default_dtype().numpy, out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False, **size_keyword) -> Tensor:  # fmt: skip
    """A tensor of ones."""
    shape = _shape(size, _size_keyword(size_keyword))
    return _filled(shape, 1, dtype, requires_grad, device, dtypes.get_default_dtype().numpy, out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None, **size_keyword) -> Tensor:  # fmt: skip
    """An uninitialized tensor (neuronlab fills it with zeros)."""
    shape = _shape(size, _size_keyword(size_keyword))
    return _filled(shape, 0, dtype, requires_grad, device, dtypes.get_default_dtype().numpy, out)


def _size_keyword(keywords: dict):
    """PyTorch's ``size=`` keyword (a name Python cannot also give to ``*size``)."""
    unknown = set(keywords) - {"size"}
    if unknown:
        raise TypeError(f"got an unexpected keyword argument {sorted(unknown)[0]!r}")
    return keywords.get("size")


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A tensor filled with ``fill_value`` (its dtype follows the value when not given)."""
    default = dtypes.scalar_dtype(fill_value)
    return _filled(_size((tuple(size),)), fill_value, dtype, requires_grad, device, default, out)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:  # fmt: skip
    return zeros(input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:  # fmt: skip
    return ones(input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:  # fmt: skip
    return zeros(input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:  # fmt: skip
    return full(
        input.shape, fill_value, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad
    )


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Values from ``start`` up to (not including) ``end``; int64 for integer arguments.

    The values are PyTorch's bit for bit: ``start + i * step`` rounded as its CPU kernel
    rounds it (``ops/range_values.py``)."""
    if end is None:
        start, end = 0, start
    _check_range(start, end, step)
    is_float = any(isinstance(v, float) for v in (start, end, step))
    if dtype is not None:
        np_dtype = dtypes.as_dtype(dtype).numpy
    else:
        np_dtype = dtypes.get_default_dtype().numpy if is_float else np.dtype(np.int64)
    count = range_values.arange_size(start, end, step, np_dtype)
    array = range_values.arange_values(start, step, count, np_dtype, runtime.get_num_threads())
    return _finish(array, requires_grad, device, out)


def _check_range(start, end, step) -> None:
    """PyTorch's checks of arange's bounds (``arange_check_bounds``), in its order."""
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"arange(): unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError(
            f"arange(): upper bound and lower bound inconsistent with step sign "
            f"(start={start}, end={end}, step={step})"
        )


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (PyTorch's values bit
    for bit: the first half counted up from ``start``, the second down from ``end``)."""
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    np_dtype = _float_dtype(dtype)
    array = range_values.linspace_values(start, end, steps, np_dtype) if steps else np.zeros(0, np_dtype)
    return _finish(array, requires_grad, device, out)


def logspace(start, end, steps: int, base: float = 10.0, *, out=None, dtype=None, layout=None,
             device=None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``base ** linspace(start, end, steps)`` (PyTorch's values bit for bit)."""
    if steps < 0:
        raise RuntimeError("logspace(): number of steps must be non-negative")
    np_dtype = _float_dtype(dtype)
    array = (
        range_values.logspace_values(start, end, steps, base, np_dtype) if steps else np.zeros(0, np_dtype)
    )
    return _finish(array, requires_grad, device, out)


def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    """The identity matrix (n x m)."""
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device, out)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False, **size_keyword) -> Tensor:  # fmt: skip
    """Samples of U[0, 1): the bits of PyTorch's ``rand`` for the same seed."""
    shape = _shape(size, _size_keyword(size_keyword))
    array = sampling.uniform(generator_of(generator), shape, _float_dtype(dtype))
    return _finish(array, requires_grad, device, out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, pin_memory: bool = False, **size_keyword) -> Tensor:  # fmt: skip
    """Samples of the standard normal N(0, 1): the bits of PyTorch's ``randn`` (see
    ``engine/sampling.py`` and docs/compatibility.md for the limits)."""
    shape = _shape(size, _size_keyword(size_keyword))
    array = sampling.normal(generator_of(generator), shape, _float_dtype(dtype))
    return _finish(array, requires_grad, device, out)


def randint(low, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
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
    array = sampling.random_int(generator_of(generator), _size((tuple(size),)), int(low), int(high), np_dtype)
    return _finish(array, requires_grad, device, out)


def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A random permutation of 0..n-1 (int64), PyTorch's shuffle for the same seed."""
    np_dtype = dtypes.as_dtype(dtype).numpy if dtype is not None else np.int64
    array = sampling.randperm(generator_of(generator), int(n)).astype(np_dtype)
    return _finish(array, requires_grad, device, out)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None, generator=None) -> Tensor:  # fmt: skip
    return rand(input.shape, dtype=dtype or input.dtype, generator=generator, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None, generator=None) -> Tensor:  # fmt: skip
    return randn(input.shape, dtype=dtype or input.dtype, generator=generator, requires_grad=requires_grad)


def randint_like(input, low, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad: bool = False, memory_format=None, generator=None) -> Tensor:  # fmt: skip
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, generator=generator)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """Samples of N(mean, std²), as PyTorch draws them.

    ``normal(0.0, 0.01, size=(2, 1), requires_grad=True)`` fills a new tensor with
    ``normal_(mean, std)``; with tensors, ``mean``/``std`` broadcast and the samples are
    ``randn·std + mean`` (PyTorch's ``normal(Tensor, Tensor)``).
    """
    gen = generator_of(generator)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if isinstance(s, np.ndarray) and (s < 0).any() or not isinstance(s, np.ndarray) and s < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s}")
    if not isinstance(m, np.ndarray) and not isinstance(s, np.ndarray):
        if size is None:
            raise TypeError("normal() with float mean and std needs a size")
        array = sampling.normal(gen, _size((tuple(size),)), _float_dtype(dtype), float(m), float(s))
        return _finish(array, requires_grad, device, out)
    dt = next(x.dtype for x in (m, s) if isinstance(x, np.ndarray))
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    if not isinstance(s, np.ndarray):  # normal(Tensor mean, float std): normal_(0, std) + mean
        array = sampling.normal(gen, shape, dt, 0.0, float(s)) + m
    else:  # normal_(0, 1) · std + mean
        array = sampling.normal(gen, shape, dt) * s + m
    return _finish(np.asarray(array, dtype=dt), requires_grad, device, out)


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """0/1 samples: 1 with probability ``input`` (elementwise), PyTorch's draws."""
    gen = generator_of(generator)
    probs = input._data
    if p is not None:
        return _finish(sampling.bernoulli_scalar(gen, probs.shape, p).astype(probs.dtype), False, None, out)
    if (probs < 0).any() or (probs > 1).any():
        raise RuntimeError("bernoulli(): all probabilities must be in [0, 1]")
    return _finish(sampling.bernoulli_tensor(gen, probs).astype(probs.dtype), False, None, out)


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None, out=None) -> Tensor:
    """Indices drawn from the (unnormalized) probabilities in each row of ``input``, as PyTorch
    draws them (one sample or no replacement: the largest p / Exp(1); else inverse CDF)."""
    probs = np.atleast_2d(input._data)
    if (probs < 0).any() or not np.isfinite(probs).all():
        raise RuntimeError("multinomial(): probability tensor contains either `inf`, `nan` or element < 0")
    if (probs.sum(axis=-1) <= 0).any():
        raise RuntimeError("multinomial(): invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError(
            "multinomial(): cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    samples = sampling.multinomial(generator_of(generator), probs, int(num_samples), replacement)
    return _finish(samples if input.ndim == 2 else samples[0], False, None, out)

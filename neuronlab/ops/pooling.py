"""2-D pooling: max, average and adaptive average, each computed as a loop over the kh·kw
kernel offsets, where every offset is one strided slice of the (padded) input. No window
array (kh·kw values per output, strided) is materialised, which is what makes pooling fast in
NumPy; max pooling only copies each offset's slice once into a contiguous stack.

Max pooling records, for every output, which offset held the maximum (the first one in
row-major window order on ties, as PyTorch does), so its backward pass sends the whole
gradient to that one element. Both backward passes are linear maps of the gradient, written
as ops whose own backward is the matching forward map, so double backward works. Each map is
one array function (``max_pool``, ``max_pool_scatter``, ...) that the op's ``forward`` and
the adjoint op's ``forward`` share; in an ordinary backward pass ``Function.call`` runs that
forward on arrays directly.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import Function, ShapeError, named
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.block_cache import empty, zeros
from neuronlab.ops.im2col import ConvGeometry, pair

__all__ = ["adaptive_avg_pool2d", "avg_pool2d", "max_pool2d", "pool_geometry"]


def _output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size, including its rule that in ceil mode the last window
    must start inside the input or the left padding."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def pool_geometry(in_size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                  op: str = "max_pool2d") -> ConvGeometry:  # fmt: skip
    """Window positions of a pooling op; the bottom/right padding is extended so that ceil
    mode's partial last windows stay inside the padded array."""
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == () or stride == [] else pair(stride, "stride")
    padding, dilation = pair(padding, "padding"), pair(dilation, "dilation")
    if min(kernel) <= 0 or min(stride) <= 0 or min(dilation) <= 0:
        raise ShapeError(
            f"{op}(): kernel_size, stride and dilation must be positive, got kernel_size={kernel}, "
            f"stride={stride}, dilation={dilation}"
        )
    pads, outs = [], []
    for size, k, s, p, d in zip(in_size, kernel, stride, padding, dilation):
        if p < 0 or 2 * p > d * (k - 1) + 1:
            raise ShapeError(
                f"{op}(): pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}"
            )
        out = _output_size(size, k, s, p, d, ceil_mode)
        needed = (out - 1) * s + d * (k - 1) + 1
        pads += [p, max(p, needed - size - p)]
        outs.append(out)
    if min(outs) < 1:
        raise ShapeError(
            f"{op}(): given input size: ({'x'.join(map(str, in_size))}). Calculated output size: "
            f"({'x'.join(map(str, outs))}). Output size is too small (kernel_size={kernel}, "
            f"stride={stride}, padding={padding}, dilation={dilation})"
        )
    return ConvGeometry(tuple(in_size), kernel, stride, dilation, tuple(pads), tuple(outs))


def _padded(x: np.ndarray, geo: ConvGeometry, fill) -> np.ndarray:
    if geo.pad == (0, 0, 0, 0):
        return x
    top, bottom, left, right = geo.pad
    out = empty(x.shape[:2] + geo.padded, x.dtype)
    out.fill(fill)
    out[:, :, top : top + x.shape[2], left : left + x.shape[3]] = x
    return out


def _offsets(geo: ConvGeometry):
    """(k, rows, columns): the slice of the padded input seen by kernel offset k = i·kw + j."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.out_size
    for i in range(kh):
        for j in range(kw):
            yield (
                i * kw + j,
                slice(i * dh, i * dh + (ho - 1) * sh + 1, sh),
                slice(j * dw, j * dw + (wo - 1) * sw + 1, sw),
            )


def _disjoint(geo: ConvGeometry) -> bool:
    """Windows never overlap, so a backward pass may assign slices instead of adding them."""
    return all(s >= d * (k - 1) + 1 for s, d, k in zip(geo.stride, geo.dilation, geo.kernel))


def _tiles(geo: ConvGeometry) -> bool:
    """Windows cover the padded input exactly once (every element is written by one offset)."""
    return (
        geo.stride == geo.kernel
        and geo.dilation == (1, 1)
        and all(o * k == p for o, k, p in zip(geo.out_size, geo.kernel, geo.padded))
    )


def _spread(parts, geo: ConvGeometry, shape, dtype) -> np.ndarray:
    """Place ``parts(k)`` (output-shaped) at every offset k of a zero (N, C, Hp, Wp) array,
    adding where windows overlap; return it cropped to the input (N, C, H, W)."""
    padded_shape = shape[:2] + geo.padded
    dx = empty(padded_shape, dtype) if _tiles(geo) else zeros(padded_shape, dtype)
    block = None if _disjoint(geo) else empty(shape[:2] + geo.out_size, dtype)
    for k, rows, columns in _offsets(geo):
        if block is None:  # disjoint windows: write straight into place
            parts(k, dx[:, :, rows, columns])
        else:
            parts(k, block)
            dx[:, :, rows, columns] += block
    top, _, left, _ = geo.pad
    if padded_shape == tuple(shape):
        return dx
    return dx[:, :, top : top + shape[2], left : left + shape[3]]


# -- max pooling --------------------------------------------------------------------------------
def max_pool(x: np.ndarray, geo: ConvGeometry) -> tuple[np.ndarray, np.ndarray]:
    """(out, argmax): the maximum of every window and the offset k = i·kw + j that held it.

    Each offset's strided slice is first copied into one contiguous stack: the maximum and
    the argmax then take ~2·kh·kw passes over contiguous arrays, where NumPy is several
    times faster than on strided ones (0.44 against 0.62 ms for LeNet's first pooling)."""
    padded = _padded(x, geo, -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min)
    views = [padded[:, :, rows, columns] for _, rows, columns in _offsets(geo)]
    stack = empty((len(views),) + views[0].shape, x.dtype)
    for k, v in enumerate(views):
        np.copyto(stack[k], v)
    best = empty(views[0].shape, x.dtype)
    np.copyto(best, stack[0])
    for k in range(1, len(views)):
        np.maximum(best, stack[k], out=best)
    return best, _first_match(stack, best)


def _first_match(views, best: np.ndarray) -> np.ndarray:
    """For every output, the first offset k (index into ``views``) whose value equals the
    maximum (int8, or int32 for more than 126 offsets)."""
    kinds = np.int8 if len(views) < 127 else np.int32
    not_yet = np.not_equal(views[0], best, out=empty(best.shape, bool))
    index = empty(best.shape, kinds)
    np.copyto(index, not_yet)
    differs = empty(best.shape, bool)
    for v in views[1:-1]:
        np.not_equal(v, best, out=differs)
        not_yet &= differs
        index += not_yet
    # np.min propagates NaN: one pass, no mask, to learn whether the NaN path is needed.
    if best.dtype.kind == "f" and best.size and np.isnan(best.min()):
        nan = np.isnan(best)  # PyTorch's scan takes any NaN as the new maximum: the last NaN wins
        for k, v in enumerate(views):
            index[nan & np.isnan(v)] = k
    return index


def max_pool_scatter(grad: np.ndarray, argmax: np.ndarray, geo: ConvGeometry, shape: tuple) -> np.ndarray:
    """Zeros of the input's ``shape`` with each window's ``grad`` at its argmax (summed where
    windows overlap)."""
    hit = empty(argmax.shape, bool)

    def part(k, out):
        np.multiply(np.equal(argmax, k, out=hit), grad, out=out)

    return _spread(part, geo, shape, grad.dtype)


def max_pool_gather(x: np.ndarray, argmax: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """``x`` read at each window's ``argmax`` (the adjoint of ``max_pool_scatter``)."""
    padded = _padded(x, geo, 0)
    out = zeros(argmax.shape, x.dtype)
    hit = empty(argmax.shape, bool)
    for k, rows, columns in _offsets(geo):
        np.copyto(out, padded[:, :, rows, columns], where=np.equal(argmax, k, out=hit))
    return out


class MaxPool2d(Function):
    """out = max over each window;  grad_x = grad sent to the window's argmax (the first
    maximum in row-major order on ties; a NaN counts as the maximum, the last NaN wins)."""

    grad_fn_name = "MaxPool2DWithIndicesBackward0"
    saves_inputs = False

    def forward(self, x, *, geometry, argmax_sink=None):
        self.geometry, self.input_shape = geometry, x.shape
        best, self.argmax = max_pool(x, geometry)
        if argmax_sink is not None:  # max_pool2d(return_indices=True) reads it
            argmax_sink.append(self.argmax)
        return best

    def backward(self, grad):
        return (
            MaxPool2dScatter.call(grad, argmax=self.argmax, geometry=self.geometry, shape=self.input_shape),
        )


class MaxPool2dScatter(Function):
    """out = zeros of the input's shape with grad placed at each window's argmax (summed where
    windows overlap);  grad_grad = the gradient read back at the argmax positions."""

    saves_inputs = False

    def forward(self, grad, *, argmax, geometry, shape):
        self.argmax, self.geometry, self.shape = argmax, geometry, shape
        return max_pool_scatter(grad, argmax, geometry, shape)

    def backward(self, g):
        return (MaxPool2dGather.call(g, argmax=self.argmax, geometry=self.geometry, shape=self.shape),)


class MaxPool2dGather(Function):
    """out = x read at each window's recorded argmax (the adjoint of MaxPool2dScatter)."""

    saves_inputs = False

    def forward(self, x, *, argmax, geometry, shape):
        self.argmax, self.geometry, self.shape = argmax, geometry, shape
        return max_pool_gather(x, argmax, geometry)

    def backward(self, grad):
        return (MaxPool2dScatter.call(grad, argmax=self.argmax, geometry=self.geometry, shape=self.shape),)


def _flat_indices(argmax: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """PyTorch's ``return_indices``: the argmax as a flat index h·W + w into each input plane."""
    kw, (sh, sw), (dh, dw), (ho, wo) = geo.kernel[1], geo.stride, geo.dilation, geo.out_size
    top, _, left, _ = geo.pad
    i, j = np.divmod(argmax.astype(np.int64), kw)
    rows = np.arange(ho).reshape(-1, 1) * sh - top + i * dh
    columns = np.arange(wo) * sw - left + j * dw
    return rows * geo.in_size[1] + columns


def _batched(input, op: str):
    if input.ndim not in (3, 4):
        raise ShapeError(
            f"{op}(): expected 3D or 4D input (C, H, W) or (N, C, H, W), got shape {tuple(input.shape)}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):  # fmt: skip
    """Maximum over kh × kw windows: out[n, c, y, x] = max_{i,j} x_pad[n, c, s·y + d·i, s·x + d·j]
    (padding counts as -∞). ``stride`` defaults to ``kernel_size``. With ``return_indices``
    also returns the flat argmax positions (int64), as PyTorch does.

    Shape: (N, C, H, W) -> (N, C, Ho, Wo), Ho = ⌊(H + 2p - d(k - 1) - 1) / s⌋ + 1 (⌈⌉ in ceil mode).

    Example:
        >>> F.max_pool2d(neuronlab.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    x, unbatched = _batched(input, "max_pool2d")
    geo = pool_geometry(tuple(x.shape[2:]), kernel_size, stride, padding, dilation, ceil_mode)
    sink = [] if return_indices else None
    out = MaxPool2d.apply(x, geometry=geo, argmax_sink=sink)
    if unbatched:
        out = out.squeeze(0)
    if not return_indices:
        return out
    indices = _flat_indices(sink[0], geo)
    return out, Tensor._wrap(indices[0] if unbatched else indices)


# -- average pooling ------------------------------------------------------------------------------
def _divisor(geo: ConvGeometry, count_include_pad: bool, divisor_override) -> np.ndarray | float:
    """PyTorch's divide factor per output: the window size clipped to the padded input
    (count_include_pad) or to the input itself, unless ``divisor_override`` is given."""
    if divisor_override:
        return float(divisor_override)
    factors = []
    for size, k, s, p, out in zip(geo.in_size, geo.kernel, geo.stride, geo.pad[::2], geo.out_size):
        start = np.arange(out) * s - p
        end = np.minimum(start + k, size + p)
        factors.append(end - start if count_include_pad else np.minimum(end, size) - np.maximum(start, 0))
    divisor = np.outer(factors[0], factors[1]).astype(np.float64)
    return float(divisor.flat[0]) if (divisor == divisor.flat[0]).all() else divisor


def avg_pool(x: np.ndarray, geo: ConvGeometry, divisor) -> np.ndarray:
    """The sum of every window divided by ``divisor`` (a number or one per output)."""
    padded = _padded(x, geo, 0)
    views = [padded[:, :, rows, columns] for _, rows, columns in _offsets(geo)]
    total = empty(views[0].shape, x.dtype)
    if len(views) == 1:
        np.copyto(total, views[0])
    else:
        np.add(views[0], views[1], out=total)
    for v in views[2:]:
        total += v
    return np.divide(total, np.asarray(divisor, dtype=x.dtype), out=total)


def avg_pool_scatter(grad: np.ndarray, geo: ConvGeometry, divisor, shape: tuple) -> np.ndarray:
    """grad / divisor added onto every element of its window (the adjoint of ``avg_pool``)."""
    scaled = np.divide(grad, np.asarray(divisor, dtype=grad.dtype), out=empty(grad.shape, grad.dtype))

    def part(k, out):
        out[...] = scaled

    return _spread(part, geo, shape, grad.dtype)


class AvgPool2d(Function):
    """out = (Σ over each window) / divisor;  grad_x = grad / divisor spread over each window."""

    grad_fn_name = "AvgPool2DBackward0"
    saves_inputs = False

    def forward(self, x, *, geometry, divisor):
        self.geometry, self.divisor, self.input_shape = geometry, divisor, x.shape
        return avg_pool(x, geometry, divisor)

    def backward(self, grad):
        return (
            AvgPool2dScatter.call(grad, geometry=self.geometry, divisor=self.divisor, shape=self.input_shape),
        )


class AvgPool2dScatter(Function):
    """out = grad / divisor added onto every element of its window (the adjoint of average
    pooling);  grad_grad = avg_pool2d(g) with the same windows and divisors."""

    saves_inputs = False

    def forward(self, grad, *, geometry, divisor, shape):
        self.geometry, self.divisor = geometry, divisor
        return avg_pool_scatter(grad, geometry, divisor, shape)

    def backward(self, g):
        return (AvgPool2d.call(g, geometry=self.geometry, divisor=self.divisor),)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:  # fmt: skip
    """Mean over kh × kw windows (zero padding counts towards the mean when
    ``count_include_pad``). ``stride`` defaults to ``kernel_size``.

    Example:
        >>> F.avg_pool2d(neuronlab.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    x, unbatched = _batched(input, "avg_pool2d")
    geo = pool_geometry(tuple(x.shape[2:]), kernel_size, stride, padding, 1, ceil_mode, op="avg_pool2d")
    out = AvgPool2d.apply(x, geometry=geo, divisor=_divisor(geo, count_include_pad, divisor_override))
    return out.squeeze(0) if unbatched else out


# -- adaptive average pooling ----------------------------------------------------------------------
def _averaging_matrix(size: int, out: int, dtype) -> np.ndarray:
    """(out, size): row i averages input cells ⌊i·size/out⌋ .. ⌈(i+1)·size/out⌉ - 1."""
    matrix = np.zeros((out, size), dtype=dtype)
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """Average pooling to a fixed output size (Ho, Wo) whatever the input size; cell i covers
    input rows ⌊i·H/Ho⌋ to ⌈(i+1)·H/Ho⌉ (PyTorch's rule). ``output_size=1`` is global
    average pooling. A ``None`` entry keeps that input size.

    Computed as A_h · x · A_wᵀ with averaging matrices (the windows form a grid), so the
    gradient comes from the matmuls.

    Example:
        >>> F.adaptive_avg_pool2d(neuronlab.ones(8, 16, 5, 5), 1).shape
        neuronlab.Size([8, 16, 1, 1])
    """
    x, unbatched = _batched(input, "adaptive_avg_pool2d")
    if isinstance(output_size, int | np.integer):
        output_size = (int(output_size), int(output_size))
    h, w = x.shape[2:]
    oh, ow = (
        (h if output_size[0] is None else output_size[0]),
        (w if output_size[1] is None else output_size[1]),
    )
    if oh <= 0 or ow <= 0:
        raise ValueError(f"adaptive_avg_pool2d(): output_size must be positive, got {output_size}")
    if (oh, ow) == (1, 1):
        out = x.mean((2, 3), keepdim=True)
    elif h % oh == 0 and w % ow == 0:
        out = avg_pool2d(x, (h // oh, w // ow))
    else:
        dtype = x._data.dtype
        rows = Tensor._wrap(_averaging_matrix(h, oh, dtype))
        columns = Tensor._wrap(np.ascontiguousarray(_averaging_matrix(w, ow, dtype).T))
        out = rows @ (x @ columns)
    if (oh, ow) != (1, 1):  # PyTorch: one node (and a mean over dims (2, 3) for size 1, as here)
        out = named(out, "AdaptiveAvgPool2DBackward0")
    return out.squeeze(0) if unbatched else out

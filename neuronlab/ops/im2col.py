"""The array arithmetic behind convolution: window geometry, im2col / col2im, and the three
convolution kernels (output, input gradient, weight gradient) on NumPy arrays.

im2col copies every receptive field into a column, so that a convolution becomes a matrix
product with the flattened kernel: out_n = W_(Co × C·kh·kw) · cols_n (Chellapilla et al.
2006). Two layout choices make this fast in NumPy (each measured on LeNet-5's layers):

* The wide layout (stride 1): each output row is computed for all Wp columns of the padded
  input, so the columns of one kernel offset are a single strided view of the flattened
  image and the copy runs over whole images instead of rows of Wo elements. The kw - 1
  extra columns are cropped from the output; their gradient is zero.
* Cache blocking: the batch is processed in chunks whose column matrix is about
  ``CHUNK_BYTES``, so the columns are written, multiplied and dropped while they are in
  cache. Materialising the whole batch's columns (25 times the input for a 5x5 kernel)
  makes every pass over them a trip to main memory; blocking measured 1.3-2.3x faster.
  Each chunk is one batched matmul; with ``CHUNK_BYTES`` larger than the columns the
  whole batch is one matmul.

The input gradient of a stride-1 convolution folds the kernel's columns into its matmul
and adds only the kh row offsets back (``_input_grad_stride1``); other strides use col2im,
one strided-slice addition per kernel offset. The matmuls are batched per sample rather
than merged into one large GEMM: for LeNet-sized layers each stays below OpenBLAS's
threading threshold, and a threaded GEMM on two busy cores was measured stalling up to 10x.

Every large array the kernels (and pooling) allocate -- outputs, gradients, column blocks --
comes from ``block_cache.empty``, which carves it from a cached block of memory that no array
uses any more (see there for why: page faults, issue 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from neuronlab.engine.function import ShapeError
from neuronlab.ops.block_cache import empty, zeros

__all__ = ["ConvGeometry", "conv_geometry", "pair"]

CHUNK_BYTES = 2**20  # about one L2 cache (measured flat from 1 to 4 MiB on LeNet-5)


def pair(value, name: str = "value") -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; a pair is returned as a tuple of ints."""
    if isinstance(value, int | np.integer):
        return int(value), int(value)
    items = tuple(int(v) for v in value)
    if len(items) == 1:
        return items[0], items[0]
    if len(items) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return items


@dataclass(frozen=True)
class ConvGeometry:
    """Where every kernel window of a 2-D convolution (or pooling) lies.

    ``pad`` is (top, bottom, left, right): 'same' padding with an even kernel is uneven.
    ``row`` is the number of columns computed per output row: Wp in the wide layout, else Wo.
    """

    in_size: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pad: tuple[int, int, int, int]
    out_size: tuple[int, int]

    @cached_property
    def padded(self) -> tuple[int, int]:
        (h, w), (top, bottom, left, right) = self.in_size, self.pad
        return h + top + bottom, w + left + right

    @cached_property
    def wide(self) -> bool:
        """Use the wide layout: stride 1 and at most 50% extra columns."""
        return self.stride == (1, 1) and 2 * self.padded[1] <= 3 * self.out_size[1]

    @cached_property
    def row(self) -> int:
        return self.padded[1] if self.wide else self.out_size[1]


def conv_geometry(in_size, kernel, stride=1, padding=0, dilation=1, op: str = "conv2d") -> ConvGeometry:
    """The geometry of a convolution, with PyTorch's output size
    ⌊(H + 2p - d(k - 1) - 1) / s⌋ + 1 and its errors for impossible settings."""
    kernel, stride, dilation = pair(kernel, "kernel_size"), pair(stride, "stride"), pair(dilation, "dilation")
    if min(kernel) <= 0 or min(stride) <= 0 or min(dilation) <= 0:
        raise ValueError(
            f"{op}(): kernel_size, stride and dilation must be positive, got {kernel}, {stride}, {dilation}"
        )
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{op}(): padding='same' is not supported for strided convolutions")
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            pads = (totals[0] // 2, totals[0] - totals[0] // 2, totals[1] // 2, totals[1] - totals[1] // 2)
        else:
            raise ValueError(f"{op}(): invalid padding string {padding!r}, should be one of 'valid', 'same'")
    else:
        ph, pw = pair(padding, "padding")
        if min(ph, pw) < 0:
            raise ValueError(f"{op}(): negative padding is not supported, got {(ph, pw)}")
        pads = (ph, ph, pw, pw)
    h, w = in_size
    hp, wp = h + pads[0] + pads[1], w + pads[2] + pads[3]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if hp < eff[0] or wp < eff[1]:
        raise ShapeError(
            f"{op}(): calculated padded input size per channel: ({hp} x {wp}). Kernel size: "
            f"({eff[0]} x {eff[1]}). Kernel size can't be greater than actual input size"
        )
    out = ((hp - eff[0]) // stride[0] + 1, (wp - eff[1]) // stride[1] + 1)
    return ConvGeometry((h, w), kernel, stride, dilation, pads, out)


def chunks(n: int, bytes_per_sample: int) -> list[slice]:
    """Slices of a batch of ``n`` whose working set is about ``CHUNK_BYTES``."""
    size = max(1, CHUNK_BYTES // max(1, bytes_per_sample))
    return [slice(start, min(n, start + size)) for start in range(0, n, size)] or [slice(0, 0)]


# -- im2col / col2im ------------------------------------------------------------------------------
def padded_buffer(x: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """x (N, C, H, W) zero-padded to (N, C, Hp, Wp), flattened, with a few spare zeros at
    the end (the wide layout's last windows read up to dw·(kw - 1) elements past the image)."""
    n, c, h, w = x.shape
    hp, wp = geo.padded
    top, _, left, _ = geo.pad
    size = n * c * hp * wp
    flat = zeros((size + geo.dilation[1] * (geo.kernel[1] - 1) + 1,), x.dtype)
    flat[:size].reshape(n, c, hp, wp)[:, :, top : top + h, left : left + w] = x
    return flat


def windows(x: np.ndarray, geo: ConvGeometry, wide: bool | None = None) -> np.ndarray:
    """A read-only view of every kernel offset's input values: (N, C, kh, kw, Ho·Wp) in the
    wide layout, (N, C, kh, kw, Ho, Wo) otherwise."""
    n, c = x.shape[:2]
    hp, wp = geo.padded
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.out_size
    flat = padded_buffer(x, geo)
    if geo.wide if wide is None else wide:
        item = flat.itemsize
        strides = (c * hp * wp * item, hp * wp * item, dh * wp * item, dw * item, item)
        return as_strided(flat, (n, c, kh, kw, ho * wp), strides, writeable=False)
    padded = flat[: n * c * hp * wp].reshape(n, c, hp, wp)
    view = sliding_window_view(padded, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    view = view[:, :, : (ho - 1) * sh + 1 : sh, : (wo - 1) * sw + 1 : sw, ::dh, ::dw]
    return view.transpose(0, 1, 4, 5, 2, 3)


def col2im(cols: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """The adjoint of im2col for columns in the plain layout (N, C·kh·kw, Ho·Wo): add each
    column back onto the input positions it was copied from, one kernel offset (a strided
    slice) at a time. Returns the padded (N, C, Hp, Wp)."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.out_size
    n = cols.shape[0]
    c = cols.shape[1] // (kh * kw)
    parts = cols.reshape(n, c, kh, kw, ho, wo)
    padded = zeros((n, c) + geo.padded, cols.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + (ho - 1) * sh + 1, sh)
            columns = slice(j * dw, j * dw + (wo - 1) * sw + 1, sw)
            padded[:, :, rows, columns] += parts[:, :, i, j]
    return padded


def crop(padded: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """(…, Hp, Wp) -> (…, H, W): drop the padding."""
    top, _, left, _ = geo.pad
    h, w = geo.in_size
    return padded[..., top : top + h, left : left + w]


def grad_rows(grad: np.ndarray, geo: ConvGeometry, buffer: np.ndarray | None = None) -> np.ndarray:
    """An output-shaped array (N, Co, Ho, Wo) as (N, Co, Ho·row): in the wide layout the
    extra columns are zeros, so they contribute nothing. ``buffer`` (N', Co, Ho, row) with
    N' >= N and zero extra columns is reused instead of allocating."""
    n, co, ho, wo = grad.shape
    row = geo.row
    if row == wo:
        return grad.reshape(n, co, ho * wo)
    rows = np.zeros((n, co, ho, row), dtype=grad.dtype) if buffer is None else buffer[:n]
    rows[..., :wo] = grad
    return rows.reshape(n, co, ho * row)


# -- the three kernels -------------------------------------------------------------------------------
def conv_output(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, geo: ConvGeometry) -> np.ndarray:
    """out_n = W · cols(x)_n + b, chunk by chunk. Returns (N, Co, Ho, Wo).

    The bias rides in the matmul as one more column of the kernel against a row of ones in
    the columns: a separate broadcast addition over the output cost more (0.30 against 0.12
    ms for LeNet's first layer)."""
    n, co = x.shape[0], weight.shape[0]
    (ho, wo), row = geo.out_size, geo.row
    k, length = weight[0].size, ho * row
    kernel = weight.reshape(co, k)
    if bias is not None:
        kernel = np.concatenate([kernel, bias.reshape(co, 1)], axis=1)
    view = windows(x, geo)
    out = empty((n, co, ho, wo), x.dtype)
    parts = chunks(n, kernel.shape[1] * length * x.itemsize)
    cols = _columns_buffer(parts[0].stop, k, length, x.dtype, ones=bias is not None)
    product = None if row == wo else empty((parts[0].stop, co, length), x.dtype)
    for part in parts:
        m = part.stop - part.start
        np.copyto(cols[:m, :k].reshape(view[part].shape), view[part])
        if product is None:  # no extra columns to crop: straight into the output
            np.matmul(kernel, cols[:m], out=out[part].reshape(m, co, length))
        else:
            np.matmul(kernel, cols[:m], out=product[:m])
            np.copyto(out[part], product[:m].reshape(m, co, ho, row)[..., :wo])
    return out


def conv_weight_grad(x: np.ndarray, grad: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """dW = Σ_n grad_n · cols(x)_nᵀ. Returns (Co, C, kh, kw)."""
    return conv_weight_bias_grad(x, grad, geo, bias=False)[0]


def conv_weight_bias_grad(x: np.ndarray, grad: np.ndarray, geo: ConvGeometry, bias: bool = True):
    """(dW, db): dW = Σ_n grad_n · cols(x)_nᵀ chunk by chunk (the columns are rebuilt in
    cache rather than kept from the forward pass), and with ``bias`` db = Σ grad over
    (N, Ho, Wo), from the same matmul as dW against a row of ones (a separate sum over the
    gradient took longer than the whole extra row). db is None without ``bias``."""
    n, co, ho, _ = grad.shape
    c, (kh, kw), row = x.shape[1], geo.kernel, geo.row
    k, length = c * kh * kw, ho * row
    rows_k = k + int(bias)
    # Which operand BLAS sees transposed matters (measured): with few output channels
    # rows · colsᵀ is faster, with 16 or more cols · rowsᵀ.
    transposed = co >= 16
    view = windows(x, geo)
    parts = chunks(n, rows_k * length * x.itemsize)
    cols = _columns_buffer(parts[0].stop, k, length, x.dtype, ones=bias)
    rows_buffer = zeros((parts[0].stop, co, ho, row), grad.dtype) if geo.wide else None
    total = np.zeros((rows_k, co) if transposed else (co, rows_k), dtype=x.dtype)
    for part in parts:
        m = part.stop - part.start
        np.copyto(cols[:m, :k].reshape(view[part].shape), view[part])
        rows = grad_rows(grad[part], geo, rows_buffer)
        if transposed:
            total += np.matmul(cols[:m], np.ascontiguousarray(rows.transpose(0, 2, 1))).sum(0)
        else:
            total += np.matmul(rows, cols[:m].transpose(0, 2, 1)).sum(0)
    total = total.T if transposed else total
    weight_grad = np.ascontiguousarray(total[:, :k]).reshape(co, c, kh, kw)
    return weight_grad, (np.ascontiguousarray(total[:, k]) if bias else None)


def _columns_buffer(m: int, k: int, length: int, dtype, ones: bool) -> np.ndarray:
    """Room for m samples' columns (m, k, length), plus a row of ones after them when ``ones``."""
    cols = empty((m, k + int(ones), length), dtype)
    if ones:
        cols[:, k] = 1
    return cols


def conv_input_grad(grad: np.ndarray, weight: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """dx, the transposed convolution of ``grad`` with ``weight``, chunk by chunk.
    Returns (N, C, H, W)."""
    n, co, ho, wo = grad.shape
    c, (kh, kw) = weight.shape[1], geo.kernel
    dx = empty((n, c) + geo.in_size, grad.dtype)
    if geo.stride == (1, 1):
        weight_r = np.ascontiguousarray(weight[:, :, :, ::-1].transpose(2, 1, 0, 3)).reshape(kh * c, co * kw)
        (hp, wp), lead = geo.padded, geo.dilation[1] * (kw - 1)
        parts = chunks(n, (co * kw + kh * c) * ho * wp * grad.itemsize)
        size = parts[0].stop
        buffers = (
            empty((size, co, lead + ho * wp), grad.dtype),  # the gradient, shifted
            empty((size, co * kw, ho * wp), grad.dtype),  # its kw shifts as columns
            empty((size, kh * c, ho * wp), grad.dtype),  # the product, by row offset
        )
        unpadded = geo.padded == geo.in_size
        padded = None if unpadded else empty((size, c, hp * wp), grad.dtype)
        for part in parts:
            m = part.stop - part.start
            target = dx[part].reshape(m, c, -1) if unpadded else padded[:m]
            _input_grad_stride1(grad[part], weight_r, geo, target, [b[:m] for b in buffers])
            if not unpadded:
                dx[part] = crop(padded[:m].reshape((m, c) + geo.padded), geo)
        return dx
    weight_t = np.ascontiguousarray(weight.reshape(co, -1).T)
    for part in chunks(n, kh * kw * c * ho * wo * grad.itemsize):
        cols = np.matmul(weight_t, grad[part].reshape(-1, co, ho * wo))
        dx[part] = crop(col2im(cols, geo), geo)
    return dx


def _input_grad_stride1(grad: np.ndarray, weight_r: np.ndarray, geo: ConvGeometry, out: np.ndarray,
                        buffers: list) -> None:  # fmt: skip
    """Write the padded dx of a stride-1 convolution into ``out`` (N, C, Hp·Wp).

    The sum over the kernel's columns j is folded into the matmul and only the kh row
    offsets are added afterwards: in the wide layout (rows of length Wp) the gradient
    shifted right by j is a strided view G[(o, j), q] = grad[o, q - j], so that
    R[(i, c), q] = Σ_{o,j} W[o, c, i, j] G[(o, j), q] is one batched matmul, and
    dx[c, q + i·Wp] += R[(i, c), q]: kh additions instead of kh·kw, each over whole images.
    ``weight_r`` is W arranged as [(i, c), (o, kw - 1 - j)]. Shifted-in values are zeros.
    ``buffers`` holds room for the shifted gradient, its columns and the product.
    """
    n, co, ho, wo = grad.shape
    (kh, kw), (dh, dw), wp = geo.kernel, geo.dilation, geo.padded[1]
    length, lead = ho * wp, dw * (kw - 1)
    shifted, columns, rows = buffers
    shifted[:, :, :lead] = 0
    body = shifted[:, :, lead:].reshape(n, co, ho, wp)
    body[..., :wo] = grad
    body[..., wo:] = 0
    step = shifted.strides
    shifts = as_strided(
        shifted, (n, co, kw, length), (step[0], step[1], dw * step[2], step[2]), writeable=False
    )
    np.copyto(columns.reshape(n, co, kw, length), shifts)
    rows = np.matmul(weight_r, columns, out=rows).reshape(n, kh, out.shape[1], length)
    out[:, :, :length] = rows[:, 0]
    out[:, :, length:] = 0
    for i in range(1, kh):
        start = i * dh * wp
        out[:, :, start : start + length] += rows[:, i]

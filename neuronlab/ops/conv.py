"""2-D convolution, its two gradients as ops of their own, unfold/fold, and pad.

Convolution is fused (STYLE rule 7): im2col plus one batched matmul per cache-sized chunk
of the batch, in ``neuronlab.ops.im2col``. It is bilinear, so its gradients are again
convolutions: ``Conv2dInputGrad`` (a transposed convolution) and ``Conv2dWeightGrad`` are
ops whose own backward passes are written with the three ops, which is what makes double
backward (``create_graph=True``) work; on arrays (``Function.call``) the same ops run their
array kernels directly. Only ``Conv2d`` has a second, array-only backward: on arrays its weight
and bias gradients come from one matmul.
"""

from __future__ import annotations

import numpy as np

from neuronlab.engine.array_or_tensor import sum as sum_of
from neuronlab.engine.function import Function, ShapeError
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.im2col import (
    col2im,
    conv_geometry,
    conv_input_grad,
    conv_output,
    conv_weight_bias_grad,
    conv_weight_grad,
    crop,
    pair,
    windows,
)
from neuronlab.ops.indexing import index_select

__all__ = ["conv2d", "conv2d_input_grad", "conv2d_weight_grad", "fold", "pad", "unfold"]


# -- the three ops -------------------------------------------------------------------------------
class Conv2d(Function):
    """out[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c] (cross-correlation), as im2col + matmul:
    out_n = W_(Co × C·kh·kw) · cols(x)_n.

    grad_x = conv2d_input_grad(grad, W) (a transposed convolution), grad_W =
    conv2d_weight_grad(x, grad) = Σ_n grad_n · cols(x)_nᵀ, grad_b = Σ grad over (N, H, W).
    """

    grad_fn_name = "ConvolutionBackward0"

    def forward(self, x, weight, bias=None, *, geometry):
        self.geometry = geometry
        return conv_output(x, weight, bias, geometry)

    def backward(self, grad, x, weight, bias=None):
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[0]:
            gx = Conv2dInputGrad.call(grad, weight, geometry=self.geometry)
        if needs[1]:
            gw = Conv2dWeightGrad.call(x, grad, geometry=self.geometry)
        if bias is not None and needs[2]:
            gb = sum_of(grad, (0, 2, 3))
        return gx, gw, gb

    def backward_arrays(self, grad, x, weight, bias=None):
        """The same on arrays, with the weight and bias gradients from one matmul (the bias
        as a row of ones: a separate sum over the gradient took longer than the whole extra
        row, see ``conv_weight_bias_grad``). Tensors cannot share that product."""
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[0]:  # not for a network's first layer
            gx = conv_input_grad(grad, weight, self.geometry)
        with_bias = bias is not None and needs[2]
        if needs[1]:
            gw, gb = conv_weight_bias_grad(x, grad, self.geometry, with_bias)
        elif with_bias:
            gb = grad.sum((0, 2, 3))
        return gx, gw, gb


class Conv2dInputGrad(Function):
    """dx = Σ_{o,i,j} W[o, :, i, j] · grad[o] shifted by (i, j): the gradient of conv2d with
    respect to its input (a transposed convolution). It is bilinear in (grad, W): for an
    upstream gradient g of x's shape, d/dgrad = conv2d(g, W), d/dW = conv2d_weight_grad(g, grad)."""

    def forward(self, grad, weight, *, geometry):
        self.geometry = geometry
        return conv_input_grad(grad, weight, geometry)

    def backward(self, g, grad, weight):
        g_grad = g_weight = None
        if self.needs_input_grad[0]:
            g_grad = Conv2d.call(g, weight, geometry=self.geometry)
        if self.needs_input_grad[1]:
            g_weight = Conv2dWeightGrad.call(g, grad, geometry=self.geometry)
        return g_grad, g_weight


class Conv2dWeightGrad(Function):
    """dW = Σ_n grad_n · cols(x)_nᵀ: the gradient of conv2d with respect to its weight. It is
    bilinear in (x, grad): for an upstream gradient g of W's shape, d/dx =
    conv2d_input_grad(grad, g) and d/dgrad = conv2d(x, g)."""

    def forward(self, x, grad, *, geometry):
        self.geometry = geometry
        return conv_weight_grad(x, grad, geometry)

    def backward(self, g, x, grad):
        gx = g_grad = None
        if self.needs_input_grad[0]:
            gx = Conv2dInputGrad.call(grad, g, geometry=self.geometry)
        if self.needs_input_grad[1]:
            g_grad = Conv2d.call(x, g, geometry=self.geometry)
        return gx, g_grad


def _check_conv_operands(input, weight, bias, groups) -> None:
    if groups != 1:
        raise NotImplementedError(
            f"conv2d(): groups={groups} is not supported; neuronlab implements groups=1 only "
            "(for a grouped convolution, split the channels and concatenate the results)"
        )
    if weight.ndim != 4:
        raise ShapeError(
            f"conv2d(): expected a 4D weight (out_channels, in_channels, kH, kW), got shape {tuple(weight.shape)}"
        )
    if input.ndim != 4:
        raise ShapeError(
            f"conv2d(): expected 3D (unbatched) or 4D (batched) input, but got input of size: "
            f"{list(input.shape)}"
        )
    if input.shape[1] != weight.shape[1]:
        raise ShapeError(
            f"conv2d(): given groups=1, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {weight.shape[1]} channels, but got {input.shape[1]} "
            "channels instead"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ShapeError(f"conv2d(): bias must have shape ({weight.shape[0]},), got {tuple(bias.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:
            raise RuntimeError(
                f"conv2d(): input type ({input.dtype}) and {name} type ({t.dtype}) should be the "
                f"same; convert the input with .to({t.dtype})"
            )


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of ``input`` (N, C, H, W) or (C, H, W) with ``weight``
    (Co, C, kh, kw), plus ``bias`` (Co,). ``padding`` is an int, a pair, 'valid' or 'same'.

    out[n, o, y, x] = b[o] + Σ_{c,i,j} W[o, c, i, j] · x_pad[n, c, s·y + d·i, s·x + d·j]

    Shape: (N, Co, ⌊(H + 2p - d(kh - 1) - 1) / s⌋ + 1, likewise for W).

    Example:
        >>> F.conv2d(neuronlab.ones(1, 1, 4, 4), neuronlab.ones(2, 1, 3, 3), padding=1).shape
        neuronlab.Size([1, 2, 4, 4])
    """
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    _check_conv_operands(input, weight, bias, groups)
    geo = conv_geometry(tuple(input.shape[2:]), tuple(weight.shape[2:]), stride, padding, dilation)
    args = (input, weight) if bias is None else (input, weight, bias)
    out = Conv2d.apply(*args, geometry=geo)
    return out.squeeze(0) if unbatched else out


def conv2d_input_grad(grad, weight, input_size, stride=1, padding=0, dilation=1) -> Tensor:
    """The gradient of ``conv2d`` with respect to an input of spatial size ``input_size``
    (the transposed convolution of ``grad`` with ``weight``)."""
    geo = conv_geometry(pair(input_size), tuple(weight.shape[2:]), stride, padding, dilation)
    return Conv2dInputGrad.apply(grad, weight, geometry=geo)


def conv2d_weight_grad(input, grad, kernel_size, stride=1, padding=0, dilation=1) -> Tensor:
    """The gradient of ``conv2d`` with respect to its weight."""
    geo = conv_geometry(tuple(input.shape[2:]), pair(kernel_size), stride, padding, dilation)
    return Conv2dWeightGrad.apply(input, grad, geometry=geo)


# -- unfold / fold ---------------------------------------------------------------------------------
class Unfold(Function):
    """out = the sliding blocks of x as columns (N, C·kh·kw, Ho·Wo);  grad_x = fold(grad)."""

    saves_inputs = False

    def forward(self, x, *, geometry):
        self.geometry = geometry
        return _unfold(x, geometry)

    def backward(self, grad):
        return (Fold.call(grad, geometry=self.geometry),)


class Fold(Function):
    """out = columns (N, C·kh·kw, Ho·Wo) added back into an image (overlaps sum; the adjoint
    of unfold);  grad_cols = unfold(grad)."""

    saves_inputs = False

    def forward(self, cols, *, geometry):
        self.geometry = geometry
        return _fold(cols, geometry)

    def backward(self, grad):
        return (Unfold.call(grad, geometry=self.geometry),)


def _unfold(x: np.ndarray, geo) -> np.ndarray:
    n, c = x.shape[:2]
    (kh, kw), (ho, wo) = geo.kernel, geo.out_size
    return windows(x, geo, wide=False).reshape(n, c * kh * kw, ho * wo)


def _fold(cols: np.ndarray, geo) -> np.ndarray:
    return np.ascontiguousarray(crop(col2im(cols, geo), geo))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding local blocks: (N, C, H, W) -> (N, C·kh·kw, L), L = Ho·Wo."""
    if input.ndim != 4:
        raise ShapeError(f"unfold(): expected a 4D input (N, C, H, W), got shape {tuple(input.shape)}")
    geo = conv_geometry(tuple(input.shape[2:]), kernel_size, stride, padding, dilation, op="unfold")
    return Unfold.apply(input, geometry=geo)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Combine sliding blocks (N, C·kh·kw, L) into an image (N, C, H, W), summing overlaps."""
    geo = conv_geometry(pair(output_size), kernel_size, stride, padding, dilation, op="fold")
    kh, kw = geo.kernel
    if input.ndim != 3 or input.shape[1] % (kh * kw) or input.shape[2] != geo.out_size[0] * geo.out_size[1]:
        raise ShapeError(
            f"fold(): expected input of shape (N, C·{kh}·{kw}, {geo.out_size[0] * geo.out_size[1]}), "
            f"got {tuple(input.shape)}"
        )
    return Fold.apply(input, geometry=geo)


# -- pad -----------------------------------------------------------------------------------------------
class ConstantPad(Function):
    """out = x surrounded by ``value`` (negative amounts crop);  grad_x = grad with the
    padding removed, i.e. constant-pad(grad, -pads) with value 0."""

    grad_fn_name = "ConstantPadNdBackward0"
    saves_inputs = False

    def forward(self, x, *, pads, value):
        self.pads = pads
        shape = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape, pads))
        if min(shape) < 0:
            raise ShapeError(f"pad(): padding {pads} would give negative output size {shape}")
        return _constant_pad(x, pads, value)

    def backward(self, grad):
        return (ConstantPad.call(grad, pads=tuple((-lo, -hi) for lo, hi in self.pads), value=0),)


def _constant_pad(x: np.ndarray, pads: tuple, value) -> np.ndarray:
    shape = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape, pads))
    out = np.full(shape, value, dtype=x.dtype)
    dst = tuple(slice(max(lo, 0), s - max(hi, 0)) for s, (lo, hi) in zip(shape, pads))
    src = tuple(slice(max(-lo, 0), s - max(-hi, 0)) for s, (lo, hi) in zip(x.shape, pads))
    out[dst] = x[src]
    return out


def _pad_index(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    positions = np.arange(-lo, size + hi)
    if mode == "reflect":
        if lo >= size or hi >= size:
            raise ValueError(
                f"pad(): padding ({lo}, {hi}) should be less than the corresponding input dimension "
                f"{size} for mode 'reflect'"
            )
        period = 2 * (size - 1)
        positions = np.abs(positions) % period if period else np.zeros_like(positions)
        return np.where(positions >= size, period - positions, positions)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    if mode == "circular":
        if lo > size or hi > size:
            raise ValueError(
                f"pad(): padding ({lo}, {hi}) must be at most the input dimension {size} for mode 'circular'"
            )
        return positions % size
    raise NotImplementedError(
        f"pad(): mode {mode!r} is not supported; use 'constant', 'reflect', 'replicate' or 'circular'"
    )


def pad(input, pad, mode: str = "constant", value=None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left, right, top, bottom, ...)`` starts
    from the last dim, as in PyTorch. Modes: 'constant' (with ``value``, default 0; negative
    amounts crop), 'reflect', 'replicate', 'circular'.

    Example:
        >>> F.pad(neuronlab.ones(1, 2), (1, 2), value=0.5)
        tensor([[0.5000, 1.0000, 1.0000, 0.5000, 0.5000]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise ValueError(f"pad(): padding length must be divisible by 2, got {len(pad)}")
    if len(pad) // 2 > input.ndim:
        raise ValueError(f"pad(): padding length {len(pad)} is too large for a {input.ndim}D input")
    pairs = [(0, 0)] * input.ndim
    for k in range(len(pad) // 2):
        pairs[input.ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    if mode == "constant":
        fill = 0 if value is None else value
        return ConstantPad.apply(input, pads=tuple(pairs), value=fill)
    if value not in (None, 0):
        raise ValueError(f"pad(): padding mode {mode!r} doesn't take in value argument")
    if min(pad) < 0:
        raise ValueError(f"pad(): negative padding is only supported in 'constant' mode, got {pad}")
    out = input
    for dim, (lo, hi) in enumerate(pairs):
        if lo or hi:
            index = Tensor._wrap(_pad_index(input.shape[dim], lo, hi, mode))
            out = index_select(out, dim, index)
    return out

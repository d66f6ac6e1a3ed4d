"""Matrix products: matmul (``@``), mm, bmm, mv, dot, outer, and the fused ``linear``."""

from __future__ import annotations

import numpy as np

from neuronlab.engine.function import Function, ShapeError, named
from neuronlab.engine.out_argument import write_out
from neuronlab.engine.tensor import Tensor
from neuronlab.ops.operands import binary, cast


class MatMul(Function):
    """out = a @ b for a, b with at least 2 dims (batch dims broadcast);
    grad_a = grad @ bᵀ, grad_b = aᵀ @ grad (summed over broadcast batch dims by the engine).

    PyTorch folds a batched product into one ``bmm`` or ``mm`` and views the result back
    (``UnsafeViewBackward0``); ``matmul`` renames the cases it names otherwise."""

    grad_fn_name = "UnsafeViewBackward0"
    formula = "{0} @ {1}"

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, grad, a, b):
        ga = grad @ b.mT if self.needs_input_grad[0] else None
        gb = a.mT @ grad if self.needs_input_grad[1] else None
        return ga, gb


class Mm(MatMul):
    """A product of two matrices (``MmBackward0``)."""

    grad_fn_name = "MmBackward0"


class Linear(Function):
    """out = x Wᵀ + b, fused (one GEMM plus a broadcast add);
    grad_x = grad W, grad_W = gradᵀ x, grad_b = Σ grad over all but the last dim.

    Inputs with more than 2 dims are flattened to 2-D so BLAS sees one large GEMM. The
    backward is one formula for arrays (an ordinary backward pass: about 3x less Python per
    call than six recorded tensor ops) and tensors (``create_graph``: recorded).

    Named as PyTorch names 2-D ``x Wᵀ + b``, one ``addmm``; ``linear`` renames the other cases.
    """

    grad_fn_name = "AddmmBackward0"

    def forward(self, x, weight, bias=None):
        x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
        out = x2 @ weight.T
        if bias is not None:
            out += bias
        return out.reshape(x.shape[:-1] + (weight.shape[0],)) if x.ndim != 2 else out

    def backward(self, grad, x, weight, bias=None):
        g2 = grad.reshape(-1, grad.shape[-1]) if grad.ndim != 2 else grad
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[0]:
            gx = (g2 @ weight).reshape(x.shape)
        if needs[1]:
            gw = g2.T @ (x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x)
        if bias is not None and needs[2]:
            gb = g2.sum(0)  # axis 0 of an array, dim 0 of a Tensor
        return gx, gw, gb


class LinearNoBias(Linear):
    """``x Wᵀ`` for a 2-D x: PyTorch's ``mm`` (``MmBackward0``)."""

    grad_fn_name = "MmBackward0"


def _shape_text(shape) -> str:
    return "x".join(str(s) for s in shape)


def matmul(input, other, *, out=None) -> Tensor:
    """Matrix product with NumPy/PyTorch semantics for 1-D and batched operands. Both operands
    must have one dtype: PyTorch does not promote in matrix products (float64 @ float32 and
    int64 @ float32 raise), except for a batched product with nothing to multiply (see
    ``_nothing_to_multiply``)."""
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input.dtype != other.dtype:
        if not _nothing_to_multiply(input, other):
            raise RuntimeError(
                f"matmul(): expected both operands to have the same dtype, but got {input.dtype} and "
                f"{other.dtype}; convert one with .to()"
            )
        input = cast(input, other._data.dtype)
    a, b = binary(input, other, "matmul")
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        if a.ndim <= 2 and b.ndim <= 2:
            raise ShapeError(
                f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(a.shape if a.ndim == 2 else (1, ka))} "
                f"and {_shape_text(b.shape if b.ndim == 2 else (kb, 1))}): the inner sizes {ka} and {kb} must be equal"
            )
        raise ShapeError(
            f"matmul(): shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied: the last "
            f"dim of the first ({ka}) must equal the second-to-last dim of the second ({kb})"
        )
    squeeze_front = a.ndim == 1
    squeeze_back = b.ndim == 1
    if squeeze_front:
        a = a.unsqueeze(0)
    if squeeze_back:
        b = b.unsqueeze(-1)
    na, nb = a._data.ndim, b._data.ndim
    result = (Mm if na == 2 and nb == 2 else MatMul).apply(a, b)
    if squeeze_back:
        result = result.squeeze(-1)
    if squeeze_front:  # after squeeze_back, (1, 1) became (1,): its last dim is the added one
        result = result.squeeze(-1 if squeeze_back else -2)
    if squeeze_front or squeeze_back or na < nb == 3:
        shapes = (1 if squeeze_front else na, 1 if squeeze_back else nb)
        result = named(result, _MATMUL_NAMES.get(shapes, "UnsafeViewBackward0"))
    return write_out(result, out, "matmul")


# PyTorch's names for the products whose graph differs from ours: the output of a vector
# product is our squeeze, and for a matrix times a batch PyTorch's last node is a copy.
_MATMUL_NAMES = {
    (1, 1): "DotBackward0",
    (2, 1): "MvBackward0",
    (1, 2): "SqueezeBackward4",
    (2, 3): "CloneBackward0",
}


def _nothing_to_multiply(a: Tensor, b: Tensor) -> bool:
    """Whether PyTorch 2.13 accepts ``a @ b`` of two dtypes: its batched path (bmm) returns
    before comparing dtypes when the product is empty or its inner size is 0, with the result
    (empty, or zeros) in ``b``'s dtype. The batched path is PyTorch's ``should_fold`` answering
    no: a 2-D or larger ``a`` times a 3-D or larger ``b``, unless ``a`` is 2-D and requires
    grad; or a 3-D or larger, non-empty ``a`` that is not one matrix in memory (the strides of
    its leading dims) times a 2-D ``b`` that does not require grad; and neither operand may
    require grad if its batch dims are broadcast, nor the result be an integer tensor that
    requires grad. (Measured against PyTorch 2.13: the rules are its implementation's.)"""
    x, y = a._data, b._data
    if a.requires_grad and y.dtype.kind != "f":
        return False  # an integer result cannot carry a's gradient: PyTorch raises
    if x.ndim < 2 or y.ndim < 2:
        return False  # a vector operand: PyTorch folds the product into mv, which checks
    if y.ndim >= 3:
        batched = not (x.ndim == 2 and a.requires_grad)
    elif x.ndim >= 3:
        batched = not b.requires_grad and x.size != 0 and not _leading_dims_fold(x)
    else:
        return False  # mm
    if not batched:
        return False
    try:
        batch = np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    except ValueError:
        return False
    if any(t.requires_grad and tuple(t.shape[:-2]) != batch for t in (a, b)):
        return False  # PyTorch folds a broadcast operand that requires grad into mm, which checks
    return 0 in (*batch, x.shape[-2], x.shape[-1], y.shape[-1])


def _leading_dims_fold(x: np.ndarray) -> bool:
    """Whether ``x`` views as an (n, x.shape[-1]) matrix without a copy, as PyTorch tests it."""
    strides = [s // x.itemsize for s in x.strides]
    return all(strides[i] == strides[i + 1] * x.shape[i + 1] for i in range(x.ndim - 2))


def mm(input, mat2) -> Tensor:
    """Product of two matrices (2-D only)."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm(): both arguments must be 2D, got {input.ndim}D and {mat2.ndim}D")
    return matmul(input, mat2)


def bmm(input, mat2) -> Tensor:
    """Batched product of (b, n, m) and (b, m, p) tensors."""
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"bmm(): both arguments must be 3D, got {input.ndim}D and {mat2.ndim}D")
    if input.shape[0] != mat2.shape[0]:
        raise ShapeError(f"bmm(): batch sizes differ: {input.shape[0]} and {mat2.shape[0]}")
    return named(matmul(input, mat2), "BmmBackward0")


def mv(input, vec) -> Tensor:
    """Matrix times vector."""
    if input.ndim == 0:
        raise IndexError("mv(): Dimension specified as 0 but tensor has no dimensions")
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"mv(): expected a 2D matrix and a 1D vector, got {input.ndim}D and {vec.ndim}D")
    return matmul(input, vec)


def dot(input, other) -> Tensor:
    """Inner product of two 1-D tensors of equal length."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.shape[0] != other.shape[0]:
        raise ShapeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{other.shape[0]}] "
            "to have the same number of elements, but got different sizes"
        )
    return matmul(input, other)


def outer(input, vec2) -> Tensor:
    """Outer product of two vectors: (n,) x (m,) -> (n, m)."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


def linear(input, weight, bias=None) -> Tensor:
    """x Wᵀ + b with W of shape (out_features, in_features), as ``nn.Linear`` computes it."""
    if input.shape[-1] != weight.shape[-1]:
        raise ShapeError(
            f"linear(): mat1 and mat2 shapes cannot be multiplied "
            f"({_shape_text((int(np.prod(input.shape[:-1])), input.shape[-1]))} and "
            f"{_shape_text(tuple(reversed(weight.shape)))}): the input's last dim ({input.shape[-1]}) "
            f"must equal in_features ({weight.shape[-1]})"
        )
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"linear(): expected input and weight to have the same dtype, but got {input.dtype} "
            f"and {weight.dtype}; convert the input with .to({weight.dtype})"
        )
    if bias is None:
        out = LinearNoBias.apply(input, weight)
    else:
        out = Linear.apply(input, weight, bias)
    if input._data.ndim != 2:  # PyTorch: a matmul (no bias) or an addmm, then a view back
        names = ("ViewBackward0", "SqueezeBackward4" if input._data.ndim == 1 else "UnsafeViewBackward0")
        out = named(out, names[bias is None])
    return out


def multi_dot(tensors, *, out=None) -> Tensor:
    """``torch.linalg.multi_dot``: the product A₁ A₂ ⋯ Aₖ of 2-D tensors (the first may be a
    row vector, the last a column vector, 1-D), multiplied in the order with the fewest
    multiplications (the matrix-chain dynamic program, as PyTorch chooses it). Its gradient
    is that of the matmuls.

    Example:
        >>> multi_dot([ones(2), ones(2, 3), ones(3)])
        tensor(6.)
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        where = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
        if where and t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D")
        if not where and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(
                f"multi_dot(): all tensors must have be the same dtype but tensor 0 is {_c_name(tensors[0])} "
                f"and tensor {i} {_c_name(t)}"
            )
    first_vector, last_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    matrices = [t.reshape(1, -1) if first_vector and i == 0 else t for i, t in enumerate(tensors)]
    if last_vector:
        matrices[-1] = matrices[-1].reshape(-1, 1)
    for i in range(len(matrices) - 1):
        if matrices[i].shape[1] != matrices[i + 1].shape[0]:
            raise ShapeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                f"{list(tensors[i + 1].shape)} cannot be multiplied"
            )
    result = _chain_product(matrices, _chain_order([m.shape[0] for m in matrices] + [matrices[-1].shape[1]]))
    if first_vector and last_vector:
        result = result.reshape(())
    elif first_vector or last_vector:
        result = result.reshape(-1)
    return write_out(result, out, "mm")  # PyTorch's out= goes to its last mm


def _chain_order(sizes: list[int]) -> list[list[int]]:
    """``split[i][j]``: where the cheapest product of matrices i..j splits (matrix i is
    sizes[i] x sizes[i + 1]); the classic O(k³) dynamic program over chain lengths."""
    k = len(sizes) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][s] + cost[s + 1][j] + sizes[i] * sizes[s + 1] * sizes[j + 1], s) for s in range(i, j)
            )
    return split


def _chain_product(matrices: list, split: list[list[int]]) -> Tensor:
    """The product of ``matrices`` in the order ``split`` gives (an explicit stack: no recursion)."""
    results: dict = {}
    stack = [(0, len(matrices) - 1)]
    while stack:
        i, j = stack[-1]
        if i == j:
            results[i, j] = matrices[i]
            stack.pop()
            continue
        s = split[i][j]
        missing = [part for part in ((i, s), (s + 1, j)) if part not in results]
        if missing:
            stack.extend(missing)
            continue
        results[i, j] = matmul(results[i, s], results[s + 1, j])
        stack.pop()
    return results[0, len(matrices) - 1]


def _c_name(t: Tensor) -> str:
    return {"float32": "float", "float64": "double", "int64": "long int"}.get(
        t._data.dtype.name, str(t.dtype)
    )


def vecdot(x, y, *, dim: int = -1, out=None) -> Tensor:
    """``torch.linalg.vecdot``: Σ xᵢ yᵢ along ``dim`` (batch dims broadcast); a composition of
    a product and a sum, whose gradients are theirs (grad_x = grad · y, grad_y = grad · x).

    Example:
        >>> vecdot(tensor([1.0, 2.0]), tensor([3.0, 4.0]))
        tensor(11.)
    """
    for t in (x, y):
        if t._data.dtype.kind != "f" or t._data.dtype == np.float16:
            name = {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(
                t._data.dtype.name, t._data.dtype.name
            )
            raise RuntimeError(
                f"linalg.vecdot: Expected a floating point or complex tensor as input. Got {name}"
            )
    if x.dtype != y.dtype:
        names = {"float32": "Float", "float64": "Double"}
        raise RuntimeError(
            f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
            f"{names[x._data.dtype.name]} and y of type {names[y._data.dtype.name]} instead"
        )
    return write_out((x * y).sum(dim), out, "sum")

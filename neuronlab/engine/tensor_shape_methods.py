"""``TensorShapeMethods``: ``Tensor``'s reductions, shape, indexing, linear-algebra and
construction methods, each one direct call into ``neuronlab.ops`` (see ``tensor_methods.py``,
whose ``bind_ops`` also binds the op modules used here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def bind_ops() -> None:
    """Import the op modules the methods below call, as globals of this module (called by
    ``tensor_methods.bind_ops``, once ``Tensor`` exists; see there for why)."""
    global _creation, _index, _join, _linalg, _reduce, _shape
    from neuronlab.ops import creation as _creation
    from neuronlab.ops import indexing as _index
    from neuronlab.ops import join as _join
    from neuronlab.ops import linalg as _linalg
    from neuronlab.ops import reduction as _reduce
    from neuronlab.ops import shape as _shape


class TensorShapeMethods:
    """Mixin of ``TensorMethods`` (empty ``__slots__``, so ``Tensor`` keeps its slots layout)."""

    __slots__ = ()

    # -- reductions -------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _reduce.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _reduce.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _reduce.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _reduce.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return _reduce.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return _reduce.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _reduce.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return _reduce.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return _reduce.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _reduce.argmin(self, dim, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return _reduce.logsumexp(self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return _reduce.norm(self, p, dim, keepdim, dtype=dtype)

    def cumsum(self, dim, *, dtype=None):
        return _reduce.cumsum(self, dim, dtype=dtype)

    def sort(self, dim=-1, descending=False, stable=False):
        return _index.sort(self, dim, descending, stable=stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return _index.argsort(self, dim, descending, stable=stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        return _index.topk(self, k, dim, largest, sorted)

    # -- shape --------------------------------------------------------------------------------
    def reshape(self, *shape):
        return _shape.reshape(self, *shape)

    def view(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], int | tuple | list):
            return self.to(shape[0])  # view(dtype) is not a reinterpretation in neuronlab
        return _shape.view(self, *shape)

    def view_as(self, other):
        return _shape.view(self, other.shape)

    def reshape_as(self, other):
        return _shape.reshape(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=None):
        return _shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _shape.unsqueeze(self, dim)

    def permute(self, *dims):
        return _shape.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return _shape.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _shape.t(self)

    @property
    def T(self):  # noqa: N802 - PyTorch's name
        return _shape.permute(self, tuple(reversed(range(self._data.ndim))))

    @property
    def mT(self):  # noqa: N802 - PyTorch's name
        if self._data.ndim == 1:  # a 0-d tensor is its own transpose (PyTorch warns)
            raise RuntimeError(
                f"tensor.mT is only supported on matrices or batches of matrices. Got {self._data.ndim}-D tensor."
            )
        return _shape.transpose(self, -2, -1)

    def expand(self, *sizes):
        return _shape.expand(self, *sizes)

    def expand_as(self, other):
        return _shape.expand(self, other.shape)

    def broadcast_to(self, shape):
        return _shape.expand(self, shape)

    def repeat(self, *sizes):
        return _shape.repeat(self, *sizes)

    def flip(self, dims):
        return _shape.flip(self, dims)

    def split(self, split_size_or_sections, dim=0):
        return _join.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return _join.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _join.unbind(self, dim)

    # -- indexing -----------------------------------------------------------------------------
    def gather(self, dim, index):
        return _index.gather(self, dim, index)

    def scatter(self, dim, index, src):
        return _index.scatter(self, dim, index, src)

    def scatter_add(self, dim, index, src):
        return _index.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        return _index.index_select(self, dim, index)

    def masked_fill(self, mask, value):
        return _index.masked_fill(self, mask, value)

    def where(self, condition, other):
        return _index.where(condition, self, other)

    # -- linear algebra -----------------------------------------------------------------------
    def matmul(self, other):
        return _linalg.matmul(self, other)

    def mm(self, other):
        return _linalg.mm(self, other)

    def bmm(self, other):
        return _linalg.bmm(self, other)

    def mv(self, vec):
        return _linalg.mv(self, vec)

    def dot(self, other):
        return _linalg.dot(self, other)

    def outer(self, other):
        return _linalg.outer(self, other)

    # -- construction helpers ------------------------------------------------------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        return _creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return _creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

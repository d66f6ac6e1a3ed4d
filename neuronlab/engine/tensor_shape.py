"""``ShapeMethods``: ``Tensor``'s shape, joining/splitting and indexing methods -- ``view``,
``permute``, ``split``, ``x[i]``, ``x[i] = v``, ``gather``.

Each method is one call into an op module (through ``call_time_imports.modules``, see
``tensor_math.py``). ``Tensor`` (``tensor.py``) inherits these methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from neuronlab.engine.call_time_imports import modules

if TYPE_CHECKING:
    from neuronlab.engine.tensor import Tensor


class ShapeMethods:
    """Mixin of ``Tensor`` (empty ``__slots__``, so ``Tensor`` keeps its slots layout)."""

    __slots__ = ()

    # -- shape --------------------------------------------------------------------------------
    def reshape(self, *shape):
        return modules.shape.reshape(self, *shape)

    def view(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], int | tuple | list):
            return self.to(shape[0])  # view(dtype) is not a reinterpretation in neuronlab
        return modules.shape.view(self, *shape)

    def view_as(self, other):
        return modules.shape.view(self, other.shape)

    def reshape_as(self, other):
        return modules.shape.reshape(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return modules.shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return modules.shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=None, *, axis=None):
        return modules.shape.squeeze(self, dim, axis=axis)

    def unsqueeze(self, dim=None, *, axis=None):
        return modules.shape.unsqueeze(self, dim, axis=axis)

    def permute(self, *dims):
        return modules.shape.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return modules.shape.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return modules.shape.t(self)

    @property
    def T(self):  # noqa: N802 - PyTorch's name
        return modules.shape.permute(self, tuple(reversed(range(self._data.ndim))))

    @property
    def mT(self):  # noqa: N802 - PyTorch's name
        if self._data.ndim == 1:  # a 0-d tensor is its own transpose (PyTorch warns)
            raise RuntimeError(
                f"tensor.mT is only supported on matrices or batches of matrices. Got {self._data.ndim}-D tensor."
            )
        return modules.shape.transpose(self, -2, -1)

    def expand(self, *sizes):
        return modules.shape.expand(self, *sizes)

    def expand_as(self, other):
        return modules.shape.expand(self, other.shape)

    def broadcast_to(self, shape):
        return modules.shape.expand(self, shape)

    def repeat(self, *sizes):
        return modules.shape.repeat(self, *sizes)

    def flip(self, dims):
        return modules.shape.flip(self, dims)

    def split(self, split_size_or_sections, dim=0):
        return modules.join.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return modules.join.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return modules.join.unbind(self, dim)

    # -- indexing -----------------------------------------------------------------------------
    def __setitem__(self, index, value) -> None:
        modules.indexing.setitem(self, index, value)

    def __getitem__(self, index) -> Tensor:
        return modules.indexing.getitem(self, index)

    def gather(self, dim, index):
        return modules.indexing.gather(self, dim, index)

    def scatter(self, dim, index, src):
        return modules.indexing.scatter(self, dim, index, src)

    def scatter_add(self, dim, index, src):
        return modules.indexing.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        return modules.indexing.index_select(self, dim, index)

    def masked_fill(self, mask, value):
        return modules.indexing.masked_fill(self, mask, value)

    def where(self, condition, other):
        return modules.indexing.where(condition, self, other)

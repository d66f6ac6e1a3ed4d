"""``Tensor``: a NumPy array plus what autograd needs (``requires_grad``, ``grad``, ``grad_fn``).

The class is deliberately light (``__slots__``, a fast internal constructor) because one is
made for every op. The numeric work of every method lives in ``neuronlab.ops``. This file
holds the core (construction, autograd attributes, conversion, dtype); the rest is inherited
from three mixins, each one-line methods forwarding to the ops: ``MathMethods``
(``tensor_math.py``: ``x + y``, ``x.exp()``, ``x.sum()``), ``ShapeMethods`` (``tensor_shape.py``:
``x.view()``, ``x[i]``) and ``InPlaceMethods`` (``tensor_inplace.py``: ``x.add_()``, ``x -= y``).
"""

from __future__ import annotations

import warnings

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.call_time_imports import modules
from neuronlab.engine.device import CPU, check_device
from neuronlab.engine.printing import tensor_repr
from neuronlab.engine.tensor_inplace import InPlaceMethods
from neuronlab.engine.tensor_math import MathMethods
from neuronlab.engine.tensor_shape import ShapeMethods

_NUMBER = (int, float, bool, np.number, np.bool_)


class Tensor(MathMethods, ShapeMethods, InPlaceMethods):
    """A multi-dimensional array that can record the operations applied to it.

    Create tensors with ``neuronlab.tensor``, ``zeros``, ``randn``...; ``Tensor(data)``
    also works and copies ``data`` with ``tensor``'s dtype rules.

    Example:
        >>> x = neuronlab.tensor([[1.0, 0.0], [-1.0, 1.0]], requires_grad=True)
        >>> x.pow(2).sum().backward()
        >>> x.grad
        tensor([[ 2.,  0.],
                [-2.,  2.]])
    """

    __slots__ = (
        "_data",
        "_requires_grad",
        "_grad",
        "grad_fn",
        "_version",
        "_hooks",
        "__weakref__",
    )
    __array_priority__ = 1000  # ndarray + Tensor -> Tensor.__radd__

    def __init__(self, data=None, *sizes, dtype=None, requires_grad: bool = False) -> None:
        # PyTorch's legacy constructor: Tensor(2, 3) is an uninitialized 2x3 float tensor (zeros
        # here), Tensor([1, 2]) a float tensor; arrays and tensors keep their dtype.
        if _is_size(data) and all(_is_size(s) for s in sizes):
            default = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
            array = np.zeros((data, *sizes), dtype=default.numpy)
        elif isinstance(data, list | tuple) and dtype is None:
            array = as_array(data, None).astype(dtypes.get_default_dtype().numpy, copy=False)
        else:
            array = as_array(data if data is not None else [], dtype)
        self._data = array
        self._requires_grad = False
        self._grad = None
        self.grad_fn = None
        self._version = [0]
        self._hooks = None
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array: np.ndarray, requires_grad: bool = False, grad_fn=None) -> Tensor:
        """Internal fast constructor: no checks, no copy."""
        t = object.__new__(Tensor)
        t._data = array
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = grad_fn
        t._version = [0]
        t._hooks = None
        return t

    # -- autograd attributes ------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded so gradients can flow to it."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place on a leaf tensor; returns ``self``."""
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach()."
                )
            return self
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients; this tensor is "
                f"{self.dtype}: convert it first, e.g. x.float()"
            )
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward`` (leaves, and tensors that ``retain_grad``)."""
        if self._grad is None and self.grad_fn is not None and not self.retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got {type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"assigned grad has shape {tuple(value.shape)} but the tensor has shape "
                    f"{tuple(self.shape)}; they must be equal"
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op (user-created or ``requires_grad=False``)."""
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after ``backward`` (leaves always keep it)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retained = self

    @property
    def retains_grad(self) -> bool:
        """Whether ``retain_grad()`` was called on this non-leaf tensor."""
        return self.grad_fn is not None and self.grad_fn.__dict__.get("retained") is self

    def register_hook(self, hook):
        """Call ``hook(grad)`` when the gradient for this tensor is computed; a non-``None``
        return value replaces the gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            self.grad_fn.register_hook(hook)
        else:
            self._hooks = [*(self._hooks or ()), hook]
        return hook

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        """Compute the gradient of this tensor with respect to the graph's leaves and add it
        to their ``.grad`` (gradients accumulate: call ``zero_grad`` between steps)."""
        if inputs is None and not create_graph and self.grad_fn is not None:  # loss.backward()
            modules.graph._backward_arrays(self, gradient, bool(retain_graph))
            return
        modules.graph.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """A tensor sharing this one's storage, cut off from the graph."""
        t = Tensor._wrap(self._data)
        t._version = self._version
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph, in place."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """A detached tensor sharing storage (changes to it are not recorded by autograd)."""
        return self.detach()

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data if isinstance(value, Tensor) else as_array(value, None)

    # -- array attributes ---------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape as a ``Size``, or the length of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim)]

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return CPU

    is_cuda = False

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim: int | None = None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[self._dim(dim)]

    def data_ptr(self) -> int:
        return self._data.ctypes.data

    def _dim(self, dim: int) -> int:
        """Normalize a possibly negative ``dim``, with PyTorch's error when out of range."""
        n = max(self._data.ndim, 1)
        if not -n <= dim < n:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
            )
        return dim % n

    # -- conversion ---------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying NumPy array (shared, not copied)."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        # NumPy functions see only values: a tensor in a graph is refused, as by PyTorch, so
        # that ``x * np.exp(x)`` cannot silently drop a gradient path (issue 12).
        array = self.numpy()
        if dtype is not None and array.dtype != dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def item(self):
        """The single value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar; "
                "item() needs exactly one element"
            )
        return self._data.item()  # NumPy's item() takes any one-element array

    def tolist(self):
        """Nested Python lists (a number for a 0-dim tensor)."""
        return self._data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous "
                f"(shape {tuple(self.shape)}); use .any() or .all()"
            )
        return bool(self._data.reshape(()).item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(modules.join.unbind(self, 0))

    __hash__ = object.__hash__  # by identity, as in PyTorch (== is elementwise)

    def __repr__(self) -> str:
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self) if not spec else format(str(self), spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment"
            )
        t = type(self).__new__(type(self))
        t._data = self._data.copy()
        t._requires_grad = self._requires_grad
        t._grad = None if self._grad is None else Tensor._wrap(self._grad._data.copy())
        t.grad_fn = None
        t._version = [0]
        t._hooks = None
        memo[id(self)] = t
        return t

    # -- dtype and device ---------------------------------------------------------------
    def to(self, *args, **kwargs) -> Tensor:
        """Convert dtype (``x.to(neuronlab.float64)``) and/or device (``'cpu'`` only)."""
        target = kwargs.pop("dtype", None)
        check_device(kwargs.pop("device", None))
        kwargs.pop("non_blocking", None)
        copy = kwargs.pop("copy", False)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                target = arg.dtype
            elif isinstance(arg, dtypes.dtype) or arg in (float, int, bool):
                target = arg
            else:
                check_device(arg)
        if target is None:
            return self.clone() if copy else self
        return modules.cast.to_dtype(self, dtypes.as_dtype(target), copy=copy)

    def type(self, dtype=None):
        """The type name (no argument) or a converted tensor (PyTorch's ``Tensor.type``)."""
        if dtype is None:
            names = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
                     "bool": "Bool", "float16": "Half", "uint8": "Byte", "int8": "Char",
                     "int16": "Short"}  # fmt: skip
            return f"neuronlab.{names[self.dtype.name]}Tensor"
        return self.to(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args, **kwargs):
        check_device("cuda")

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool)

    def clone(self, *, memory_format=None) -> Tensor:
        """A copy that stays in the graph (its gradient flows back to this tensor)."""
        return modules.cast.clone(self)

    def contiguous(self, memory_format=None) -> Tensor:
        return self if self._data.flags.c_contiguous else modules.cast.clone(self)

    # -- new tensors like this one --------------------------------------------------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        return modules.creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return modules.creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return modules.creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return modules.creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return modules.creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


class Size(tuple):
    """A tensor's shape: a tuple that prints like PyTorch's ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"neuronlab.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


def as_array(data, dtype) -> np.ndarray:
    """Copy ``data`` into a new array with PyTorch's dtype inference.

    Python floats become the default float dtype (float32), ints int64, bools bool; a NumPy
    array keeps its dtype. ``dtype`` overrides the inference.
    """
    if isinstance(data, Tensor):
        array = data._data.copy()
    elif isinstance(data, np.ndarray | np.generic):
        array = np.array(data)
    else:
        try:
            array = np.array(data)
        except ValueError:  # a ragged nested list: PyTorch's error types
            if not _mixes_numbers_and_sequences(data):
                raise ValueError(f"could not build a tensor from {type(data).__name__}: nested "
                                 "sequences must have equal lengths at each depth") from None  # fmt: skip
            array = np.array(None, dtype=object)
        if array.dtype == object:
            raise TypeError(
                f"could not build a tensor from {type(data).__name__}: nested sequences must be "
                "rectangular and hold numbers"
            )
        if dtype is None:
            if array.dtype.kind == "f":
                array = array.astype(dtypes.get_default_dtype().numpy)
            elif array.dtype.kind in "iu":
                array = array.astype(np.int64)
    if dtype is not None:
        array = array.astype(dtypes.as_dtype(dtype).numpy, copy=False)
    dtypes.from_numpy_dtype(array.dtype)
    return array


def _mixes_numbers_and_sequences(data) -> bool:
    if not isinstance(data, list | tuple):
        return False
    if len({isinstance(d, list | tuple) for d in data}) > 1:
        return True
    return any(_mixes_numbers_and_sequences(d) for d in data)


def _rebuild(array, requires_grad):
    return Tensor._wrap(array, requires_grad)


def _is_size(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)

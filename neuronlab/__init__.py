"""neuronlab: a NumPy deep-learning engine with PyTorch's API, a lab of course experiments,
and tools for seeing inside training.

``import neuronlab as torch`` runs PyTorch tensor and autograd code unchanged for everything
neuronlab covers (see docs/compatibility.md).
"""

from __future__ import annotations

from neuronlab import autograd
from neuronlab.engine import cuda_stub as cuda
from neuronlab.engine.device import device
from neuronlab.engine.dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from neuronlab.engine.function import ShapeError
from neuronlab.engine.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from neuronlab.engine.random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from neuronlab.engine.runtime import (
    are_deterministic_algorithms_enabled,
    finfo,
    get_default_device,
    get_num_interop_threads,
    get_num_threads,
    iinfo,
    is_deterministic_algorithms_warn_only_enabled,
    set_default_device,
    set_num_interop_threads,
    set_num_threads,
    use_deterministic_algorithms,
)
from neuronlab.engine.tensor import Size, Tensor
from neuronlab.ops.activation import (
    log_softmax,
    logsigmoid,
    prelu,
    relu,
    relu6,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from neuronlab.ops.arithmetic import (
    add,
    div,
    divide,
    floor_divide,
    mul,
    multiply,
    neg,
    negative,
    pow,
    reciprocal,
    remainder,
    square,
    sub,
    subtract,
    true_divide,
)
from neuronlab.ops.cast import clone
from neuronlab.ops.comparison import (
    allclose,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    eq,
    equal,
    ge,
    greater,
    greater_equal,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    ne,
    not_equal,
)
from neuronlab.ops.creation import (
    arange,
    as_tensor,
    bernoulli,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from neuronlab.ops.cross import cross_old as cross
from neuronlab.ops.decompositions import svd_old as svd
from neuronlab.ops.erfinv import erfinv
from neuronlab.ops.indexing import (
    gather,
    index_select,
    masked_fill,
    nonzero,
    scatter,
    scatter_add,
    where,
)
from neuronlab.ops.join import cat, chunk, concat, concatenate, split, stack, unbind
from neuronlab.ops.linalg import bmm, dot, matmul, mm, mv, outer
from neuronlab.ops.matrix_functions import matrix_exp, matrix_power
from neuronlab.ops.meshgrid import meshgrid
from neuronlab.ops.pointwise import (
    abs,
    absolute,
    acosh,
    arccosh,
    arcsinh,
    arctanh,
    asinh,
    atanh,
    ceil,
    clamp,
    clip,
    cos,
    cosh,
    erf,
    exp,
    expm1,
    floor,
    heaviside,
    log,
    log1p,
    log2,
    log10,
    maximum,
    minimum,
    round,
    rsqrt,
    sgn,
    sign,
    sin,
    sinh,
    sqrt,
    trunc,
)
from neuronlab.ops.reduction import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    count_nonzero,
    cumsum,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    std,
    sum,
    var,
)
from neuronlab.ops.shape import (
    broadcast_to,
    flatten,
    flip,
    permute,
    reshape,
    squeeze,
    swapaxes,
    swapdims,
    t,
    transpose,
    unflatten,
    unsqueeze,
)
from neuronlab.ops.solvers import det, logdet, pinverse, slogdet
from neuronlab.ops.solvers import inv as inverse
from neuronlab.ops.sorting import argsort, sort, topk

__version__ = "0.1.0"


def is_tensor(obj) -> builtins_bool:
    """True if ``obj`` is a neuronlab Tensor."""
    return isinstance(obj, Tensor)


def numel(input) -> builtins_int:
    """Number of elements of ``input``."""
    return input.numel()


def detach(input) -> Tensor:
    """``input.detach()``."""
    return input.detach()


def is_floating_point(input) -> builtins_bool:
    return input.is_floating_point()


def install_as_torch() -> None:
    """Make ``import torch`` (and ``from torch import nn``...) load neuronlab in this process;
    see ``neuronlab.as_torch``."""
    from neuronlab.as_torch import install_as_torch as install

    install()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, sci_mode=None) -> None:
    """Accepted for compatibility; neuronlab prints with PyTorch's default options."""


import builtins as _builtins  # noqa: E402

builtins_bool, builtins_int = _builtins.bool, _builtins.int

# Sub-packages PyTorch code reaches through the top-level name (torch.nn.functional, ...).
from neuronlab import backends, datasets, linalg, metrics, nn, optim, special, testing, utils  # noqa: E402
from neuronlab.serialization import load, save  # noqa: E402

# Sub-packages loaded on first use (PEP 562), so ``import neuronlab`` stays fast:
# ``neuronlab.classic``, ``neuronlab.analysis``, ``neuronlab.train``, ``neuronlab.lab``, ...
_LAZY_SUBMODULES = ("analysis", "bench", "classic", "cli", "lab", "train", "tune")


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module(f"neuronlab.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'neuronlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))

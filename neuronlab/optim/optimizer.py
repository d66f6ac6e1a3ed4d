"""``Optimizer``: the base class of every optimizer, with PyTorch's parameter groups and
``state_dict`` layout.

An optimizer holds ``param_groups`` (a list of dicts: the group's tensors under ``"params"``
plus its options, e.g. ``lr``) and ``state`` (a dict from a parameter to that parameter's
buffers, e.g. ``{"step": tensor(3.), "exp_avg": tensor(...)}``). A subclass only says how
to create a parameter's state (``_init_state``) and how to update one parameter
(``_update``); the loop over groups and parameters lives here.

Updates are written in NumPy on the parameter's array (``p._data``) with ``out=`` ufuncs:
nothing is recorded by autograd, ``p.grad`` is only read, and each step allocates no new
parameter-sized arrays (state buffers are made once; intermediate results go to two scratch
arrays per parameter shape, kept outside ``state``).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any, TypeAlias

import numpy as np

from neuronlab.engine import dtypes
from neuronlab.engine.grad_mode import enable_grad
from neuronlab.engine.tensor import Tensor

ParamsT: TypeAlias = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]
StateDict: TypeAlias = dict[str, Any]


class _RequiredParameter:
    """Marks an option that every parameter group must give (PyTorch's ``required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def step_tensor(value: float = 0.0) -> Tensor:
    """The ``state["step"]`` counter: a 0-dim float tensor, as in PyTorch (float32 unless the
    default dtype is float64). It is a tensor, not an int, so that it is saved with the
    other state and so that ``state_dict`` has PyTorch's layout."""
    dtype = np.float64 if dtypes.get_default_dtype() is dtypes.float64 else np.float32
    return Tensor._wrap(np.array(value, dtype=dtype))


def zeros_state(p: Tensor, fill: float = 0.0) -> Tensor:
    """A state buffer shaped like ``p`` filled with ``fill`` (allocated once, updated in place)."""
    return Tensor._wrap(np.full(p._data.shape, fill, dtype=p._data.dtype))


def check_differentiable(differentiable: bool) -> None:
    """``differentiable=True`` (a step recorded by autograd) is not available: neuronlab
    updates parameters in NumPy, outside the graph. ``foreach``/``fused``/``capturable`` are
    accepted and ignored (one NumPy implementation; same numbers)."""
    if differentiable:
        raise NotImplementedError(
            "differentiable=True is not supported: neuronlab optimizers update parameters in "
            "NumPy outside autograd; leave differentiable=False"
        )


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of tensors (``model.parameters()``), of ``(name, tensor)`` pairs, or
            of dicts that define parameter groups, each with its own options::

                [{"params": weights, "weight_decay": 1e-4}, {"params": biases}]
        defaults: the options a group takes when it does not set them.

    ``step()`` updates every parameter whose ``grad`` is not ``None``; ``zero_grad()`` clears
    the gradients; ``state_dict()`` / ``load_state_dict()`` save and restore the state and
    the options with the same layout as PyTorch::

        {"state": {0: {"momentum_buffer": tensor(...)}, ...},
         "param_groups": [{"lr": 0.1, ..., "params": [0, 1]}, ...]}

    Example:
        >>> w = neuronlab.ones(2, requires_grad=True)
        >>> opt = neuronlab.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0.8000, 0.8000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}: wrap it in a list, e.g. [w]"
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._scratch: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # -- groups -----------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing ones come from ``defaults``).

        Example:
            >>> opt.add_param_group({"params": head.parameters(), "lr": 1e-2})
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)

        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(tensors):
            raise ValueError(
                "all optimizer params should be with/without names. Some param names are missing"
            )
        param_group["params"] = tensors
        if names:
            param_group["param_names"] = names

        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}"
                )
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            param_group.setdefault(name, default)

        ids = [id(p) for p in tensors]
        if len(ids) != len(set(ids)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error; "
                "see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                kind = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {kind} to the optimizer"
                )
            if not {id(p) for p in group["params"]}.isdisjoint(ids):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- the step -----------------------------------------------------------------------------
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given.

        ``closure`` re-evaluates the model and returns the loss (it runs with gradient
        recording on); parameters whose ``grad`` is ``None`` are skipped.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for i, group in enumerate(self.param_groups):  # checked first: a refused step changes nothing
            lr = group.get("lr", 0.0)
            # The constructor's rule (lr >= 0), checked again because groups are mutable
            # (schedulers and users assign group["lr"]); nan and None fail here, not halfway.
            if not (isinstance(lr, int | float | np.number | Tensor) and 0 <= float(lr)):
                raise ValueError(
                    f"{type(self).__name__}.step: param group {i} has lr={lr!r}; the learning rate must be a "
                    "number >= 0 (no parameter was updated)"
                )
        with np.errstate(all="ignore"):  # IEEE results (inf, nan) without warnings, as in PyTorch
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group: dict[str, Any]) -> None:
        """Update the parameters of one group that have a gradient."""
        states = self.state
        for p in group["params"]:
            grad = p._grad
            if grad is None:
                continue
            state = states.get(p)
            if not state:
                state = {}
                self._init_state(p, state, group)
            arrays = {k: v._data if isinstance(v, Tensor) else v for k, v in state.items()} if state else {}
            data = p._data
            self._update(data, grad._data, arrays, group, self._work(data))
            if len(arrays) != len(state):  # buffers the update created (SGD's momentum)
                for key, value in arrays.items():
                    if key not in state:
                        state[key] = Tensor._wrap(value)
            if state:
                states[p] = state
            p._version[0] += 1

    def _init_state(self, p: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Create ``p``'s state buffers (called before its first update)."""

    @staticmethod
    def state_buffers(group: dict[str, Any]) -> int:
        """How many parameter-shaped state buffers this optimizer keeps per parameter with the
        options of ``group`` (missing options take the constructor's defaults); step counters
        (0-dim) are not counted. ``analysis.memory`` reads it."""
        raise NotImplementedError

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any],
                work: tuple[np.ndarray, np.ndarray]) -> None:  # fmt: skip
        """Update one parameter array in place (``state`` maps names to arrays)."""
        raise NotImplementedError

    def _work(self, param: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Two scratch arrays shaped like ``param``, shared by all parameters of that shape and
        dtype (updates run one parameter at a time), so a step allocates nothing new."""
        key = (param.shape, param.dtype)
        work = self._scratch.get(key)
        if work is None:
            work = self._scratch[key] = (
                np.empty(param.shape, param.dtype),
                np.empty(param.shape, param.dtype),
            )
        return work

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients: set them to ``None`` (default) or fill them with zeros.

        With ``None`` the next ``step`` skips a parameter that received no gradient; with
        zeros it updates it with a zero gradient (which still moves it through momentum and
        weight decay).
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if g.grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad_(False)
                if g._data.flags.writeable:
                    g._data.fill(0)
                    g._version[0] += 1
                else:
                    p.grad = Tensor._wrap(np.zeros(g._data.shape, g._data.dtype))

    # -- saving and loading -----------------------------------------------------------------------
    def state_dict(self) -> StateDict:
        """The state and options with parameters replaced by their index (PyTorch's layout).

        The buffers are the optimizer's own tensors, not copies (as in PyTorch): save or
        ``copy.deepcopy`` the result before stepping again if you need a snapshot.

        Example:
            >>> opt.state_dict()["param_groups"][0]["params"]
            [0, 1]
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)] if isinstance(p, Tensor) else p: dict(s) for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Restore state and options saved by ``state_dict`` (buffers are copied and cast to
        each parameter's dtype; ``step`` keeps its own dtype; arrays become tensors)."""
        groups = self.param_groups
        saved_groups = [dict(g) for g in state_dict["param_groups"]]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = {k: _cast_state(param, k, v) for k, v in value.items()}
            else:
                state[key] = value
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            for name, default in self.defaults.items():  # options added after the save
                saved.setdefault(name, default)
        self.state = state
        self.param_groups = saved_groups

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._scratch = {}

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast_state(param: Tensor, key: str, value: Any) -> Any:
    """A fresh copy of one saved state value: tensors/arrays cast to the parameter's dtype
    (``step`` keeps its dtype; a number ``step`` becomes a tensor, as PyTorch does)."""
    if key == "step":
        if isinstance(value, Tensor | np.ndarray | np.generic):
            array = np.asarray(value._data if isinstance(value, Tensor) else value)
            return Tensor._wrap(np.array(array, copy=True))
        return step_tensor(float(value))
    if isinstance(value, Tensor | np.ndarray):
        array = value._data if isinstance(value, Tensor) else value
        if array.ndim and array.shape != param._data.shape:
            raise ValueError(
                f"loaded optimizer state {key!r} has shape {tuple(array.shape)} but its parameter has shape "
                f"{tuple(param._data.shape)}: the state dict belongs to another model (nothing was loaded)"
            )
        dtype = param._data.dtype if array.dtype.kind == "f" else array.dtype
        return Tensor._wrap(np.array(array, dtype=dtype, copy=True))
    return value

"""Whether operations are recorded for autograd: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

The flag is per thread, as in PyTorch: ``STATE`` is a ``threading.local``, so ``no_grad`` in
one thread (or the backward pass, which sets grad mode to ``create_graph`` while it runs)
never changes what another thread records. Every new thread starts with grad mode on. The
per-op check is one attribute read. Each class works as a context manager and as a
decorator, as in PyTorch.
"""

from __future__ import annotations

import functools
import threading


class _GradState(threading.local):
    """``enabled``: whether this thread records operations. ``__init__`` runs once in each
    thread that reads it, so every thread starts with grad mode on."""

    def __init__(self) -> None:
        self.enabled = True


STATE = _GradState()


def is_grad_enabled() -> bool:
    """True when new operations are recorded in the autograd graph."""
    return STATE.enabled


class _GradModeContext:
    """Base: set the flag on enter, restore the previous value on exit; also a decorator."""

    mode: bool = True

    def __enter__(self) -> None:
        self._previous = STATE.enabled
        STATE.enabled = self.mode

    def __exit__(self, *exc) -> None:
        STATE.enabled = self._previous

    def __call__(self, func):
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            previous = STATE.enabled
            STATE.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                STATE.enabled = previous

        return wrapper


class _NoParamDecorator(_GradModeContext):
    """Also usable as a bare decorator: ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is None:
            return self
        return self(orig_func)


class no_grad(_NoParamDecorator):  # noqa: N801 - PyTorch's name
    """Do not record operations (inference, parameter updates).

    Example:
        >>> x = neuronlab.ones(2, requires_grad=True)
        >>> with neuronlab.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    mode = False


class enable_grad(_NoParamDecorator):  # noqa: N801 - PyTorch's name
    """Record operations again inside a ``no_grad`` block."""

    mode = True


class set_grad_enabled(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Turn recording on or off; takes effect immediately, like PyTorch's function form,
    and restores the previous state when used as a context manager."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._previous = STATE.enabled
        STATE.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        STATE.enabled = self._previous

    def __call__(self, func):
        STATE.enabled = self._previous  # as a decorator it only acts inside the function
        return super().__call__(func)


class inference_mode(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Same as ``no_grad`` in neuronlab (there is no separate inference tensor kind)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode

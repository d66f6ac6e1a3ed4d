"""``neuronlab.backends``: the flags teaching code sets (``backends.cudnn.deterministic = True``,
``backends.mps.is_available()``). neuronlab has no GPU backend: the flags are plain
attributes that change nothing, and every ``is_available()`` but the CPU's says False."""

from neuronlab.backends import cpu, cuda, cudnn, mkl, mps

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mps"]

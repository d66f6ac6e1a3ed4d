"""A cache of memory blocks for the large arrays of convolution and pooling: ``empty`` and
``zeros`` hand out arrays carved from blocks that no array uses any more, much as PyTorch's
caching allocator does (``empty``'s docstring says why: page faults, issue 7).

Thread-safe: finding a free block and taking it is one step under a lock.
"""

from __future__ import annotations

import sys
import threading
import tracemalloc

import numpy as np

__all__ = ["empty", "release_buffers", "zeros"]

REUSE_MIN_BYTES = 2**16  # smaller arrays are cheap for malloc to recycle
REUSE_MAX_BYTES = 2**27  # the most the cache holds (least recently used blocks go first)
_blocks: list[np.ndarray] = []  # flat byte blocks, least recently handed out first
_blocks_lock = threading.Lock()  # finding a free block and taking it must be one step


def empty(shape: tuple, dtype) -> np.ndarray:
    """``np.empty(shape, dtype)`` carved from a cached block of memory that no array uses any
    more (the block's reference count says so), much as PyTorch's caching allocator does.

    Why (issue 7, LeNet-5 at batch 128): glibc hands freed heap back to the OS whenever its
    top free block outgrows a threshold that depends on the process's history, so in a fresh
    process every training step touched ~10 MiB of fresh pages again, ~2,700 page faults
    (a step took 11 ms with glibc told to keep its heap, 17-20 ms without). With conv and
    pooling taking their arrays from here it takes 13-15 ms. A block serves requests of its
    exact size. While ``tracemalloc`` traces nothing is reused, so that memory measurements
    see every array; ``release_buffers()`` lets the cached blocks go.
    """
    dtype = np.dtype(dtype)
    nbytes = dtype.itemsize * _count(shape)
    if not REUSE_MIN_BYTES <= nbytes <= REUSE_MAX_BYTES // 4 or tracemalloc.is_tracing():
        return np.empty(shape, dtype)
    with _blocks_lock:
        index = _unused_block(_blocks, nbytes, _UNUSED_REFS)
        if index >= 0:
            block = _blocks.pop(index)
        else:
            block = np.empty(nbytes, np.uint8)
            held = nbytes + sum(b.nbytes for b in _blocks)
            while held > REUSE_MAX_BYTES:
                held -= _blocks.pop(0).nbytes  # arrays still using it keep it alive
        _blocks.append(block)
    return block[:nbytes].view(dtype).reshape(shape)


def zeros(shape: tuple, dtype) -> np.ndarray:
    """``np.zeros`` through ``empty``'s cache."""
    out = empty(shape, dtype)
    out.fill(0)
    return out


def release_buffers() -> None:
    """Let the blocks that ``empty`` keeps go (arrays still using one keep it alive)."""
    with _blocks_lock:
        _blocks.clear()


def _count(shape) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _unused_block(blocks: list, nbytes: int, unused_refs: int) -> int:
    """The index of the most recently used block of exactly ``nbytes`` bytes that no array
    uses (referenced only by ``blocks``), or -1. The most recent one is likeliest to be in
    cache still; exact sizes keep an array's memory owner as large as the array, which
    ``neuronlab.analysis.memory`` counts."""
    for i in range(len(blocks) - 1, -1, -1):
        b = blocks[i]
        if b.nbytes == nbytes and sys.getrefcount(b) <= unused_refs:
            return i
    return -1


def _references_when_unused() -> int:
    """The reference count ``_unused_block`` sees for a block held by its list alone:
    measured, not assumed, since interpreters count borrowed references differently."""
    for refs in range(1, 8):
        if _unused_block([np.empty(1, np.uint8)], 1, refs) == 0:
            used = np.empty(1, np.uint8)
            if _unused_block([used], 1, refs) == -1:
                return refs
            break
    raise RuntimeError("reference counts cannot tell whether a cached block is in use")


_UNUSED_REFS = _references_when_unused()

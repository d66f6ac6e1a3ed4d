"""Random number generation as PyTorch does it on the CPU: a ``Generator`` holding an MT19937
state seeded as PyTorch seeds it, and ``manual_seed``.

The word stream is the Mersenne Twister's (``np.random.MT19937``, seeded by the classic
``init_genrand`` with the seed's low 32 bits, as ``at::mt19937`` does); the samplers in
``engine/sampling.py`` turn words into numbers with PyTorch's formulas, so
``manual_seed(s)`` followed by the same calls gives the same bits as PyTorch 2.13
(limits in docs/compatibility.md). Every random function takes ``generator=None`` and
otherwise draws from one default generator.

The state (``get_state``) has PyTorch's byte layout (a 5056-byte uint8 tensor), so a state
saved by one library can be restored in the other.
"""

from __future__ import annotations

import struct

import numpy as np

from neuronlab.engine.tensor import Tensor

DEFAULT_SEED = 67280421310721  # PyTorch's default_rng_seed_val
_STATE_N = 624  # Mersenne Twister words
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState) in PyTorch
_HEADER = struct.Struct("<QiiQ")  # the_initial_seed, left, seeded, next
_NORMAL = struct.Struct("<dddi")  # normal_x, normal_y, normal_rho, normal_is_valid
_FLOAT_NORMAL = struct.Struct("<f?")  # next_float_normal_sample, is_valid


def _as_seed(seed) -> int:
    """PyTorch's seed rule: any integer in [-2⁶³, 2⁶⁴), negatives taken modulo 2⁶⁴."""
    seed = int(seed)
    if seed < -(2**63) or seed >= 2**64:
        raise RuntimeError(f"Overflow when unpacking long long: seed {seed} is out of [-2^63, 2^64)")
    return seed % 2**64


class Generator:
    """A seeded source of random numbers: PyTorch's CPU generator (MT19937).

    Besides the Twister's words it keeps what PyTorch keeps: the seed, and the second value
    of the last Box–Muller pair drawn one at a time (``randn`` below 16 elements).

    Example:
        >>> g = neuronlab.Generator().manual_seed(0)
        >>> neuronlab.rand(2, generator=g)   # tensor([0.4963, 0.7682]), as torch
    """

    def __init__(self, device="cpu") -> None:
        self.device = device
        self._bits = np.random.MT19937(0)
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Reset the stream to the one defined by ``seed``; returns the generator."""
        self._seed = _as_seed(seed)
        self._bits._legacy_seeding(self._seed & 0xFFFFFFFF)  # at::mt19937 keeps the low 32 bits
        self._fresh = True  # PyTorch writes next = 0 in the state until the first draw
        self.next_double_normal: float | None = None
        self.next_float_normal: float | None = None
        return self

    def seed(self) -> int:
        """Seed from fresh entropy and return the seed used (a 64-bit number, as PyTorch)."""
        seed = int(np.random.SeedSequence().entropy % 2**64)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed last given to ``manual_seed`` (or the default)."""
        return self._seed

    # --- the word stream -----------------------------------------------------------------
    def random32(self, n: int) -> np.ndarray:
        """``n`` 32-bit words (``generator->random()``), as uint64."""
        self._fresh = False
        return self._bits.random_raw(int(n))

    def random64(self, n: int) -> np.ndarray:
        """``n`` 64-bit words (``generator->random64()``: the first word is the high half)."""
        self._fresh = False
        words = self._bits.random_raw(2 * int(n)).reshape(-1, 2)
        return (words[:, 0] << np.uint64(32)) | words[:, 1]

    # --- state ---------------------------------------------------------------------------
    def get_state(self) -> Tensor:
        """The full state as PyTorch's 5056-byte uint8 tensor (for checkpoints)."""
        mt = self._bits.state["state"]
        buffer = bytearray(_STATE_BYTES)
        pos = int(mt["pos"])  # words used since the last twist; PyTorch's left = 625 - pos
        _HEADER.pack_into(buffer, 0, self._seed, _STATE_N + 1 - pos, 1, 0 if self._fresh else pos)
        buffer[24 : 24 + 8 * _STATE_N] = np.asarray(mt["key"], dtype="<u8").tobytes()
        valid = self.next_double_normal is not None
        _NORMAL.pack_into(buffer, 5016, 0.0, self.next_double_normal if valid else 0.0, 0.0, int(valid))
        valid_f = self.next_float_normal is not None
        _FLOAT_NORMAL.pack_into(buffer, 5048, self.next_float_normal if valid_f else 0.0, valid_f)
        return Tensor(np.frombuffer(bytes(buffer), dtype=np.uint8).copy())

    def set_state(self, state) -> Generator:
        """Restore a state returned by ``get_state`` (neuronlab's or PyTorch's)."""
        array = state.numpy() if hasattr(state, "numpy") else np.asarray(state)
        raw = bytes(np.asarray(array, dtype=np.uint8))
        if len(raw) != _STATE_BYTES:
            raise RuntimeError(
                f"Expected a generator state of {_STATE_BYTES} bytes (PyTorch's layout), got {len(raw)}; "
                "states saved before neuronlab used PyTorch's generator cannot be restored"
            )
        seed, left, _seeded, pos = _HEADER.unpack_from(raw, 0)
        self._fresh = pos == 0 and left == 1
        pos = _STATE_N + 1 - left
        key = np.frombuffer(raw[24 : 24 + 8 * _STATE_N], dtype="<u8").astype(np.uint32)
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": int(pos)}}
        self._seed = seed
        _x, normal_y, _rho, valid = _NORMAL.unpack_from(raw, 5016)
        self.next_double_normal = normal_y if valid else None
        float_normal, valid_f = _FLOAT_NORMAL.unpack_from(raw, 5048)
        self.next_float_normal = float_normal if valid_f else None
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; the same seed gives the same numbers as PyTorch's."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor (PyTorch's layout)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state."""
    default_generator.set_state(new_state)


def generator_of(generator: Generator | None) -> Generator:
    """``generator``, or the default one when ``None``."""
    return default_generator if generator is None else generator


def numpy_rng(generator: Generator | None) -> np.random.Generator:
    """A NumPy generator seeded by one 64-bit draw from ``generator``.

    For neuronlab's own sampling that has no PyTorch counterpart (scikit-learn's
    ``random_state``, ``trunc_normal_``'s rejection loop): reproducible under
    ``manual_seed``, but not PyTorch's numbers.
    """
    return np.random.Generator(np.random.PCG64(int(generator_of(generator).random64(1)[0])))

"""Random number generation: a ``Generator`` wrapping NumPy's PCG64, and ``manual_seed``.

Every random function takes ``generator=None`` and otherwise draws from one default
generator, so ``manual_seed(s)`` makes a whole run repeat bit for bit. The streams are
NumPy's, not PyTorch's: the same seed gives different numbers than in PyTorch.
"""

from __future__ import annotations

import json

import numpy as np

from neuronlab.engine.tensor import Tensor


class Generator:
    """A seeded source of random numbers (``neuronlab.Generator().manual_seed(0)``)."""

    def __init__(self, device="cpu") -> None:
        self._seed = 67280421310721  # PyTorch's default seed, for familiarity
        self.rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> Generator:
        """Reset the stream to the one defined by ``seed``; returns the generator."""
        seed = int(seed)
        if seed < 0:
            raise ValueError(f"manual_seed(): seed must be non-negative, got {seed}")
        self._seed = seed
        self.rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self) -> int:
        """Seed from fresh entropy and return the seed used."""
        seed = int(np.random.SeedSequence().entropy % (2**63))
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed last given to ``manual_seed`` (or the default)."""
        return self._seed

    def get_state(self):
        """The full generator state as a uint8 tensor (JSON bytes), for checkpoints."""
        text = json.dumps({"seed": self._seed, "state": self.rng.bit_generator.state})
        return Tensor(np.frombuffer(text.encode(), dtype=np.uint8).copy())

    def set_state(self, state) -> None:
        """Restore a state returned by ``get_state``."""
        array = state.numpy() if hasattr(state, "numpy") else np.asarray(state)
        payload = json.loads(bytes(np.asarray(array, dtype=np.uint8)).decode())
        self._seed = payload["seed"]
        self.rng = np.random.Generator(np.random.PCG64())
        self.rng.bit_generator.state = payload["state"]


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; the same seed gives the same numbers, bit for bit."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(state) -> None:
    """Restore the default generator's state."""
    default_generator.set_state(state)


def rng_of(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (the default one when ``None``)."""
    return (generator or default_generator).rng

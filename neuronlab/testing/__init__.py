"""``neuronlab.testing.assert_close``: PyTorch's comparison of tensors in tests."""

from neuronlab.testing.comparison import assert_close

__all__ = ["assert_close"]

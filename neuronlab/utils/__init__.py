"""Utilities with PyTorch's names: ``neuronlab.utils.data`` (datasets, samplers, loaders)."""

from neuronlab.utils import data

__all__ = ["data"]

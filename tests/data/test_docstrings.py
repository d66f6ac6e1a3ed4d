"""The examples in the data modules' docstrings run and print what they say (STYLE 19)."""

import doctest
import importlib

import numpy as np
import pytest

import neuronlab
import neuronlab.datasets as datasets
import neuronlab.utils.data as data

MODULES = [
    "neuronlab.utils.data",
    "neuronlab.utils.data.collate",
    "neuronlab.utils.data.dataloader",
    "neuronlab.utils.data.dataset",
    "neuronlab.utils.data.sampler",
    "neuronlab.datasets.digits",
    "neuronlab.datasets.regression",
    "neuronlab.datasets.scaling",
    "neuronlab.datasets.split",
    "neuronlab.datasets.tensor_dataset",
    "neuronlab.datasets.toy",
    "neuronlab.datasets.validation",
]  # mnist1d's example is the slow test in test_real_data.py


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    names = {k: getattr(datasets, k) for k in datasets.__all__} | {k: getattr(data, k) for k in data.__all__}
    result = doctest.testmod(
        importlib.import_module(name),
        extraglobs={"neuronlab": neuronlab, "np": np, **names},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0

"""One module per experiment (see ``neuronlab/lab/experiment.py`` for the contract)."""

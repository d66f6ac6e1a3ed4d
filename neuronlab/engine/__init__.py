"""The engine: dtypes, devices, random generators, grad mode, ``Tensor``, ``Function`` and
the backward walk. Everything above it (ops, nn, optim...) is built from these."""

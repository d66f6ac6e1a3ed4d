"""``backends.mkl``: neuronlab uses NumPy's BLAS, whichever it is."""


def is_available() -> bool:
    return False

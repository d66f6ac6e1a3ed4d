"""``neuronlab.cuda``: there is no GPU backend, so ``is_available()`` is False, as scripts
that choose ``device = "cuda" if torch.cuda.is_available() else "cpu"`` expect."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed: there is no GPU generator."""


manual_seed_all = manual_seed

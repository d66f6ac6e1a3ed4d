"""``backends.cpu``: the CPU is neuronlab's only device."""


def get_cpu_capability() -> str:
    return "DEFAULT"

"""``backends.cuda``: no CUDA in neuronlab; the matmul flags are plain attributes."""


class _Matmul:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True


matmul = _Matmul()


def is_built() -> bool:
    return False

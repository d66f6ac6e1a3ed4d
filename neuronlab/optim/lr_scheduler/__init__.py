"""``neuronlab.optim.lr_scheduler``: learning-rate schedules with PyTorch's API and numbers.

One file per family: ``base`` (``LRScheduler``), ``lambda_lr`` (``LambdaLR``), ``decay``
(``StepLR``, ``MultiStepLR``, ``ExponentialLR``), ``cosine`` (``CosineAnnealingLR``),
``warmup`` (``LinearLR``), ``sequential`` (``SequentialLR``), ``plateau``
(``ReduceLROnPlateau``).

Example:
    >>> opt = neuronlab.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> sched = neuronlab.optim.lr_scheduler.SequentialLR(
    ...     opt,
    ...     [LinearLR(opt, start_factor=0.1, total_iters=5), CosineAnnealingLR(opt, T_max=45)],
    ...     milestones=[5],
    ... )
    >>> for epoch in range(50):
    ...     train_one_epoch(model, opt)
    ...     sched.step()
"""

from neuronlab.optim.lr_scheduler.base import LRScheduler
from neuronlab.optim.lr_scheduler.cosine import CosineAnnealingLR
from neuronlab.optim.lr_scheduler.decay import ExponentialLR, MultiStepLR, StepLR
from neuronlab.optim.lr_scheduler.lambda_lr import LambdaLR
from neuronlab.optim.lr_scheduler.plateau import ReduceLROnPlateau
from neuronlab.optim.lr_scheduler.sequential import SequentialLR
from neuronlab.optim.lr_scheduler.warmup import LinearLR

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]

# PyTorch keeps its schedulers in one module, and code checks it (d2l:
# ``scheduler.__module__ == lr_scheduler.__name__``): report that public module.
for _cls in (CosineAnnealingLR, ExponentialLR, LRScheduler, LambdaLR, LinearLR, MultiStepLR, ReduceLROnPlateau,
             SequentialLR, StepLR):  # fmt: skip
    _cls.__module__ = __name__
del _cls

"""``neuronlab.optim``: optimizers (``SGD``, ``Adagrad``, ``RMSprop``, ``Adam``, ``AdamW``) and
learning-rate schedulers (``neuronlab.optim.lr_scheduler``), with PyTorch's API and numbers.

Each optimizer lives in its own file next to a plain NumPy function that does one update
(``sgd_update``, ``adam_update``, ...), whose docstring gives the algorithm and the paper.

Example:
    >>> opt = neuronlab.optim.Adam(model.parameters(), lr=1e-3)
    >>> sched = neuronlab.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    >>> for epoch in range(30):
    ...     opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    ...     sched.step()
"""

from neuronlab.optim import lr_scheduler
from neuronlab.optim.adagrad import Adagrad, adagrad_update
from neuronlab.optim.adam import Adam, adam_update
from neuronlab.optim.adamw import AdamW, adamw_update
from neuronlab.optim.optimizer import Optimizer
from neuronlab.optim.rmsprop import RMSprop, rmsprop_update
from neuronlab.optim.sgd import SGD, sgd_update

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "adagrad_update",
    "adam_update",
    "adamw_update",
    "lr_scheduler",
    "rmsprop_update",
    "sgd_update",
]

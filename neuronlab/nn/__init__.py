"""``neuronlab.nn``: modules, layers, losses, initializers (``nn.init``) and ``nn.functional``."""

from neuronlab.nn import functional, init, parallel, utils
from neuronlab.nn.modules import *  # noqa: F403
from neuronlab.nn.modules.module import Module
from neuronlab.nn.parameter import Parameter

"""``neuronlab.nn``: modules, layers, losses, initializers (``nn.init``) and ``nn.functional``."""

from neuronlab.nn import functional
